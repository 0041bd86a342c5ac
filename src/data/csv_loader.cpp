#include "data/csv_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>
#include <utility>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/calendar.h"
#include "common/suggest.h"
#include "common/utf8.h"
#include "data/concatenate.h"
#include "data/keys.h"
#include "data/prefault.h"

namespace segmint::data {

using schema::ColumnType;

std::string CsvError::to_string() const {
    std::string out = path;
    if (line > 0) {
        out += ':' + std::to_string(line);
        if (column > 0) out += ':' + std::to_string(column);
    }
    out += ": error: ";
    out += message;
    return out;
}

namespace {

// ---- input ----

class Input {
public:
    virtual ~Input() = default;
    // Bytes read into `out` (0 at the end), or -1 with *error set.
    virtual int64_t read(char* out, size_t capacity, std::string* error) = 0;
    // The same from byte `offset`, without moving the position read() reads from; safe to call from several threads
    // at once (the parallel load reads its ranges this way).
    virtual int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string* error) const = 0;
    virtual uint64_t total_bytes() const = 0;
    // The whole input when it is in memory (no copy needed to scan it), else null.
    virtual const char* data() const { return nullptr; }
};

class FileInput final : public Input {
public:
    ~FileInput() override {
        if (fd_ >= 0) ::close(fd_);
    }

    bool open(const std::string& path, std::string* error) {
        // O_NONBLOCK so that opening a FIFO cannot hang; it is refused below anyway.
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd_ < 0) {
            *error = std::string("cannot open: ") + std::strerror(errno);
            return false;
        }
        struct stat info;
        if (::fstat(fd_, &info) != 0) {
            *error = std::string("cannot read: ") + std::strerror(errno);
            return false;
        }
        if (S_ISDIR(info.st_mode)) {
            *error = "is a directory, not a CSV file";
            return false;
        }
        if (!S_ISREG(info.st_mode)) {
            *error = "is not a regular file (FIFOs and devices are not read)";
            return false;
        }
        size_ = static_cast<uint64_t>(info.st_size);
        ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
        return true;
    }

    int64_t read(char* out, size_t capacity, std::string* error) override {
        for (;;) {
            ssize_t n = ::read(fd_, out, capacity);
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            *error = std::string("cannot read: ") + std::strerror(errno);
            return -1;
        }
    }

    int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string* error) const override {
        for (;;) {
            ssize_t n = ::pread(fd_, out, capacity, static_cast<off_t>(offset));
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            *error = std::string("cannot read: ") + std::strerror(errno);
            return -1;
        }
    }

    uint64_t total_bytes() const override { return size_; }

private:
    int fd_ = -1;
    uint64_t size_ = 0;
};

class MemoryInput final : public Input {
public:
    explicit MemoryInput(std::string_view text) : text_(text) {}

    int64_t read(char* out, size_t capacity, std::string*) override {
        size_t n = std::min(capacity, text_.size() - offset_);
        std::memcpy(out, text_.data() + offset_, n);
        offset_ += n;
        return static_cast<int64_t>(n);
    }

    int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string*) const override {
        if (offset >= text_.size()) return 0;
        size_t n = std::min<size_t>(capacity, text_.size() - static_cast<size_t>(offset));
        std::memcpy(out, text_.data() + offset, n);
        return static_cast<int64_t>(n);
    }

    uint64_t total_bytes() const override { return text_.size(); }
    const char* data() const override { return text_.data(); }

private:
    std::string_view text_;
    size_t offset_ = 0;
};

// Bytes [begin, end) of another input: each thread of a parallel load reads its own range through one of these.
class RangeInput final : public Input {
public:
    RangeInput(const Input& whole, uint64_t begin, uint64_t end) : whole_(whole), begin_(begin), end_(end) {}

    int64_t read(char* out, size_t capacity, std::string* error) override {
        const int64_t n = read_at(offset_, out, capacity, error);
        if (n > 0) offset_ += static_cast<uint64_t>(n);
        return n;
    }

    int64_t read_at(uint64_t offset, char* out, size_t capacity, std::string* error) const override {
        if (offset >= total_bytes()) return 0;
        const auto wanted = static_cast<size_t>(std::min<uint64_t>(capacity, total_bytes() - offset));
        return whole_.read_at(begin_ + offset, out, wanted, error);
    }

    uint64_t total_bytes() const override { return end_ - begin_; }
    const char* data() const override { return whole_.data() != nullptr ? whole_.data() + begin_ : nullptr; }

private:
    const Input& whole_;
    uint64_t begin_;
    uint64_t end_;
    uint64_t offset_ = 0;
};

// ---- field scanning ----

enum class Scan { Field, NeedMore, Unterminated, TextAfterQuote, QuoteInUnquoted };
enum class Terminator { Comma, LineBreak, End };

struct Field {
    size_t begin = 0;  // content in the buffer: between the quotes for a quoted field, `""` not yet undone
    size_t end = 0;
    size_t next = 0;  // first byte after the terminator
    bool quoted = false;
    bool escaped = false;  // content contains `""`
    Terminator terminator = Terminator::End;
    uint64_t line_breaks = 0;  // inside a quoted field
};

// Finds the first byte in [i, end) that ends an unquoted field (`,`, LF, CR, or a quote, which is not allowed in
// one), or that needs a look inside a quoted field (LF, CR, quote). Sixteen bytes at a time where SSE2 is available
// (every x86-64), eight at a time elsewhere; returns `end` when there is none.
#if defined(__SSE2__)
template <bool kQuoted>
inline size_t find_stop(const char* data, size_t i, size_t end) {
    const __m128i comma = _mm_set1_epi8(',');
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i quote = _mm_set1_epi8('"');
    for (; i + 16 <= end; i += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
        __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, lf), _mm_cmpeq_epi8(block, cr)),
                                    _mm_cmpeq_epi8(block, quote));
        if (!kQuoted) hits = _mm_or_si128(hits, _mm_cmpeq_epi8(block, comma));
        const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hits));
        if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
    for (; i < end; ++i) {
        const char c = data[i];
        if (c == '\n' || c == '\r' || c == '"' || (!kQuoted && c == ',')) return i;
    }
    return end;
}
#else
template <bool kQuoted>
inline size_t find_stop(const char* data, size_t i, size_t end) {
    for (; i < end; ++i) {
        const char c = data[i];
        if (c == '\n' || c == '\r' || c == '"' || (!kQuoted && c == ',')) return i;
    }
    return end;
}
#endif

// Scans one field starting at `pos`. Returns NeedMore when the field (or the byte after a CR or a quote) runs past
// `end` and more input may follow; the caller then refills and scans the same field again from its start, so the
// scanner keeps no state between calls.
Scan scan_field(const char* data, size_t pos, size_t end, bool eof, Field* field) {
    field->line_breaks = 0;
    field->escaped = false;
    if (pos < end && data[pos] == '"') {
        field->quoted = true;
        field->begin = pos + 1;
        size_t i = pos + 1;
        for (;;) {
            i = find_stop<true>(data, i, end);
            if (i == end) return eof ? Scan::Unterminated : Scan::NeedMore;
            const char c = data[i];
            if (c == '\n') {
                ++field->line_breaks;
                ++i;
                continue;
            }
            if (c == '\r') {
                if (i + 1 == end && !eof) return Scan::NeedMore;
                i += (i + 1 < end && data[i + 1] == '\n') ? 2 : 1;
                ++field->line_breaks;
                continue;
            }
            // A quote: either the first of `""` or the closing one.
            if (i + 1 == end) {
                if (!eof) return Scan::NeedMore;
                field->end = i;
                field->next = end;
                field->terminator = Terminator::End;
                return Scan::Field;
            }
            if (data[i + 1] == '"') {
                field->escaped = true;
                i += 2;
                continue;
            }
            field->end = i;
            const size_t after = i + 1;
            const char next = data[after];
            if (next == ',') {
                field->terminator = Terminator::Comma;
                field->next = after + 1;
            } else if (next == '\n') {
                field->terminator = Terminator::LineBreak;
                field->next = after + 1;
            } else if (next == '\r') {
                if (after + 1 == end && !eof) return Scan::NeedMore;
                field->terminator = Terminator::LineBreak;
                field->next = (after + 1 < end && data[after + 1] == '\n') ? after + 2 : after + 1;
            } else {
                return Scan::TextAfterQuote;
            }
            return Scan::Field;
        }
    }
    field->quoted = false;
    field->begin = pos;
    size_t i = pos;
    i = find_stop<false>(data, i, end);
    field->end = i;
    if (i == end) {
        if (!eof) return Scan::NeedMore;
        field->terminator = Terminator::End;
        field->next = end;
        return Scan::Field;
    }
    const char c = data[i];
    if (c == ',') {
        field->terminator = Terminator::Comma;
        field->next = i + 1;
    } else if (c == '\n') {
        field->terminator = Terminator::LineBreak;
        field->next = i + 1;
    } else if (c == '\r') {
        if (i + 1 == end && !eof) return Scan::NeedMore;
        field->terminator = Terminator::LineBreak;
        field->next = (i + 1 < end && data[i + 1] == '\n') ? i + 2 : i + 1;
    } else {
        field->end = i;  // the offending quote, for the error position
        return Scan::QuoteInUnquoted;
    }
    return Scan::Field;
}

// ---- value parsing ----

bool is_ascii(std::string_view text) {
    size_t i = 0;
    uint64_t bits = 0;
    for (; i + 8 <= text.size(); i += 8) {
        uint64_t word;
        std::memcpy(&word, text.data() + i, 8);
        bits |= word;
    }
    for (; i < text.size(); ++i) bits |= static_cast<unsigned char>(text[i]);
    return (bits & 0x8080808080808080ull) == 0;
}

bool valid_utf8(std::string_view text) {
    return is_ascii(text) || !utf8::first_invalid(text).has_value();
}

bool parse_int(std::string_view text, int64_t* out) {
    const char* first = text.data();
    const char* last = first + text.size();
    const char* digits = first != last && (*first == '+' || *first == '-') ? first + 1 : first;
    const auto digit_count = static_cast<size_t>(last - digits);
    // Up to 18 digits cannot overflow: summed here without a call (ids, counts and ages are short).
    if (digit_count >= 1 && digit_count <= 18) {
        uint64_t value = 0;
        for (const char* p = digits; p != last; ++p) {
            const auto digit = static_cast<unsigned>(static_cast<unsigned char>(*p) - '0');
            if (digit > 9) return false;
            value = value * 10 + digit;
        }
        *out = *first == '-' ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
        return true;
    }
    // from_chars takes no `+`; after one, only digits may follow.
    if (digits == last || *digits < '0' || *digits > '9') return false;
    if (*first == '+') first = digits;
    auto result = std::from_chars(first, last, *out);
    return result.ec == std::errc() && result.ptr == last;
}

enum class NumberResult { Ok, Invalid, NotFinite, OutOfRange, TooSmall };

NumberResult parse_number(std::string_view text, double* out) {
    const char* first = text.data();
    const char* last = first + text.size();
    // Only a digit or `.` may start the mantissa: rejects nan, inf and infinity, which from_chars would accept.
    const char* mantissa = first != last && (*first == '+' || *first == '-') ? first + 1 : first;
    if (mantissa == last) return NumberResult::Invalid;
    if (*first == '+') first = mantissa;  // from_chars takes no `+`
    if (!((*mantissa >= '0' && *mantissa <= '9') || *mantissa == '.')) {
        const char c = static_cast<char>(*mantissa | 0x20);
        return (c == 'n' || c == 'i') ? NumberResult::NotFinite : NumberResult::Invalid;
    }
    auto result = std::from_chars(first, last, *out, std::chars_format::general);
    if (result.ptr != last) return NumberResult::Invalid;
    if (result.ec == std::errc::result_out_of_range) {
        // Overflow, or a nonzero value below the smallest double: strtod tells them apart. Never silently zero.
        std::string copy(first, last);
        errno = 0;
        double value = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(value)) return NumberResult::OutOfRange;
        if (value == 0.0) return NumberResult::TooSmall;
        *out = value;
        return NumberResult::Ok;
    }
    if (result.ec != std::errc()) return NumberResult::Invalid;
    return std::isfinite(*out) ? NumberResult::Ok : NumberResult::OutOfRange;
}

bool equals_lower(std::string_view text, std::string_view lower) {
    if (text.size() != lower.size()) return false;
    for (size_t i = 0; i < text.size(); ++i) {
        if ((text[i] | 0x20) != lower[i]) return false;
    }
    return true;
}

// true/false, 1/0, and PostgreSQL's t/f (any case).
// `[1:2]={...}`: PostgreSQL's form for an array whose first index is not 1.
bool explicit_bounds(std::string_view text) {
    if (text.empty() || text.front() != '[') return false;
    const size_t close = text.find("]={");
    return close != std::string_view::npos &&
           text.substr(1, close - 1).find_first_not_of("0123456789:-") == std::string_view::npos;
}

// PostgreSQL's array literal, as `\copy ... CSV` writes a text[] column: `{a,b}`, `{}`, `{"a b","say \"hi\""}`.
// Unquoted items lose surrounding blanks; a backslash escapes the next character. Returns the items, or an error
// naming what cannot be read: a NULL item (a list<string> holds strings only), a nested array, a malformed literal.
std::variant<std::vector<std::string>, std::string> read_array_literal(std::string_view text) {
    std::vector<std::string> items;
    if (text.front() != '{') return std::string("an array without explicit bounds (`[1:2]=` is not read; export the array itself)");
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    size_t at = 1;  // past '{'
    while (at < text.size() && blank(text[at])) ++at;
    if (at < text.size() && text[at] == '}' && at + 1 == text.size()) return items;
    for (;;) {
        while (at < text.size() && blank(text[at])) ++at;
        if (at >= text.size()) return std::string("an array literal that ends with `}`");
        std::string item;
        if (text[at] == '{') return std::string("a one-dimensional array (nested arrays are not lists)");
        if (text[at] == '"') {
            ++at;
            for (;;) {
                if (at >= text.size()) return std::string("an array item whose quote is closed");
                if (text[at] == '"') break;
                if (text[at] == '\\' && at + 1 < text.size()) ++at;
                item += text[at++];
            }
            ++at;
            while (at < text.size() && blank(text[at])) ++at;
        } else {
            bool escaped = false;  // a quoted or escaped NULL is the string "NULL"
            while (at < text.size() && text[at] != ',' && text[at] != '}') {
                if (text[at] == '"' || text[at] == '{') return std::string("an array literal with well-formed items");
                if (text[at] == '\\' && at + 1 < text.size()) {
                    ++at;
                    escaped = true;
                }
                item += text[at++];
            }
            while (!item.empty() && blank(item.back())) item.pop_back();
            if (item.empty()) return std::string("an array literal without empty items");
            if (!escaped && equals_lower(item, "null")) {
                return std::string("list items that are not NULL (a list<string> holds strings; filter NULLs out in the "
                                   "export, e.g. array_remove(tags, NULL))");
            }
        }
        items.push_back(std::move(item));
        if (at >= text.size()) return std::string("an array literal that ends with `}`");
        if (text[at] == '}') {
            if (at + 1 != text.size()) return std::string("nothing after the array's closing `}`");
            return items;
        }
        if (text[at] != ',') return std::string("`,` or `}` after an array item");
        ++at;
    }
}

bool parse_bool(std::string_view text, uint8_t* out) {
    if (text == "1" || equals_lower(text, "true") || equals_lower(text, "t")) {
        *out = 1;
        return true;
    }
    if (text == "0" || equals_lower(text, "false") || equals_lower(text, "f")) {
        *out = 0;
        return true;
    }
    return false;
}

// True when `text` looks like YYYY-MM-DD, so a failed parse means a day that does not exist.
bool has_date_shape(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
}

// A value as shown in a message: quoted, control bytes and bytes that are not valid UTF-8 escaped as \xNN, cut
// after 60 bytes.
std::string describe(std::string_view text) {
    constexpr size_t kMaxShown = 60;
    static const char kHex[] = "0123456789abcdef";
    const std::string_view shown = text.substr(0, kMaxShown);
    std::string out = "\"";
    for (size_t i = 0; i < shown.size();) {
        const auto byte = static_cast<unsigned char>(shown[i]);
        size_t length = 1;
        if (byte >= 0xC0) length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2;
        if (byte >= 0x80 && i + length <= shown.size() && !utf8::first_invalid(shown.substr(i, length))) {
            out.append(shown.substr(i, length));
            i += length;
            continue;
        }
        if (byte < 0x20 || byte == 0x7F || byte >= 0x80) {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 15];
        } else {
            if (byte == '"' || byte == '\\') out += '\\';
            out += static_cast<char>(byte);
        }
        ++i;
    }
    out += '"';
    if (text.size() > kMaxShown) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

std::string join_values(const std::vector<std::string>& values) {
    std::string out;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += ", ";
        out += values[i];
    }
    return out;
}

std::string mebibytes(uint64_t bytes) {
    if (bytes % (uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

// ---- the loader ----

// What the threads of a parallel load share.
struct ParallelState {
    std::atomic<uint64_t> bytes_read{0};  // over all ranges, for progress reports
    std::atomic<bool> failed{false};      // a range failed: the others stop, the file is loaded serially
};

struct Slot {
    Column* column = nullptr;  // null: the field's column is not in the schema
    const schema::Column* definition = nullptr;
    // String column of mostly distinct values (ids, emails): its values are interned a few records later, after a
    // prefetch of their index slot (Dictionary::prefetch).
    bool defer_intern = false;
};

// A String value (or NULL) waiting to be interned. A deferred column's NULLs wait in the same queue as its values:
// each column's rows must be appended in record order.
struct PendingString {
    Column* column = nullptr;
    bool null = false;
    uint64_t hash = 0;
    std::string text;  // copied: the buffer may be refilled before the record ends
};

class Loader {
public:
    Loader(Input& input, std::string path, const schema::Schema& schema, const CsvOptions& options)
        : input_(input), path_(std::move(path)), schema_(schema), options_(options), table_(schema) {
        // No bigger than the input (small fixture files are common); at least room to recognize a BOM.
        size_t size = options.buffer_bytes;
        if (input.total_bytes() > 0 && input.total_bytes() < size) size = static_cast<size_t>(input.total_bytes()) + 1;
        buffer_.resize(std::max<size_t>(size, 4));
    }

    // Loads the whole input.
    std::optional<Table> run(CsvError* error) {
        return guarded<Table>(error, [&]() -> std::optional<Table> {
            if (!read_start() || !read_header() || !read_records()) return std::nullopt;
            report_progress(true);
            finish_columns(table_, true);
            return std::move(table_);
        });
    }

    // Reads the header alone (for the parallel load); returns the offset of the first byte after it.
    std::optional<uint64_t> run_header(CsvError* error) {
        return guarded<uint64_t>(error, [&]() -> std::optional<uint64_t> {
            if (!read_start() || !read_header()) return std::nullopt;
            return base_ + pos_;
        });
    }
    const std::vector<std::string>& header() const { return header_; }

    // Reads the records again only to find the lines where `rows` (sorted, 0-based) start; values are not stored.
    // For errors found in the finished table, such as a repeated key.
    std::vector<uint64_t> lines_of(std::vector<uint64_t> rows) {
        wanted_rows_ = std::move(rows);
        locate_only_ = true;
        CsvError ignored;
        error_ = &ignored;
        if (read_start() && read_header()) read_records();
        return wanted_lines_;
    }

    // Reads records alone, from an input that starts at a record boundary after the header: `header` was read and
    // checked by run_header(). Counts the bytes it reads in *shared, stops early once another range has failed, and
    // sets shared->failed when it fails. Spare capacity is not trimmed: the columns are about to be joined. The
    // first range's table receives the others' rows: `bytes_after` (the input after this range) makes it reserve
    // room for them too, so the join appends in place instead of copying this range's columns to bigger arrays.
    std::optional<Table> run_records(const std::vector<std::string>& header, ParallelState* shared, CsvError* error,
                                     uint64_t bytes_after = 0) {
        shared_ = shared;
        bytes_after_ = bytes_after;
        auto table = guarded<Table>(error, [&]() -> std::optional<Table> {
            header_ = header;
            if (!map_header_to_schema() || !refill(0) || !read_records()) return std::nullopt;
            finish_columns(table_, false);
            return std::move(table_);
        });
        if (!table) shared->failed = true;
        return table;
    }

    // Makes each column's size its row count and the table's rows final; trims spare capacity when asked.
    static void finish_columns(Table& table, bool trim_excess) {
        for (size_t i = 0; i < table.column_count(); ++i) {
            Column& column = table.mutable_column(i);
            column.size = column.validity.size();
            if (trim_excess) column.trim_excess();
        }
        table.finish_rows();
    }

private:
    template <typename Result, typename Body>
    std::optional<Result> guarded(CsvError* error, const Body& body) {
        error_ = error;
        // Running out of memory (or of dictionary codes) is reported like bad input, never as an escaping exception.
        try {
            return body();
        } catch (const std::bad_alloc&) {
            fail(line_, 0, "out of memory after " + std::to_string(rows_) + " rows");
        } catch (const std::length_error& exception) {
            fail(line_, 0, std::string("too much data after ") + std::to_string(rows_) + " rows: " + exception.what());
        }
        return std::nullopt;
    }

    // Reads the first chunk and skips a UTF-8 byte-order mark, which is not part of the first header name.
    bool read_start() {
        if (!refill(0)) return false;
        if (end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
        return true;
    }

    // ---- errors ----

    bool fail(uint64_t line, uint64_t field_index, std::string message) {
        error_->path = path_;
        error_->line = line;
        error_->column = field_index;
        error_->column_name = field_index > 0 && field_index <= header_.size() ? header_[field_index - 1] : "";
        error_->message = std::move(message);
        return false;
    }

    // field_index is 0-based here.
    bool fail_value(uint64_t line, size_t field_index, const std::string& expected, std::string_view text) {
        const auto& name = slots_[field_index].definition->name;
        return fail(line, field_index + 1, "column `" + name + "`: expected " + expected + ", found " + describe(text));
    }

    bool fail_record_too_long(uint64_t field_index, bool in_quotes) {
        std::string message =
            "record is longer than " + mebibytes(options_.max_record_bytes) + ", the limit for one CSV record";
        if (in_quotes) message += " (inside a quoted field: is a closing quote missing?)";
        return fail(record_line_, field_index + 1, std::move(message));
    }

    // ---- buffer ----

    // Keeps bytes from `keep_from` on, moves them to the front and reads more after them; grows the buffer only when
    // the kept bytes fill it (one field longer than the buffer). Fails when the current record is over the limit.
    bool refill(size_t keep_from, uint64_t field_index = 0, bool in_quotes = false) {
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

    // Between buffers (about 5,000 records of a typical file): faults in the next pages of every growing array in
    // one system call each, instead of one page fault per page as the appends reach them (data/prefault.h).
    void prefault_ahead() {
        size_t k = 0;
        for (size_t i = 0; i < table_.column_count(); ++i) {
            table_.column(i).for_each_filled_array([&](const void* data, size_t used, size_t capacity) {
                if (ahead_.size() <= k) ahead_.resize(k + 1);
                ahead_[k++].advance(data, used, capacity);
            });
        }
    }

    void report_progress(bool final_call) {
        if (!options_.progress) return;
        if (final_call || bytes_read_ - last_progress_ >= options_.progress_interval_bytes) {
            last_progress_ = bytes_read_;
            options_.progress(bytes_read_, input_.total_bytes());
        }
    }

    // Skips empty lines before a record (as Python's csv module and pandas do). Returns false on a read error.
    bool skip_empty_lines() {
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

    // Scans the next field of the current record, refilling as needed; reports quoting errors.
    bool next_field(Field* field, uint64_t field_index) {
        for (;;) {
            switch (scan_field(buffer_.data(), pos_, end_, eof_, field)) {
                case Scan::Field: return true;
                case Scan::NeedMore:
                    if (!refill(pos_, field_index, pos_ < end_ && buffer_[pos_] == '"')) return false;
                    continue;
                case Scan::Unterminated:
                    return fail(line_, field_index + 1,
                                "unterminated quoted field: the quote opened here is never closed");
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

    // The field's content, with `""` turned into `"`.
    std::string_view content(const Field& field) {
        std::string_view raw(buffer_.data() + field.begin, field.end - field.begin);
        if (!field.escaped) return raw;
        scratch_.clear();
        for (size_t i = 0; i < raw.size(); ++i) {
            scratch_ += raw[i];
            if (raw[i] == '"') ++i;  // skip the second quote of the pair
        }
        return scratch_;
    }

    // ---- header ----

    bool read_header() {
        if (!skip_empty_lines()) return false;
        if (pos_ == end_) return fail(0, 0, "no header: the file is empty (expected a header row naming the columns)");
        in_record_ = true;
        record_start_ = base_ + pos_;
        record_line_ = line_;
        for (uint64_t field_index = 0;; ++field_index) {
            Field field;
            if (!next_field(&field, field_index)) return false;
            std::string_view name = content(field);
            if (!valid_utf8(name))
                return fail(line_, field_index + 1, "header name is not valid UTF-8: " + describe(name));
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

    // Maps each header field to its schema column; every schema column must appear exactly once. Hash maps both
    // ways, so a header of a million fields costs linear time.
    bool map_header_to_schema() {
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

    // ---- records ----

    bool read_records() {
        const uint64_t field_count = header_.size();
        const uint64_t data_start = base_ + pos_;
        for (;;) {
            if (!skip_empty_lines()) return false;
            if (pos_ == end_) {  // skip_empty_lines stops at the end only when eof_
                intern_pending();
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
            if (rows_ == kRowsBeforeEstimate) reserve_estimate(data_start);
        }
    }

    // Reserves every column for the rows the rest of the file is likely to hold, so arrays grow once instead of
    // doubling (which would leave up to half of them unused). Untouched reserved pages cost no resident memory.
    void reserve_estimate(uint64_t data_start) {
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
                items = static_cast<uint64_t>(static_cast<double>(column.list_codes.size()) /
                                              static_cast<double>(rows_) * static_cast<double>(remaining) * 1.05);
            }
            try {
                column.reserve(remaining, items);
                // Mostly distinct strings (ids, emails): size the dictionary once too.
                const uint64_t distinct = column.dictionary.size();
                if (column.type == ColumnType::String && distinct * 2 > rows_) {
                    const uint64_t count = distinct + remaining * distinct / rows_;
                    const double bytes_per_value = static_cast<double>(column.dictionary.values.string_bytes()) /
                                                   static_cast<double>(distinct);
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

    static void append_null(Column& column) {
        switch (column.type) {
            case ColumnType::Int:
            case ColumnType::Timestamp: column.i64.push_back(0); break;
            case ColumnType::Number: column.f64.push_back(0.0); break;
            case ColumnType::Date:
            case ColumnType::String:
            case ColumnType::Enum: column.i32.push_back(0); break;
            case ColumnType::Bool: column.u8.push_back(0); break;
            case ColumnType::StringList: column.list_offsets.push_back(column.list_offsets.back()); break;
        }
        column.validity.push_back(false);
    }

    // Parses one field into its column.
    bool store(const Field& field, uint64_t field_index) {
        Column& column = *slots_[field_index].column;
        const std::string_view text = content(field);
        if (text.empty() &&
            (!field.quoted || (column.type != ColumnType::String && column.type != ColumnType::StringList))) {
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
                        return fail_value(line_, field_index,
                                          "int (64-bit: -9223372036854775808 to 9223372036854775807)", text);
                    }
                    return fail_value(line_, field_index, "int", text);
                }
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
                column.f64.push_back(value);
                break;
            }
            case ColumnType::Bool: {
                uint8_t value;
                if (!parse_bool(text, &value)) {
                    return fail_value(line_, field_index, "bool (true, false, 1, 0, t or f)", text);
                }
                column.u8.push_back(value);
                break;
            }
            case ColumnType::Date: {
                auto days = calendar::parse_date(text);
                if (!days) {
                    if (has_date_shape(text))
                        return fail_value(line_, field_index, "a date that exists (YYYY-MM-DD)", text);
                    return fail_value(line_, field_index, "date (YYYY-MM-DD)", text);
                }
                column.i32.push_back(*days);
                break;
            }
            case ColumnType::Timestamp: {
                auto micros = calendar::parse_timestamp(text);
                if (!micros) {
                    return fail_value(line_, field_index, "timestamp (ISO 8601, e.g. 2026-11-23T14:05:00Z)", text);
                }
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
                        return fail_value(line_, field_index, "list<string> in PostgreSQL's array form: " + *problem,
                                          text);
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

    // Queues a field of a deferred String column: appended (code and validity) by intern_pending() a few records
    // later, NULLs included, so the column's rows stay in record order.
    void defer(Column& column, bool null, std::string_view text) {
        if (pending_count_ == pending_.size()) pending_.emplace_back();
        PendingString& pending = pending_[pending_count_++];
        pending.column = &column;
        pending.null = null;
        if (null) return;
        pending.hash = Dictionary::hash(text);
        pending.text.assign(text.data(), text.size());
        column.dictionary.prefetch(pending.hash);
    }

    // Interns the deferred String values of the last records, in record and field order (each column gets one value
    // per record, so every dictionary still sees its values in first-seen order). Batches of kInternBatch records
    // give each value's prefetched index slot time to arrive; a failed record fails the whole load, so values of
    // the records before it need no flushing.
    void intern_pending() {
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

    static constexpr uint64_t kRowsBeforeEstimate = 4096;
    static constexpr size_t kInternBatch = 16;

    Input& input_;
    std::string path_;
    const schema::Schema& schema_;
    const CsvOptions& options_;
    Table table_;
    std::vector<PrefaultAhead> ahead_;  // one per array of for_each_filled_array, in visiting order
    CsvError* error_ = nullptr;

    std::vector<char> buffer_;
    size_t pos_ = 0;  // next byte to scan
    size_t end_ = 0;  // bytes [0, end_) of buffer_ hold input
    bool eof_ = false;
    uint64_t base_ = 0;  // file offset of buffer_[0]
    uint64_t bytes_read_ = 0;
    uint64_t last_progress_ = 0;
    ParallelState* shared_ = nullptr;  // set when this loader reads one range of a parallel load
    uint64_t bytes_after_ = 0;         // input after this range whose rows will be joined to this table

    uint64_t line_ = 1;  // physical line of pos_
    bool in_record_ = false;
    uint64_t record_start_ = 0;  // file offset where the current record starts
    uint64_t record_line_ = 1;
    uint64_t rows_ = 0;

    std::vector<std::string> header_;
    std::vector<Slot> slots_;  // per header field
    std::string scratch_;      // unescaped quoted content, reused
    std::vector<PendingString> pending_;  // [0, pending_count_) wait for the end of the current record
    size_t pending_count_ = 0;
    size_t pending_records_ = 0;  // records since the last intern_pending()
    bool locate_only_ = false;    // lines_of(): records are split, not stored
    std::vector<uint64_t> wanted_rows_;
    size_t next_wanted_ = 0;
    std::vector<uint64_t> wanted_lines_;
};

// ---- the parallel load ----

// Quote bytes in [data, data + size): sixteen bytes at a time, counted in byte lanes that are summed every 255 blocks
// (before a lane can overflow).
uint64_t count_quotes(const char* data, size_t size) {
    uint64_t count = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    while (i + 16 <= size) {
        __m128i lanes = _mm_setzero_si128();
        const size_t blocks = std::min<size_t>((size - i) / 16, 255);
        for (size_t b = 0; b < blocks; ++b, i += 16) {
            const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
            lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(block, quote));  // a match is -1
        }
        const __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
        count += static_cast<uint64_t>(_mm_cvtsi128_si32(sums)) + static_cast<uint64_t>(_mm_extract_epi16(sums, 4));
    }
#endif
    for (; i < size; ++i) count += data[i] == '"' ? 1 : 0;
    return count;
}

// Quote bytes in bytes [begin, end) of `input`, or nullopt on a read error.
std::optional<uint64_t> count_quotes(const Input& input, uint64_t begin, uint64_t end, size_t buffer_bytes) {
    if (const char* text = input.data()) return count_quotes(text + begin, static_cast<size_t>(end - begin));
    std::vector<char> buffer(std::max<size_t>(buffer_bytes, 4096));
    uint64_t count = 0;
    for (uint64_t offset = begin; offset < end;) {
        std::string message;
        const auto wanted = static_cast<size_t>(std::min<uint64_t>(buffer.size(), end - offset));
        const int64_t n = input.read_at(offset, buffer.data(), wanted, &message);
        if (n <= 0) return std::nullopt;
        count += count_quotes(buffer.data(), static_cast<size_t>(n));
        offset += static_cast<uint64_t>(n);
    }
    return count;
}

// The offset just after the first line break (LF or CR) at or after `offset` that is outside quotes, given whether
// `offset` is inside quotes; the end of the input when there is none. A cut between the CR and LF of a CRLF is
// harmless: the range that starts there skips the LF as an empty line.
uint64_t next_record_start(const Input& input, uint64_t offset, bool in_quotes) {
    std::vector<char> block(64 << 10);
    for (;;) {
        std::string message;
        const int64_t n = input.read_at(offset, block.data(), block.size(), &message);
        // At the end (or on a read error, which the ranges then report): the last range ends there.
        if (n <= 0) return input.total_bytes();
        for (int64_t i = 0; i < n; ++i, ++offset) {
            const char c = block[static_cast<size_t>(i)];
            if (c == '"') {
                in_quotes = !in_quotes;
            } else if (!in_quotes && (c == '\n' || c == '\r')) {
                return offset + 1;
            }
        }
    }
}

// Runs task(0), ..., task(count - 1), each on a thread of its own; meanwhile calls `waiting()` on the calling thread
// about every 50 ms (progress reports). False when a thread could not be started or a task threw.
template <typename Task, typename Waiting>
bool run_on_threads(unsigned count, const Task& task, const Waiting& waiting) {
    std::mutex mutex;
    std::condition_variable changed;
    unsigned finished = 0;
    std::atomic<bool> all_ok{true};
    auto body = [&](unsigned index) {
        try {
            task(index);
        } catch (...) {
            all_ok = false;
        }
        {
            std::lock_guard<std::mutex> lock(mutex);
            ++finished;
        }
        changed.notify_one();
    };
    std::vector<std::thread> threads;
    try {
        threads.reserve(count);
        for (unsigned i = 0; i < count; ++i) threads.emplace_back(body, i);
    } catch (...) {
        all_ok = false;  // no thread: the ones started still finish below
    }
    {
        std::unique_lock<std::mutex> lock(mutex);
        while (finished < threads.size()) {
            changed.wait_for(lock, std::chrono::milliseconds(50));
            lock.unlock();
            waiting();
            lock.lock();
        }
    }
    for (auto& thread : threads) thread.join();
    return all_ok && threads.size() == count;
}

// Offsets of `parts` + 1 record boundaries cutting [data_start, end of input) into `parts` ranges of about the same
// size: each candidate cut moves to the start of the next record, found from the parity of the quotes before it
// (counted on all threads at once). Empty when the input cannot be read. The cuts only have to be right for valid
// input: for any other, a range fails to parse and the caller loads the file serially.
std::vector<uint64_t> record_boundaries(const Input& input, uint64_t data_start, unsigned parts, size_t buffer_bytes) {
    const uint64_t end = input.total_bytes();
    std::vector<uint64_t> candidates(parts + 1);
    for (unsigned i = 0; i <= parts; ++i) candidates[i] = data_start + (end - data_start) / parts * i;
    candidates[parts] = end;
    std::vector<std::optional<uint64_t>> quotes(parts);
    const bool counted = run_on_threads(
        parts, [&](unsigned i) { quotes[i] = count_quotes(input, candidates[i], candidates[i + 1], buffer_bytes); },
        [] {});
    if (!counted) return {};
    std::vector<uint64_t> boundaries = {data_start};
    uint64_t quotes_before = 0;
    for (unsigned i = 1; i < parts; ++i) {
        if (!quotes[i - 1]) return {};
        quotes_before += *quotes[i - 1];
        const uint64_t start = next_record_start(input, candidates[i], quotes_before % 2 == 1);
        boundaries.push_back(std::max(start, boundaries.back()));  // a long record may swallow a whole range
    }
    boundaries.push_back(end);
    return boundaries;
}

// The load on `threads` threads: the header once, then a range of records per thread, each parsed into a table of its
// own, joined in order. Returns nullopt when anything fails (bad input, a read error, out of memory, a thread that
// cannot start): the caller then loads serially, which reports the first problem in the file exactly, whatever
// the cuts.
//
// Why the result is the serial one: a range starts where the serial parse is between records (true for the first;
// for the next, the previous range ended there without error). Its bytes parse the same way as in the serial load,
// so it cannot end inside a record without an error: the byte before each cut is a line break, which either ends a
// record or (inside quotes) leaves a quoted field unterminated at the range's end. Dictionaries are merged in range
// order, so codes follow first-seen order over the whole file.
std::optional<Table> load_in_ranges(const Input& input, const std::string& path, const schema::Schema& schema,
                                    const CsvOptions& options, unsigned threads) {
    CsvOptions quiet = options;
    quiet.progress = nullptr;
    CsvError ignored;
    RangeInput whole(input, 0, input.total_bytes());
    Loader header_loader(whole, path, schema, quiet);
    const std::optional<uint64_t> data_start = header_loader.run_header(&ignored);
    if (!data_start) return std::nullopt;
    const std::vector<uint64_t> boundaries = record_boundaries(input, *data_start, threads, options.buffer_bytes);
    if (boundaries.empty()) return std::nullopt;

    std::vector<std::optional<Table>> parts(threads);
    ParallelState shared;
    uint64_t last_progress = 0;
    const bool ran = run_on_threads(
        threads,
        [&](unsigned i) {
            RangeInput range(input, boundaries[i], boundaries[i + 1]);
            CsvError error;
            // The first range's table receives the others' rows in the join (concatenate_tables).
            const uint64_t bytes_after = i == 0 ? input.total_bytes() - boundaries[1] : 0;
            parts[i] =
                Loader(range, path, schema, quiet).run_records(header_loader.header(), &shared, &error, bytes_after);
        },
        [&] {
            const uint64_t done = *data_start + shared.bytes_read.load(std::memory_order_relaxed);
            if (options.progress && done - last_progress >= options.progress_interval_bytes) {
                last_progress = done;
                options.progress(done, input.total_bytes());
            }
        });
    if (!ran) return std::nullopt;
    std::vector<Table> tables;
    tables.reserve(threads);
    for (auto& part : parts) {
        if (!part) return std::nullopt;
        tables.push_back(std::move(*part));
        part.reset();
    }
    // The join allocates too: running out of memory there also falls back (and the serial load reports it).
    try {
        Table table = concatenate_tables(std::move(tables), threads);
        Loader::finish_columns(table, true);
        if (options.progress) options.progress(input.total_bytes(), input.total_bytes());
        return table;
    } catch (const std::bad_alloc&) {
    } catch (const std::length_error&) {
    }
    return std::nullopt;
}

// Threads worth starting for `bytes` of input.
unsigned threads_for(const CsvOptions& options, uint64_t bytes) {
    unsigned threads = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    const uint64_t by_size = bytes / std::max<uint64_t>(options.min_bytes_per_thread, 1);
    return static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(threads, by_size)));
}

std::optional<Table> load_unchecked(Input& input, const std::string& path, const schema::Schema& schema,
                                    CsvError* error, const CsvOptions& options);

// A loaded table whose key column has an empty or repeated key becomes an error at the record's line.
std::optional<Table> with_checked_key(std::optional<Table> table, const Input& input, const std::string& path,
                                      const schema::Schema& schema, CsvError* error, const CsvOptions& options) {
    if (!table || !options.check_key) return table;
    const std::optional<KeyProblem> problem = find_key_problem(*table);
    if (!problem) return table;
    const bool duplicate = problem->kind == KeyProblem::Kind::Duplicate;
    std::vector<uint64_t> rows = {problem->row};
    if (duplicate) rows.insert(rows.begin(), problem->first_row);
    table.reset();  // the records are read again to find their lines: the table's memory goes first
    RangeInput again(input, 0, input.total_bytes());
    CsvOptions quiet = options;
    quiet.progress = nullptr;
    Loader locator(again, path, schema, quiet);
    const std::vector<uint64_t> lines = locator.lines_of(rows);
    const auto& header = locator.header();
    const uint64_t key_field =
        static_cast<uint64_t>(std::find(header.begin(), header.end(), schema.key) - header.begin()) + 1;
    *error = CsvError{path, lines.empty() ? 0 : lines.back(), key_field, schema.key, ""};
    if (duplicate) {
        const bool is_int = schema.find(schema.key) && schema.find(schema.key)->type == schema::ColumnType::Int;
        error->message = "column `" + schema.key + "`: key " + (is_int ? problem->key : describe(problem->key)) +
                         " is also the key on line " + std::to_string(lines.empty() ? 0 : lines.front()) +
                         "; every customer has a key of its own";
    } else {
        error->message = "column `" + schema.key + "`: the key is empty; every customer needs one (the schema's `key`)";
    }
    return std::nullopt;
}

// Loads `input` on the threads options ask for; serially when one is enough or when the parallel load fails.
std::optional<Table> load_input(Input& input, const std::string& path, const schema::Schema& schema, CsvError* error,
                                const CsvOptions& options) {
    return with_checked_key(load_unchecked(input, path, schema, error, options), input, path, schema, error, options);
}

std::optional<Table> load_unchecked(Input& input, const std::string& path, const schema::Schema& schema,
                                    CsvError* error, const CsvOptions& options) {
    const unsigned threads = threads_for(options, input.total_bytes());
    if (options.threads_used != nullptr) *options.threads_used = 1;
    if (threads <= 1) return Loader(input, path, schema, options).run(error);
    // Progress never goes back, even when a failed parallel load is redone serially.
    CsvOptions monotonic = options;
    uint64_t reported = 0;
    if (options.progress) {
        monotonic.progress = [&](uint64_t done, uint64_t total) {
            if (done < reported) return;
            reported = done;
            options.progress(done, total);
        };
    }
    if (auto table = load_in_ranges(input, path, schema, monotonic, threads)) {
        if (options.threads_used != nullptr) *options.threads_used = threads;
        return table;
    }
    // The parallel load read through read_at(): read() still starts at the beginning.
    return Loader(input, path, schema, monotonic).run(error);
}

}  // namespace

std::optional<Table> load_csv(const std::string& path, const schema::Schema& schema, CsvError* error,
                              const CsvOptions& options) {
    FileInput input;
    std::string message;
    if (!input.open(path, &message)) {
        *error = CsvError{path, 0, 0, "", message};
        return std::nullopt;
    }
    return load_input(input, path, schema, error, options);
}

std::optional<Table> load_csv_text(std::string_view text, const std::string& name, const schema::Schema& schema,
                                   CsvError* error, const CsvOptions& options) {
    MemoryInput input(text);
    return load_input(input, name, schema, error, options);
}

}  // namespace segmint::data
