// PostgreSQL's binary COPY decoder (src/sources/postgres_binary.h) without a server: streams written here byte by
// byte as the format's documentation gives them load value for value; malformed streams (a wrong signature, rows cut
// short, lengths past the row, a field count that is not the schema's, malformed arrays, no trailer) are errors, and
// random corruptions of a valid stream never crash or read out of bounds (the ASan suite runs this too). The real
// server's streams are checked in tests/sql/sql_postgres_test.cpp and tests/postgres/sources.sh.
#include "sources/postgres_binary.h"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <random>

#include "common/calendar.h"
#include "test_support.h"

using namespace segmint;
using sources::BinaryCopyDecoder;
using sources::WireType;

namespace {

schema::Schema test_schema() {
    schema::Schema schema;
    schema.table = "people";
    schema.key = "id";
    testing::add_column(schema, "id", schema::ColumnType::Int);
    testing::add_column(schema, "score", schema::ColumnType::Number);
    testing::add_column(schema, "born", schema::ColumnType::Date);
    testing::add_column(schema, "seen", schema::ColumnType::Timestamp);
    testing::add_column(schema, "name", schema::ColumnType::String);
    testing::add_column(schema, "tier", schema::ColumnType::Enum, {"a", "b"});
    testing::add_column(schema, "tags", schema::ColumnType::StringList);
    testing::add_column(schema, "vip", schema::ColumnType::Bool);
    return schema;
}

const std::vector<WireType> kTypes = {WireType::Int4, WireType::Float8, WireType::Date,      WireType::Timestamp,
                                      WireType::Text, WireType::Text,   WireType::TextArray, WireType::Bool};

// Big-endian integers, as the format writes them.
void put(std::string& out, uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}
void field(std::string& out, const std::string& bytes) {
    put(out, bytes.size(), 4);
    out += bytes;
}
std::string be(uint64_t value, int bytes) {
    std::string out;
    put(out, value, bytes);
    return out;
}
std::string array(const std::vector<std::string>& items, int32_t lower = 1, int32_t dimensions = 1) {
    std::string out = be(static_cast<uint32_t>(dimensions), 4) + be(0, 4) + be(25, 4);  // element type: text
    if (dimensions == 0) return out;
    out += be(items.size(), 4) + be(static_cast<uint32_t>(lower), 4);
    for (const auto& item : items) field(out, item);
    return out;
}

// Row `id` of a valid stream: values from the format's documentation (days and microseconds from 2000-01-01).
std::string row(int32_t id, int32_t pg_days, const std::string& tags) {
    std::string out = be(8, 2);
    field(out, be(static_cast<uint32_t>(id), 4));
    double score = -0.0;
    uint64_t bits;
    std::memcpy(&bits, &score, 8);
    field(out, be(bits, 8));
    field(out, be(static_cast<uint32_t>(pg_days), 4));
    field(out, be(uint64_t{86400} * 1000000 + 1, 8));  // 2000-01-02T00:00:00.000001Z
    field(out, "Zo\xC3\xAB");
    field(out, "b");
    field(out, tags);
    field(out, std::string(1, '\1'));
    return out;
}

const std::string kHeader = std::string("PGCOPY\n\377\r\n", 10) + std::string(1, '\0') + be(0, 4) + be(0, 4);
const std::string kTrailer = be(0xFFFF, 2);

// The messages decoded in turn; the table, or the first error.
std::optional<data::Table> decode(const std::vector<std::string>& messages, std::string* error) {
    BinaryCopyDecoder decoder(test_schema(), kTypes, data::CsvOptions{});
    for (const auto& message : messages) {
        if (!decoder.feed(message.data(), message.size(), error)) return std::nullopt;
    }
    return decoder.finish(error);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_binary)

BOOST_AUTO_TEST_CASE(documented_stream_loads_value_for_value) {
    std::string error;
    const auto table =
        decode({kHeader + row(7, 0, array({"x,y", ""})), row(8, -10957, array({}, 1, 0)), kTrailer}, &error);
    BOOST_REQUIRE_MESSAGE(table, error);
    BOOST_REQUIRE_EQUAL(table->rows(), 2u);
    const auto& id = *table->find("id");
    BOOST_TEST(id.int_at(0) == 7);
    BOOST_TEST(std::signbit(table->find("score")->f64[0]));  // -0 stays -0, as the CSV loader reads "-0"
    BOOST_TEST(calendar::format_date(table->find("born")->i32[0]) == "2000-01-01");
    BOOST_TEST(calendar::format_date(table->find("born")->i32[1]) == "1970-01-01");
    BOOST_TEST(calendar::format_timestamp(table->find("seen")->i64[0]) == "2000-01-02T00:00:00.000001Z");
    BOOST_TEST(table->find("name")->string_at(0) == "Zo\xC3\xAB");
    BOOST_TEST(table->find("tier")->string_at(1) == "b");
    const auto& tags = *table->find("tags");
    BOOST_REQUIRE_EQUAL(tags.list_end(0) - tags.list_begin(0), 2u);
    BOOST_TEST(tags.dictionary.value(tags.list_codes[0]) == "x,y");
    BOOST_TEST(tags.dictionary.value(tags.list_codes[1]) == "");
    BOOST_TEST(tags.list_end(1) == tags.list_begin(1));  // a zero-dimensional array is the empty list
    BOOST_TEST(table->find("vip")->bools.get(1) == 1);
}

BOOST_AUTO_TEST_CASE(malformed_streams_are_errors) {
    const std::string good = row(1, 0, array({"a"}));
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"PGCOPX" + kHeader.substr(6) + good, kTrailer}, "signature"},
        {{kHeader + good.substr(0, good.size() - 3), kTrailer}, "truncated"},
        {{kHeader + good}, "ended before its trailer"},
        {{kHeader + good, kTrailer, good}, "after its end"},
        {{kHeader + be(3, 2) + be(1, 4) + "x", kTrailer}, "sent 3 values, not 8"},
        {{kHeader + row(1, 0, array({"a"}, 1, 2)), kTrailer}, "one-dimensional"},
        {{kHeader + row(1, 0, array({"a"}, 0)), kTrailer}, "explicit bounds"},
        {{kHeader + row(1, 0, std::string("\0\0\0\1", 4)), kTrailer}, "malformed array"},
        {{kHeader + row(1, 0, be(1, 4) + be(0, 4) + be(25, 4) + be(2, 4) + be(1, 4) + be(9, 4) + "ab"), kTrailer},
         "malformed array"},
        {{kHeader + row(1, 0, array({"a"}) + "z"), kTrailer}, "malformed array"},
        {{kHeader + good + "z", kTrailer}, "bytes after the row's last value"},
        {{kHeader + row(1, 0, be(0xFFFFFFFF, 4) + be(0, 4) + be(25, 4)), kTrailer}, "malformed array"},
        {{kHeader.substr(0, 11) + be(1 << 17, 4) + be(0, 4) + good, kTrailer}, "header is not one segmint reads"},
        {{kHeader + row(1, 0x7FFFFFFF, array({})), kTrailer}, "expected a date from 0001-01-01"},
        {{kHeader + good, row(1, 0, array({})), kTrailer}, "key 1 is also the key in row 1"},
    };
    for (const auto& [messages, expected] : cases) {
        std::string error;
        const auto table = decode(messages, &error);
        BOOST_TEST(!table);
        BOOST_TEST_MESSAGE(error);
        BOOST_TEST(error.find(expected) != std::string::npos, "expected `" << expected << "` in: " << error);
    }
}

BOOST_AUTO_TEST_CASE(random_corruptions_never_crash) {
    const std::vector<std::string> valid = {kHeader + row(1, 10, array({"a", "bc"})), row(2, -5, array({})), kTrailer};
    std::mt19937_64 random(20261203);
    int loaded = 0, refused = 0;
    for (int round = 0; round < 20000; ++round) {
        std::vector<std::string> messages = valid;
        std::string& message = messages[random() % messages.size()];
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int e = 0; e < edits && !message.empty(); ++e) {
            const size_t at = random() % message.size();
            switch (random() % 3) {
                case 0: message[at] = static_cast<char>(random()); break;
                case 1: message.erase(at, 1 + random() % 8); break;
                default: message.insert(at, std::string(1 + random() % 4, static_cast<char>(random())));
            }
        }
        std::string error;
        if (decode(messages, &error)) {
            ++loaded;
        } else {
            BOOST_TEST(!error.empty());
            ++refused;
        }
    }
    BOOST_TEST_MESSAGE("postgres binary: 20000 corrupted streams, " << loaded << " loaded, " << refused << " refused");
    BOOST_TEST(refused > 10000);
}

BOOST_AUTO_TEST_SUITE_END()
