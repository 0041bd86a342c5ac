#include "data/csv_parallel.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <exception>
#include <vector>

#include "common/parallel.h"
#include "data/concatenate.h"
#include "data/csv_record_loader.h"

namespace segmint::data::csv {

namespace {

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

// Offsets of `parts` + 1 record boundaries cutting [data_start, end of input) into `parts` ranges of about the same
// size: each candidate cut moves to the start of the next record, found from the parity of the quotes before it
// (counted on all threads at once). Empty when the input cannot be read. The cuts only have to be right for valid
// input: for any other, a range fails to parse and the caller loads the file serially. Throws what a count throws.
std::vector<uint64_t> record_boundaries(const Input& input, uint64_t data_start, unsigned parts, size_t buffer_bytes) {
    const uint64_t end = input.total_bytes();
    std::vector<uint64_t> candidates(parts + 1);
    for (unsigned i = 0; i <= parts; ++i) candidates[i] = data_start + (end - data_start) / parts * i;
    candidates[parts] = end;
    std::vector<std::optional<uint64_t>> quotes(parts);
    parallel_for(parts, parts, [&](uint64_t i, unsigned) {
        quotes[i] = count_quotes(input, candidates[i], candidates[i + 1], buffer_bytes);
    });
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
// own, joined in order. Nullopt when a range fails to parse (bad input, a read error, out of memory: run_records
// reports these by returning nothing); an exception (from a task, rethrown by parallel_for once every worker has
// stopped, or from the join) propagates to load_in_ranges.
std::optional<Table> load_ranges(const Input& input, const std::string& path, const schema::Schema& schema,
                                 const CsvOptions& options, unsigned threads, unsigned* workers) {
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
    const auto report_progress = [&] {
        const uint64_t done = *data_start + shared.bytes_read.load(std::memory_order_relaxed);
        if (options.progress && done - last_progress >= options.progress_interval_bytes) {
            last_progress = done;
            options.progress(done, input.total_bytes());
        }
    };
    // With a waiting callback the calling thread only reports progress: each range gets a thread of its own.
    *workers = parallel_for(
        threads, threads,
        [&](uint64_t i, unsigned) {
            RangeInput range(input, boundaries[i], boundaries[i + 1]);
            CsvError error;
            // The first range's table receives the others' rows in the join (concatenate_tables).
            const uint64_t bytes_after = i == 0 ? input.total_bytes() - boundaries[1] : 0;
            parts[i] =
                Loader(range, path, schema, quiet).run_records(header_loader.header(), &shared, &error, bytes_after);
        },
        report_progress);
    std::vector<Table> tables;
    tables.reserve(threads);
    for (auto& part : parts) {
        if (!part) return std::nullopt;
        tables.push_back(std::move(*part));
        part.reset();
    }
    // The ranges after the first only give their dictionaries' values to the first range's in the join, which never
    // looks them up: their indexes and per-value hashes go now (Dictionary::release_index), before the join makes the
    // first range's dictionaries grow (for a column of mostly distinct values, an index bigger than its strings).
    // Their strings stay as they are: shrinking them copied 125 MB of `email` just before the join copies it again.
    for (size_t i = 1; i < tables.size(); ++i) {
        for (size_t c = 0; c < tables[i].column_count(); ++c) tables[i].mutable_column(c).dictionary.release_index();
    }
    Table table = concatenate_tables(std::move(tables), threads);
    Loader::finish_columns(table, options);
    return table;
}

}  // namespace

// Why the result is the serial one: a range starts where the serial parse is between records (true for the first;
// for the next, the previous range ended there without error). Its bytes parse the same way as in the serial load,
// so it cannot end inside a record without an error: the byte before each cut is a line break, which either ends a
// record or (inside quotes) leaves a quoted field unterminated at the range's end. Dictionaries are merged in range
// order, so codes follow first-seen order over the whole file.
std::optional<Table> load_in_ranges(const Input& input, const std::string& path, const schema::Schema& schema,
                                    const CsvOptions& options, unsigned threads, unsigned* workers) {
    // Any exception (out of memory in a task or the join, a read buffer that cannot be allocated) is one more reason
    // to load serially, which then reports the problem, or succeeds.
    std::optional<Table> table;
    try {
        table = load_ranges(input, path, schema, options, threads, workers);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (table && options.progress) options.progress(input.total_bytes(), input.total_bytes());
    return table;
}

unsigned threads_for(const CsvOptions& options, uint64_t bytes) {
    const unsigned threads = threads_or_cores(options.threads);
    const uint64_t by_size = bytes / std::max<uint64_t>(options.min_bytes_per_thread, 1);
    return static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(threads, by_size)));
}

}  // namespace segmint::data::csv
