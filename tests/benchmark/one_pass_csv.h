#pragma once
// The baseline the CSV loader's speed is measured against (docs/performance.md, "Loading CSV"): the simplest correct
// one-pass parse of a CSV text into the same columns, written plainly with the standard library. One pass over the
// bytes, each record split into fields as RFC 4180 reads them (quotes, "" inside quotes), each field converted by its
// column's type and appended with Column's appenders. It checks nothing the conversion does not need (no key, no
// not_null or bounds, no `checks:`) and reads only the forms `segmint generate` writes (true/false, YYYY-MM-DD,
// YYYY-MM-DDTHH:MM:SS[.ffffff]Z, items joined by |). The benchmark checks that it gives the loader's table exactly.
#include <optional>
#include <string>
#include <string_view>

#include "data/table.h"
#include "schema/schema.h"

namespace segmint::bench {

// nullopt with the reason in *error for a record or field it cannot read.
std::optional<data::Table> one_pass_load(std::string_view csv, const schema::Schema& schema, std::string* error);

}  // namespace segmint::bench
