#include "snapshot/reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>

#include "common/atomic_file.h"
#include "common/parallel.h"
#include "common/text_format.h"
#include "data/events.h"
#include "snapshot/arrow_file.h"
#include "snapshot/checksum.h"
#include "snapshot/format.h"
#include "snapshot/table_reader.h"

namespace segmint::snapshot {
namespace {

constexpr const char* kImportAgain = "; import the data again with `segmint import`";

// The metadata of the footer's schema in order; a key twice is corruption (which of the two would count?).
Metadata metadata_of(const arrow::Footer* footer) {
    Metadata metadata;
    const auto* pairs = footer->schema()->custom_metadata();
    if (!pairs) return metadata;
    for (const auto* pair : *pairs) {
        if (!pair->key() || !pair->value())
            fail("the footer's metadata has a key without a value: the snapshot is corrupt");
        metadata.emplace_back(pair->key()->str(), pair->value()->str());
    }
    std::vector<std::string> keys;
    for (const auto& pair : metadata) keys.push_back(pair.first);
    std::sort(keys.begin(), keys.end());
    if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) {
        fail("the footer's metadata has a key twice: the snapshot is corrupt");
    }
    return metadata;
}

// The value of `key`, or nullptr.
const std::string* find_value(const Metadata& metadata, const std::string& key) {
    for (const auto& [name, value] : metadata) {
        if (name == key) return &value;
    }
    return nullptr;
}

std::string value_of(const Metadata& metadata, const std::string& key) {
    const std::string* value = find_value(metadata, key);
    return value ? *value : "";
}

// "a=1 b=2+3": the numbers of an event table's entry.
std::map<std::string, std::pair<uint64_t, uint64_t>> parse_entry(const std::string& text, const std::string& what) {
    std::map<std::string, std::pair<uint64_t, uint64_t>> fields;
    size_t at = 0;
    while (at < text.size()) {
        const size_t end = std::min(text.find(' ', at), text.size());
        const std::string item = text.substr(at, end - at);
        const size_t equals = item.find('=');
        const size_t plus = item.find('+');
        try {
            if (equals == std::string::npos) throw std::invalid_argument(item);
            const std::string first =
                item.substr(equals + 1, plus == std::string::npos ? std::string::npos : plus - equals - 1);
            size_t used = 0;
            const uint64_t a = std::stoull(first, &used);
            if (used != first.size() || first.empty() || first[0] == '-') throw std::invalid_argument(item);
            uint64_t b = 0;
            if (plus != std::string::npos) {
                const std::string second = item.substr(plus + 1);
                b = std::stoull(second, &used);
                if (used != second.size() || second.empty() || second[0] == '-') throw std::invalid_argument(item);
            }
            fields[item.substr(0, equals)] = {a, b};
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception&) {
            fail(what + ": its entry in the footer is malformed: the snapshot is corrupt");
        }
        at = end + 1;
    }
    return fields;
}

// What the engine relies on of grouped events (data/events.h) and the event loader guarantees: every event has its key
// and its time, its key is the key of the customer whose range holds it, and times never decrease within a range.
void check_groups(const data::EventTable& events, const data::Table& customers, const schema::EventTable& definition,
                  const std::string& what) {
    const data::Column& key = *events.table.find(definition.key);
    const data::Column& customer_key = *customers.find(customers.schema().key);
    const data::Column* time = definition.time.empty() ? nullptr : events.table.find(definition.time);
    const bool strings = key.type != schema::ColumnType::Int;
    for (uint64_t customer = 0; customer < customers.rows(); ++customer) {
        for (uint64_t row = events.begin(customer); row < events.end(customer); ++row) {
            const bool same = strings ? key.string_at(row) == customer_key.string_at(customer)
                                      : key.i64[row] == customer_key.i64[customer];
            if (key.is_null(row) || !same) {
                fail(
                    fmt::format("{}: event {} is grouped under customer row {}, whose key it does not have: the "
                                "snapshot is corrupt",
                                what, row + 1, customer + 1));
            }
            if (time && (time->is_null(row) || (row > events.begin(customer) &&
                                                data::time_value(*time, row - 1) > data::time_value(*time, row)))) {
                fail(fmt::format("{}: event {} has no time or is out of time order: the snapshot is corrupt", what,
                                 row + 1));
            }
        }
    }
}

data::EventTable read_events(const ArrowFile& file, const data::Table& customers, size_t index,
                             const Metadata& metadata, const ReadOptions& options) {
    const schema::EventTable& definition = customers.schema().events[index];
    const std::string what = "event table `" + escape_controls(definition.name) + "`";
    const std::string* entry = find_value(metadata, event_key(index));
    if (!entry) fail(what + " has no entry in the footer: the snapshot is corrupt");
    auto fields = parse_entry(*entry, what);
    if (fields["loaded"].first == 0) return data::no_events(customers, definition);
    const auto [file_at, file_size] = fields["file"];
    const auto [offsets_at, offsets_size] = fields["offsets"];
    const Bytes inner = file.bytes.slice(file_at, file_size, what);
    const Bytes offsets = file.bytes.slice(offsets_at, offsets_size, what + "'s offsets");
    require_aligned(offsets_at, what + "'s offsets");
    if (inner.end() > file.footer_start || offsets.end() > file.footer_start) {
        fail(what + " overlaps the footer: the snapshot is corrupt");
    }
    const ArrowFile events(inner, what);
    data::EventTable table{read_table(events, schema::event_table_schema(customers.schema(), definition), false,
                                      options.threads, options.bytes_owner),
                           {},
                           0,
                           {},
                           0,
                           true};
    if (offsets.size != (customers.rows() + 1) * sizeof(uint64_t)) {
        fail(what + ": its offsets are not one per customer: the snapshot is corrupt");
    }
    copy_into(table.offsets.owned(), offsets, customers.rows() + 1);
    check_offsets(table.offsets.data(), customers.rows(), table.table.rows(),
                  offsets_decrease(table.offsets.data(), 0, customers.rows()), what);
    check_groups(table, customers, definition, what);
    table.orphans = fields["orphans"].first;
    table.first_orphan_row = fields["first_orphan_row"].first;
    table.first_orphan_key = value_of(metadata, event_key(index) + ".first_orphan_key");
    return table;
}

// The first line where the snapshot's schema and the project's differ, as a message.
void check_schema(const std::string& stored, const schema::Schema& schema) {
    const std::vector<std::string> expected = schema_lines(schema);
    std::vector<std::string> found;
    for (size_t at = 0; at < stored.size();) {
        const size_t end = std::min(stored.find('\n', at), stored.size());
        found.push_back(stored.substr(at, end - at));
        at = end + 1;
    }
    for (size_t i = 0; i < std::max(expected.size(), found.size()); ++i) {
        const std::string a = i < found.size() ? found[i] : "(nothing)";
        const std::string b = i < expected.size() ? expected[i] : "(nothing)";
        if (a != b) {
            fail(fmt::format("the snapshot was imported under another schema: it has `{}` where the schema has `{}`{}",
                             escape_controls(a), escape_controls(b), kImportAgain));
        }
    }
}

data::Table read(std::string_view text, const schema::Schema& schema, const ReadOptions& options) {
    const Bytes bytes{reinterpret_cast<const unsigned char*>(text.data()), text.size(), 0};
    if (!is_snapshot(text)) fail("not a snapshot (an Arrow file starts with \"ARROW1\")");
    const ArrowFile file(bytes, "the file");
    const Metadata metadata = metadata_of(file.footer);
    const std::string* version = find_value(metadata, kVersionKey);
    if (!version) {
        fail(
            "an Arrow file, but not a segmint snapshot (its footer has no `segmint.snapshot_version`); make one with "
            "`segmint import`");
    }
    if (!readable_version(*version)) {
        fail(fmt::format("a snapshot of format version {}, and this segmint reads versions {} to {}{}",
                         escape_controls(*version), kOldestReadableVersion, kFormatVersion, kImportAgain));
    }
    const ChunkHash kind = chunk_hash_of_version(std::stoi(*version));  // readable_version: digits alone
    // The checksum decides before anything the file holds is judged: a changed byte in the stored schema is
    // corruption, not another schema, and so is a column's odd value in a file that changed.
    const auto check_sum = [&](uint64_t sum) {
        if (options.verify_checksum && value_of(metadata, kChecksumKey) != checksum_text(sum, metadata)) {
            fail("the checksum does not match: the snapshot is corrupt (changed or cut short after it was written)" +
                 std::string(kImportAgain));
        }
    };
    std::optional<TableReading> reading;
    try {
        check_schema(value_of(metadata, kSchemaKey), schema);
        reading.emplace(file, schema, true, options.threads, options.bytes_owner);
    } catch (const Problem&) {
        if (options.verify_checksum) check_sum(checksum(bytes.data, file.footer_start, options.threads, kind));
        throw;
    }
    // One pass: each piece of the file hashed, then the columns' rows in it checked while it is in cache.
    check_sum(checksum_visiting(bytes.data, file.footer_start, options.threads, options.verify_checksum, kind,
                                [&](const unsigned char* begin, const unsigned char* end, unsigned worker) {
                                    reading->visit(begin, end, worker);
                                }));
    data::Table table = reading->finish();
    if (value_of(metadata, kRowsKey) != std::to_string(table.rows())) {
        fail("the row count in the footer is not the record batch's: the snapshot is corrupt");
    }
    if (!schema.events.empty()) {
        auto events = std::make_shared<data::EventSet>();
        for (size_t i = 0; i < schema.events.size(); ++i) {
            events->tables.push_back(read_events(file, table, i, metadata, options));
        }
        table.set_events(std::move(events));
    }
    return table;
}

// A mapped file that another program cuts short while it is read (`cp new.arrow data.arrow` rewrites in place) raises
// SIGBUS at the first byte past its new end. Instead of dying without a word, the process says which file it was,
// removes the temporary files of its writes under way (as Ctrl-C does) and exits 2. The handler may only use
// async-signal-safe calls, so each mapping's range and message live in a fixed slot.
struct MappedSlot {
    std::atomic<uintptr_t> begin{0};  // 0: free
    size_t size = 0;
    char message[1024];
    size_t length = 0;
};
MappedSlot mapped_slots[64];  // one per mapped file in use (a table read in place keeps its slot)

extern "C" void exit_on_cut_short_snapshot(int signal_number, siginfo_t* info, void*) {
    const auto address = reinterpret_cast<uintptr_t>(info->si_addr);
    for (auto& slot : mapped_slots) {
        const uintptr_t begin = slot.begin.load();
        if (begin != 0 && address >= begin && address - begin < slot.size) {
            ssize_t written = ::write(STDERR_FILENO, slot.message, slot.length);
            (void)written;
            remove_temporaries_now();
            ::_exit(2);
        }
    }
    ::signal(signal_number, SIG_DFL);  // not a snapshot's: the default action, as if there were no handler
    ::raise(signal_number);
}

// Claims a slot for [begin, begin + size) of `path`; -1 when all are taken (the mapping then has no message).
int watch_mapping(const void* begin, size_t size, const std::string& path) {
    // Installed at every mapping, not once: code that ran since (a test framework, a host program) may have put its
    // own handler in place, and the mapping now outlives this call.
    struct sigaction action {};
    action.sa_sigaction = exit_on_cut_short_snapshot;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, nullptr);
    for (int i = 0; i < static_cast<int>(std::size(mapped_slots)); ++i) {
        MappedSlot& slot = mapped_slots[i];
        uintptr_t free = 0;
        // Claimed with a placeholder address, published once the slot is filled.
        if (!slot.begin.compare_exchange_strong(free, 1)) continue;
        const std::string text = "segmint: error: " + escape_controls(path) +
                                 ": the file was cut short while it was read (another program changed it); run "
                                 "again once it is complete\n";
        slot.length = std::min(text.size(), sizeof slot.message);
        std::memcpy(slot.message, text.data(), slot.length);
        slot.size = size;
        slot.begin.store(reinterpret_cast<uintptr_t>(begin));
        return i;
    }
    return -1;
}

void unwatch_mapping(int slot) {
    if (slot >= 0) mapped_slots[slot].begin.store(0);
}

}  // namespace

bool is_snapshot(std::string_view bytes) {
    // All eight bytes ("ARROW1" and two zero bytes): a CSV file whose header starts with ARROW1 is still a CSV file.
    return bytes.size() >= kLeadingMagicSize &&
           bytes.compare(0, kLeadingMagicSize, std::string_view(kLeadingMagic, kLeadingMagicSize)) == 0;
}

bool is_snapshot_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char head[kLeadingMagicSize] = {};
    const ssize_t got = ::read(fd, head, sizeof head);
    ::close(fd);
    return got == static_cast<ssize_t>(sizeof head) && is_snapshot({head, sizeof head});
}

std::optional<data::Table> read_snapshot(std::string_view bytes, const std::string& name, const schema::Schema& schema,
                                         std::string* error, const ReadOptions& options) {
    ReadOptions resolved = options;
    resolved.threads = threads_or_cores(resolved.threads);
    try {
        return read(bytes, schema, resolved);
    } catch (const Problem& problem) {
        *error = escape_controls(name) + ": " + problem.what();
    } catch (const std::bad_alloc&) {
        *error = escape_controls(name) + ": out of memory reading the snapshot";
    }
    return std::nullopt;
}

void* map_file_for_reading(int fd, size_t size, unsigned threads) {
#if defined(MADV_HUGEPAGE) && defined(MADV_POPULATE_READ)
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) return mapped;
    // Advice before the pages are read in, so that what comes from disk arrives in 2 MiB folios: without it, a file
    // whose pages were partly evicted came back in 4 KiB ones, and every later open of 10M customers took 0.40-0.54 s
    // instead of 0.24-0.28 s. Advice alone: where transparent huge pages are off it changes nothing.
    ::madvise(mapped, size, MADV_HUGEPAGE);
    // Every page mapped by a call per piece rather than a fault each (every byte is read: the checksum), the pieces on
    // `threads` threads: mapping a warm 1.2 GB file's pages took one thread 74-93 ms and two 40-49 ms. A kernel before
    // 5.14 has no MADV_POPULATE_READ (EINVAL, from the first piece): the file is mapped again in place with
    // MAP_POPULATE, as before the advice. Other failures are left to the reads, as MAP_POPULATE leaves them (a file
    // cut short meanwhile: SIGBUS, handled below).
    constexpr size_t kPiece = size_t{32} << 20;  // a multiple of 2 MiB: a huge folio is never split between calls
    char* const begin = static_cast<char*>(mapped);
    const auto populate = [&](uint64_t piece) {
        const size_t from = piece * kPiece;
        return ::madvise(begin + from, std::min(kPiece, size - from), MADV_POPULATE_READ) == 0 || errno != EINVAL;
    };
    if (populate(0)) {
        parallel_for((size - 1) / kPiece, threads_or_cores(threads),
                     [&](uint64_t index, unsigned) { populate(index + 1); });
    } else {
        void* again = ::mmap(mapped, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0);
        if (again == MAP_FAILED) {
            const int saved = errno;
            ::munmap(mapped, size);
            errno = saved;
        }
        return again;
    }
    return mapped;
#else
    return ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
#endif
}

std::optional<data::Table> read_snapshot_file(const std::string& path, const schema::Schema& schema, std::string* error,
                                              const ReadOptions& options) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0) {
        *error = fmt::format("{}: cannot open: {}", escape_controls(path), std::strerror(errno));
        if (fd >= 0) ::close(fd);
        return std::nullopt;
    }
    const auto size = static_cast<size_t>(info.st_size);
    void* mapped = size > 0 ? map_file_for_reading(fd, size, options.threads) : nullptr;
    ::close(fd);
    if (size > 0 && mapped == MAP_FAILED) {
        *error = fmt::format("{}: cannot map into memory: {}", escape_controls(path), std::strerror(errno));
        return std::nullopt;
    }
    // Unmapped when the last column viewing it is gone (or at once, when nothing does).
    const int slot = size > 0 ? watch_mapping(mapped, size, path) : -1;
    const std::shared_ptr<const void> mapping(mapped, [size, slot](const void* begin) {
        if (size > 0) ::munmap(const_cast<void*>(begin), size);
        unwatch_mapping(slot);
    });
    ReadOptions resolved = options;
    resolved.bytes_owner = options.in_place ? mapping : nullptr;
    return read_snapshot({static_cast<const char*>(mapped), size}, path, schema, error, resolved);
}

}  // namespace segmint::snapshot
