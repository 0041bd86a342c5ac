#include "report/explain_output.h"

#include "common/text_format.h"
#include "report/value_json.h"

namespace segmint::report {

namespace {

using engine::ExplainedNode;

// A value as a line shows it: NULL, or the value as a rule would write it.
std::string shown_value(const ir::Value& value) {
    return ir::is_null(value) ? "NULL" : escape_controls(ir::value_text(value));
}

// A condition's value: TRUE, FALSE or NULL.
std::string truth_text(const ir::Value& value) {
    if (const bool* b = std::get_if<bool>(&value)) return *b ? "TRUE" : "FALSE";
    return shown_value(value);
}

std::string where(const semantic::Catalog& catalog, uint32_t segment) {
    const Source& source = *catalog.files[catalog.segments[segment].file].source;
    return source.name() + ":" + std::to_string(source.location(catalog.definition(segment).span.begin).line);
}

std::string events_text(const semantic::Catalog& catalog, const ir::AggregateSpec& spec, uint64_t events,
                        uint64_t matched) {
    std::string out = "(" + with_thousands(events) + " " +
                      escape_controls(catalog.schema->events.at(spec.events).name) +
                      (events == 1 ? " event" : " events");
    if (spec.filter) out += ", " + with_thousands(matched) + " pass its window and condition";
    return out + ")";
}

void node_text(const ExplainedNode& node, const semantic::Catalog& catalog, size_t depth, std::string& out) {
    out.append(depth * 2, ' ');
    const std::string text = escape_controls(node.text);
    if (node.type == ir::Type::Bool) {
        out += "[" + truth_text(node.value) + "] " + text;
    } else {
        out += text + " = " + shown_value(node.value);
    }
    if (node.aggregate) out += "  " + events_text(catalog, *node.aggregate, node.events, node.matched);
    if (node.segment) {
        out += node.expanded_above ? "  (segment: its rule is shown above)"
                                   : "  (segment, " + escape_controls(where(catalog, *node.segment)) + ")";
    }
    if (node.decides) out += "  <- decides";
    out += "\n";
    for (const ExplainedNode& child : node.children) node_text(child, catalog, depth + 1, out);
}

nlohmann::ordered_json node_json(const ExplainedNode& node, const semantic::Catalog& catalog) {
    nlohmann::ordered_json out;
    const LineColumn at = node.source->location(node.span.begin);
    out["text"] = node.text;
    out["line"] = at.line;
    out["column"] = at.column;
    out["type"] = ir::type_name(node.type);
    out["value"] = value_json(node.value);
    if (node.decides) out["decides"] = true;
    if (node.column) out["reads"] = catalog.schema->columns[*node.column].name;
    if (node.segment) {
        out["segment"] = catalog.segments[*node.segment].name;
        if (node.expanded_above) out["expanded_above"] = true;
    }
    if (node.aggregate) {
        out["events"] = node.events;
        if (node.aggregate->filter) out["matched"] = node.matched;
    }
    nlohmann::ordered_json children = nlohmann::ordered_json::array();
    for (const ExplainedNode& child : node.children) children.push_back(node_json(child, catalog));
    out["children"] = std::move(children);
    return out;
}

}  // namespace

std::string explanation_text(const engine::Explanation& explanation, const semantic::Catalog& catalog,
                             const std::string& key) {
    const std::string customer = escape_controls(key);
    const std::string& segment = catalog.segments[explanation.segment].name;
    std::string out = "customer " + customer + " (" + escape_controls(catalog.schema->key) + ")\n\n";
    node_text(explanation.rule, catalog, 0, out);
    if (!explanation.columns.empty()) {
        out += "\ncolumns read:\n";
        for (const auto& column : explanation.columns) {
            out += "  " + escape_controls(column.name) + " = " + shown_value(column.value) + "\n";
        }
    }
    if (!explanation.aggregates.empty()) {
        out += "\nevent aggregates read:\n";
        for (const auto& aggregate : explanation.aggregates) {
            out += "  " + escape_controls(aggregate.text) + " = " + shown_value(aggregate.value) + "  " +
                   events_text(catalog, *aggregate.spec, aggregate.events, aggregate.matched) + "\n";
        }
    }
    out += "\ncustomer " + customer + (explanation.member ? " is in " : " is not in ") + escape_controls(segment) +
           " (the rule is " + truth_text(explanation.rule.value) + ")\n";
    return out;
}

void add_explanation_json(nlohmann::ordered_json& document, const engine::Explanation& explanation,
                          const semantic::Catalog& catalog, const std::string& key) {
    document["customer"] = key;
    document["key_column"] = catalog.schema->key;
    document["value"] = value_json(explanation.rule.value);
    document["member"] = explanation.member;
    document["tree"] = node_json(explanation.rule, catalog);
    nlohmann::ordered_json columns = nlohmann::ordered_json::array();
    for (const auto& column : explanation.columns) {
        columns.push_back({{"name", column.name}, {"value", value_json(column.value)}});
    }
    document["columns"] = std::move(columns);
    nlohmann::ordered_json aggregates = nlohmann::ordered_json::array();
    for (const auto& aggregate : explanation.aggregates) {
        nlohmann::ordered_json item = {
            {"text", aggregate.text}, {"value", value_json(aggregate.value)}, {"events", aggregate.events}};
        if (aggregate.spec->filter) item["matched"] = aggregate.matched;
        aggregates.push_back(std::move(item));
    }
    document["aggregates"] = std::move(aggregates);
}

}  // namespace segmint::report
