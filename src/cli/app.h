#pragma once
// The `segmint` command line. Kept thin: each command parses its options and calls the stages.
namespace segmint::cli {

// Exit codes (docs/cli.md): 0 success, 1 errors in specs or failed checks, 2 usage or input errors.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitUsage = 2;

int run(int argc, char** argv);

}  // namespace segmint::cli
