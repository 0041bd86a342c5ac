#pragma once
// Every limit on input size, in one place. docs/limits.md lists them with the error each one produces.
#include <cstddef>
#include <cstdint>

namespace segmint::limits {

inline constexpr size_t kMaxSpecFileBytes = 16u << 20;  // 16 MiB per .seg file
inline constexpr size_t kMaxNestingDepth = 256;         // parentheses, `not`, unary `-`, operator chains
inline constexpr size_t kMaxIdentifierBytes = 256;
inline constexpr size_t kMaxStringLiteralBytes = 1u << 20;  // 1 MiB
inline constexpr size_t kMaxListItems = 100000;             // `in (...)`, `contains any/all (...)`
inline constexpr size_t kMaxSegments = 100000;              // per check/eval run
// Segments one `overlap` run compares pairwise: 2,000 segments are 2 million pairs, each a pass over two bitmaps
// (seconds on a million customers); 100,000 would be 5 billion pairs, more than any run or report can hold.
inline constexpr size_t kMaxOverlapSegments = 2000;
// `segmint prove` looks for equal segments (P002) among at most this many pairs of segments that read the same
// columns (two solver queries a pair); past it that lint is skipped, and the summary says so.
inline constexpr size_t kMaxEqualityPairs = 10000;
// Each query of the warning lints (P002 equal segments, P003 dead conditions) stops after this long (or
// --timeout-ms, if shorter): a lint, not a proof, so a question the solver finds hard stays unreported rather than
// holding up the run (regexes Z3 struggles with took the whole 10 s each).
inline constexpr unsigned kLintQueryMs = 1000;
// Conditions under a schema's `checks:`: each is compiled, run over every loaded table, and asserted in proofs
// (5,000 took 17 s to prove on specs-sized catalogs).
inline constexpr size_t kMaxSchemaChecks = 1000;
// Tables under a schema's `events:`; each is a file to load and a pass over it per run.
inline constexpr size_t kMaxEventTables = 64;
inline constexpr size_t kMaxYamlFileBytes = 16u << 20;
inline constexpr size_t kMaxYamlDepth = 64;
inline constexpr size_t kMaxYamlNodes = 1000000;     // nodes visited, aliases counted each time they are used
inline constexpr size_t kMaxYamlFlowItems = 100000;  // items in one flow collection `[...]`/`{...}`

}  // namespace segmint::limits
