// The per-record path of the CSV loader: every field of every record goes through here (csv_record_loader.h).
#include <algorithm>

#include "common/calendar.h"
#include "data/csv_record_loader.h"
#include "data/csv_values.h"
#include "data/narrow_ints.h"

namespace segmint::data::csv {

using schema::ColumnType;

bool Loader::skip_empty_lines() {
    for (;;) {
        if (pos_ == end_) {
            if (eof_) return true;
            if (!refill(pos_)) return false;
            continue;
        }
        const char c = buffer_[pos_];
        if (c == '\n') {
            ++pos_;
        } else if (c == '\r') {
            if (pos_ + 1 == end_ && !eof_) {
                if (!refill(pos_)) return false;
                continue;
            }
            pos_ += (pos_ + 1 < end_ && buffer_[pos_ + 1] == '\n') ? 2 : 1;
        } else {
            return true;
        }
        ++line_;
    }
}

bool Loader::next_field(Field* field, uint64_t field_index) {
    for (;;) {
        switch (scan_field(buffer_.data(), pos_, end_, eof_, field)) {
            case Scan::Field: return true;
            case Scan::NeedMore:
                if (!refill(pos_, field_index, pos_ < end_ && buffer_[pos_] == '"')) return false;
                continue;
            case Scan::Unterminated:
                return fail(line_, field_index + 1, "unterminated quoted field: the quote opened here is never closed");
            case Scan::TextAfterQuote:
                return fail(line_, field_index + 1,
                            "unexpected text after the closing quote of a quoted field (a quote inside a quoted "
                            "field is written as two quotes: \"\")");
            case Scan::QuoteInUnquoted:
                return fail(line_, field_index + 1,
                            "a quote inside an unquoted field (quote the whole field and write the quote as \"\")");
        }
    }
}

std::string_view Loader::content(const Field& field) {
    std::string_view raw(buffer_.data() + field.begin, field.end - field.begin);
    if (!field.escaped) return raw;
    scratch_.clear();
    for (size_t i = 0; i < raw.size(); ++i) {
        scratch_ += raw[i];
        if (raw[i] == '"') ++i;  // skip the second quote of the pair
    }
    return scratch_;
}

bool Loader::read_records() {
    const uint64_t field_count = header_.size();
    const uint64_t data_start = base_ + pos_;
    if (!locate_only_) start_narrowing();
    for (;;) {
        if (!skip_empty_lines()) return false;
        if (pos_ == end_) {  // skip_empty_lines stops at the end only when eof_
            narrow_staged();
            return true;
        }
        in_record_ = true;
        record_start_ = base_ + pos_;
        record_line_ = line_;
        uint64_t field_index = 0;
        for (;;) {
            Field field;
            if (!next_field(&field, field_index)) return false;
            if (field_index >= field_count) {
                return fail(line_, field_index + 1,
                            "the record has more fields than the header's " + std::to_string(field_count));
            }
            if (!locate_only_ && slots_[field_index].column != nullptr && !store(field, field_index)) return false;
            line_ += field.line_breaks;
            pos_ = field.next;
            ++field_index;
            if (field.terminator == Terminator::Comma) continue;
            if (field.terminator == Terminator::LineBreak) ++line_;
            break;
        }
        in_record_ = false;
        if (field_index < field_count) {
            return fail(record_line_, field_index + 1,
                        "the record has " + std::to_string(field_index) + " field" + (field_index == 1 ? "" : "s") +
                            " but the header has " + std::to_string(field_count) + "; `" + header_[field_index] +
                            "` and later are missing");
        }
        if (base_ + pos_ - record_start_ > options_.max_record_bytes) {
            return fail_record_too_long(field_index - 1, false);
        }
        if (next_wanted_ < wanted_rows_.size() && wanted_rows_[next_wanted_] == rows_) {
            wanted_lines_.push_back(record_line_);
            ++next_wanted_;
        }
        ++rows_;
        if (++pending_records_ == kInternBatch) intern_pending();
        if (rows_ % kRowsPerNarrowing == 0) narrow_staged();
        if (rows_ == kRowsBeforeEstimate) reserve_estimate(data_start);
    }
}

void Loader::append_null(Column& column) {
    switch (column.type) {
        case ColumnType::Int:
        case ColumnType::Timestamp: column.i64.push_back(0); break;
        case ColumnType::Number: column.f64.push_back(0.0); break;
        case ColumnType::Date:
        case ColumnType::String:
        case ColumnType::Enum: column.i32.push_back(0); break;
        case ColumnType::Bool: column.bools.push_back(false); break;
        case ColumnType::StringList: column.list_offsets.push_back(column.list_offsets.back()); break;
    }
    column.validity.push_back(false);
}

bool Loader::store(const Field& field, uint64_t field_index) {
    Column& column = *slots_[field_index].column;
    const std::string_view text = content(field);
    if (text.empty() &&
        (!field.quoted || (column.type != ColumnType::String && column.type != ColumnType::StringList))) {
        if (options_.check_facts && slots_[field_index].definition->not_null) {
            return fail(line_, field_index + 1,
                        "column `" + slots_[field_index].definition->name +
                            "` is empty (NULL), but the schema says it never is (`not_null: true`)");
        }
        if (slots_[field_index].defer_intern) {
            defer(column, true, text);
        } else {
            append_null(column);
        }
        return true;
    }
    switch (column.type) {
        case ColumnType::Int: {
            int64_t value;
            if (!parse_int(text, &value)) {
                bool digits_only = !text.empty();
                for (size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0; i < text.size(); ++i) {
                    if (text[i] < '0' || text[i] > '9') digits_only = false;
                }
                if (digits_only && text.size() > 1) {
                    return fail_value(line_, field_index, "int (64-bit: -9223372036854775808 to 9223372036854775807)",
                                      text);
                }
                return fail_value(line_, field_index, "int", text);
            }
            if (!within_bounds(field_index, value, text)) return false;
            column.i64.push_back(value);
            break;
        }
        case ColumnType::Number: {
            double value;
            switch (parse_number(text, &value)) {
                case NumberResult::Ok: break;
                case NumberResult::Invalid: return fail_value(line_, field_index, "number", text);
                case NumberResult::NotFinite:
                    return fail_value(line_, field_index, "number (NaN and infinity are not allowed)", text);
                case NumberResult::OutOfRange:
                    return fail_value(line_, field_index, "number within the range of a 64-bit double", text);
                case NumberResult::TooSmall:
                    return fail_value(line_, field_index,
                                      "number within the range of a 64-bit double (the smallest is 4.9e-324; "
                                      "write 0 for zero)",
                                      text);
            }
            if (!within_bounds(field_index, value, text)) return false;
            column.f64.push_back(value);
            break;
        }
        case ColumnType::Bool: {
            uint8_t value;
            if (!parse_bool(text, &value)) {
                return fail_value(line_, field_index, "bool (true, false, 1, 0, t or f)", text);
            }
            column.bools.push_back(value);
            break;
        }
        case ColumnType::Date: {
            auto days = calendar::parse_date(text);
            if (!days) {
                if (has_date_shape(text))
                    return fail_value(line_, field_index, "a date that exists (YYYY-MM-DD)", text);
                return fail_value(line_, field_index, "date (YYYY-MM-DD)", text);
            }
            if (!within_bounds(field_index, int64_t{*days}, text)) return false;
            column.i32.push_back(*days);
            break;
        }
        case ColumnType::Timestamp: {
            auto micros = calendar::parse_timestamp(text);
            if (!micros) {
                return fail_value(line_, field_index, "timestamp (ISO 8601, e.g. 2026-11-23T14:05:00Z)", text);
            }
            if (!within_bounds(field_index, *micros, text)) return false;
            column.i64.push_back(*micros);
            break;
        }
        case ColumnType::String: {
            if (!valid_utf8(text)) return fail_value(line_, field_index, "string (valid UTF-8)", text);
            if (slots_[field_index].defer_intern) {
                defer(column, false, text);
                return true;
            }
            column.i32.push_back(column.dictionary.intern(text));
            break;
        }
        case ColumnType::Enum: {
            // A few values (the usual case) are found faster by comparing than by hashing.
            std::optional<int32_t> code;
            const Dictionary& dictionary = column.dictionary;
            if (dictionary.size() <= 16) {
                for (size_t i = 0; i < dictionary.size(); ++i) {
                    if (dictionary.values[i] == text) {
                        code = static_cast<int32_t>(i);
                        break;
                    }
                }
            } else {
                code = dictionary.find(text);
            }
            if (!code) {
                const auto& values = slots_[field_index].definition->enum_values;
                return fail_value(line_, field_index, "one of " + join_values(values), text);
            }
            column.i32.push_back(*code);
            break;
        }
        case ColumnType::StringList: {
            if (!valid_utf8(text)) return fail_value(line_, field_index, "list<string> (valid UTF-8)", text);
            // A field that starts with `{` is PostgreSQL's array form, so a truncated or malformed one is an
            // error, never a one-item list; `[1:2]={a,b}` (explicit bounds) is refused the same way.
            if (!text.empty() && (text.front() == '{' || explicit_bounds(text))) {
                auto read = read_array_literal(text);
                if (auto* problem = std::get_if<std::string>(&read)) {
                    return fail_value(line_, field_index, "list<string> in PostgreSQL's array form: " + *problem, text);
                }
                for (const auto& item : std::get<std::vector<std::string>>(read)) {
                    column.list_codes.push_back(column.dictionary.intern(item));
                }
            } else if (!text.empty()) {
                size_t start = 0;
                for (;;) {
                    size_t bar = text.find('|', start);
                    size_t stop = bar == std::string_view::npos ? text.size() : bar;
                    column.list_codes.push_back(column.dictionary.intern(text.substr(start, stop - start)));
                    if (bar == std::string_view::npos) break;
                    start = bar + 1;
                }
            }
            column.list_offsets.push_back(column.list_codes.size());
            break;
        }
    }
    column.validity.push_back(true);
    return true;
}

void Loader::defer(Column& column, bool null, std::string_view text) {
    if (pending_count_ == pending_.size()) pending_.emplace_back();
    PendingString& pending = pending_[pending_count_++];
    pending.column = &column;
    pending.null = null;
    if (null) return;
    pending.hash = Dictionary::hash(text);
    pending.text.assign(text.data(), text.size());
    column.dictionary.prefetch(pending.hash);
}

void Loader::intern_pending() {
    pending_records_ = 0;
    for (size_t i = 0; i < pending_count_; ++i) {
        PendingString& pending = pending_[i];
        Column& column = *pending.column;
        if (pending.null) {
            append_null(column);
            continue;
        }
        column.i32.push_back(column.dictionary.intern(pending.text, pending.hash));
        column.validity.push_back(true);
    }
    pending_count_ = 0;
}

void Loader::start_narrowing() {
    narrowing_.clear();
    for (size_t i = 0; i < table_.column_count(); ++i) {
        Column& column = table_.mutable_column(i);
        if (column.name == schema_.key) continue;
        const bool codes = column.type == ColumnType::String || column.type == ColumnType::Enum;
        if ((column.type == ColumnType::Int && options_.narrow_ints) || (codes && options_.narrow_codes))
            narrowing_.push_back(&column);
    }
}

namespace {

// Moves the rows in `wide` (those since the last call) behind the rows already held at `*width` bytes, `full` when
// none are held narrow yet; `need` is the width these rows need. hold(w) re-holds the earlier rows at w bytes,
// append(values, count) adds rows at the current width. Whether the column stays narrow: at full width it stays in
// `wide`, the earlier rows re-held there ahead of these.
template <typename T, typename Hold, typename Append>
bool move_rows_narrow(std::vector<T>& wide, uint8_t* width, uint8_t full, uint8_t need, Hold hold, Append append) {
    if (wide.empty()) return true;
    const bool first = *width == full;
    const uint8_t next = first ? need : std::max(need, *width);
    if (next == full) {
        if (!first) {
            std::vector<T> rows;
            rows.swap(wide);
            hold(full);  // the earlier rows into `wide`, then these after them
            wide.insert(wide.end(), rows.begin(), rows.end());
        }
        return false;
    }
    if (first) {
        *width = next;
    } else {
        hold(next);
    }
    append(wide.data(), wide.size());
    wide.clear();
    return true;
}

}  // namespace

void Loader::narrow_staged() {
    intern_pending();  // deferred strings first: their codes belong to these rows
    const auto moved_and_still_narrow = [&](Column* column) {
        Column& c = *column;
        return c.type == ColumnType::Int
                   ? move_rows_narrow(
                         c.i64.owned(), &c.int_width, 8, plain_int_width(c.i64.data(), c.i64.size()),
                         [&](uint8_t w) { hold_ints_at(c, w); },
                         [&](const int64_t* values, uint64_t count) { append_ints(c, values, count); })
                   : move_rows_narrow(
                         c.i32.owned(), &c.code_width, 4, narrow_code_width(c.dictionary.size()),
                         [&](uint8_t w) { hold_codes_at(c, w); },
                         [&](const int32_t* codes, uint64_t count) { append_codes(c, codes, count); });
    };
    // Columns now at full width leave the list.
    narrowing_.erase(std::remove_if(narrowing_.begin(), narrowing_.end(),
                                    [&](Column* column) { return !moved_and_still_narrow(column); }),
                     narrowing_.end());
}

}  // namespace segmint::data::csv
