#include "data/csv_record_loader.h"

#include <algorithm>
#include <cstring>
#include <new>
#include <unordered_map>

#include "common/suggest.h"
#include "data/csv_values.h"

namespace segmint::data::csv {

using schema::ColumnType;

Loader::Loader(Input& input, std::string path, const schema::Schema& schema, const CsvOptions& options)
    : input_(input), path_(std::move(path)), schema_(schema), options_(options), table_(schema) {
    // No bigger than the input (small fixture files are common); at least room to recognize a BOM.
    size_t size = options.buffer_bytes;
    if (input.total_bytes() > 0 && input.total_bytes() < size) size = static_cast<size_t>(input.total_bytes()) + 1;
    buffer_.resize(std::max<size_t>(size, 4));
}

std::optional<Table> Loader::run(CsvError* error) {
    return guarded<Table>(error, [&]() -> std::optional<Table> {
        if (!read_start() || !read_header() || !read_records()) return std::nullopt;
        report_progress(true);
        finish_columns(table_, options_);
        return std::move(table_);
    });
}

std::optional<uint64_t> Loader::run_header(CsvError* error) {
    return guarded<uint64_t>(error, [&]() -> std::optional<uint64_t> {
        if (!read_start() || !read_header()) return std::nullopt;
        return base_ + pos_;
    });
}

std::vector<uint64_t> Loader::lines_of(std::vector<uint64_t> rows) {
    wanted_rows_ = std::move(rows);
    locate_only_ = true;
    CsvError ignored;
    error_ = &ignored;
    if (read_start() && read_header()) read_records();
    return wanted_lines_;
}

std::optional<Table> Loader::run_records(const std::vector<std::string>& header, ParallelState* shared, CsvError* error,
                                         uint64_t bytes_after) {
    shared_ = shared;
    bytes_after_ = bytes_after;
    auto table = guarded<Table>(error, [&]() -> std::optional<Table> {
        header_ = header;
        if (!map_header_to_schema() || !refill(0) || !read_records()) return std::nullopt;
        // Trimmed once its parts are joined (csv_parallel.cpp). Ints and codes are as narrow as loading held them
        // (narrow_staged: ints from base 0, so parts of different widths join at the widest, concatenate.cpp);
        // the frame of reference is chosen once, over the joined column.
        CsvOptions part_options;
        part_options.trim_excess = false;
        part_options.narrow_ints = false;
        part_options.narrow_codes = false;
        finish_columns(table_, part_options);
        return std::move(table_);
    });
    if (!table) shared->failed = true;
    return table;
}

void Loader::finish_columns(Table& table, const CsvOptions& options) {
    for (size_t i = 0; i < table.column_count(); ++i) {
        Column& column = table.mutable_column(i);
        column.size = column.validity.size();
        if (options.trim_excess) column.trim_excess();
    }
    table.finish_rows();
    if (options.narrow_ints) table.narrow_int_columns();
    if (options.narrow_codes) table.narrow_code_columns();
}

bool Loader::read_start() {
    if (!refill(0)) return false;
    if (end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    return true;
}

bool Loader::fail(uint64_t line, uint64_t field_index, std::string message) {
    error_->path = path_;
    error_->line = line;
    error_->column = field_index;
    error_->column_name = field_index > 0 && field_index <= header_.size() ? header_[field_index - 1] : "";
    error_->message = std::move(message);
    return false;
}

bool Loader::fail_value(uint64_t line, size_t field_index, const std::string& expected, std::string_view text) {
    const auto& name = slots_[field_index].definition->name;
    return fail(line, field_index + 1, "column `" + name + "`: expected " + expected + ", found " + describe(text));
}

bool Loader::fail_bound(size_t field_index, std::string_view text) {
    const schema::Column& column = *slots_[field_index].definition;
    return fail(line_, field_index + 1,
                "column `" + column.name + "` is " + std::string(text) + ", outside its schema bounds " +
                    schema::bounds_text(column));
}

bool Loader::fail_record_too_long(uint64_t field_index, bool in_quotes) {
    std::string message =
        "record is longer than " + mebibytes(options_.max_record_bytes) + ", the limit for one CSV record";
    if (in_quotes) message += " (inside a quoted field: is a closing quote missing?)";
    return fail(record_line_, field_index + 1, std::move(message));
}

bool Loader::refill(size_t keep_from, uint64_t field_index, bool in_quotes) {
    if (shared_ != nullptr && shared_->failed.load(std::memory_order_relaxed)) {
        return fail(0, 0, "stopped: another part of the file failed to load");
    }
    if (in_record_ && base_ + end_ - record_start_ > options_.max_record_bytes) {
        return fail_record_too_long(field_index, in_quotes);
    }
    const size_t kept = end_ - keep_from;
    if (keep_from > 0) {
        std::memmove(buffer_.data(), buffer_.data() + keep_from, kept);
        base_ += keep_from;
        pos_ -= std::min(pos_, keep_from);
        end_ = kept;
    }
    if (end_ == buffer_.size()) {
        const uint64_t wanted = std::min<uint64_t>(options_.max_record_bytes, SIZE_MAX / 4) + 64;
        const auto limit = static_cast<size_t>(wanted);
        if (buffer_.size() >= limit) return fail_record_too_long(field_index, in_quotes);
        buffer_.resize(std::min(buffer_.size() * 2, limit));
    }
    while (end_ < buffer_.size() && !eof_) {
        std::string message;
        int64_t n = input_.read(buffer_.data() + end_, buffer_.size() - end_, &message);
        if (n < 0) return fail(0, 0, message);
        if (n == 0) {
            eof_ = true;
            break;
        }
        end_ += static_cast<size_t>(n);
        bytes_read_ += static_cast<uint64_t>(n);
        if (shared_ != nullptr) shared_->bytes_read.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
        report_progress(false);
    }
    prefault_ahead();
    return true;
}

void Loader::prefault_ahead() {
    size_t k = 0;
    for (size_t i = 0; i < table_.column_count(); ++i) {
        table_.column(i).for_each_filled_array([&](const void* data, size_t used, size_t capacity) {
            if (ahead_.size() <= k) ahead_.resize(k + 1);
            ahead_[k++].advance(data, used, capacity);
        });
    }
}

void Loader::report_progress(bool final_call) {
    if (!options_.progress) return;
    if (final_call || bytes_read_ - last_progress_ >= options_.progress_interval_bytes) {
        last_progress_ = bytes_read_;
        options_.progress(bytes_read_, input_.total_bytes());
    }
}

bool Loader::read_header() {
    if (!skip_empty_lines()) return false;
    if (pos_ == end_) return fail(0, 0, "no header: the file is empty (expected a header row naming the columns)");
    in_record_ = true;
    record_start_ = base_ + pos_;
    record_line_ = line_;
    for (uint64_t field_index = 0;; ++field_index) {
        Field field;
        if (!next_field(&field, field_index)) return false;
        std::string_view name = content(field);
        if (!valid_utf8(name)) return fail(line_, field_index + 1, "header name is not valid UTF-8: " + describe(name));
        header_.emplace_back(name);
        line_ += field.line_breaks;
        pos_ = field.next;
        if (field.terminator == Terminator::Comma) continue;
        if (field.terminator == Terminator::LineBreak) ++line_;
        break;
    }
    in_record_ = false;
    if (base_ + pos_ - record_start_ > options_.max_record_bytes) {
        return fail_record_too_long(header_.size() - 1, false);
    }
    return map_header_to_schema();
}

bool Loader::map_header_to_schema() {
    slots_.resize(header_.size());
    std::vector<bool> seen(schema_.columns.size(), false);
    std::vector<std::string> unknown;
    std::unordered_map<std::string_view, const schema::Column*> schema_columns;
    for (const auto& column : schema_.columns) schema_columns.emplace(column.name, &column);
    std::unordered_map<std::string_view, size_t> first_field;
    for (size_t i = 0; i < header_.size(); ++i) {
        auto [first, added] = first_field.emplace(header_[i], i);
        if (!added) {
            return fail(record_line_, i + 1,
                        "duplicate column name `" + header_[i] + "` in the header (also field " +
                            std::to_string(first->second + 1) + ")");
        }
        auto found = schema_columns.find(header_[i]);
        const schema::Column* definition = found == schema_columns.end() ? nullptr : found->second;
        if (definition == nullptr) {
            unknown.push_back(header_[i]);
            continue;
        }
        seen[definition->index] = true;
        slots_[i].definition = definition;
        slots_[i].column = &table_.mutable_column(definition->index);
    }
    std::vector<std::string> missing;
    for (size_t k = 0; k < schema_.columns.size(); ++k) {
        if (!seen[k]) missing.push_back(schema_.columns[k].name);
    }
    if (missing.empty()) return true;
    std::string message;
    if (missing.size() == 1) {
        message = "the header has no column `" + missing[0] + "`, which the schema requires";
        std::string hint = did_you_mean(missing[0], unknown);
        if (!hint.empty()) message += " (" + hint + ")";
    } else {
        message = "the header lacks " + std::to_string(missing.size()) + " columns the schema requires: ";
        const size_t listed = std::min<size_t>(missing.size(), 10);
        for (size_t i = 0; i < listed; ++i) message += (i > 0 ? ", `" : "`") + missing[i] + "`";
        if (listed < missing.size()) message += ", ...";
    }
    return fail(record_line_, 0, std::move(message));
}

void Loader::reserve_estimate(uint64_t data_start) {
    const uint64_t total = input_.total_bytes();
    const uint64_t consumed = base_ + pos_ - data_start;
    if (total == 0 || consumed == 0 || total <= base_ + pos_) return;
    const double bytes_per_row = static_cast<double>(consumed) / static_cast<double>(rows_);
    // Every row takes at least one byte per field, which bounds the estimate for files whose first rows are
    // unusually short.
    const uint64_t left = total - (base_ + pos_) + bytes_after_;
    const uint64_t at_most = left / std::max<uint64_t>(header_.size(), 1) + 16;
    const auto remaining =
        std::min<uint64_t>(static_cast<uint64_t>(static_cast<double>(left) / bytes_per_row * 1.02) + 16, at_most);
    for (size_t i = 0; i < table_.column_count(); ++i) {
        Column& column = table_.mutable_column(i);
        uint64_t items = 0;
        if (column.type == ColumnType::StringList) {
            items = static_cast<uint64_t>(static_cast<double>(column.list_codes.size()) / static_cast<double>(rows_) *
                                          static_cast<double>(remaining) * 1.05);
        }
        try {
            column.reserve(remaining, items);
            // Mostly distinct strings (ids, emails): size the dictionary once too.
            const uint64_t distinct = column.dictionary.size();
            if (column.type == ColumnType::String && distinct * 2 > rows_) {
                const uint64_t count = distinct + remaining * distinct / rows_;
                const double bytes_per_value =
                    static_cast<double>(column.dictionary.values.string_bytes()) / static_cast<double>(distinct);
                // Values tend to grow longer through a file (ids and emails with counters): a quarter more
                // room than the first rows suggest, so the strings are not copied to a doubled buffer.
                const double bytes = bytes_per_value * static_cast<double>(count) * 1.25;
                column.dictionary.reserve(static_cast<size_t>(count), static_cast<size_t>(bytes) + 64);
                for (Slot& slot : slots_) {
                    if (slot.column == &column) slot.defer_intern = true;
                }
            }
        } catch (const std::bad_alloc&) {
            // Only an optimization: the arrays grow as needed instead.
        } catch (const std::length_error&) {
        }
    }
}

}  // namespace segmint::data::csv
