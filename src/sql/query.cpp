// The queries of the three modes around the translated rules. Every query scans the table once: segments that other
// segments refer to become columns of layered CTEs (a layer per depth of the reference graph, each `SELECT *` of the
// one before plus its segments' 0/1 columns), which the rules then read; a rule is never inlined twice or re-scanned.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>

#include "ir/lower.h"
#include "optimize/optimizer.h"
#include "sql/dialect.h"
#include "sql/generator.h"
#include "sql/sql.h"

namespace segmint::sql {

namespace {

// The passes whose output SQL can express: today/now become literals (computed once, here), constants fold, bounds
// merge, logic simplifies. Never dictionary_predicates (DictLookup/Placeholder) nor order_conjuncts (it orders for
// the VM's costs) nor the catalog-wide shared_conditions (Shared).
const std::set<std::string>& sql_passes() {
    static const std::set<std::string> names = {"resolve_time", "constant_folding", "merge_ranges", "simplify_logic"};
    return names;
}

std::string lowercase(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

void collect_references(const ir::Node& node, std::set<uint32_t>& out) {
    if (node.kind == ir::Kind::Segment) out.insert(node.segment);
    for (const auto& arg : node.args) collect_references(*arg, out);
}

}  // namespace

struct Generator::State {
    const semantic::Catalog& catalog;
    const Dialect& dialect;
    std::string prefix;  // of the columns holding referenced segments' memberships
    std::vector<bool> has_rule;
    std::vector<std::string> expressions;             // by catalog index: the rule as SQL
    std::vector<std::optional<std::string>> refused;  // by catalog index: the construct not translated
    std::vector<std::vector<uint32_t>> references;    // by catalog index, sorted

    State(const semantic::Catalog& c, const Dialect& d) : catalog(c), dialect(d) {}

    // `segment:INDEX:NAME`: the index keeps two names apart that SQL would take for one (SQLite's column names ignore
    // case even quoted; PostgreSQL cuts identifiers at 63 bytes), the name keeps the SQL readable.
    std::string segment_column(uint32_t segment) const {
        return dialect.identifier(prefix + std::to_string(segment) + ":" + catalog.segments.at(segment).name);
    }

    // The segment holding the first construct refused in `segment` or the segments it refers to.
    std::optional<uint32_t> refused_in(uint32_t segment, std::set<uint32_t>& seen) const {
        if (!seen.insert(segment).second) return std::nullopt;
        if (refused[segment]) return segment;
        for (uint32_t ref : references[segment]) {
            if (auto found = refused_in(ref, seen)) return found;
        }
        return std::nullopt;
    }

    // Depth in the reference graph: 0 for a rule that refers to no segment.
    size_t depth(uint32_t segment, std::map<uint32_t, size_t>& memo) const {
        auto it = memo.find(segment);
        if (it != memo.end()) return it->second;
        size_t d = 0;
        for (uint32_t ref : references[segment]) d = std::max(d, depth(ref, memo) + 1);
        return memo[segment] = d;
    }

    // The FROM of a query over `segments`: the table, or WITH ... layers of the segments they refer to.
    // `layered` receives the segments the layers hold.
    std::pair<std::string, std::string> source(const std::vector<uint32_t>& segments, const std::string& table,
                                               std::set<uint32_t>* layered = nullptr) const {
        std::set<uint32_t> needed;
        std::vector<uint32_t> pending;
        for (uint32_t s : segments) pending.insert(pending.end(), references[s].begin(), references[s].end());
        while (!pending.empty()) {
            uint32_t s = pending.back();
            pending.pop_back();
            if (!needed.insert(s).second) continue;
            pending.insert(pending.end(), references[s].begin(), references[s].end());
        }
        const std::string table_name = dialect.table_name(table);
        if (layered) *layered = needed;
        if (needed.empty()) return {"", table_name};
        std::map<uint32_t, size_t> memo;
        std::map<size_t, std::vector<uint32_t>> layers;
        for (uint32_t s : needed) layers[depth(s, memo)].push_back(s);
        std::string layer_base = "segmint_layer_";
        while (lowercase(table).rfind(layer_base, 0) == 0) layer_base = "_" + layer_base;
        std::string with = "WITH\n", from = table_name;
        size_t number = 0;
        for (const auto& [level, members] : layers) {
            const std::string name = dialect.identifier(layer_base + std::to_string(++number));
            std::string columns;
            for (uint32_t s : members) {
                columns += fmt::format(",\n    {} AS {}", dialect.true_only(expressions[s]), segment_column(s));
            }
            with += fmt::format("{}{} AS (\n  SELECT *{}\n  FROM {})", number > 1 ? ",\n" : "", name, columns, from);
            from = name;
        }
        return {with + "\n", from};
    }
};

Generator::Generator(const semantic::Catalog& catalog, scalar::AsOf as_of, const std::string& dialect) {
    const Dialect* d = find_dialect(dialect);
    if (!d) throw std::invalid_argument("the " + dialect + " dialect is not implemented");
    state_ = std::make_unique<State>(catalog, *d);
    const size_t count = catalog.segments.size();
    state_->has_rule.assign(count, false);
    state_->expressions.assign(count, "");
    state_->refused.assign(count, std::nullopt);
    state_->references.assign(count, {});
    // Segment columns must not meet the table's columns, which SQL names case-insensitively.
    std::string prefix = "segment:";
    for (bool clash = true; clash;) {
        clash = false;
        for (const auto& column : catalog.schema->columns) {
            if (lowercase(column.name).rfind(lowercase(prefix), 0) == 0) clash = true;
        }
        if (clash) prefix = "_" + prefix;
    }
    state_->prefix = prefix;

    optimize::Options options;
    for (const auto& name : optimize::pass_names()) {
        if (!sql_passes().count(name)) options.disabled.insert(name);
    }
    optimize::PassContext context{as_of, catalog.schema, nullptr, nullptr};
    const std::function<std::string(uint32_t)> column = [this](uint32_t s) { return state_->segment_column(s); };
    for (auto& rule : ir::lower(catalog)) {
        optimize::optimize(rule, context, options);
        const uint32_t s = rule.segment;
        state_->has_rule[s] = true;
        std::set<uint32_t> references;
        collect_references(*rule.root, references);
        state_->references[s].assign(references.begin(), references.end());
        try {
            const std::string& name = catalog.segments.at(s).name;
            if (d->max_identifier_bytes() > 0 && name.size() + 8 > d->max_identifier_bytes()) {
                throw Unsupported(
                    fmt::format("a name of over {} bytes (its view `segment_{{name}}` would be cut at "
                                "the dialect's {}-byte identifiers)",
                                d->max_identifier_bytes() - 8, d->max_identifier_bytes()));
            }
            state_->expressions[s] = translate(*rule.root, *d, *catalog.schema, as_of, column);
        } catch (const Unsupported& e) {
            state_->refused[s] = e.what();
        }
    }
}

Generator::~Generator() = default;

std::optional<Refusal> Generator::refusal(uint32_t segment) const {
    if (segment >= state_->has_rule.size() || !state_->has_rule[segment]) return std::nullopt;
    std::set<uint32_t> seen;
    auto found = state_->refused_in(segment, seen);
    if (!found) return std::nullopt;
    return Refusal{state_->catalog.segments[*found].name, *state_->refused[*found], state_->dialect.name()};
}

std::string Generator::query(const std::vector<uint32_t>& segments, const QueryOptions& options) const {
    const State& st = *state_;
    for (uint32_t s : segments) {
        if (s >= st.has_rule.size() || !st.has_rule[s]) throw std::invalid_argument("sql: a segment without a rule");
        if (auto refused = refusal(s)) throw RefusedError(*refused);
    }
    const semantic::Catalog& catalog = st.catalog;
    const Dialect& d = st.dialect;
    const std::string table = options.table.empty() ? catalog.schema->table : options.table;
    auto name_of = [&](uint32_t s) { return d.identifier(catalog.segments[s].name); };
    if (options.mode == Mode::Views) {
        // Where names ignore case, `segment_vip` and `segment_VIP` would be one view: refused, not half created.
        std::map<std::string, uint32_t> views;
        for (uint32_t s : segments) {
            if (!d.names_ignore_case()) break;
            auto [it, added] = views.emplace(lowercase(catalog.segments[s].name), s);
            if (added) continue;
            throw RefusedError(Refusal{catalog.segments[s].name,
                                       fmt::format("a view name that differs from the view of `{}` only in case, "
                                                   "one name to the database",
                                                   catalog.segments[it->second].name),
                                       d.name()});
        }
        std::string out;
        for (uint32_t s : segments) {
            auto [with, from] = st.source({s}, table);
            const std::string query = fmt::format("{}SELECT {}\nFROM {}\nWHERE {}", with,
                                                  d.identifier(catalog.schema->key), from, st.expressions[s]);
            out += d.view_statement(d.identifier("segment_" + catalog.segments[s].name), query);
        }
        return out;
    }
    std::set<uint32_t> layered;
    auto [with, from] = st.source(segments, table, &layered);
    std::string columns, counts;
    if (options.mode == Mode::Members) columns = "\n  " + d.identifier(catalog.schema->key);
    for (size_t i = 0; i < segments.size(); ++i) {
        const uint32_t s = segments[i];
        // A segment a layer holds is read from it, not computed again.
        const std::string value = layered.count(s) ? st.segment_column(s) : d.true_only(st.expressions[s]);
        // The counts' inner columns are numbered: two segment names SQL takes for one (`vip` and `VIP` in SQLite)
        // must not meet there; only the result's columns are named after the segments.
        const std::string inner = options.mode == Mode::Counts ? d.identifier("m" + std::to_string(i)) : name_of(s);
        columns += fmt::format("{}\n  {} AS {}", columns.empty() ? "" : ",", value, inner);
        counts += fmt::format("{}\n  {} AS {}", counts.empty() ? "" : ",", d.count_sum(inner), name_of(s));
    }
    if (options.mode == Mode::Counts) {  // the sums of the members' 0/1 columns, in one scan
        return fmt::format("{}SELECT{}\nFROM (\nSELECT{}\nFROM {}){};\n", with, counts, columns, from,
                           d.derived_table_alias());
    }
    return fmt::format("{}SELECT{}\nFROM {};\n", with, columns, from);
}

}  // namespace segmint::sql
