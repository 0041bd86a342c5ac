// load_fixture: fixture customers are rendered to CSV text and loaded with the CSV loader (one set of value rules);
// a CSV error is mapped back to the YAML value it came from.
#include "project/fixture.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <unordered_map>

#include "common/calendar.h"
#include "common/suggest.h"
#include "data/csv_loader.h"
#include "data/events.h"
#include "yaml/open_mapping.h"

namespace segmint::project {

namespace {

using yaml::Field;
using yaml::Node;
using yaml::Walker;

const yaml::MappingFormat kFormat = {"fixture file",
                                     "a fixture gives `as_of`, `customers` and `expect`",
                                     {"as_of", "customers", "expect", "description"},
                                     "a mapping with `as_of`, `customers` and `expect`"};
const std::vector<std::string> kExpectKeys = {"in", "not_in"};

void append_quoted(std::string& out, const std::string& text) {
    out += '"';
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

struct Customer {
    const Node* node = nullptr;
    std::string path;
    std::vector<const Field*> fields;  // by schema column index; nullptr = not given (NULL)
    std::optional<yaml::MappingView> view;
};

// Renders one value as a CSV field; false after reporting a value no CSV field can hold.
bool render_value(Walker& walker, const schema::Column& column, const Field& field, std::string& out) {
    const Node& value = *field.value;
    if (value.is_null()) return true;  // `~`, `null` or nothing: NULL
    if (value.is_mapping()) {
        walker.wrong_kind(value, field.path, "a value");
        return false;
    }
    if (value.is_scalar()) {
        append_quoted(out, value.text);
        return true;
    }
    if (column.type != schema::ColumnType::StringList) {
        walker.wrong_kind(value, field.path, "a single value (only `list<string>` columns take a list)");
        return false;
    }
    auto items = walker.string_list(value, field.path, "a list of strings");
    if (!items) return false;
    // A YAML list's items are taken as they are: written in PostgreSQL's array form with every item quoted, so an
    // item may be empty, hold `|` or `,`, or start with `{` (the `a|b` form would split or drop such items).
    std::string array = "{";
    for (size_t i = 0; i < items->size(); ++i) {
        array += i > 0 ? ",\"" : "\"";
        for (char c : (*items)[i].text) {
            if (c == '"' || c == '\\') array += '\\';
            array += c;
        }
        array += '"';
    }
    append_quoted(out, array + "}");
    return true;
}

// The events of each event table listed under the fixture customers (`orders: [{ordered_at: …, amount: …}]`), as
// that table's CSV text loaded by the event loader, so an event value means what it means in an event file. The key
// column is the customer's; a table no customer lists events for is empty (a fixture states every event there is).
// Null after reporting an error at its YAML value.
std::shared_ptr<data::EventSet> load_inline_events(Walker& walker, const std::shared_ptr<const Source>& source,
                                                   const schema::Schema& schema, const std::vector<Customer>& customers,
                                                   const data::Table& table) {
    auto out = std::make_shared<data::EventSet>();
    for (const schema::EventTable& events : schema.events) {
        std::string csv;
        for (size_t c = 0; c < events.columns.size(); ++c) {
            if (c > 0) csv += ',';
            append_quoted(csv, events.columns[c].name);
        }
        csv += '\n';
        struct Record {
            std::vector<const Field*> values;  // by event column; nullptr = not given (NULL); point into `view`
            const Node* node;
            std::string path;
            std::optional<yaml::MappingView> view;  // owns the fields
        };
        std::deque<Record> records;  // a deque: growing never moves a record, so `values` stay valid
        std::vector<uint64_t> record_lines;
        uint64_t line = 2;
        for (const Customer& customer : customers) {
            const Field* list = schema.find(events.name) ? nullptr : customer.view->find(events.name);
            if (!list || list->value->is_null()) continue;
            const auto* items = walker.sequence(*list->value, list->path, "a list of events");
            if (!items) continue;
            const Field* key = customer.fields[schema.find(schema.key)->index];
            for (size_t i = 0; i < items->size(); ++i) {
                Record record{std::vector<const Field*>(events.columns.size(), nullptr), (*items)[i].get(),
                              yaml::index_path(list->path, i), std::nullopt};
                record.view = walker.mapping(*record.node, record.path, events.column_names(),
                                             "a mapping of the event's columns to values");
                if (!record.view) continue;
                for (const Field& field : record.view->fields()) {
                    if (field.key == events.key) {
                        walker.error(Code::YamlInvalidValue, field.key_span,
                                     field.path + ": an inline event belongs to the customer it is listed under",
                                     "leave out " + yaml::quote(events.key));
                    } else if (const schema::Column* column = events.find(std::string(field.key))) {
                        record.values[column->index] = &field;
                    }
                }
                const schema::Column* time = events.time_column();
                if (time && (!record.values[time->index] || record.values[time->index]->value->is_null())) {
                    walker.error(Code::YamlMissingKey, record.node->span,
                                 record.path + ": every event of " + yaml::quote(events.name) + " has a time " +
                                     yaml::quote(events.time));
                    continue;
                }
                std::string text;
                for (size_t c = 0; c < events.columns.size(); ++c) {
                    if (c > 0) text += ',';
                    if (events.columns[c].name == events.key) {
                        append_quoted(text, key->value->text);
                    } else if (record.values[c]) {
                        render_value(walker, events.columns[c], *record.values[c], text);
                    }
                }
                record_lines.push_back(line);
                line += 1 + static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
                csv += text + '\n';
                records.push_back(std::move(record));
            }
        }
        if (walker.error_count() > 0) return nullptr;
        data::CsvError error;
        data::CsvOptions options;
        options.check_facts = false;  // as for the customers: a test may try values outside the facts
        auto loaded = data::load_events_csv_text(csv, source->name(), table, events, &error, options);
        if (!loaded) {
            auto it = std::upper_bound(record_lines.begin(), record_lines.end(), error.line);
            const Record* record = it == record_lines.begin() ? nullptr : &records[it - record_lines.begin() - 1];
            const Field* field = record && error.column > 0 && error.column <= events.columns.size()
                                     ? record->values[error.column - 1]
                                     : nullptr;
            walker.error(Code::YamlInvalidValue,
                         field    ? field->value->span
                         : record ? record->node->span
                                  : Span{},
                         (field    ? field->path
                          : record ? record->path
                                   : events.name) +
                             ": " + error.message);
            return nullptr;
        }
        out->tables.push_back(std::move(*loaded));
    }
    return out;
}

}  // namespace

std::string key_text(const data::Table& table, uint64_t row) {
    const data::Column* key = table.find(table.schema().key);
    if (key == nullptr || key->is_null(row)) return "NULL";
    if (key->type == schema::ColumnType::Int) return std::to_string(key->int_at(row));
    return std::string(key->string_at(row));
}

std::optional<Fixture> load_fixture(std::shared_ptr<const Source> source, const schema::Schema& schema,
                                    DiagnosticSink& sink) {
    auto file = yaml::open_mapping(source, sink, kFormat);
    if (!file) return std::nullopt;
    Walker& walker = file->walker;
    const yaml::MappingView* root = &file->root;

    Fixture fixture;
    fixture.source = source;
    if (const Field* description = root->find("description")) walker.string(*description->value, description->path);
    if (const Field* as_of = walker.required(*root, "as_of")) {
        if (auto text = walker.non_empty_string(*as_of->value, as_of->path, "a date (YYYY-MM-DD)")) {
            if (calendar::parse_date(*text) || calendar::parse_timestamp(*text)) {
                fixture.as_of = *text;
            } else {
                walker.error(Code::YamlInvalidValue, as_of->value->span,
                             as_of->path + ": " + yaml::quote(*text) + " is not a date (YYYY-MM-DD) or timestamp");
            }
        }
    }

    std::vector<std::string> column_names;  // and the event tables, whose events a customer may list inline
    for (const auto& column : schema.columns) column_names.push_back(column.name);
    for (const auto& events : schema.events) {
        if (!schema.find(events.name)) column_names.push_back(events.name);
    }
    const schema::Column* key_column = schema.find(schema.key);

    // customers → CSV text, remembering where each record starts so a CSV error finds its YAML value.
    std::vector<Customer> customers;
    if (const Field* list_field = walker.required(*root, "customers")) {
        if (const auto* items = walker.sequence(*list_field->value, list_field->path, "a list of customers")) {
            for (size_t i = 0; i < items->size() && !walker.stopped(); ++i) {
                Customer customer;
                customer.node = (*items)[i].get();
                customer.path = yaml::index_path(list_field->path, i);
                customer.view =
                    walker.mapping(*customer.node, customer.path, column_names, "a mapping of column names to values");
                if (!customer.view) continue;
                customer.fields.assign(schema.columns.size(), nullptr);
                for (const Field& field : customer.view->fields()) {
                    if (const schema::Column* column = schema.find(std::string(field.key))) {
                        customer.fields[column->index] = &field;
                    }
                }
                const Field* key = key_column ? customer.fields[key_column->index] : nullptr;
                if (key == nullptr || key->value->is_null()) {
                    walker.error(Code::YamlMissingKey, customer.node->span,
                                 customer.path + ": every fixture customer needs its key " + yaml::quote(schema.key));
                    continue;
                }
                customers.push_back(std::move(customer));
            }
        }
    }
    std::string csv;
    for (size_t c = 0; c < schema.columns.size(); ++c) {
        if (c > 0) csv += ',';
        append_quoted(csv, schema.columns[c].name);
    }
    csv += '\n';
    std::vector<uint64_t> record_lines;  // physical line of each record
    uint64_t line = 2;
    for (const auto& customer : customers) {
        record_lines.push_back(line);
        std::string record;
        for (size_t c = 0; c < schema.columns.size(); ++c) {
            if (c > 0) record += ',';
            if (customer.fields[c]) render_value(walker, schema.columns[c], *customer.fields[c], record);
        }
        line += 1 + static_cast<uint64_t>(std::count(record.begin(), record.end(), '\n'));
        csv += record;
        csv += '\n';
    }
    if (walker.error_count() > 0) return std::nullopt;

    data::CsvError csv_error;
    data::CsvOptions csv_options;
    csv_options.check_key = false;    // keys are checked below, at their YAML positions
    csv_options.check_facts = false;  // a fixture customer gives only the columns its test needs
    auto table = data::load_csv_text(csv, source->name(), schema, &csv_error, csv_options);
    if (!table) {
        auto it = std::upper_bound(record_lines.begin(), record_lines.end(), csv_error.line);
        if (it == record_lines.begin() || csv_error.column == 0 || csv_error.column > schema.columns.size()) {
            walker.error(Code::YamlInvalidValue, root->node().span, "customers: " + csv_error.message);
            return std::nullopt;
        }
        const Customer& customer = customers[static_cast<size_t>(it - record_lines.begin() - 1)];
        const Field* field = customer.fields[csv_error.column - 1];
        walker.error(Code::YamlInvalidValue, field ? field->value->span : customer.node->span,
                     (field ? field->path : customer.path) + ": " + csv_error.message);
        return std::nullopt;
    }

    // Keys must name one customer each.
    std::unordered_map<std::string, uint64_t> rows_by_key;
    for (uint64_t row = 0; row < table->rows(); ++row) {
        const Customer& customer = customers[row];
        fixture.customer_spans.push_back(customer.node->span);
        auto [it, inserted] = rows_by_key.emplace(key_text(*table, row), row);
        if (!inserted) {
            const Field* key = customer.fields[key_column->index];
            walker.error(Code::YamlInvalidValue, key->value->span,
                         key->path + ": customer " + yaml::quote(it->first) + " is listed twice", "keys are unique",
                         {walker.note("first listed here", customers[it->second].node->span)});
        }
    }
    std::vector<std::string> known_keys;
    for (const auto& entry : rows_by_key) known_keys.push_back(entry.first);
    std::sort(known_keys.begin(), known_keys.end());

    if (const Field* expect = walker.required(*root, "expect")) {
        auto segments = walker.mapping(*expect->value, expect->path, "a mapping of segment names to `{in, not_in}`");
        if (segments) {
            for (const Field& segment : segments->fields()) {
                auto lists = walker.mapping(*segment.value, segment.path, kExpectKeys, "a mapping with `in`, `not_in`");
                if (!lists) continue;
                std::unordered_map<uint64_t, Span> seen;
                for (const Field& list : lists->fields()) {
                    const bool member = list.key == "in";
                    auto items = walker.string_list(*list.value, list.path, "a list of customer keys");
                    if (!items) continue;
                    for (const auto& item : *items) {
                        std::string key = item.text;
                        if (key_column && key_column->type == schema::ColumnType::Int) {
                            char* end = nullptr;
                            long long number = std::strtoll(key.c_str(), &end, 10);
                            if (!key.empty() && end == key.c_str() + key.size()) key = std::to_string(number);
                        }
                        auto row = rows_by_key.find(key);
                        if (row == rows_by_key.end()) {
                            std::string hint = did_you_mean(item.text, known_keys);
                            walker.error(Code::YamlInvalidValue, item.node->span,
                                         item.path + ": no fixture customer has the key " + yaml::quote(item.text),
                                         hint.empty() ? "list customers under `customers`" : hint);
                            continue;
                        }
                        auto [first, inserted] = seen.emplace(row->second, item.node->span);
                        if (!inserted) {
                            walker.error(Code::YamlInvalidValue, item.node->span,
                                         item.path + ": customer " + yaml::quote(item.text) + " is listed twice for " +
                                             yaml::quote(segment.key),
                                         "a customer is either in or not in a segment",
                                         {walker.note("first listed here", first->second)});
                            continue;
                        }
                        fixture.expectations.push_back(Expectation{std::string(segment.key), segment.key_span,
                                                                   row->second, row->first, item.node->span, member});
                    }
                }
            }
        }
    }
    if (walker.error_count() > 0) return std::nullopt;
    auto events = load_inline_events(walker, source, schema, customers, *table);
    if (!events) return std::nullopt;
    table->set_events(std::move(events));
    fixture.table = std::move(table);
    return fixture;
}

}  // namespace segmint::project
