#pragma once
// The optimizer: rewrites of a rule's IR, one pass per file, all registered in one list (passes.cpp). Each pass can be
// disabled by name (`--disable-pass NAME`), and the IR is verified after every pass. A pass never changes which
// customers are members: the differential test runs the VM with and without the optimizer against the reference.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "ir/ir.h"
#include "optimize/stats.h"
#include "scalar/scalar.h"
#include "schema/schema.h"

namespace segmint::optimize {

// Something a pass learned that the user should hear about ("this rule can never match"), as a diagnostic.
struct Finding {
    uint32_t segment;
    Span span;
    std::string message;
    Code code = Code::NeverMatches;
    std::string hint;
};

struct PassContext {
    scalar::AsOf as_of;
    const schema::Schema* schema = nullptr;
    const TableStats* stats = nullptr;  // null when no data is loaded (check, explain)
    std::vector<Finding>* findings = nullptr;
    const char* rows = "customer";  // what a row of `schema` is, for findings: "event" in an aggregate's filter
};

struct Pass {
    const char* name;
    const char* summary;
    std::function<void(ir::Rule&, PassContext&)> run;
};

// Every pass, in the order they run.
const std::vector<Pass>& passes();
std::vector<std::string> pass_names();

struct Options {
    bool enabled = true;
    std::set<std::string> disabled;  // pass names
};

// Runs the enabled passes over `rule`. Throws std::logic_error if a pass leaves invalid IR (a bug).
void optimize(ir::Rule& rule, PassContext& context, const Options& options);

// The catalog-wide pass (shared_conditions.cpp), after the per-rule ones: conditions that occur more than once across
// `rules` are replaced by Shared nodes; the result holds each shared condition once (Shared.shared indexes it). A
// shared condition may contain Shared nodes of lower index: its parts, computed before it.
inline constexpr const char* kSharedConditions = "shared_conditions";
std::vector<ir::NodePtr> share_conditions(std::vector<ir::Rule>& rules, const Options& options);

// Helpers shared by passes.
bool is_constant(const ir::Node& node);
bool is_null_constant(const ir::Node& node);
bool is_bool_constant(const ir::Node& node, bool value);
ir::NodePtr make_constant(ir::Type type, ir::Value value, Span span);
// Applies `rewrite` to every node bottom-up (children first), replacing each node by the result.
void rewrite_bottom_up(ir::NodePtr& node, const std::function<void(ir::NodePtr&)>& rewrite);

}  // namespace segmint::optimize
