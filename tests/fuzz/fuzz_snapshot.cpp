// Fuzz target: changes to a valid snapshot (src/snapshot) → read_snapshot. The input is a script of edits to a
// snapshot of random customers with their events, written once: byte 0 chooses whether the checksum is verified (bit
// 0: off, so the structural checks behind it meet the changed bytes), whether the input is a whole file of its own
// instead (bit 1) and whether the columns are copied out (bit 2) rather than read in place as a mapped file's are; then
// each 5 bytes are an edit: a 4-byte offset (modulo the size) and the byte to put there; an input of 3 bytes more than
// a multiple of 5 also cuts the file at its last 2 bytes' offset. Reading must fail with a message or give a table
// whose every value can be read; with the checksum verified, a table read from changed bytes must be the original.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "data/events.h"
#include "fuzz_support.h"
#include "random_rules.h"
#include "snapshot/reader.h"
#include "snapshot/writer.h"

using namespace segmint;

namespace {

const data::Table& original() {
    static const data::Table table = [] {
        testing::Random random(2026);
        data::Table customers = testing::random_table(random, fuzzing::test_schema(), 24);
        testing::attach_events(customers, testing::random_events(random, fuzzing::test_schema(), 24, 1795000000000000));
        return customers;
    }();
    return table;
}

void read_every_value(const data::Table& table) {
    for (size_t c = 0; c < table.column_count(); ++c) {
        for (uint64_t row = 0; row < table.rows(); ++row) fuzzing::describe_value(table.column(c), row);
    }
}

std::string table_text(const data::Table& table) {
    std::string text;
    for (size_t c = 0; c < table.column_count(); ++c) {
        for (uint64_t row = 0; row < table.rows(); ++row) text += fuzzing::describe_value(table.column(c), row) + ",";
    }
    if (const data::EventSet* events = table.events()) {
        for (const auto& e : events->tables) text += (e.loaded ? table_text(e.table) : "-") + ";";
    }
    return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string valid = snapshot::snapshot_bytes(original());
    static const std::string valid_text = table_text(original());
    const uint8_t control = size > 0 ? data[0] : 0;
    auto owner = std::make_shared<std::string>();
    std::string& bytes = *owner;
    if (control & 2) {
        bytes.assign(reinterpret_cast<const char*>(data) + (size > 0 ? 1 : 0), size > 0 ? size - 1 : 0);
    } else {
        bytes = valid;
        size_t at = 1;
        for (; at + 5 <= size; at += 5) {
            uint32_t offset;
            std::memcpy(&offset, data + at, 4);
            bytes[offset % bytes.size()] = static_cast<char>(data[at + 4]);
        }
        if (size - at == 2) bytes.resize((data[at] | data[at + 1] << 8) % bytes.size());
    }
    snapshot::ReadOptions options;
    options.verify_checksum = (control & 1) == 0;
    if ((control & 4) == 0) options.bytes_owner = owner;
    std::string error;
    auto table = snapshot::read_snapshot(bytes, "fuzz.arrow", fuzzing::test_schema(), &error, options);
    if (!table) {
        if (error.empty()) fuzzing::fail("a refused snapshot has no message");
        return 0;
    }
    read_every_value(*table);
    if (const data::EventSet* events = table->events()) {
        for (const auto& e : events->tables) {
            if (e.offsets.size() != table->rows() + 1 || e.offsets.back() != e.table.rows()) {
                fuzzing::fail("event offsets do not cover the event table");
            }
            read_every_value(e.table);
        }
    }
    if (options.verify_checksum && bytes != valid && table_text(*table) != valid_text) {
        fuzzing::fail("changed bytes passed the checksum and read as another table");
    }
    return 0;
}
