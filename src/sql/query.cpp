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

// `prefix`, with underscores before it until no name of `taken` starts with it (SQL compares names ignoring case).
std::string unclashing(std::string prefix, const std::vector<std::string>& taken) {
    for (bool clash = true; clash;) {
        clash = false;
        for (const auto& name : taken) {
            if (lowercase(name).rfind(lowercase(prefix), 0) == 0) clash = true;
        }
        if (clash) prefix = "_" + prefix;
    }
    return prefix;
}

void collect_references(const ir::Node& node, std::set<uint32_t>& out) {
    if (node.kind == ir::Kind::Segment) out.insert(node.segment);
    for (const auto& arg : node.args) collect_references(*arg, out);
}

// One event aggregate as the query computes it: aggregate expressions over its event table's rows, grouped by the
// customer key (`columns`, each with the name it gets), a window column some of them read (first, last), and how a
// customer's row reads the value, no events included.
struct AggregateSql {
    uint32_t events = 0;                                        // index in Schema::events
    std::vector<std::pair<std::string, std::string>> columns;   // name, aggregate expression
    std::optional<std::pair<std::string, std::string>> window;  // name, window expression over the event rows
    std::string value;                                          // the value for a customer, over the joined columns
};

}  // namespace

struct Generator::State {
    const semantic::Catalog& catalog;
    const Dialect& dialect;
    std::string prefix;  // of the columns holding referenced segments' memberships
    std::vector<bool> has_rule;
    std::vector<std::string> expressions;             // by catalog index: the rule as SQL
    std::vector<std::optional<std::string>> refused;  // by catalog index: the construct not translated
    std::vector<std::vector<uint32_t>> references;    // by catalog index, sorted
    std::string event_prefix;                         // of the columns holding event aggregates
    std::vector<AggregateSql> aggregates;             // each distinct aggregate (by its key) once
    std::map<std::string, size_t> aggregate_index;    // key -> index in aggregates
    std::vector<std::vector<size_t>> aggregates_of;   // by catalog index: the aggregates its own rule reads
    optimize::Options options;                        // the passes SQL keeps

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

    // The customers, each with the aggregates `read` of its events: per event table one derived table, grouped by its
    // key and joined once, holding every aggregate of that table the query reads.
    std::string joined(const std::string& customers, const std::set<size_t>& read) const {
        const schema::Schema& schema = *catalog.schema;
        std::map<uint32_t, std::vector<size_t>> by_table;
        for (size_t a : read) by_table[aggregates[a].events].push_back(a);
        const std::string customers_alias = dialect.identifier(event_prefix + "customers");
        std::string out = fmt::format("  SELECT *\n  FROM {} AS {}", customers, customers_alias);
        for (const auto& [e, list] : by_table) {
            const schema::EventTable& table = schema.events[e];
            // String keys group and join bytewise, whatever collation the columns are declared with.
            const std::string key = dialect.ordered(key_type(), dialect.identifier(table.key));
            const std::string table_prefix = event_prefix + "table:" + std::to_string(e);
            const std::string key_column = dialect.identifier(table_prefix + ":key");
            std::string columns, windows;
            for (size_t a : list) {
                for (const auto& [name, expression] : aggregates[a].columns)
                    columns += fmt::format(",\n      {} AS {}", expression, dialect.identifier(name));
                if (const auto& window = aggregates[a].window)
                    windows += fmt::format(",\n        {} AS {}", window->second, dialect.identifier(window->first));
            }
            std::string rows = dialect.identifier(table.name);
            if (!windows.empty()) {
                rows = fmt::format("(\n      SELECT *{}\n      FROM {}) AS {}", windows, rows,
                                   dialect.identifier(table_prefix + ":rows"));
            }
            const std::string alias = dialect.identifier(table_prefix);
            out += fmt::format(
                "\n  LEFT JOIN (\n    SELECT {} AS {}{}\n    FROM {}\n    GROUP BY {}) AS {}\n  ON {}.{} = {}", key,
                key_column, columns, rows, key, alias, alias, key_column,
                dialect.ordered(key_type(), customers_alias + "." + dialect.identifier(schema.key)));
        }
        return out;
    }

    ir::Type key_type() const { return ir::column_type(*catalog.schema->find(catalog.schema->key)); }

    // How the query computes `spec` (the `index`th distinct aggregate) and reads it for a customer, by the rules of
    // docs/language.md "Event aggregates": no events give 0 (count, count_distinct, sum), FALSE (exists) or NULL.
    // Throws Unsupported for what the dialect cannot compute exactly.
    AggregateSql aggregate_sql(const ir::AggregateSpec& spec, size_t index, scalar::AsOf as_of) const {
        using ir::AggregateFunction;
        const Dialect& d = dialect;
        const schema::EventTable& table = catalog.schema->events.at(spec.events);
        Names names;
        names.column = [&](uint32_t c) { return d.identifier(table.columns.at(c).name); };
        names.segment = [](uint32_t) -> std::string { throw std::logic_error("sql: a segment in an event filter"); };
        // The filter folded as rules are (today and now become literals, `now - 90 days` one instant).
        std::string filter;
        if (spec.filter) {
            const schema::Schema rows = schema::event_table_schema(*catalog.schema, table);
            optimize::PassContext context{as_of, &rows, nullptr, nullptr};
            ir::Rule folded{0, table.name, spec.filter->clone(), {}};
            optimize::optimize(folded, context, options);
            filter = translate(*folded.root, d, as_of, names);
        }
        auto name = [&](const char* part) { return event_prefix + std::to_string(index) + part; };
        auto column = [&](const char* part) { return d.identifier(name(part)); };
        const schema::Column* read = spec.column ? &table.columns.at(*spec.column) : nullptr;
        const ir::Type type = read ? ir::column_type(*read) : ir::Type::Int;
        std::string value = read ? d.identifier(read->name) : "1";
        if (type == ir::Type::Timestamp) value = d.timestamp_column(value);  // as rules read the column
        if (type == ir::Type::StringList) value = d.list_column(value);
        // The value of the events the filter keeps (TRUE only), NULL for the others.
        const std::string kept = filter.empty() ? value : fmt::format("CASE WHEN {} THEN {} END", filter, value);
        AggregateSql out;
        out.events = spec.events;
        switch (spec.function) {
            case AggregateFunction::Count:
                out.columns = {{name(""), read || !filter.empty() ? "COUNT(" + kept + ")" : "COUNT(*)"}};
                out.value = "COALESCE(" + column("") + ", 0)";
                return out;
            case AggregateFunction::Exists:
                out.columns = {{name(""), "(COUNT(" + kept + ") > 0)"}};
                out.value = "COALESCE(" + column("") + ", " + d.bool_literal(false) + ")";
                return out;
            case AggregateFunction::CountDistinct:
                out.columns = {{name(""), "COUNT(DISTINCT " + d.ordered(type, kept) + ")"}};
                out.value = "COALESCE(" + column("") + ", 0)";
                return out;
            case AggregateFunction::Sum:
            case AggregateFunction::Avg: {
                // The language adds numbers in time order (docs/language.md); SQL's SUM adds them in any order, and
                // a double sum's rounding depends on it.
                if (type == ir::Type::Number) throw Unsupported("sums and averages of number values");
                std::vector<std::string> parts;
                for (const auto& part : d.int_sum_parts(kept)) {
                    const std::string part_name = name(":") + std::to_string(out.columns.size());
                    out.columns.emplace_back(part_name, part);
                    parts.push_back("COALESCE(" + d.identifier(part_name) + ", 0)");
                }
                if (spec.function == AggregateFunction::Sum) {
                    out.value = d.int_sum_total(parts);
                    return out;
                }
                out.columns.emplace_back(name(":n"), "COUNT(" + kept + ")");
                out.value =
                    fmt::format("CASE WHEN {} > 0 THEN {} END", column(":n"), d.int_sum_average(parts, column(":n")));
                return out;
            }
            case AggregateFunction::Min:
            case AggregateFunction::Max:
                out.columns = {{name(""), fmt::format("{}({})", spec.function == AggregateFunction::Min ? "MIN" : "MAX",
                                                      d.ordered(type, kept))}};
                out.value = column("");
                return out;
            case AggregateFunction::First:
            case AggregateFunction::Last: {
                // The earliest (latest) time of a kept non-NULL value, over the customer's events, then the smallest
                // value at that time. A list's order is item by item, which neither its SQLite text nor an array's
                // collation gives.
                if (type == ir::Type::StringList) throw Unsupported("first and last of a list column");
                const std::string time = d.identifier(table.time);
                const std::string candidate = (filter.empty() ? "" : "(" + filter + ") AND ") + value + " IS NOT NULL";
                out.window = {name(":t"), fmt::format("{}(CASE WHEN {} THEN {} END) OVER (PARTITION BY {})",
                                                      spec.function == AggregateFunction::First ? "MIN" : "MAX",
                                                      candidate, time, d.ordered(key_type(), d.identifier(table.key)))};
                const std::string at_that_time =
                    fmt::format("CASE WHEN {} AND {} = {} THEN {} END", candidate, time, column(":t"), value);
                out.columns = {{name(""), d.smallest(type, at_that_time)}};
                out.value = column("");
                return out;
            }
        }
        throw std::logic_error("sql: unknown aggregate");
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
        if (layered) *layered = needed;
        std::set<size_t> read;  // the aggregates of the segments and of those they refer to
        for (uint32_t s : segments) read.insert(aggregates_of[s].begin(), aggregates_of[s].end());
        for (uint32_t s : needed) read.insert(aggregates_of[s].begin(), aggregates_of[s].end());
        std::vector<std::string> tables = {table};  // which a CTE's name must not hide
        for (const auto& events : catalog.schema->events) tables.push_back(events.name);
        const std::string layer_base = unclashing("segmint_layer_", tables);
        // Each CTE: the customers with their aggregates joined (when rules read some), then a layer per depth.
        std::vector<std::string> ctes;
        std::string from = dialect.table_name(table);
        if (!read.empty()) {
            const std::string base = dialect.identifier(layer_base + "0");
            ctes.push_back(fmt::format("{} AS (\n{})", base, joined(from, read)));
            from = base;
        }
        std::map<uint32_t, size_t> memo;
        std::map<size_t, std::vector<uint32_t>> layers;
        for (uint32_t s : needed) layers[depth(s, memo)].push_back(s);
        size_t number = 0;
        for (const auto& [level, members] : layers) {
            const std::string name = dialect.identifier(layer_base + std::to_string(++number));
            std::string columns;
            for (uint32_t s : members) {
                columns += fmt::format(",\n    {} AS {}", dialect.true_only(expressions[s]), segment_column(s));
            }
            ctes.push_back(fmt::format("{} AS (\n  SELECT *{}\n  FROM {})", name, columns, from));
            from = name;
        }
        if (ctes.empty()) return {"", from};
        std::string with = "WITH\n";
        for (size_t i = 0; i < ctes.size(); ++i) with += (i ? ",\n" : "") + ctes[i];
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
    // Segment and aggregate columns must not meet the tables' columns, which SQL names case-insensitively.
    std::vector<std::string> taken = catalog.schema->column_names();
    state_->prefix = unclashing("segment:", taken);
    for (const auto& table : catalog.schema->events) {
        for (const auto& column : table.columns) taken.push_back(column.name);
    }
    state_->event_prefix = unclashing("event:", taken);
    state_->aggregates_of.assign(count, {});

    optimize::Options& options = state_->options;
    for (const auto& name : optimize::pass_names()) {
        if (!sql_passes().count(name)) options.disabled.insert(name);
    }
    optimize::PassContext context{as_of, catalog.schema, nullptr, nullptr};
    std::vector<size_t>* reading = nullptr;  // the aggregates of the rule being translated
    Names names;
    names.column = [&](uint32_t c) { return d->identifier(catalog.schema->columns.at(c).name); };
    names.segment = [this](uint32_t s) { return state_->segment_column(s); };
    names.aggregate = [&](const ir::AggregateSpec& spec) {
        State& st = *state_;
        auto it = st.aggregate_index.find(spec.key);
        if (it == st.aggregate_index.end()) {
            st.aggregates.push_back(st.aggregate_sql(spec, st.aggregates.size(), as_of));
            it = st.aggregate_index.emplace(spec.key, st.aggregates.size() - 1).first;
        }
        reading->push_back(it->second);
        return st.aggregates[it->second].value;
    };
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
            reading = &state_->aggregates_of[s];
            state_->expressions[s] = translate(*rule.root, *d, as_of, names);
            d->check_nesting(state_->expressions[s]);
            for (size_t a : state_->aggregates_of[s]) {
                for (const auto& column : state_->aggregates[a].columns) d->check_nesting(column.second);
                if (const auto& window = state_->aggregates[a].window) d->check_nesting(window->second);
            }
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
