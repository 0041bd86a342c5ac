#pragma once
// Fixture test files (docs/projects.md): a handful of customers written in YAML, the date `today` means, and the
// segments each customer is expected to be in or out of. The customers become a data::Table through the CSV loader,
// so a fixture value means exactly what the same text means in a CSV file.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/source.h"
#include "data/table.h"
#include "schema/schema.h"

namespace segmint::project {

// One expected membership: customer `row` should (member) or should not be in `segment`.
struct Expectation {
    std::string segment;
    Span segment_span;  // the segment's key under `expect`
    uint64_t row = 0;   // the customer's row in Fixture::table
    std::string key;    // the customer's key, as the table shows it
    Span span;          // the key in the `in`/`not_in` list
    bool member = true;
};

struct Fixture {
    std::shared_ptr<const Source> source;
    std::string as_of;  // YYYY-MM-DD or a timestamp, for engine::parse_as_of
    std::optional<data::Table> table;
    std::vector<Span> customer_spans;       // by row
    std::vector<Expectation> expectations;  // in file order
};

// Reads a fixture file against `schema`. Problems (E2xx, with key paths; a value the CSV rules reject points at that
// value) go to `sink`; nullopt when there was any. Segment names are checked later, against the catalog.
std::optional<Fixture> load_fixture(std::shared_ptr<const Source> source, const schema::Schema& schema,
                                    DiagnosticSink& sink);

// The key column's value of `row` as text (how samples and fixture messages name a customer).
std::string key_text(const data::Table& table, uint64_t row);

}  // namespace segmint::project
