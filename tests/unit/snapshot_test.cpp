// Snapshots (src/snapshot, docs/snapshots.md): a table written and read back is the same table, value for value,
// with its event tables; and a snapshot that is cut short, changed, of another format version or imported under
// another schema is refused with a message, never read wrong (random corruptions run here and under the sanitizers).
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <fmt/format.h>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "common/calendar.h"
#include "common/text_format.h"
#include "data/events.h"
#include "data/prefault.h"
#include "engine/engine.h"
#include "optimize/stats.h"
#include "random_rules.h"
#include "report/diagnostic_render.h"
#include "semantic/catalog.h"
#include "snapshot/arrow_format_generated.h"
#include "snapshot/checksum.h"
#include "snapshot/column_scan.h"
#include "snapshot/reader.h"
#include "snapshot/writer.h"
#include "syntax/parse.h"
#include "test_support.h"

using namespace segmint;
using segmint::testing::Random;

namespace {

std::string value_text(const data::Column& column, uint64_t row) {
    if (column.is_null(row)) return "NULL";
    switch (column.type) {
        case schema::ColumnType::Int: return std::to_string(column.int_at(row));
        case schema::ColumnType::Timestamp: return std::to_string(column.i64[row]);
        case schema::ColumnType::Number: {  // bit for bit: -0 and NaN payloads too
            uint64_t bits;
            std::memcpy(&bits, &column.f64[row], sizeof bits);
            return std::to_string(bits);
        }
        case schema::ColumnType::Bool: return column.bools.get(row) ? "true" : "false";
        case schema::ColumnType::Date: return std::to_string(column.i32[row]);
        case schema::ColumnType::String:
        case schema::ColumnType::Enum: return "\"" + std::string(column.string_at(row)) + "\"";
        case schema::ColumnType::StringList: {
            std::string items = "[";
            for (uint64_t k = column.list_begin(row); k < column.list_end(row); ++k) {
                items += "\"" + std::string(column.dictionary.value(column.list_codes[k])) + "\",";
            }
            return items + "]";
        }
    }
    return "?";
}

// Values, NULLs, codes and dictionaries (in order: a snapshot keeps the codes the loader gave).
void expect_same_table(const data::Table& want, const data::Table& got, const std::string& what) {
    BOOST_REQUIRE_EQUAL(want.rows(), got.rows());
    BOOST_REQUIRE_EQUAL(want.column_count(), got.column_count());
    for (size_t c = 0; c < want.column_count(); ++c) {
        const data::Column& a = want.column(c);
        const data::Column& b = got.column(c);
        BOOST_REQUIRE_MESSAGE(a.dictionary.size() == b.dictionary.size(), what << ": dictionary of " << a.name);
        for (size_t k = 0; k < a.dictionary.size(); ++k) {
            BOOST_REQUIRE(a.dictionary.value(static_cast<int32_t>(k)) == b.dictionary.value(static_cast<int32_t>(k)));
        }
        BOOST_REQUIRE(a.validity == b.validity);
        for (uint64_t row = 0; row < want.rows(); ++row) {
            BOOST_REQUIRE_MESSAGE(value_text(a, row) == value_text(b, row), what << ": column " << a.name << ", row "
                                                                                 << row << ": " << value_text(a, row)
                                                                                 << " != " << value_text(b, row));
        }
        // Codes and days as stored (an Int column's narrow array may be i32: its values were compared above).
        if (a.type == schema::ColumnType::Date) BOOST_REQUIRE(a.i32 == b.i32);
        if (a.type == schema::ColumnType::String || a.type == schema::ColumnType::Enum) {
            for (uint64_t row = 0; row < want.rows(); ++row) BOOST_REQUIRE(a.code_at(row) == b.code_at(row));
        }
        BOOST_REQUIRE(a.list_codes == b.list_codes && a.list_offsets == b.list_offsets);
    }
    const data::EventSet* x = want.events();
    const data::EventSet* y = got.events();
    if (!x) {  // no events attached: read back as tables without data
        for (size_t e = 0; y && e < y->tables.size(); ++e) BOOST_REQUIRE(!y->tables[e].loaded);
        return;
    }
    BOOST_REQUIRE(y);
    BOOST_REQUIRE_EQUAL(x->tables.size(), y->tables.size());
    for (size_t e = 0; e < x->tables.size(); ++e) {
        const auto& a = x->tables[e];
        const auto& b = y->tables[e];
        BOOST_REQUIRE_EQUAL(a.loaded, b.loaded);
        BOOST_REQUIRE(a.offsets == b.offsets);
        BOOST_REQUIRE_EQUAL(a.orphans, b.orphans);
        BOOST_REQUIRE_EQUAL(a.first_orphan_key, b.first_orphan_key);
        BOOST_REQUIRE_EQUAL(a.first_orphan_row, b.first_orphan_row);
        if (a.loaded) expect_same_table(a.table, b.table, what + ", events " + std::to_string(e));
    }
}

data::Table random_customers(uint64_t seed, uint64_t rows, bool events) {
    Random random(seed);
    const schema::Schema& schema = testing::test_schema();
    data::Table table = testing::random_table(random, schema, rows);
    if (events) {
        testing::attach_events(table, testing::random_events(random, schema, rows, 1795000000000000));
    }
    return table;
}

// Read as a mapped file is (the default): the table views a copy of `bytes` that it keeps alive; `in_place` false
// copies the columns out as standard input is read.
std::optional<data::Table> read(const std::string& bytes, std::string* error, bool verify = true,
                                const schema::Schema& schema = testing::test_schema(), unsigned threads = 1,
                                bool in_place = true) {
    snapshot::ReadOptions options;
    options.verify_checksum = verify;
    options.threads = threads;
    auto owner = std::make_shared<const std::string>(bytes);
    if (in_place) options.bytes_owner = owner;
    return snapshot::read_snapshot(*owner, "t.arrow", schema, error, options);
}

// A schema of table `t` keyed by `id` with these columns, in order.
schema::Schema table_t(const std::vector<std::pair<std::string, schema::ColumnType>>& columns) {
    schema::Schema schema;
    schema.table = "t";
    schema.key = "id";
    for (const auto& [name, type] : columns) testing::add_column(schema, name, type);
    return schema;
}

// `bytes` read as a table of `schema` (the checksum checked with `verify`) is refused with a message that contains
// `text`; `what` names the case in a failure.
void expect_refused(const std::string& bytes, const schema::Schema& schema, const std::string& text,
                    bool verify = true, const std::string& what = "") {
    std::string error;
    BOOST_CHECK_MESSAGE(!read(bytes, &error, verify, schema), what << ": read");
    BOOST_CHECK_MESSAGE(error.find(text) != std::string::npos, what << ": refused with \"" << error << "\", not \""
                                                                    << text << "\"");
}

// A sink that keeps the bytes handed to it and the size of each hand-over.
struct Recording {
    std::string bytes;
    std::vector<size_t> sizes;
    snapshot::ByteSink sink() {
        return [this](const void* data, size_t size) {
            sizes.push_back(size);
            bytes.append(static_cast<const char*>(data), size);
            return true;
        };
    }
};

size_t resident_pages(const std::string& path);

// Whether a file in `folder` takes the O_DIRECT flag at all (fcntl F_SETFL, as DirectFile sets it).
bool direct_io_accepted(const std::string& folder) {
    const std::string probe = folder + "/direct-flag-probe";
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT, 0600);
    BOOST_REQUIRE(fd >= 0);
    const int flags = ::fcntl(fd, F_GETFL);
    const bool accepted = flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_DIRECT) == 0 &&
                          (::fcntl(fd, F_GETFL) & O_DIRECT) != 0;
    ::close(fd);
    ::unlink(probe.c_str());
    return accepted;
}

// Whether direct I/O (O_DIRECT) in `folder` writes around the page cache: most disk file systems do; tmpfs refuses it
// or, on newer kernels, takes it into the page cache it lives in. A probe of 16 KiB written so must not be cached.
bool direct_io_in(const std::string& folder) {
    const std::string probe = folder + "/direct-probe";
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0600);
    bool around = false;
    if (fd >= 0) {
        void* block = std::aligned_alloc(4096, 16384);
        std::memset(block, 7, 16384);
        around = ::write(fd, block, 16384) == 16384 && ::fsync(fd) == 0;
        std::free(block);
        ::close(fd);
        around = around && resident_pages(probe) == 0;
    }
    ::unlink(probe.c_str());
    return around;
}

// How many of a file's pages the page cache holds (mincore over a mapping of it).
size_t resident_pages(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    BOOST_REQUIRE(fd >= 0);
    struct stat info;
    BOOST_REQUIRE(::fstat(fd, &info) == 0);
    const size_t size = static_cast<size_t>(info.st_size), page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    BOOST_REQUIRE(mapped != MAP_FAILED);
    std::vector<unsigned char> in_core((size + page - 1) / page);
    BOOST_REQUIRE(::mincore(mapped, size, in_core.data()) == 0);
    ::munmap(mapped, size);
    return static_cast<size_t>(std::count_if(in_core.begin(), in_core.end(), [](unsigned char c) { return c & 1; }));
}

// Whether the arrays a snapshot holds in place (values of ints, numbers, dates and times; dictionary codes, strings
// and offsets; list offsets and items) are views (`in_place`) or owned.
void expect_views(const data::Table& table, bool in_place) {
    using schema::ColumnType;
    for (size_t i = 0; i < table.column_count(); ++i) {
        const data::Column& c = table.column(i);
        if (c.size == 0) continue;
        switch (c.type) {
            case ColumnType::Int: {
                // In place at the width the file holds; a column narrowed further on reading (offsets from a base,
                // which the file cannot hold) is a copy.
                const bool view = c.int_width == 1 ? c.i8.is_view()
                                  : c.int_width == 2 ? c.i16.is_view()
                                  : c.int_width == 4 ? c.i32.is_view()
                                                     : c.i64.is_view();
                BOOST_CHECK_MESSAGE(view == (in_place && c.int_base == 0), c.name);
                break;
            }
            case ColumnType::Timestamp: BOOST_CHECK_MESSAGE(c.i64.is_view() == in_place, c.name); break;
            case ColumnType::Number: BOOST_CHECK_MESSAGE(c.f64.is_view() == in_place, c.name); break;
            case ColumnType::Date: BOOST_CHECK_MESSAGE(c.i32.is_view() == in_place, c.name); break;
            case ColumnType::String:
            case ColumnType::Enum: {
                const bool view = c.code_width == 1 ? c.i8.is_view() : c.code_width == 2 ? c.i16.is_view() : c.i32.is_view();
                BOOST_CHECK_MESSAGE(view == in_place, c.name << ": codes");
                break;
            }
            case ColumnType::StringList:
                BOOST_CHECK_MESSAGE(c.list_offsets.is_view() == in_place && c.list_codes.is_view() == in_place,
                                    c.name << ": lists");
                break;
            case ColumnType::Bool: break;
        }
        BOOST_CHECK_MESSAGE(c.validity.is_view() == in_place, c.name << ": validity");
        if (c.dictionary.size() > 0) {
            BOOST_CHECK_MESSAGE(c.dictionary.values.is_view() == in_place, c.name);
            BOOST_CHECK_MESSAGE(c.dictionary.values.offsets_are_view() == in_place, c.name << ": dictionary offsets");
        }
    }
}

// The footer of a snapshot's bytes: its size is the 4 bytes before the closing "ARROW1".
const arrow::Footer* footer_of(const std::string& bytes) {
    int32_t footer_size = 0;
    std::memcpy(&footer_size, bytes.data() + bytes.size() - 10, sizeof footer_size);
    return arrow::GetFooter(bytes.data() + bytes.size() - 10 - footer_size);
}

// Whether this process maps `path` (/proc/self/maps).
bool is_mapped(const std::string& path) {
    return testing::read_file("/proc/self/maps").find(path) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(snapshots)

BOOST_AUTO_TEST_CASE(random_tables_read_back_value_for_value) {
    uint64_t rows_seen = 0, narrowed_columns = 0;
    for (uint64_t seed = 1; seed <= 40; ++seed) {
        const uint64_t rows = seed % 10 == 0 ? 0 : Random(seed).below(400) + 1;
        const data::Table table = random_customers(seed, rows, seed % 2 == 0);
        const std::string bytes = snapshot::snapshot_bytes(table);
        BOOST_REQUIRE(snapshot::is_snapshot(bytes));
        for (unsigned threads : {1u, 3u}) {
            for (bool in_place : {true, false}) {
                std::string error;
                auto back = read(bytes, &error, true, testing::test_schema(), threads, in_place);
                BOOST_REQUIRE_MESSAGE(back, "seed " << seed << ": " << error);
                expect_same_table(table, *back, "seed " + std::to_string(seed));
                expect_views(*back, in_place);
            }
        }
        // Written again from what was read: the same bytes (nothing is lost or added on the way).
        std::string error;
        BOOST_CHECK(snapshot::snapshot_bytes(*read(bytes, &error)) == bytes);
        // Int columns narrowed in memory (as loaders leave them, offsets from a base where that fits) are written in
        // the plain width their values need, NULL slots 0: the same file as from the wide table.
        data::Table narrow = table;
        narrow.narrow_int_columns();
        for (size_t c = 0; c < narrow.column_count(); ++c) narrowed_columns += narrow.column(c).int_width != 8;
        BOOST_CHECK_MESSAGE(snapshot::snapshot_bytes(narrow) == bytes, "seed " << seed << ": narrowed, other bytes");
        rows_seen += rows;
    }
    BOOST_TEST_MESSAGE("snapshot: 40 random tables (" << rows_seen << " rows) read back value for value");
    BOOST_CHECK_GT(narrowed_columns, 0u);
}

// Past 4,096 rows (Bool columns were unpacked 4,096 rows at a time before they were bits) and at that edge, and past
// the pieces of the pass that checks the columns (snapshot/column_scan.h: kVisitBytes): tables of 4,096, 9,001 and
// 150,001 rows read back value for value, with the statistics a pass over the table gives, in place and copied, on 1
// and 2 threads.
BOOST_AUTO_TEST_CASE(tables_past_the_readers_chunks_read_back_value_for_value) {
    for (uint64_t rows : {uint64_t{4096}, uint64_t{9001}, uint64_t{150001}}) {
        const data::Table table = random_customers(100 + rows, rows, true);
        const std::string bytes = snapshot::snapshot_bytes(table);
        if (rows > 100000) BOOST_REQUIRE_GT(bytes.size(), 8 * snapshot::kVisitBytes);
        const optimize::TableStats want = optimize::gather_stats(table);
        for (unsigned threads : {1u, 2u}) {
            for (bool in_place : {true, false}) {
                std::string error;
                auto back = read(bytes, &error, true, testing::test_schema(), threads, in_place);
                BOOST_REQUIRE_MESSAGE(back, rows << " rows: " << error);
                expect_same_table(table, *back, std::to_string(rows) + " rows");
                const optimize::TableStats got = optimize::gather_stats(*back);
                for (size_t c = 0; c < table.column_count(); ++c) {
                    const optimize::ColumnStats& a = want.columns[c];
                    const optimize::ColumnStats& b = got.columns[c];
                    BOOST_CHECK_MESSAGE(a.has_range == b.has_range && a.min == b.min && a.max == b.max &&
                                            a.null_count == b.null_count,
                                        rows << " rows, " << table.column(c).name << ": [" << a.min << ", " << a.max
                                             << "] read as [" << b.min << ", " << b.max << "]");
                }
            }
        }
    }
}

// The pass over the file hands each piece of kVisitBytes to the checks, which take the rows (or items, or values)
// of every buffer whose group of 64 ends in it: over any buffer, the pieces give each unit once, in ranges that start
// on a group (the validity words the checks read with them), each range's last group ending in its piece.
BOOST_AUTO_TEST_CASE(the_pieces_of_the_pass_give_every_row_once) {
    const uint64_t piece_bytes = snapshot::kVisitBytes;
    std::vector<unsigned char> file(4 * piece_bytes + 4096);
    uint64_t ranges = 0;
    for (uint64_t offset : {uint64_t{0}, uint64_t{8}, uint64_t{4160}, piece_bytes - 8, piece_bytes}) {
        for (uint64_t group_bytes : {uint64_t{8}, uint64_t{64}, uint64_t{256}, uint64_t{512}}) {
            for (uint64_t units : {uint64_t{1}, uint64_t{63}, uint64_t{64}, uint64_t{65}, uint64_t{40000},
                                   uint64_t{2 * piece_bytes / (group_bytes / 8) + 1}}) {
                snapshot::Piece piece;
                piece.begin = file.data() + offset;
                piece.bytes = (units * group_bytes + 63) / 64;
                piece.units = units;
                piece.group_bytes = group_bytes;
                if (offset + piece.bytes > file.size()) continue;
                const std::string what = fmt::format("offset {}, {} bytes a group, {} units", offset, group_bytes, units);
                uint64_t next = 0;
                for (uint64_t at = 0; at < file.size(); at += piece_bytes) {
                    const unsigned char* begin = file.data() + at;
                    const unsigned char* end = file.data() + std::min<uint64_t>(file.size(), at + piece_bytes);
                    const uint64_t first = piece.units_before(begin), last = piece.units_before(end);
                    BOOST_REQUIRE_MESSAGE(first == next && first <= last, what);
                    if (first == last) continue;
                    ++ranges;
                    BOOST_REQUIRE_MESSAGE(first % 64 == 0, what << ": a range from unit " << first);
                    // The byte after the range's last unit's group (its bits or values) lies in this piece.
                    const uint64_t after = offset + (std::min(units, (last + 63) / 64 * 64) * group_bytes + 63) / 64;
                    BOOST_CHECK_MESSAGE(after > at && after <= at + piece_bytes, what << ": units to " << last);
                    next = last;
                }
                BOOST_REQUIRE_MESSAGE(next == units, what << ": " << next << " units given");
            }
        }
    }
    BOOST_CHECK_GT(ranges, 100u);
}

// The reader finds each Int, Timestamp, Number and Date column's range in the pass that checks its values; the
// statistics taken from those ranges are the ones a pass over the table gives (the loaded table, which has none), and
// a column changed through mutable_column is measured again.
BOOST_AUTO_TEST_CASE(statistics_found_while_reading_are_the_tables) {
    using schema::ColumnType;
    const auto has_range = [](ColumnType type) {
        return type == ColumnType::Int || type == ColumnType::Timestamp || type == ColumnType::Number ||
               type == ColumnType::Date;
    };
    uint64_t known = 0, empty = 0;
    for (uint64_t seed = 1; seed <= 12; ++seed) {
        const uint64_t rows = seed == 1 ? 0 : seed == 2 ? 9001 : Random(seed).below(400) + 1;
        const data::Table table = random_customers(200 + seed, rows, false);
        const optimize::TableStats want = optimize::gather_stats(table);
        for (unsigned threads : {1u, 3u}) {
            for (bool in_place : {true, false}) {
                std::string error;
                auto back = read(snapshot::snapshot_bytes(table), &error, true, testing::test_schema(), threads,
                                 in_place);
                BOOST_REQUIRE_MESSAGE(back, error);
                const optimize::TableStats got = optimize::gather_stats(*back);
                for (size_t c = 0; c < table.column_count(); ++c) {
                    const std::string name = "seed " + std::to_string(seed) + ", " + table.column(c).name;
                    const data::ValueRange* range = back->known_range(c);
                    BOOST_REQUIRE_MESSAGE((range != nullptr) == has_range(table.column(c).type), name);
                    known += range != nullptr;
                    empty += range && !range->any;
                    const optimize::ColumnStats& a = want.columns[c];
                    const optimize::ColumnStats& b = got.columns[c];
                    BOOST_REQUIRE_MESSAGE(a.has_range == b.has_range && a.min == b.min && a.max == b.max &&
                                              a.null_count == b.null_count && a.distinct == b.distinct,
                                          name << ": [" << a.min << ", " << a.max << "] read as [" << b.min << ", "
                                               << b.max << "]");
                }
            }
        }
    }
    BOOST_TEST_MESSAGE("snapshot: " << known << " column ranges found while reading, " << empty << " with no value");
    BOOST_CHECK_GT(empty, 0u);  // the 0-row table's, at least
    // A column changed after reading has no known range: its statistics are measured again.
    const data::Table table = random_customers(7, 300, false);
    std::string error;
    auto back = read(snapshot::snapshot_bytes(table), &error);
    BOOST_REQUIRE_MESSAGE(back, error);
    const size_t date = static_cast<size_t>(std::find_if(testing::test_schema().columns.begin(),
                                                         testing::test_schema().columns.end(),
                                                         [](const auto& c) { return c.type == ColumnType::Date; }) -
                                            testing::test_schema().columns.begin());
    BOOST_REQUIRE(back->known_range(date));
    data::Column& column = back->mutable_column(date);
    BOOST_CHECK(!back->known_range(date));
    BOOST_REQUIRE(back->column(date).validity.count() > 1);
    for (uint64_t row = 0; row < column.size; ++row) {
        if (!column.is_null(row)) column.i32.owned()[row] = 12345;  // a range the random dates do not have
    }
    const optimize::TableStats changed = optimize::gather_stats(*back);
    BOOST_CHECK(changed.columns[date].has_range);
    BOOST_CHECK_EQUAL(changed.columns[date].min, 12345.0);
    BOOST_CHECK_EQUAL(changed.columns[date].max, 12345.0);
}

// Each Int, Number, Date and Timestamp column's least and greatest present value is in its field's metadata, for
// other Arrow readers, as exact text (format.h); the reader checks them: a snapshot that gives other ones is refused,
// also with the checksum off (the footer's copy of the schema lies after the bytes it covers).
BOOST_AUTO_TEST_CASE(least_and_greatest_values_are_in_the_fields_metadata) {
    using schema::ColumnType;
    const schema::Schema schema = table_t({{"id", ColumnType::Int},
                                           {"n", ColumnType::Int},
                                           {"score", ColumnType::Number},
                                           {"born", ColumnType::Date},
                                           {"seen", ColumnType::Timestamp},
                                           {"flag", ColumnType::Bool},
                                           {"none", ColumnType::Number}});
    data::Table table(schema);
    for (int64_t id : {1, 2, 3}) table.mutable_column(0).append_int(id);
    table.mutable_column(1).append_int(-3);
    table.mutable_column(1).append_null();
    table.mutable_column(1).append_int(5000000000);
    for (double score : {-0.0, 2.5, 0.1}) table.mutable_column(2).append_number(score);
    table.mutable_column(3).append_date(*calendar::parse_date("2024-02-29"));
    table.mutable_column(3).append_null();
    table.mutable_column(3).append_date(*calendar::parse_date("1999-12-31"));
    for (int64_t seen : {int64_t{0}, int64_t{1700000000123456}, int64_t{86400000000}}) {
        table.mutable_column(4).append_timestamp(seen);
    }
    for (int k = 0; k < 3; ++k) table.mutable_column(5).append_bool(k == 1);
    for (int k = 0; k < 3; ++k) table.mutable_column(6).append_null();
    table.finish_rows();
    const std::string bytes = snapshot::snapshot_bytes(table);
    std::map<std::string, std::string> found;
    for (const auto* field : *footer_of(bytes)->schema()->fields()) {
        for (size_t k = 0; field->custom_metadata() && k < field->custom_metadata()->size(); ++k) {
            const auto* pair = field->custom_metadata()->Get(static_cast<uint32_t>(k));
            found[field->name()->str() + " " + pair->key()->str()] = pair->value()->str();
        }
    }
    const std::map<std::string, std::string> want = {
        {"id segmint.min", "1"},
        {"id segmint.max", "3"},
        {"n segmint.min", "-3"},
        {"n segmint.max", "5000000000"},
        {"score segmint.min", "0"},  // -0 as 0
        {"score segmint.max", "2.5"},
        {"born segmint.min", "1999-12-31"},
        {"born segmint.max", "2024-02-29"},
        {"seen segmint.min", "1970-01-01T00:00:00Z"},
        {"seen segmint.max", "2023-11-14T22:13:20.123456Z"},
    };
    BOOST_CHECK(found == want);
    std::string error;
    auto back = read(bytes, &error, true, schema);
    BOOST_REQUIRE_MESSAGE(back, error);
    BOOST_REQUIRE(back->known_range(1));
    BOOST_CHECK_EQUAL(back->known_range(1)->high, 5000000000.0);
    BOOST_CHECK(back->known_range(6) && !back->known_range(6)->any);
    // The footer's copy of `n`'s greatest value changed (the schema message at the start holds it too).
    std::string changed = bytes;
    changed.replace(changed.rfind("5000000000"), 10, "5000000001");
    for (bool verify : {true, false}) {
        BOOST_CHECK(!read(changed, &error, verify, schema));
        BOOST_CHECK_EQUAL(error,
                          "t.arrow: column `n`: the least and greatest value its metadata gives are not its values': "
                          "the snapshot is corrupt");
    }
    // Read by value, not by text (another version of the formatting library may write the same value otherwise):
    // the same time with a space for the T is the same least; text that is no int is refused.
    std::string other_form = bytes;
    other_form.replace(other_form.rfind("1970-01-01T00:00:00Z"), 20, "1970-01-01 00:00:00Z");
    BOOST_CHECK_MESSAGE(read(other_form, &error, true, schema), error);
    other_form = bytes;
    other_form.replace(other_form.rfind("5000000000"), 10, "5.0e9     ");
    BOOST_CHECK(!read(other_form, &error, true, schema));
    BOOST_CHECK(error.find("column `n`: the least and greatest value its metadata gives") != std::string::npos);
    // A key without its pair, or one key twice (edits of the last field's pair in the footer): refused.
    for (const char* key : {"segmint.mix", "segmint.min"}) {
        std::string edited = bytes;
        edited.replace(edited.rfind("segmint.max"), 11, key);
        BOOST_CHECK(!read(edited, &error, false, schema));
        BOOST_CHECK_MESSAGE(error.find(": its metadata gives its least or greatest value twice or alone") !=
                                std::string::npos,
                            error);
    }
    // Version 2 files gave no ranges: read as before, their statistics found while reading all the same.
    const std::string version_2 = snapshot::snapshot_bytes(table, 2);
    for (const auto* field : *footer_of(version_2)->schema()->fields()) BOOST_CHECK(!field->custom_metadata());
    back = read(version_2, &error, true, schema);
    BOOST_REQUIRE_MESSAGE(back, error);
    BOOST_REQUIRE(back->known_range(1));
    BOOST_CHECK_EQUAL(back->known_range(1)->low, -3.0);
}

BOOST_AUTO_TEST_CASE(every_cut_is_refused) {
    const std::string bytes = snapshot::snapshot_bytes(random_customers(7, 30, true));
    for (size_t size = 0; size < bytes.size(); ++size) {
        std::string error;
        BOOST_REQUIRE_MESSAGE(!read(bytes.substr(0, size), &error), "a snapshot cut at byte " << size << " was read");
        BOOST_REQUIRE(!read(bytes.substr(0, size), &error, false));
        BOOST_REQUIRE(error.rfind("t.arrow: ", 0) == 0);
    }
    std::string error;
    read(bytes.substr(0, bytes.size() / 2), &error);
    BOOST_CHECK_EQUAL(error,
                      "t.arrow: the file does not end as an Arrow file does (\"ARROW1\"): the snapshot is "
                      "truncated or corrupt");
}

// A changed byte anywhere is an error, or (in the footer's parts that say nothing about the data, such as the
// writer's name) the same table: never a different one.
BOOST_AUTO_TEST_CASE(every_changed_byte_is_refused_or_harmless) {
    const data::Table table = random_customers(8, 25, true);
    const std::string bytes = snapshot::snapshot_bytes(table);
    size_t refused = 0;
    for (size_t at = 0; at < bytes.size(); ++at) {
        std::string changed = bytes;
        changed[at] = static_cast<char>(changed[at] ^ (1 << (at % 8)));
        std::string error;
        auto back = read(changed, &error);
        if (!back) {
            ++refused;
            continue;
        }
        expect_same_table(table, *back, "byte " + std::to_string(at) + " changed");
    }
    BOOST_TEST_MESSAGE("snapshot: " << refused << " of " << bytes.size()
                                    << " one-bit changes refused, the rest harmless");
    BOOST_CHECK_GT(refused, bytes.size() * 9 / 10);
    std::string changed = bytes;
    changed[200] ^= 1;
    std::string error;
    BOOST_CHECK(!read(changed, &error));
    BOOST_CHECK_EQUAL(error,
                      "t.arrow: the checksum does not match: the snapshot is corrupt (changed or cut short "
                      "after it was written); import the data again with `segmint import`");
}

// Two corruptions fuzz_snapshot found that FlatBuffers' verifier lets through, checksum off: a message moved off the
// 8-byte grid (its flatbuffer would be read misaligned) and a message whose header type is set without its header.
BOOST_AUTO_TEST_CASE(framing_the_verifier_lets_through_is_refused) {
    const std::string bytes = snapshot::snapshot_bytes(random_customers(10, 20, false));
    const arrow::Footer* footer = footer_of(bytes);
    const arrow::Block* block = footer->record_batches()->Get(0);
    const auto at = [&](const void* p) { return static_cast<size_t>(static_cast<const char*>(p) - bytes.data()); };

    std::string moved = bytes;
    const int64_t off_grid = block->offset() + 4;
    std::memcpy(&moved[at(block)], &off_grid, sizeof off_grid);  // a Block starts with its offset
    std::string error;
    BOOST_CHECK(!read(moved, &error, false));
    BOOST_CHECK_EQUAL(error, "t.arrow: a message is not at a multiple of 8 bytes: the snapshot is corrupt");

    const auto* message = flatbuffers::GetRoot<arrow::Message>(bytes.data() + block->offset() + 8);
    BOOST_REQUIRE(message->header_type() == arrow::MessageHeader_RecordBatch && message->header());
    std::string headless = bytes;
    const uint16_t absent = 0;
    int32_t to_vtable = 0;  // a flatbuffer table starts with the signed distance back to its vtable
    std::memcpy(&to_vtable, message, sizeof to_vtable);
    const size_t header_entry = at(message) - static_cast<size_t>(to_vtable) + arrow::Message::VT_HEADER;
    std::memcpy(&headless[header_entry], &absent, sizeof absent);
    BOOST_CHECK(!read(headless, &error, false));
    BOOST_CHECK_EQUAL(error, "t.arrow: a message is not the one its block announces: the snapshot is corrupt");
}

// Without the checksum, the structural checks alone stand between a corrupt file and the engine: random changes are
// refused or give a table whose codes and offsets the engine can use (the sanitizer build runs this too).
BOOST_AUTO_TEST_CASE(random_corruptions_never_crash) {
    const std::string bytes = snapshot::snapshot_bytes(random_customers(9, 40, true));
    Random random(99);
    size_t read_anyway = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string changed = bytes;
        const int edits = 1 + static_cast<int>(random.below(8));
        for (int i = 0; i < edits; ++i) {
            const size_t at = random.below(changed.size());
            changed[at] = random.chance(50) ? static_cast<char>(random.next()) : static_cast<char>(changed[at] ^ 0x80);
        }
        if (random.chance(5)) changed.resize(random.below(changed.size()));
        std::string error;
        auto back = read(changed, &error, false);
        if (!back) {
            BOOST_REQUIRE(!error.empty());
            continue;
        }
        ++read_anyway;
        for (size_t c = 0; c < back->column_count(); ++c) {
            const data::Column& column = back->column(c);
            for (uint64_t row = 0; row < back->rows(); ++row) value_text(column, row);  // reads every code
        }
    }
    BOOST_TEST_MESSAGE("snapshot: 20000 random corruptions without the checksum: " << read_anyway
                                                                                   << " read, the rest refused");
}

// Each version's checksum as its files hold it (snapshot/checksum.h): the chunks hashed in rounds up to version 3, in
// stripes from version 4; the footer's value is the checksum of the bytes before the footer with the other metadata.
BOOST_AUTO_TEST_CASE(each_version_hashes_its_bytes_as_its_files_do) {
    const data::Table table = random_customers(3, 40, true);
    for (int version = 1; version <= snapshot::kFormatVersion; ++version) {
        const std::string bytes = snapshot::snapshot_bytes(table, version);
        int32_t footer_size = 0;
        std::memcpy(&footer_size, bytes.data() + bytes.size() - 10, sizeof footer_size);
        const uint64_t covered = bytes.size() - 10 - static_cast<uint64_t>(footer_size);
        snapshot::Metadata metadata;
        for (const auto* pair : *footer_of(bytes)->schema()->custom_metadata()) {
            metadata.emplace_back(pair->key()->str(), pair->value()->str());
        }
        std::string stored;
        for (const auto& [key, value] : metadata) stored = key == snapshot::kChecksumKey ? value : stored;
        const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
        for (const auto kind : {snapshot::ChunkHash::Rounds, snapshot::ChunkHash::Stripes}) {
            const bool its_own = kind == (version >= 4 ? snapshot::ChunkHash::Stripes : snapshot::ChunkHash::Rounds);
            const std::string text = snapshot::checksum_text(snapshot::checksum(data, covered, 2, kind), metadata);
            BOOST_CHECK_MESSAGE((text == stored) == its_own,
                                "version " << version << (its_own ? ": its own hash" : ": another hash")
                                           << (its_own ? " does not give" : " gives") << " the footer's checksum");
        }
    }
}

BOOST_AUTO_TEST_CASE(other_format_versions_are_refused) {
    const data::Table table = random_customers(10, 5, false);
    std::string error;
    BOOST_CHECK(!read(snapshot::snapshot_bytes(table, 5), &error));
    BOOST_CHECK_EQUAL(error,
                      "t.arrow: a snapshot of format version 5, and this segmint reads versions 1 to 4; import the "
                      "data again with `segmint import`");
    BOOST_CHECK(!read(snapshot::snapshot_bytes(table, 0), &error));
    BOOST_CHECK(read(snapshot::snapshot_bytes(table, snapshot::kFormatVersion), &error));
    // Version 1, whose Int columns are all Int64, is read too, its ints narrowed (copies) to the widths and bases
    // version 2's come to; versions 1 and 2, whose codes are all Int32, have their codes narrowed as version 3's.
    size_t narrowed = 0, narrowed_codes = 0;
    for (uint64_t seed = 1; seed <= 40; ++seed) {  // few rows: the test schema's ints often hold int64's extremes
        const data::Table larger = random_customers(seed, 1 + seed % 8, false);
        const std::string old_bytes = snapshot::snapshot_bytes(larger, 1);
        const auto* fields = footer_of(old_bytes)->schema()->fields();
        const auto version_1 = read(old_bytes, &error);
        const std::string version_2_bytes = snapshot::snapshot_bytes(larger, 2);
        const auto version_2 = read(version_2_bytes, &error);
        const auto version_3 = read(snapshot::snapshot_bytes(larger, 3), &error);
        BOOST_REQUIRE(version_1 && version_2 && version_3);
        expect_same_table(larger, *version_3, "version 3");
        expect_same_table(larger, *version_2, "version 2");
        expect_same_table(larger, *version_1, "version 1");
        for (size_t c = 0; c < larger.column_count(); ++c) {
            const data::Column& column = version_1->column(c);
            if (column.type == schema::ColumnType::String || column.type == schema::ColumnType::Enum) {
                const auto* index = footer_of(version_2_bytes)->schema()->fields()->Get(static_cast<uint32_t>(c));
                BOOST_CHECK_EQUAL(index->dictionary()->index_type()->bit_width(), 32);
                BOOST_CHECK_EQUAL(+column.code_width, +version_3->column(c).code_width);
                BOOST_CHECK_EQUAL(+version_2->column(c).code_width, +version_3->column(c).code_width);
                narrowed_codes += version_3->column(c).code_width < 4;
            }
            if (column.type != schema::ColumnType::Int) continue;
            BOOST_CHECK_EQUAL(fields->Get(static_cast<uint32_t>(c))->type_as_Int()->bit_width(), 64);
            BOOST_CHECK_EQUAL(+column.int_width, +version_2->column(c).int_width);
            BOOST_CHECK_EQUAL(column.int_base, version_2->column(c).int_base);
            narrowed += column.int_width < 8;
        }
    }
    BOOST_CHECK_GT(narrowed, 0u);
    BOOST_CHECK_GT(narrowed_codes, 0u);
}

// A changed byte in what the file says of its own structure (the schema its footer holds, which the checksum covers
// with the rest of the footer's metadata) is corruption, and reported as such: the checksum decides before the stored
// schema, a column's type or a buffer is judged.
BOOST_AUTO_TEST_CASE(changed_structure_is_reported_by_the_checksum) {
    const std::string bytes = snapshot::snapshot_bytes(random_customers(12, 50, true));
    const std::string key_line = "key " + quote_literal(testing::test_schema().key);
    const size_t at = bytes.rfind(key_line);
    BOOST_REQUIRE(at != std::string::npos);
    std::string changed = bytes;
    changed[at + key_line.size() - 2] ^= 1;  // the key's last letter
    std::string error;
    BOOST_CHECK(!read(changed, &error, true));
    BOOST_CHECK_MESSAGE(error.find("the checksum does not match") != std::string::npos, error);
    BOOST_CHECK(!read(changed, &error, false));  // unchecked, the stored schema is another one
    BOOST_CHECK_MESSAGE(error.find("imported under another schema") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(another_schema_is_refused) {
    const std::string bytes = snapshot::snapshot_bytes(random_customers(11, 5, true));
    auto refused = [&](const schema::Schema& other) {
        std::string error;
        BOOST_CHECK(!read(bytes, &error, true, other));
        return error;
    };
    schema::Schema other = testing::test_schema();
    other.columns[1].type = schema::ColumnType::Int;
    std::string error = refused(other);
    BOOST_CHECK_MESSAGE(
        error.find("the snapshot was imported under another schema: it has `column") != std::string::npos, error);
    // A sound file of every version, its checksum computed with its own hash before the schema is judged.
    for (int version = 1; version <= snapshot::kFormatVersion; ++version) {
        BOOST_CHECK(!read(snapshot::snapshot_bytes(random_customers(11, 5, true), version), &error, true, other));
        BOOST_CHECK_MESSAGE(error.find("imported under another schema") != std::string::npos,
                            "version " << version << ": " << error);
    }
    other = testing::test_schema();
    testing::add_column(other, "extra", schema::ColumnType::Int);
    BOOST_CHECK_MESSAGE(refused(other).find("where the schema has `column \"extra\" int`") != std::string::npos,
                        refused(other));
    other = testing::test_schema();
    for (auto& column : other.columns) {
        if (column.type == schema::ColumnType::Enum) column.enum_values.push_back("new");
    }
    refused(other);
    other = testing::test_schema();
    other.columns[0].min_whole = 0;
    refused(other);
    other = testing::test_schema();
    BOOST_REQUIRE(!other.events.empty());
    other.events[0].columns.back().not_null = !other.events[0].columns.back().not_null;
    refused(other);
}

// What the checksum cannot tell (a file written by another program, or changed and its checksum made again): values
// the engine cannot take are refused on their own, as the CSV loader refuses them.
BOOST_AUTO_TEST_CASE(values_no_loader_gives_are_refused) {
    auto refused_with = [](const data::Table& table, const std::string& text) {
        expect_refused(snapshot::snapshot_bytes(table), table.schema(), text);
    };
    const schema::Schema schema = table_t({{"id", schema::ColumnType::Int},
                                           {"born", schema::ColumnType::Date},
                                           {"seen", schema::ColumnType::Timestamp},
                                           {"score", schema::ColumnType::Number}});
    auto table_with = [&](int32_t born, int64_t seen, double score, const schema::Schema& with) {
        data::Table table(with);
        table.mutable_column(0).append_int(1);
        table.mutable_column(1).append_date(born);
        table.mutable_column(2).append_timestamp(seen);
        table.mutable_column(3).append_number(score);
        table.finish_rows();
        return table;
    };
    std::string error;
    BOOST_CHECK(read(snapshot::snapshot_bytes(table_with(0, 0, 1.5, schema)), &error, true, schema));
    const std::string range = "column `born`: a value outside its type's range or the schema's bounds";
    refused_with(table_with(2147483647, 0, 1.5, schema), range);
    refused_with(table_with(-719163, 0, 1.5, schema), range);  // 0000-12-31
    refused_with(table_with(0, INT64_MIN, 1.5, schema), "column `seen`: a value outside");
    refused_with(table_with(0, 0, std::nan(""), schema), "column `score`: a value outside");
    refused_with(table_with(0, 0, -HUGE_VAL, schema), "column `score`: a value outside");
    schema::Schema bounded = schema;
    bounded.columns[3].min_number = 2.0;
    refused_with(table_with(0, 0, 1.5, bounded), "column `score`: a value outside");
    // The same in a block of 64 present rows (checked in the loop over whole validity words): NaN first or later in
    // the block, an infinity, a value past the schema's bound.
    auto many_with = [&](uint64_t row, double score, const schema::Schema& with) {
        data::Table table(with);
        for (uint64_t r = 0; r < 200; ++r) {
            table.mutable_column(0).append_int(static_cast<int64_t>(r));
            table.mutable_column(1).append_date(0);
            table.mutable_column(2).append_timestamp(0);
            table.mutable_column(3).append_number(r == row ? score : 3.0);
        }
        table.finish_rows();
        return table;
    };
    BOOST_CHECK(read(snapshot::snapshot_bytes(many_with(70, 2.5, bounded)), &error, true, bounded));
    refused_with(many_with(64, std::nan(""), schema), "column `score`: a value outside");
    refused_with(many_with(70, std::nan(""), schema), "column `score`: a value outside");
    refused_with(many_with(127, HUGE_VAL, schema), "column `score`: a value outside");
    refused_with(many_with(70, 1.5, bounded), "column `score`: a value outside");
    schema::Schema not_null = schema;
    not_null.columns[1].not_null = true;
    data::Table with_null(not_null);
    with_null.mutable_column(0).append_int(1);
    with_null.mutable_column(1).append_null();
    with_null.mutable_column(2).append_null();
    with_null.mutable_column(3).append_null();
    with_null.finish_rows();
    refused_with(std::move(with_null), "column `born`: NULL in a `not_null` column");
    // An Int column in the file's narrow widths keeps the schema's bounds too, also bounds past the width's range
    // (min 200 where the file holds bytes).
    auto ints_with = [](int64_t value, std::optional<int64_t> low, std::optional<int64_t> high) {
        schema::Schema with = table_t({{"id", schema::ColumnType::Int}, {"n", schema::ColumnType::Int}});
        with.columns[1].min_whole = low;
        with.columns[1].max_whole = high;
        data::Table table(with);
        table.mutable_column(0).append_int(1);
        table.mutable_column(1).append_int(value);
        table.finish_rows();
        return table;
    };
    const std::string int_range = "column `n`: a value outside its type's range or the schema's bounds";
    refused_with(ints_with(5, 200, std::nullopt), int_range);         // Int8, bounds above it
    refused_with(ints_with(-5, std::nullopt, -200), int_range);       // Int8, bounds below it
    refused_with(ints_with(300, 0, 250), int_range);                  // Int16
    refused_with(ints_with(70000, -70000, 69999), int_range);         // Int32
    refused_with(ints_with(-129, -128, std::nullopt), int_range);     // Int16, one below
    for (const data::Table& kept : {ints_with(5, -5, 1000), ints_with(200, 200, 200), ints_with(-129, -129, 70000),
                                    ints_with(INT64_MIN, INT64_MIN, 0)}) {
        BOOST_CHECK_MESSAGE(read(snapshot::snapshot_bytes(kept), &error, true, kept.schema()), error);
    }
}

// A NULL row's slot must hold zero bits, as the loaders and the writer leave it; one that holds a value is refused, in
// each type with a slot per row and wherever the row lies: in a word of rows with other NULLs, in the last, short word.
// The file is made by writing the table twice, the row NULL and the row present, and copying the value's bytes (the
// only bytes that are zero in the first file and not in the second) into the first; the checksum is left unchecked.
BOOST_AUTO_TEST_CASE(null_rows_holding_values_are_refused) {
    const schema::Schema schema = table_t({{"id", schema::ColumnType::Int},
                                           {"n", schema::ColumnType::Int},
                                           {"born", schema::ColumnType::Date},
                                           {"seen", schema::ColumnType::Timestamp},
                                           {"score", schema::ColumnType::Number},
                                           {"flag", schema::ColumnType::Bool}});
    const uint64_t rows = 200;
    // Every row holds the same values (so the present rows' extremes and widths do not change), row 0 is NULL in
    // column `column` (so its NULL count is never 0), and so is `null_row` unless `present`, and rows 64 to 127 with
    // `null_word`.
    auto table_with = [&](size_t column, uint64_t null_row, bool present, bool null_word = false) {
        data::Table table(schema);
        for (uint64_t r = 0; r < rows; ++r) {
            table.mutable_column(0).append_int(static_cast<int64_t>(r));
            const bool null = r == 0 || (r == null_row && !present) || (null_word && r >= 64 && r < 128);
            auto value = [&](size_t c, auto append) {
                if (null && c == column) {
                    table.mutable_column(c).append_null();
                } else {
                    append(table.mutable_column(c));
                }
            };
            value(1, [](data::Column& c) { c.append_int(7); });
            value(2, [](data::Column& c) { c.append_date(12345); });
            value(3, [](data::Column& c) { c.append_timestamp(1700000000123456); });
            value(4, [](data::Column& c) { c.append_number(1.5); });
            // Bools are bits: true in that row alone, so the byte holding its bit is zero where the row is NULL.
            value(5, [&](data::Column& c) { c.append_bool(r == null_row); });
        }
        table.finish_rows();
        return table;
    };
    for (size_t column = 1; column < schema.columns.size(); ++column) {
        for (uint64_t null_row : {5u, 70u, 199u}) {
            const std::string what = schema.columns[column].name + ", row " + std::to_string(null_row);
            std::string with_null = snapshot::snapshot_bytes(table_with(column, null_row, false));
            const std::string with_value = snapshot::snapshot_bytes(table_with(column, null_row, true));
            BOOST_REQUIRE_EQUAL(with_null.size(), with_value.size());
            size_t copied = 0;
            for (size_t i = 0; i < with_null.size(); ++i) {
                if (with_null[i] == 0 && with_value[i] != 0) {
                    with_null[i] = with_value[i];
                    ++copied;
                }
            }
            BOOST_CHECK_MESSAGE(copied > 0 && copied <= 8, what << ": " << copied << " bytes copied");
            expect_refused(with_null, schema, "column `" + schema.columns[column].name + "`: a NULL row holds a value",
                           false, what);
            std::string error;
            BOOST_CHECK_MESSAGE(read(snapshot::snapshot_bytes(table_with(column, null_row, false)), &error, true, schema),
                                what << ": the file as written: " << error);
        }
    }
    // The writer copies date, timestamp and number arrays as they lie, so a value put in a NULL row's slot of the table
    // reaches the file with a right checksum: a value among 64 NULL rows (no present row in the word), and -0.0 and a
    // NaN in a number's NULL row (bits other than zero that compare equal to 0, or to nothing).
    const auto refused_with_slot = [&](data::Table table, size_t column, uint64_t row, double value) {
        data::Column& c = table.mutable_column(column);
        BOOST_REQUIRE(c.is_null(row));
        if (c.type == schema::ColumnType::Date) c.i32.mutable_data()[row] = static_cast<int32_t>(value);
        if (c.type == schema::ColumnType::Timestamp) c.i64.mutable_data()[row] = static_cast<int64_t>(value);
        if (c.type == schema::ColumnType::Number) c.f64.mutable_data()[row] = value;
        expect_refused(snapshot::snapshot_bytes(table), schema, "column `" + c.name + "`: a NULL row holds a value", true,
                       c.name + ", row " + std::to_string(row));
    };
    for (size_t column : {2u, 3u, 4u}) refused_with_slot(table_with(column, rows, false, true), column, 100, 1);
    refused_with_slot(table_with(4, 70, false), 4, 70, -0.0);
    refused_with_slot(table_with(4, 70, false), 4, 70, std::nan(""));
    refused_with_slot(table_with(4, 199, false), 4, 199, -0.0);
}

// A validity bitmap is read in place, but one whose last word has a bit set past the rows (within the buffer's last
// byte, or in the padding after it, which another writer may fill: Arrow leaves those bits undefined) is copied and
// those bits cleared, as data::Bitmap keeps them.
BOOST_AUTO_TEST_CASE(validity_bits_past_the_rows_are_copied_and_cleared) {
    const schema::Schema schema = table_t({{"id", schema::ColumnType::Int}, {"n", schema::ColumnType::Int}});
    data::Table table(schema);
    constexpr int kRows = 196;  // 25 bytes of bits, the last with 4 rows; the last word ends 7 bytes past them
    for (int row = 0; row < kRows; ++row) {
        table.mutable_column(0).append_int(row);
        if (row % 3 == 0) {
            table.mutable_column(1).append_null();
        } else {
            table.mutable_column(1).append_int(row);
        }
    }
    table.finish_rows();
    const std::string bytes = snapshot::snapshot_bytes(table);
    std::string error;
    auto back = read(bytes, &error, true, schema);
    BOOST_REQUIRE_MESSAGE(back, error);
    BOOST_CHECK(back->column(0).validity.is_view() && back->column(1).validity.is_view());
    const std::string validity(reinterpret_cast<const char*>(table.column(1).validity.words()), (kRows + 7) / 8);
    const size_t at = bytes.find(validity);
    BOOST_REQUIRE(at != std::string::npos && bytes.find(validity, at + 1) == std::string::npos);
    for (const size_t byte : {size_t{24}, size_t{25}, size_t{31}}) {
        std::string dirty = bytes;
        dirty[at + byte] = static_cast<char>(dirty[at + byte] | 0x80);  // row 199, 207 or 255 of 196
        back = read(dirty, &error, false, schema);  // the checksum no longer matches: not checked
        BOOST_REQUIRE_MESSAGE(back, "byte " << byte << ": " << error);
        BOOST_CHECK_MESSAGE(!back->column(1).validity.is_view(), "byte " << byte);
        BOOST_CHECK_MESSAGE(back->column(1).validity == table.column(1).validity, "byte " << byte);
        BOOST_CHECK_MESSAGE(back->column(0).validity.is_view(), "byte " << byte);
    }
}

// Each Int column but the key in the fewest bytes that hold its values as they are, read in place at that width;
// one whose values fit fewer bytes only as offsets from a base is narrowed on reading (a copy). The key stays 8 wide.
BOOST_AUTO_TEST_CASE(int_columns_take_the_fewest_bytes_their_values_need) {
    schema::Schema schema;
    schema.table = "t";
    schema.key = "id";
    for (const char* name : {"id", "small", "mid", "big", "far", "none", "wide"}) {
        testing::add_column(schema, name, schema::ColumnType::Int);
    }
    data::Table table(schema);
    const uint64_t rows = 300;
    for (uint64_t row = 0; row < rows; ++row) {
        const auto r = static_cast<int64_t>(row);
        table.mutable_column(0).append_int(r + 1);
        table.mutable_column(1).append_int(r % 2 ? 127 : -128);
        table.mutable_column(2).append_int(r % 2 ? 32767 : -129);
        table.mutable_column(3).append_int(r % 3 ? INT32_MIN : 32768);
        table.mutable_column(4).append_int(5'000'000'000 + r % 200);
        table.mutable_column(5).append_null();
        table.mutable_column(6).append_int(r % 2 ? int64_t{1} << 33 : 0);  // a span past 32 bits
    }
    table.finish_rows();
    std::string error;
    auto back = read(snapshot::snapshot_bytes(table), &error, true, schema);
    BOOST_REQUIRE_MESSAGE(back, error);
    expect_same_table(table, *back, "widths");
    expect_views(*back, true);
    const std::vector<int> widths = {8, 1, 2, 4, 1, 1, 8};
    const std::vector<int64_t> bases = {0, 0, 0, 0, 5'000'000'000 + 128, 0, 0};  // offset -128 is the least value
    for (size_t c = 0; c < widths.size(); ++c) {
        BOOST_CHECK_EQUAL(+back->column(c).int_width, widths[c]);
        BOOST_CHECK_EQUAL(back->column(c).int_base, bases[c]);
    }
    // The file's Arrow types: Int8 to Int64 as the plain values need ("far" needs 64 bits without a base).
    const std::string bytes = snapshot::snapshot_bytes(table);
    const auto* fields = footer_of(bytes)->schema()->fields();
    // The schema message opening the file (what a stream reader goes by) says the same: 8 bytes of magic, then the
    // continuation marker and the message's size.
    const auto* message = flatbuffers::GetRoot<arrow::Message>(bytes.data() + 16);
    BOOST_REQUIRE(message->header_type() == arrow::MessageHeader_Schema);
    const auto* opening_fields = message->header_as_Schema()->fields();
    const std::vector<int> bits = {64, 8, 16, 32, 64, 8, 64};
    for (size_t c = 0; c < bits.size(); ++c) {
        BOOST_CHECK_EQUAL(fields->Get(static_cast<uint32_t>(c))->type_as_Int()->bit_width(), bits[c]);
        BOOST_CHECK_EQUAL(opening_fields->Get(static_cast<uint32_t>(c))->type_as_Int()->bit_width(), bits[c]);
    }
}

// String columns' codes take Int8 indexes up to 128 dictionary values, Int16 up to 32,768, else Int32; the key's stay
// Int32. The table reads back value for value, its codes as narrow as the file's, and a code past the dictionary in
// a narrow column is refused.
BOOST_AUTO_TEST_CASE(string_codes_take_the_fewest_bytes_their_dictionary_needs) {
    schema::Schema schema;
    schema.table = "t";
    schema.key = "id";
    const std::vector<int> sizes = {1, 128, 129, 32768, 32769};
    testing::add_column(schema, "id", schema::ColumnType::String);
    for (int size : sizes) testing::add_column(schema, "s" + std::to_string(size), schema::ColumnType::String);
    data::Table table(schema);
    // Every 11th row NULL; the others go through every value (7919 is prime to each size).
    const int rows = 32769 + 32769 / 10 + 10;
    for (int row = 0, k = 0; row < rows; ++row) {
        table.mutable_column(0).append_string("k" + std::to_string(row));
        for (size_t c = 0; c < sizes.size(); ++c) {
            data::Column& column = table.mutable_column(c + 1);
            if (row % 11 == 5) {
                column.append_null();
            } else {
                column.append_string("v" + std::to_string((k * 7919) % sizes[c]));
            }
        }
        if (row % 11 != 5) ++k;
    }
    table.finish_rows();
    std::string error;
    const std::string bytes = snapshot::snapshot_bytes(table);
    auto back = read(bytes, &error, true, schema);
    BOOST_REQUIRE_MESSAGE(back, error);
    expect_same_table(table, *back, "code widths");
    expect_views(*back, true);
    const std::vector<int> widths = {4, 1, 1, 2, 2, 4};
    const auto* fields = footer_of(bytes)->schema()->fields();
    for (size_t c = 0; c < widths.size(); ++c) {
        BOOST_CHECK_EQUAL(+back->column(c).code_width, widths[c]);
        BOOST_CHECK_EQUAL(fields->Get(static_cast<uint32_t>(c))->dictionary()->index_type()->bit_width(),
                          8 * widths[c]);
    }
    // A narrow code out of range: the first present row of `s128` (1 byte a code) set to 128, then to -1.
    const data::Column& narrow = table.column(2);
    const std::string code_bytes(reinterpret_cast<const char*>(back->column(2).i8.data()), 64);
    const size_t at = bytes.find(code_bytes);
    BOOST_REQUIRE(at != std::string::npos);
    BOOST_REQUIRE(!narrow.is_null(0));
    for (const int bad : {128, -1}) {
        std::string corrupt = bytes;
        corrupt[at] = static_cast<char>(bad);
        BOOST_CHECK_MESSAGE(!read(corrupt, &error, false, schema), "code " << bad);
        BOOST_CHECK_MESSAGE(error.find("dictionary code out of range") != std::string::npos, error);
    }
    // A NULL row (row 5) whose code names a value, as if it held one.
    BOOST_REQUIRE(narrow.is_null(5));
    std::string null_with_code = bytes;
    null_with_code[at + 5] = 1;
    BOOST_CHECK(!read(null_with_code, &error, false, schema));
    BOOST_CHECK_MESSAGE(error.find("column `s128`: a dictionary code out of range") != std::string::npos, error);
}

// A list column's item codes past its dictionary (5 values: a code of 5 or -1), and a NULL row that holds items (one
// row's validity bit moved to another row, the NULL count unchanged), are refused.
BOOST_AUTO_TEST_CASE(list_codes_out_of_range_and_null_rows_with_items_are_refused) {
    const schema::Schema schema = table_t({{"id", schema::ColumnType::Int}, {"tags", schema::ColumnType::StringList}});
    data::Table table(schema);
    constexpr int kRows = 200;
    for (int row = 0; row < kRows; ++row) {
        table.mutable_column(0).append_int(row);
        if (row % 7 == 3) {
            table.mutable_column(1).append_null();
        } else {
            const std::string first = "t" + std::to_string(row % 5), second = "t" + std::to_string((row + 2) % 5);
            table.mutable_column(1).append_list({first, second});
        }
    }
    table.finish_rows();
    const std::string bytes = snapshot::snapshot_bytes(table);
    std::string error;
    auto back = read(bytes, &error, true, schema);
    BOOST_REQUIRE_MESSAGE(back, error);
    const data::Column& tags = back->column(1);
    BOOST_REQUIRE_EQUAL(tags.dictionary.size(), 5U);
    const std::string codes(reinterpret_cast<const char*>(tags.list_codes.data()), 64);
    const size_t codes_at = bytes.find(codes);
    BOOST_REQUIRE(codes_at != std::string::npos);
    for (const int32_t bad : {5, -1}) {
        std::string corrupt = bytes;
        std::memcpy(&corrupt[codes_at + 4 * 9], &bad, sizeof bad);  // the 10th item
        BOOST_CHECK_MESSAGE(!read(corrupt, &error, false, schema), "code " << bad);
        BOOST_CHECK_MESSAGE(error.find("column `tags`: a dictionary code out of range") != std::string::npos, error);
    }
    const std::string validity(reinterpret_cast<const char*>(tags.validity.words()), (kRows + 7) / 8);
    const size_t validity_at = bytes.find(validity);
    BOOST_REQUIRE(validity_at != std::string::npos);
    BOOST_REQUIRE(!tags.is_null(64) && tags.is_null(66));  // 66 % 7 == 3
    std::string moved = bytes;
    moved[validity_at + 8] = static_cast<char>(moved[validity_at + 8] & ~1);  // row 64: NULL, with its two items
    moved[validity_at + 8] = static_cast<char>(moved[validity_at + 8] | 4);   // row 66: present, no items
    BOOST_CHECK(!read(moved, &error, false, schema));
    BOOST_CHECK_MESSAGE(error.find("column `tags`: a NULL row holds list items") != std::string::npos, error);
    // Offsets that decrease between ends that are right: row 5's list start past row 6's, and the dictionary's third
    // value starting past the fourth (5 values of 2 bytes: offsets 0, 2, 4, 6, 8, 10).
    const std::string list_offsets(reinterpret_cast<const char*>(tags.list_offsets.data()), 8 * (kRows + 1));
    const size_t offsets_at = bytes.find(list_offsets);
    BOOST_REQUIRE(offsets_at != std::string::npos);
    std::string decreasing = bytes;
    const uint64_t past_six = tags.list_offsets[6] + 1;
    std::memcpy(&decreasing[offsets_at + 8 * 5], &past_six, sizeof past_six);
    BOOST_CHECK(!read(decreasing, &error, false, schema));
    BOOST_CHECK_MESSAGE(error.find("column `tags`: its offsets are out of order") != std::string::npos, error);
    const uint64_t dictionary_offsets[] = {0, 2, 4, 6, 8, 10};
    const size_t dictionary_at =
        bytes.find(std::string(reinterpret_cast<const char*>(dictionary_offsets), sizeof dictionary_offsets));
    BOOST_REQUIRE(dictionary_at != std::string::npos);
    decreasing = bytes;
    decreasing[dictionary_at + 8 * 2] = 7;
    BOOST_CHECK(!read(decreasing, &error, false, schema));
    BOOST_CHECK_MESSAGE(error.find("the dictionary of column `tags`: its offsets are out of order") != std::string::npos,
                        error);
}

// The footer's schema is outside the checksum: a column's Int16 indexes relabelled Int8 there would read code 150
// (bytes 0x96 0x00) as -106 and 0. The record batch, which the checksum covers, holds the buffer's length: refused.
BOOST_AUTO_TEST_CASE(codes_relabelled_narrower_in_the_footer_are_refused) {
    schema::Schema schema;
    schema.table = "t";
    schema.key = "id";
    testing::add_column(schema, "id", schema::ColumnType::Int);
    testing::add_column(schema, "s", schema::ColumnType::String);
    data::Table table(schema);
    for (int row = 0; row < 200; ++row) {
        table.mutable_column(0).append_int(row);
        table.mutable_column(1).append_string("v" + std::to_string(row));
    }
    table.finish_rows();
    const std::string bytes = snapshot::snapshot_bytes(table);
    const auto* index = footer_of(bytes)->schema()->fields()->Get(1)->dictionary()->index_type();
    BOOST_REQUIRE_EQUAL(index->bit_width(), 16);
    // A flatbuffer table starts with the signed distance back to its vtable, whose entries give each field's offset.
    const char* start = reinterpret_cast<const char*>(index);
    int32_t to_vtable = 0;
    std::memcpy(&to_vtable, start, sizeof to_vtable);
    uint16_t field = 0;
    std::memcpy(&field, start - to_vtable + arrow::Int::VT_BIT_WIDTH, sizeof field);
    BOOST_REQUIRE(field != 0);
    std::string relabelled = bytes;
    const int32_t eight = 8;
    std::memcpy(&relabelled[static_cast<size_t>(start - bytes.data()) + field], &eight, sizeof eight);
    BOOST_REQUIRE_EQUAL(footer_of(relabelled)->schema()->fields()->Get(1)->dictionary()->index_type()->bit_width(), 8);
    std::string error;
    for (const bool verify : {true, false}) {
        BOOST_CHECK(!read(relabelled, &error, verify, schema));
        BOOST_CHECK_MESSAGE(error.find("a buffer holds 400 bytes where 200 are needed") != std::string::npos, error);
    }
}

// Events grouped under the wrong customer or out of time order would give wrong counts: refused.
BOOST_AUTO_TEST_CASE(events_out_of_their_groups_are_refused) {
    data::Table customers = random_customers(12, 30, true);
    const data::EventSet* events = customers.events();
    const size_t table = 0;
    BOOST_REQUIRE_GT(events->tables[table].table.rows(), 2u);
    std::string error;
    {  // every event under the first customer
        auto changed = std::make_shared<data::EventSet>(*events);
        auto& offsets = changed->tables[table].offsets.owned();
        std::fill(offsets.begin() + 1, offsets.end(), offsets.back());
        data::Table moved = customers;
        moved.set_events(changed);
        BOOST_CHECK(!read(snapshot::snapshot_bytes(moved), &error));
        BOOST_CHECK_MESSAGE(error.find("whose key it does not have") != std::string::npos, error);
    }
    {  // one customer's two events in the wrong order
        auto changed = std::make_shared<data::EventSet>(*events);
        data::EventTable& grouped = changed->tables[table];
        const data::Column& time = *grouped.table.find(customers.schema().events[table].time);
        uint64_t customer = 0;
        while (customer < customers.rows() &&
               !(grouped.end(customer) - grouped.begin(customer) >= 2 &&
                 data::time_value(time, grouped.begin(customer)) < data::time_value(time, grouped.begin(customer) + 1)))
            ++customer;
        BOOST_REQUIRE(customer < customers.rows());
        data::Column& times = grouped.table.mutable_column(
            static_cast<size_t>(grouped.table.find(customers.schema().events[table].time) - &grouped.table.column(0)));
        const uint64_t row = grouped.begin(customer);
        if (times.type == schema::ColumnType::Date) {
            std::swap(times.i32.mutable_data()[row], times.i32.mutable_data()[row + 1]);
        } else {
            std::swap(times.i64.mutable_data()[row], times.i64.mutable_data()[row + 1]);
        }
        data::Table swapped = customers;
        swapped.set_events(changed);
        BOOST_CHECK(!read(snapshot::snapshot_bytes(swapped), &error));
        BOOST_CHECK_MESSAGE(error.find("out of time order") != std::string::npos, error);
    }
}

// Opening a file copies nothing: the columns view the mapping, which lives as long as any table (or copy of one) that
// views it, and a column that is changed gets its own copy first, leaving the file and the other tables alone.
BOOST_AUTO_TEST_CASE(a_file_is_read_in_place_and_unmapped_with_its_last_table) {
    const testing::TempDir dir("snapshot-in-place");
    const data::Table table = random_customers(11, 300, true);
    const std::string path = dir.write("customers.arrow", snapshot::snapshot_bytes(table));
    std::string error;
    std::optional<data::Table> copy;
    {
        auto opened = snapshot::read_snapshot_file(path, testing::test_schema(), &error);
        BOOST_REQUIRE_MESSAGE(opened, error);
        BOOST_CHECK(is_mapped(path));
        expect_views(*opened, true);
        expect_views(opened->events()->tables[0].table, true);
        copy = *opened;
    }
    BOOST_CHECK(is_mapped(path));  // the copy still views it
    expect_same_table(table, *copy, "the copy, its original gone");

    // Changing a column copies it out of the file: the change is seen; the file, the other columns and another table
    // viewing the same file are not touched.
    std::optional<data::Table> other = *copy;
    const size_t age = testing::test_schema().find("age")->index;
    const int64_t age_before = copy->column(age).i64[0];
    data::Column& changed = copy->mutable_column(age);
    changed.i64.mutable_data()[0] = age_before + 1;
    changed.validity.set(0);
    BOOST_CHECK(!changed.i64.is_view());
    BOOST_CHECK_EQUAL(copy->column(age).i64[0], age_before + 1);
    BOOST_CHECK(copy->column(0).i64.is_view());  // customer_id
    BOOST_CHECK(other->column(age).i64.is_view());
    BOOST_CHECK_EQUAL(other->column(age).i64[0], age_before);
    expect_same_table(table, *other, "another table viewing the file");
    other.reset();
    auto again = snapshot::read_snapshot_file(path, testing::test_schema(), &error);
    BOOST_REQUIRE_MESSAGE(again, error);
    expect_same_table(table, *again, "read again after a change to a copy");
    again.reset();
    copy.reset();
    BOOST_CHECK(!is_mapped(path));

    // Copied out: nothing views the file, which is unmapped before the call returns.
    snapshot::ReadOptions copied;
    copied.in_place = false;
    auto owned = snapshot::read_snapshot_file(path, testing::test_schema(), &error, copied);
    BOOST_REQUIRE_MESSAGE(owned, error);
    BOOST_CHECK(!is_mapped(path));
    expect_views(*owned, false);
    expect_same_table(table, *owned, "copied out");
}

// What a child process writes to the pipe `fd` until it closes its end (it ended); closes `fd`.
std::string read_until_closed(int fd) {
    std::string text;
    char buffer[512];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
    ::close(fd);
    return text;
}

// A file cut short by another program after it was opened, while a command still uses its columns (now that they stay
// in the mapping): the read past the new end raises SIGBUS, and the process says which file it was and exits 2 rather
// than die of the signal. In a child process, which the signal ends.
BOOST_AUTO_TEST_CASE(a_file_cut_short_while_its_table_is_used_ends_with_a_message) {
    const testing::TempDir dir("snapshot-cut");
    const data::Table table = random_customers(12, 20000, false);
    const std::string path = dir.write("customers.arrow", snapshot::snapshot_bytes(table));
    int errors[2];
    BOOST_REQUIRE(::pipe(errors) == 0);
    const pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        ::dup2(errors[1], STDERR_FILENO);
        std::string error;
        auto opened = snapshot::read_snapshot_file(path, testing::test_schema(), &error);
        if (!opened || ::truncate(path.c_str(), 4096) != 0) ::_exit(10);
        uint64_t sum = 0;
        for (size_t c = 0; c < opened->column_count(); ++c) {
            const data::Column& column = opened->column(c);
            for (uint64_t row = 0; row < column.i64.size(); ++row) sum += static_cast<uint64_t>(column.i64[row]);
            for (uint64_t row = 0; row < column.i32.size(); ++row) sum += static_cast<uint64_t>(column.i32[row]);
        }
        ::_exit(sum == 12345 ? 11 : 12);  // not reached: the first read past 4096 bytes ends the process
    }
    ::close(errors[1]);
    const std::string message = read_until_closed(errors[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    BOOST_CHECK_MESSAGE(WIFEXITED(status) && WEXITSTATUS(status) == 2,
                        "status " << status << (WIFEXITED(status) ? " exit " : " signal ")
                                  << (WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status)));
    BOOST_CHECK_EQUAL(message, "segmint: error: " + path +
                                   ": the file was cut short while it was read (another program changed it); run again "
                                   "once it is complete\n");
}

// Where this process maps `path` from its first byte on (/proc/self/maps), or null.
const char* mapping_of(const std::string& path) {
    std::istringstream maps(testing::read_file("/proc/self/maps"));
    for (std::string line; std::getline(maps, line);) {
        unsigned long long start = 0, offset = 0;
        if (line.size() > path.size() && line.compare(line.size() - path.size(), path.size(), path) == 0 &&
            std::sscanf(line.c_str(), "%llx-%*x %*s %llx", &start, &offset) == 2 && offset == 0) {
            return reinterpret_cast<const char*>(static_cast<uintptr_t>(start));
        }
    }
    return nullptr;
}

// What indexes other memory is read in place too (dictionary codes of 1, 2 and 4 bytes, list offsets and items,
// dictionaries' offsets); another program rewriting those bytes of the file while the table is used changes what is
// read, but no read leaves the arrays: every reader clamps (data::StringArena, data::Column::list_range, the VM's
// kernels). Each array in turn is overwritten in the file, and everything that reads it runs: the VM (a string per
// row; per-value lookups through a table of 2- and 4-byte codes; a few codes compared; list `contains` in place and
// through ListRefs; `length`), on 1 and 3 threads, and the table's own accessors. With 0x7F or 0xFF bytes (every
// code or offset huge, or negative) the conditions on that column hold for no row, the others are as before; with
// random bytes (offsets that differ from row to row, codes of which some name values) the VM and the reference
// evaluator agree. A read out of bounds crashes here (the 4-byte lookup table and ListRef offsets) or fails under
// ASan (.ci/test; a read that stays inside the file's mapping, which ASan does not guard, would not).
BOOST_AUTO_TEST_CASE(index_arrays_rewritten_in_place_under_the_table_read_no_other_memory) {
    schema::Schema schema;
    schema.table = "t";
    schema.key = "id";
    testing::add_column(schema, "id", schema::ColumnType::Int);
    testing::add_column(schema, "wide", schema::ColumnType::String);   // a value a row: 4-byte codes, no lookup
    testing::add_column(schema, "mid", schema::ColumnType::String);    // 33,000 values: 4-byte codes, a lookup
    testing::add_column(schema, "small", schema::ColumnType::String);  // 300 values: 2-byte codes, a lookup
    testing::add_column(schema, "few", schema::ColumnType::String);    // 5 values: 1-byte codes, compared
    testing::add_column(schema, "tags", schema::ColumnType::StringList);
    testing::add_column(schema, "other_tags", schema::ColumnType::StringList);
    data::Table table(schema);
    const int rows = 140000;  // a lookup needs at most a quarter as many values as rows
    const std::vector<std::string> tags = {"a", "b", "c", "d", "e", "f"};
    for (int row = 0; row < rows; ++row) {
        table.mutable_column(0).append_int(row);
        table.mutable_column(1).append_string("v" + std::to_string(row));
        table.mutable_column(2).append_string("m" + std::to_string(row % 33000));
        table.mutable_column(3).append_string("s" + std::to_string(row % 300));
        if (row % 13 == 4) {
            table.mutable_column(4).append_null();
        } else {
            table.mutable_column(4).append_string("x" + std::to_string(row % 5));
        }
        std::vector<std::string_view> items;
        for (int k = 0; k < row % 4; ++k) items.push_back(tags[static_cast<size_t>((row / 4 + k) % 6)]);
        if (row % 17 == 3) {
            table.mutable_column(5).append_null();
        } else {
            table.mutable_column(5).append_list(items);
        }
        table.mutable_column(6).append_list({tags[1 + static_cast<size_t>(row % 2)]});  // never "a"
    }
    table.finish_rows();
    const testing::TempDir dir("snapshot-rewritten");
    const std::string bytes = snapshot::snapshot_bytes(table);
    const std::string path = dir.write("t.arrow", bytes);
    std::string error;
    auto opened = snapshot::read_snapshot_file(path, schema, &error);
    BOOST_REQUIRE_MESSAGE(opened, error);
    const data::Column& wide = opened->column(1);
    const data::Column& mid = opened->column(2);
    const data::Column& small = opened->column(3);
    const data::Column& few = opened->column(4);
    const data::Column& list = opened->column(5);
    BOOST_REQUIRE_EQUAL(+wide.code_width, 4);
    BOOST_REQUIRE_EQUAL(+mid.code_width, 4);
    BOOST_REQUIRE_EQUAL(+small.code_width, 2);
    BOOST_REQUIRE_EQUAL(+few.code_width, 1);
    expect_views(*opened, true);
    const char* base = mapping_of(path);
    BOOST_REQUIRE(base);

    const std::string rules =
        "segment wide_is: wide = \"v5\" or wide = \"v139999\"\n"  // 0
        "segment wide_ends: wide ends with \"7\"\n"                // 1
        "segment mid_ends: mid ends with \"7\"\n"                  // 2
        "segment small_ends: small ends with \"7\"\n"              // 3
        "segment few_is: few = \"x1\"\n"                           // 4
        "segment few_in: few in (\"x1\", \"x2\", \"x3\")\n"        // 5
        "segment tagged: tags contains \"a\"\n"                    // 6
        "segment tagged_any: tags contains any (\"b\", \"c\")\n"   // 7
        "segment two_tags: length(tags) >= 2\n"                    // 8
        "segment either_tagged: coalesce(tags, other_tags) contains \"a\"\n";  // 9: through ListRefs
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>("rewritten.seg", rules), sink));
    const semantic::Catalog catalog = semantic::check(std::move(files), schema, sink);
    BOOST_REQUIRE_MESSAGE(!sink.has_errors(), report::render_text(sink.diagnostics()));
    scalar::AsOf as_of;
    engine::parse_as_of("2026-11-23", &as_of);
    const optimize::TableStats stats = optimize::gather_stats(*opened);
    engine::CompileOptions with_stats;
    with_stats.stats = &stats;  // so that conditions on one string column become per-value lookups
    const engine::CompiledCatalog compiled = engine::compile(catalog, as_of, with_stats);
    std::string lookups;
    for (const auto& program : compiled.programs) {
        for (const auto& lookup : program.lookups) lookups += opened->column(lookup.column).name + " ";
    }
    BOOST_CHECK_MESSAGE(lookups.find("mid ") != std::string::npos && lookups.find("small ") != std::string::npos &&
                            lookups.find("wide ") == std::string::npos,
                        "lookups on: " << lookups);
    // Member counts by the VM (1 and 3 threads; with `reference`, the reference evaluator too): the same.
    const auto counts = [&](const std::string& when, bool reference) {
        std::vector<uint64_t> vm, vm3, by_reference;
        for (const auto& bits : engine::evaluate(compiled, *opened, engine::Evaluator::Vm)) vm.push_back(bits.count());
        for (const auto& bits : engine::evaluate(compiled, *opened, engine::Evaluator::Vm, 3))
            vm3.push_back(bits.count());
        BOOST_CHECK_MESSAGE(vm == vm3, when << ": 1 and 3 threads disagree");
        if (reference) {
            for (const auto& bits : engine::evaluate(compiled, *opened, engine::Evaluator::Reference))
                by_reference.push_back(bits.count());
            BOOST_CHECK_MESSAGE(vm == by_reference, when << ": the VM and the reference evaluator disagree");
        }
        // Every value through the table's accessors.
        uint64_t characters = 0;
        for (uint64_t row = 0; row < opened->rows(); ++row) {
            for (const data::Column* column : {&wide, &mid, &small, &few}) characters += column->string_at(row).size();
            const auto [begin, end] = list.list_range(row);
            for (uint64_t i = begin; i < end; ++i) characters += list.dictionary.value(list.list_codes[i]).size();
        }
        BOOST_TEST_MESSAGE(when << ": " << characters << " characters read");
        return vm;
    };
    const std::vector<uint64_t> before = counts("as written", true);
    for (uint64_t count : before) BOOST_CHECK_GT(count, 0u);

    struct Target {
        const char* what;
        const void* data;
        size_t bytes;
        std::vector<size_t> segments;  // whose conditions read it: no members once it is overwritten
    };
    const std::vector<Target> targets = {
        {"wide's codes", wide.i32.data(), wide.i32.size() * 4, {0, 1}},
        {"wide's dictionary offsets", wide.dictionary.values.offsets(), (wide.dictionary.size() + 1) * 8, {0, 1}},
        {"mid's codes", mid.i32.data(), mid.i32.size() * 4, {2}},
        {"mid's dictionary offsets", mid.dictionary.values.offsets(), (mid.dictionary.size() + 1) * 8, {2}},
        {"small's codes", small.i16.data(), small.i16.size() * 2, {3}},
        {"few's codes", few.i8.data(), few.i8.size(), {4, 5}},
        {"the list offsets", list.list_offsets.data(), list.list_offsets.size() * 8, {6, 7, 8, 9}},
        {"the list items", list.list_codes.data(), list.list_codes.size() * 4, {6, 7, 9}},
    };
    const int fd = ::open(path.c_str(), O_WRONLY);
    BOOST_REQUIRE(fd >= 0);
    for (const Target& target : targets) {
        const auto offset = static_cast<off_t>(static_cast<const char*>(target.data) - base);
        BOOST_REQUIRE_MESSAGE(offset > 0 && static_cast<size_t>(offset) + target.bytes <= bytes.size(), target.what);
        for (const int fill : {0x7F, 0xFF, -1}) {
            std::string garbage(target.bytes, static_cast<char>(fill));
            Random random(static_cast<uint64_t>(offset));
            if (fill < 0) {
                for (char& byte : garbage) byte = static_cast<char>(random.below(256));
            }
            BOOST_REQUIRE(::pwrite(fd, garbage.data(), garbage.size(), offset) == static_cast<ssize_t>(garbage.size()));
            // The table reads the file's new bytes.
            BOOST_REQUIRE_MESSAGE(std::memcmp(target.data, garbage.data(), 16) == 0, target.what << ": not in place");
            const std::string when =
                std::string(target.what) + " overwritten with " + (fill < 0 ? "random bytes" : std::to_string(fill));
            const std::vector<uint64_t> after = counts(when, fill < 0);
            for (size_t segment = 0; segment < after.size() && fill >= 0; ++segment) {
                const bool reads_it = std::count(target.segments.begin(), target.segments.end(), segment) > 0;
                BOOST_CHECK_MESSAGE(after[segment] == (reads_it ? 0 : before[segment]),
                                    when << ": segment " << segment << " has " << after[segment] << " members");
            }
            // Back as written.
            BOOST_REQUIRE(::pwrite(fd, bytes.data() + offset, target.bytes, offset) ==
                          static_cast<ssize_t>(target.bytes));
        }
    }
    ::close(fd);
    BOOST_CHECK(counts("as written again", true) == before);
}

// The file is handed to the system in whole blocks at offsets that are multiples of the block (the page cache then
// keeps it in huge folios, which a reader maps as huge pages), the last block alone shorter; the bytes are the
// snapshot's, in order. Pieces of every size: empty, one byte, around a block, many blocks, across blocks' edges.
BOOST_AUTO_TEST_CASE(files_are_written_in_whole_aligned_blocks) {
    for (size_t block : {size_t{1}, size_t{7}, size_t{4096}, snapshot::BlockWriter::kBlock}) {
        Random random(block);
        std::string input, output;
        std::vector<std::pair<uint64_t, size_t>> calls;  // offset, size
        snapshot::BlockWriter writer(
            [&](const void* bytes, size_t size) {
                calls.emplace_back(output.size(), size);
                output.append(static_cast<const char*>(bytes), size);
                return true;
            },
            block);
        const int pieces = block < 4096 ? 200 : 30;
        for (int piece = 0; piece < pieces; ++piece) {
            const size_t sizes[] = {
                0, 1, block - 1, block, block + 1, 3 * block + 5, random.below(2 * block + 2), random.below(100)};
            const size_t size = sizes[random.below(std::size(sizes))];
            std::string bytes(size, '\0');
            for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((input.size() + i) % 251 + piece);
            BOOST_REQUIRE(writer.write(bytes.data(), bytes.size()));
            input += bytes;
        }
        BOOST_REQUIRE(writer.finish());
        BOOST_REQUIRE(writer.finish());  // nothing left: nothing more handed over
        BOOST_REQUIRE(output == input);
        BOOST_REQUIRE(!calls.empty());
        for (size_t i = 0; i < calls.size(); ++i) {
            const auto [offset, size] = calls[i];
            BOOST_CHECK_MESSAGE(offset % block == 0 && size > 0 && (size % block == 0 || i + 1 == calls.size()),
                                "block " << block << ": call " << i << " of " << calls.size() << " hands over " << size
                                         << " bytes at " << offset);
        }
    }
    // A sink that refuses a block (on its own thread): nothing after it is handed over (the file would have a hole),
    // and the finish and every later write report it with the sink's errno. The refusal waits until the third block
    // and the last bytes are handed over behind it.
    std::atomic<int> calls{0};
    std::atomic<bool> all_handed_over{false};
    snapshot::BlockWriter refusing(
        [&](const void*, size_t) {
            if (++calls < 2) return true;
            while (!all_handed_over) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            errno = ENOSPC;
            return false;
        },
        4);
    const char bytes[10] = {};
    BOOST_CHECK(refusing.write(bytes, 5));  // one block handed over, one byte kept
    refusing.write(bytes, 10);              // the second block refused (true or false: the thread decides when)
    all_handed_over = true;
    errno = 0;
    BOOST_CHECK(!refusing.finish());  // the third block and the last 3 bytes were handed over, never to the sink
    BOOST_CHECK_EQUAL(errno, ENOSPC);
    BOOST_CHECK(!refusing.write(bytes, 1));
    BOOST_CHECK_EQUAL(calls.load(), 2);
    // A block of 0 bytes is taken as 1; nothing (a null pointer) between pieces of a block is nothing.
    std::string out;
    snapshot::BlockWriter bytewise([&](const void* b, size_t n) { return out.append(static_cast<const char*>(b), n), true; }, 0);
    BOOST_CHECK(bytewise.write("abc", 3) && bytewise.finish() && out == "abc");
    snapshot::BlockWriter halves([&](const void* b, size_t n) { return out.append(static_cast<const char*>(b), n), true; }, 4);
    BOOST_CHECK(halves.write("de", 2) && halves.write(nullptr, 0) && halves.write("fg", 2) && halves.finish());
    BOOST_CHECK_EQUAL(out, "abcdefg");
    // Every block the sink gets lies in memory aligned for direct I/O, whatever the caller's bytes; more blocks than
    // buffers in flight, with a sink slower than the writer, come out whole and in order.
    for (const size_t block : {size_t{4096}, size_t{3 * 4096 + 8}}) {
        Recording handed;
        bool aligned = true;
        snapshot::BlockWriter slow(
            [&](const void* data, size_t size) {
                aligned = aligned && reinterpret_cast<uintptr_t>(data) % snapshot::BlockWriter::kAlignment == 0;
                std::this_thread::sleep_for(std::chrono::microseconds(200));
                return handed.sink()(data, size);
            },
            block);
        std::string piece(10 * block + 5, '\0');
        for (size_t i = 0; i < piece.size(); ++i) piece[i] = static_cast<char>(i * 7 % 253);
        BOOST_CHECK(slow.write(piece.data() + 1, piece.size() - 1) && slow.finish());
        BOOST_CHECK(aligned);
        BOOST_CHECK(handed.bytes == piece.substr(1));
        std::vector<size_t> expected(10, block);
        expected.push_back(4);
        BOOST_CHECK(handed.sizes == expected);
    }
    // A file takes the blocks around the page cache where its file system allows (ext4, XFS, Btrfs...), a shorter last
    // block's tail through it; bytes that are not aligned (direct I/O refuses them: EINVAL) go through the page cache
    // from there. Either way the file holds the bytes.
    const testing::TempDir direct_dir("snapshot-direct");
    for (const size_t offset : {size_t{0}, size_t{1}}) {
        const std::string path = direct_dir.file("direct.bin");
        std::FILE* file = std::fopen(path.c_str(), "wb");
        BOOST_REQUIRE(file);
        std::setvbuf(file, nullptr, _IONBF, 0);
        snapshot::DirectFile direct(file);
        BOOST_TEST_MESSAGE("direct I/O in " << direct_dir.path << ": " << (direct.direct() ? "yes" : "no"));
        BOOST_CHECK_EQUAL(direct.direct(), direct_io_accepted(direct_dir.path));
        void* memory = std::aligned_alloc(snapshot::BlockWriter::kAlignment, 4 * snapshot::BlockWriter::kAlignment);
        auto* aligned = static_cast<char*>(memory);
        for (size_t i = 0; i < 4 * snapshot::BlockWriter::kAlignment; ++i) aligned[i] = static_cast<char>(i % 251);
        const size_t first = 2 * snapshot::BlockWriter::kAlignment, last = snapshot::BlockWriter::kAlignment + 9;
        BOOST_CHECK(direct.write(aligned + offset, first));
        // Misaligned bytes are refused where direct I/O bypasses the page cache (tmpfs since Linux 6.6 and NFS take them).
        if (offset == 1 && direct_io_in(direct_dir.path)) BOOST_CHECK(!direct.direct());
        BOOST_CHECK(direct.write(aligned + offset + first, last));
        BOOST_CHECK(!direct.direct());  // the tail went through the page cache
        BOOST_CHECK_EQUAL(std::fclose(file), 0);
        BOOST_CHECK(testing::read_file(path) == std::string(aligned + offset, first + last));
        std::free(memory);
    }

    // A file written as `segmint import` writes it holds the snapshot's bytes, and one past a block reads back.
    const testing::TempDir dir("snapshot-blocks");
    for (uint64_t rows : {0u, 300u, 70000u}) {
        const data::Table table = random_customers(rows + 5, rows, true);
        const std::string path = dir.file("customers.arrow");
        std::string error;
        uint64_t written = 0;
        BOOST_REQUIRE_MESSAGE(snapshot::write_snapshot_file(table, path, &error, {}, &written), error);
        const std::string bytes = snapshot::snapshot_bytes(table);
        BOOST_CHECK_EQUAL(written, bytes.size());
        if (rows == 70000 && direct_io_in(dir.path)) {
            // Written around the page cache: of the file's pages, the cache holds the tail's at most.
            const size_t resident = resident_pages(path), pages = (bytes.size() + 4095) / 4096;
            BOOST_CHECK_MESSAGE(resident <= 2, resident << " of the file's " << pages << " pages in the page cache");
        }
        BOOST_CHECK(testing::read_file(path) == bytes);
        if (rows == 70000) BOOST_CHECK_GT(bytes.size(), snapshot::BlockWriter::kBlock);
        // What the file is handed: whole blocks (here of 4 KiB) at multiples of the block, the last alone shorter.
        Recording handed;
        BOOST_REQUIRE(snapshot::write_snapshot_in_blocks(table, handed.sink(), nullptr, 0, 4096));
        BOOST_CHECK(handed.bytes == bytes);
        for (size_t i = 0; i + 1 < handed.sizes.size(); ++i) {
            BOOST_CHECK_MESSAGE(handed.sizes[i] % 4096 == 0, "hand-over " << i << ": " << handed.sizes[i]);
        }
        auto opened = snapshot::read_snapshot_file(path, testing::test_schema(), &error);
        BOOST_REQUIRE_MESSAGE(opened, error);
        expect_same_table(table, *opened, std::to_string(rows) + " rows from the file");
    }
}

// Where no thread can be started (a process at its limit of memory or of threads), the writer hands each block to the
// sink on the calling thread: every byte arrives, in order. In a child process whose new threads' stacks no longer
// fit under its address-space limit (the default stack made larger than any stack glibc keeps from the runner's
// threads, which it would reuse without asking for memory); where a thread starts there all the same, nothing to
// check.
BOOST_AUTO_TEST_CASE(blocks_are_written_on_the_calling_thread_when_no_thread_starts) {
    if (testing::sanitizer_build()) {  // a sanitizer's own mappings and threads do not keep to an address-space limit
        BOOST_TEST_MESSAGE("a sanitizer build: no address-space limit, nothing to check");
        return;
    }
    std::cout.flush();  // what the runner wrote so far is not written again by the child
    std::fflush(nullptr);
    const pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        // A crash ends the child, never resumes the test runner's copy in it (Boost catches these signals).
        for (const int signal_number : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE}) std::signal(signal_number, SIG_DFL);
        try {
            std::string bytes(300 * 1024 + 7, '\0');
            for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 % 251);
            std::string received;
            received.reserve(bytes.size());
            std::vector<std::thread::id> writers;
            writers.reserve(bytes.size() / 4096 + 2);
            snapshot::BlockWriter writer(
                [&](const void* data, size_t size) {
                    received.append(static_cast<const char*>(data), size);
                    writers.push_back(std::this_thread::get_id());
                    return true;
                },
                4096);
            pthread_attr_t attributes;
            if (::pthread_attr_init(&attributes) != 0 ||
                ::pthread_attr_setstacksize(&attributes, size_t{1} << 30) != 0 ||
                ::pthread_setattr_default_np(&attributes) != 0) {
                ::_exit(20);
            }
            uint64_t size_kb = 0;
            std::ifstream status("/proc/self/status");
            for (std::string line; std::getline(status, line);) {
                if (line.rfind("VmSize:", 0) == 0) size_kb = std::strtoull(line.c_str() + 7, nullptr, 10);
            }
            rlimit limit{};
            if (size_kb == 0 || ::getrlimit(RLIMIT_AS, &limit) != 0) ::_exit(21);
            limit.rlim_cur = (size_kb << 10) + (size_t{64} << 20);
            if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < limit.rlim_cur) ::_exit(31);  // a lower cap already
            if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(21);
            try {
                std::thread([] {}).join();
                ::_exit(30);  // a thread starts all the same
            } catch (const std::system_error&) {
            }
            if (!writer.write(bytes.data(), bytes.size()) || !writer.finish()) ::_exit(22);
            if (received != bytes) ::_exit(23);
            for (const auto& id : writers) {
                if (id != std::this_thread::get_id()) ::_exit(24);
            }
            ::_exit(writers.size() == bytes.size() / 4096 + 1 ? 0 : 25);
        } catch (...) {
            ::_exit(26);  // never back into the test runner in the child
        }
    }
    int status = -1;
    pid_t waited = -1;
    while ((waited = ::waitpid(child, &status, 0)) < 0 && errno == EINTR) {
    }
    BOOST_REQUIRE_MESSAGE(waited == child, "waitpid: " << std::strerror(errno));
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 30 || WEXITSTATUS(status) == 31)) {
        const char* why = WEXITSTATUS(status) == 30 ? "a thread starts under the child's limit all the same"
                                                    : "a lower address-space cap than the child's is set already";
        BOOST_TEST_MESSAGE(why << ": nothing to check");
        return;
    }
    BOOST_CHECK_MESSAGE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child ended with status " << status);
}

// The kilobytes of the mapping that holds `address` that /proc/self/smaps gives under `key`: "FilePmdMapped:" (the
// page cache's pages mapped by whole 2 MiB page table entries), "AnonHugePages:" (anonymous memory in 2 MiB pages).
uint64_t smaps_kb(const void* address, const std::string& key) {
    std::ifstream smaps("/proc/self/smaps");
    const auto at = reinterpret_cast<uintptr_t>(address);
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        // A mapping's first line is its address range ("7f3f55600000-7f3f9e000000 r--p ..."); the lines after it
        // are "Key: value kB".
        const std::string first = line.substr(0, line.find(' '));
        const size_t dash = first.find('-');
        if (first.find_first_not_of("0123456789abcdef-") == std::string::npos && dash != std::string::npos) {
            const uintptr_t low = std::stoull(first.substr(0, dash), nullptr, 16);
            const uintptr_t high = std::stoull(first.substr(dash + 1), nullptr, 16);
            inside = low <= at && at < high;
        } else if (inside && first == key) {
            return std::strtoull(line.c_str() + first.size(), nullptr, 10);
        }
    }
    return 0;
}

// The writer's blocks are huge pages even where the heap holds free memory already faulted in as 4 KiB pages, which
// glibc hands out before it maps new memory: after the CSV loads of the benchmark's full run the blocks came from
// there and wrote at 0.6-0.77x the speed of huge ones (data::HugePageMapping). In a child process (its allocator
// settings end with it), whose heap is made so: arrays below the mmap threshold, kept in 4 KiB pages
// (MADV_NOHUGEPAGE, so also where transparent huge pages are `always`), written and freed. Two figures tell whether
// the case is made: a control mapping advised huge must get huge pages (else the system has none to give: nothing to
// check), and a block stretch from aligned_alloc (the old way) must land in those arrays' memory (else this allocator
// keeps no such heap, and only the blocks' own pages are checked).
BOOST_AUTO_TEST_CASE(the_writers_blocks_are_huge_pages_where_the_heap_holds_small_ones) {
    int report[2];
    BOOST_REQUIRE(::pipe(report) == 0);
    std::cout.flush();  // what the runner wrote so far is not written again by the child
    std::fflush(nullptr);
    const pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0) {
        try {
            constexpr size_t kMiB = size_t{1} << 20, kArray = 24 * kMiB;
            if (::mallopt(M_MMAP_THRESHOLD, 32 * kMiB) != 1 || ::mallopt(M_TRIM_THRESHOLD, 512 * kMiB) != 1) {
                ::_exit(20);
            }
            std::vector<void*> arrays;
            for (int i = 0; i < 4; ++i) arrays.push_back(std::malloc(kArray));
            for (void* array : arrays) {
                if (!array) ::_exit(21);
                const uintptr_t first = (reinterpret_cast<uintptr_t>(array) + 4095) / 4096 * 4096;
                ::madvise(reinterpret_cast<void*>(first), (kArray - 4096) / 4096 * 4096, MADV_NOHUGEPAGE);
                std::memset(array, 1, kArray);
                asm volatile("" : : "r"(array) : "memory");  // the writes and the allocation are not optimized away
            }
            for (void* array : arrays) std::free(array);
            const size_t stretch = snapshot::BlockWriter::kBuffers * snapshot::BlockWriter::kBlock;
            void* old_way = std::aligned_alloc(data::kHugePageBytes, stretch);
            if (!old_way) ::_exit(22);
            const auto [lowest, highest] = std::minmax_element(arrays.begin(), arrays.end());
            const auto at = reinterpret_cast<uintptr_t>(old_way);
            const bool heap_made = at >= reinterpret_cast<uintptr_t>(*lowest) &&
                                   at + stretch <= reinterpret_cast<uintptr_t>(*highest) + kArray;
            std::free(old_way);
            data::HugePageMapping control(8 * kMiB);
            std::memset(control.data(), 1, control.size());
            const uint64_t control_huge_kb = smaps_kb(control.data(), "AnonHugePages:");
            std::vector<const void*> blocks;
            snapshot::BlockWriter writer([&](const void* data, size_t) { return blocks.push_back(data), true; });
            const std::string bytes(stretch, 'x');
            if (!writer.write(bytes.data(), bytes.size()) || !writer.finish() || blocks.empty()) ::_exit(23);
            // Of the blocks' pages in memory (those the writer filled; it takes a free block last in, first out),
            // the huge ones.
            const std::string figures =
                fmt::format("{} {} {} {}", heap_made ? 1 : 0, control_huge_kb,
                            smaps_kb(blocks.front(), "AnonHugePages:"), smaps_kb(blocks.front(), "Rss:"));
            ::_exit(::write(report[1], figures.data(), figures.size()) == static_cast<ssize_t>(figures.size()) ? 0 : 24);
        } catch (...) {
            ::_exit(25);  // never back into the test runner in the child
        }
    }
    ::close(report[1]);
    const std::string figures = read_until_closed(report[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 20) {
        BOOST_TEST_MESSAGE("this allocator does not take glibc's thresholds: nothing to check");
        return;
    }
    BOOST_REQUIRE_MESSAGE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child ended with status " << status);
    int heap_made = 0;
    uint64_t control_huge_kb = 0, huge_kb = 0, resident_kb = 0;
    std::istringstream(figures) >> heap_made >> control_huge_kb >> huge_kb >> resident_kb;
    BOOST_TEST_MESSAGE("the writer's blocks: " << huge_kb << " KiB of the " << resident_kb
                                               << " in memory in huge pages; the control mapping " << control_huge_kb
                                               << " KiB of 8192; blocks from aligned_alloc in 4 KiB heap pages: "
                                               << (heap_made ? "yes" : "no"));
    if (control_huge_kb < 4096) {
        BOOST_TEST_MESSAGE("no huge pages for anonymous memory here now: nothing to check");
        return;
    }
    BOOST_CHECK_MESSAGE(resident_kb >= snapshot::BlockWriter::kBlock / 1024 && huge_kb * 4 >= resident_kb * 3,
                        "the writer's blocks: " << huge_kb << " KiB of the " << resident_kb
                                                << " in memory of their mapping in huge pages");
}

// map_file_for_reading advises huge pages before it reads a file in: the parts of a file the kernel evicted come back
// from disk as 2 MiB folios (mapped by one page table entry each), where without the advice they came back in 4 KiB
// pages, and every later open paid for it. Each case is read both ways, through map_file_for_reading and through a
// plain mapping with MAP_POPULATE (the control, what the system does without the advice), and the advice must bring
// a quarter of the file more into huge pages: on this project's machines (Linux 6.18, ext4) 100% against 37.5% read
// whole, 75% against 19% after three of every four 2 MiB pieces were evicted. Needs a file system with large folios
// on a disk (/var/tmp; /tmp is often tmpfs) and transparent huge pages not off; elsewhere it says so.
BOOST_AUTO_TEST_CASE(files_read_from_disk_come_back_in_huge_pages) {
    const std::string parent = ::access("/var/tmp", W_OK) == 0 ? "/var/tmp" : "/tmp";
    const testing::TempDir dir("snapshot-folios", parent);
    const std::string path = dir.file("pages");
    constexpr size_t kHuge = size_t{2} << 20, kSize = 32 * kHuge, kSizeKb = kSize / 1024;
    std::string bytes(kSize, '\0');
    for (size_t i = 0; i < kSize; i += 8) bytes[i] = static_cast<char>(i / 4096);
    testing::write_file(path, bytes);
    struct File {
        int fd;
        ~File() { ::close(fd); }
    } file{::open(path.c_str(), O_RDONLY)};
    BOOST_REQUIRE(file.fd >= 0);
    ::fsync(file.fd);
    // The KiB of the file mapped in huge pages once read in, `advised` or not; the bytes checked.
    const auto read_in = [&](bool advised) -> uint64_t {
        void* mapped = advised ? snapshot::map_file_for_reading(file.fd, kSize)
                               : ::mmap(nullptr, kSize, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.fd, 0);
        if (mapped == MAP_FAILED) {
            BOOST_ERROR("cannot map the file: " << std::strerror(errno));
            return 0;
        }
        BOOST_CHECK(std::memcmp(mapped, bytes.data(), kSize) == 0);
        const uint64_t huge_kb = smaps_kb(mapped, "FilePmdMapped:");
        ::munmap(mapped, kSize);
        return huge_kb;
    };
    const auto evict_whole = [&] { ::posix_fadvise(file.fd, 0, 0, POSIX_FADV_DONTNEED); };
    // The file read in whole through map_file_for_reading, then three of every four 2 MiB pieces evicted.
    const auto evict_holes = [&] {
        evict_whole();
        read_in(true);
        for (size_t at = 0; at < kSize; at += kHuge) {
            if (at / kHuge % 4 != 0) ::posix_fadvise(file.fd, static_cast<off_t>(at), kHuge, POSIX_FADV_DONTNEED);
        }
    };
    for (const bool holes : {false, true}) {
        const char* what = holes ? "after three quarters were evicted" : "read from disk whole";
        holes ? evict_holes() : evict_whole();
        const uint64_t plain_kb = read_in(false);
        holes ? evict_holes() : evict_whole();
        const uint64_t advised_kb = read_in(true);
        BOOST_TEST_MESSAGE(what << ": " << advised_kb << " KiB of " << kSizeKb << " in huge pages, " << plain_kb
                                << " without the advice");
        if (plain_kb == 0 && advised_kb == 0) {
            BOOST_TEST_MESSAGE("no huge pages for files in " << parent << " here (transparent huge pages off or no "
                                                             << "large folios): nothing to check");
            return;
        }
        if (plain_kb * 10 >= kSizeKb * 9) {
            BOOST_TEST_MESSAGE(what << ": huge pages without the advice here too: nothing to tell apart");
            continue;
        }
        BOOST_CHECK_MESSAGE(advised_kb >= plain_kb + kSizeKb / 4, what << ": " << advised_kb << " KiB of " << kSizeKb
                                                                        << " in huge pages with the advice, "
                                                                        << plain_kb << " without it");
    }
}

// map_file_for_reading maps every page of the file, in pieces of 32 MiB on the threads asked for: with a last piece
// cut short, on one thread and on three, the whole file is mapped (Rss) when it returns, and reads back as written.
BOOST_AUTO_TEST_CASE(files_are_mapped_whole_on_every_thread_count) {
    const testing::TempDir dir("snapshot-pieces");
    const std::string path = dir.file("pages");
    constexpr size_t kSize = (size_t{70} << 20) + 12345;
    std::string bytes(kSize, '\0');
    for (size_t i = 0; i < kSize; i += 4096) bytes[i] = static_cast<char>(1 + i / 4096 % 251);
    testing::write_file(path, bytes);
    const int fd = ::open(path.c_str(), O_RDONLY);
    BOOST_REQUIRE(fd >= 0);
    for (const unsigned threads : {1u, 3u}) {
        void* mapped = snapshot::map_file_for_reading(fd, kSize, threads);
        BOOST_REQUIRE_MESSAGE(mapped != MAP_FAILED, std::strerror(errno));
        const uint64_t mapped_kb = smaps_kb(mapped, "Rss:");
        BOOST_CHECK_MESSAGE(mapped_kb == (kSize + 4095) / 4096 * 4, threads << " thread(s): " << mapped_kb
                                                                              << " KiB of the file mapped");
        BOOST_CHECK(std::memcmp(mapped, bytes.data(), kSize) == 0);
        ::munmap(mapped, kSize);
    }
    ::close(fd);
}

BOOST_AUTO_TEST_CASE(files_that_are_no_snapshot) {
    std::string error;
    BOOST_CHECK(!read("customer_id\n1\n", &error));
    BOOST_CHECK_EQUAL(error, "t.arrow: not a snapshot (an Arrow file starts with \"ARROW1\")");
    BOOST_CHECK(!snapshot::is_snapshot("ARROW"));
    BOOST_CHECK(!snapshot::is_snapshot("ARROW1_id,v\n1,2\n"));  // a CSV file whose header starts with ARROW1
    BOOST_CHECK(!read(std::string("ARROW1\0\0", 8), &error));
    const std::string missing = "/nonexistent/x.arrow";
    BOOST_CHECK(!snapshot::is_snapshot_file(missing));
    BOOST_CHECK(!snapshot::read_snapshot_file(missing, testing::test_schema(), &error));
    BOOST_CHECK_EQUAL(error, "/nonexistent/x.arrow: cannot open: No such file or directory");
}

BOOST_AUTO_TEST_SUITE_END()
