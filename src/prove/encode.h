#pragma once
// IR → Z3 terms with the interpreter's meaning (docs/prove.md). Every expression becomes a pair: its value and a
// Boolean that is true when it is NULL (the value is then meaningless). Internal to the stage: only prove/ sees Z3.
#include <z3++.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ir/ir.h"
#include "prove/encode_calendar.h"
#include "scalar/scalar.h"
#include "schema/schema.h"

namespace segmint::prove {

// A construct the encoding does not model exactly; the query that needs it answers `unknown`.
struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Term {
    std::optional<z3::expr> value;  // absent for a column of a type the encoding does not model (list<string>)
    z3::expr null;
};

// The variables of one customer column.
struct ColumnVars {
    // Int (int, date, timestamp, string/enum code), Float64 (number) or Bool; absent for list<string>
    std::optional<z3::expr> value;
    z3::expr null;
};

class Encoder {
public:
    // With `every_date`, the as-of instant is a variable of every query (`today` its UTC date) rather than `as_of`.
    // `fact_rules` are rules of further segments (the schema's checks, prove::Prover), encoded as the others are.
    Encoder(z3::context& context, const schema::Schema& schema, const std::vector<ir::Rule>& rules, scalar::AsOf as_of,
            bool every_date = false, const std::vector<ir::Rule>& fact_rules = {});

    // The rule of catalog segment `segment` as a term of type Bool (throws Unsupported). Cached.
    const Term& rule(uint32_t segment);
    // `segment` is a member: its rule is TRUE (not FALSE, not NULL).
    z3::expr member(uint32_t segment);
    // Membership of `segment` with nodes of its rule (conditions) replaced by constants (not cached).
    z3::expr member_with(uint32_t segment, const std::vector<std::pair<const ir::Node*, bool>>& replaced);
    // The columns the rule reads, its references' included.
    const std::set<uint32_t>& columns_of(uint32_t segment);

    // Range facts of every column created so far (int64 range, calendar and timestamp range, enum codes, string
    // codes >= 0, numbers finite).
    const std::vector<z3::expr>& facts() const { return facts_; }
    const ColumnVars& column(uint32_t index) const { return columns_.at(index); }
    // The as-of date and instant: constants, or with `every_date` variables (days / micros since the epoch).
    const z3::expr& today() const { return today_; }
    const z3::expr& now() const { return now_; }
    bool every_date() const { return every_date_; }
    // What makes a witness readable, when the region allows it: ints and numbers within ±1000, dates within ten years
    // before and one after the as-of date, timestamps within a year of the as-of instant, strings among the first
    // codes past the constants.
    z3::expr ordinary(uint32_t index) const;
    // Ordinary as-of instants, most ordinary first: proving for every date, the given as-of, then a midnight from a
    // year before it to ten years after; otherwise just `true`.
    std::vector<z3::expr> ordinary_as_of() const;

    // Strings are codes: each string constant and enum value has one code (its index in this table); a code past
    // the table stands for a string equal to none of them, a different string per code.
    const std::vector<std::string>& strings() const { return strings_; }

    // Text (encode_text.cpp). What the rule of `segment` abstracts (an uninterpreted regex or lower/upper), or null
    // when its encoding is exact: a non-empty answer that uses it holds only if its witness replays.
    const std::string* abstraction(uint32_t segment);
    // The constants a list column holds in `model` (the lists are modelled as "contains constant k" flags).
    std::vector<std::string> list_contents(uint32_t column, const z3::model& model) const;

private:
    Term encode(const ir::Node& node, std::set<uint32_t>& columns);
    Term number_arithmetic(const ir::Node& node, const z3::expr& x, const z3::expr& y, const z3::expr& null);
    Term timestamp_shift(const ir::Node& node, std::set<uint32_t>& columns);
    Term constant(const ir::Value& value, ir::Type type);
    const ColumnVars& column_vars(uint32_t index);
    Term aggregate(const ir::Node& node);
    int64_t string_code(const std::string& text);
    z3::expr in_range(const z3::expr& value, ir::Type type) const;
    // Text (encode_text.cpp): string columns read through order, text operators or lower/upper/length are Z3
    // strings; the rest stay codes.
    void scan_text(const std::vector<ir::Rule>& rules);
    bool text_mode(const ir::Node& node) const;
    bool text_node(const ir::Node& node) const;  // encoded by encode_text
    Term encode_text(const ir::Node& node, std::set<uint32_t>& columns);
    Term text_value(const ir::Node& node, std::set<uint32_t>& columns);
    z3::expr text_literal(const std::string& text);
    ColumnVars text_column(const schema::Column& column, const std::string& name, const z3::expr& null);
    z3::expr text_ordinary(uint32_t index) const;
    z3::expr list_item(uint32_t column, const std::string& item);

    z3::context& ctx_;
    const schema::Schema& schema_;
    std::map<uint32_t, const ir::Rule*> rules_;
    std::vector<std::pair<const ir::Node*, bool>> replaced_;  // member_with: each node reads as its constant
    scalar::AsOf as_of_;
    bool every_date_;
    z3::expr today_, now_;
    std::map<uint32_t, Term> encoded_;
    std::map<uint32_t, std::string> unsupported_;  // segments whose rule threw, with why
    std::map<uint32_t, std::set<uint32_t>> columns_of_;
    std::map<uint32_t, ColumnVars> columns_;
    std::map<std::string, Term> aggregates_;  // by key
    // exists and count variables of the same events (table, column, filter), for the fact that links them
    std::map<std::string, std::pair<std::optional<z3::expr>, std::optional<z3::expr>>> event_counts_;
    std::vector<z3::expr> facts_;
    std::vector<std::string> strings_;
    std::map<std::string, int64_t> string_codes_;
    std::set<uint32_t> text_columns_;
    std::set<uint32_t> text_chars_;  // code points of the text constants (ordinary strings may use them)
    size_t longest_text_ = 0;
    std::map<std::pair<uint32_t, std::string>, z3::expr> list_items_;
    std::map<std::string, size_t> regex_ids_;
    std::string abstraction_;  // what the rule being encoded abstracts, if anything
    std::map<uint32_t, std::string> abstractions_;
    Calendar calendar_;
};

// The UTF-8 text of a Z3 string value of the text encoding.
std::string text_of(const z3::expr& value);

}  // namespace segmint::prove
