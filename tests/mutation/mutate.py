#!/usr/bin/env python3
"""Mutation checks: does the fast suite notice a deliberate one-line bug?

Each mutation in MUTATIONS replaces one exact piece of one source file (it must occur exactly once, so a mutation
that no longer applies after a refactor is an error, not a silent pass). The script copies the working tree to
scratch folders (build-mutation/tree, tree-1, ...: one per worker, --jobs, default one per core; ignored by git),
builds each once, checks that the unmutated copy passes the suites expected to kill the mutations (EXPECTED_KILLERS),
then each worker takes mutations from the list in turn: applies one to its copy, rebuilds, runs its expected
killers, then, if they pass, the whole fast suite until the first failure (and checks that what failed passes
without the mutation), and puts the file back. A mutation the suite does not notice "survives"; every mutation in
the list must be killed (exit 1 otherwise). Mutations live in .cpp files where they can: one in a widely included header
rebuilds most of the tree.

With ccache installed, .ci/build and this script share its cache (CCACHE_BASEDIR is the repository, and the copy's
build folder sits inside the copy as build/ sits inside the repository), so the copy builds in about a minute.

Usage: python3 tests/mutation/mutate.py [--only NAME,...] [--jobs N] [--list] [--keep]
"""
import argparse
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRATCH = os.path.join(ROOT, "build-mutation")

# The fast suite: everything but the slowest suites, which repeat what faster ones check (the oracle runs one seed;
# prove_differential, 1-2 minutes, checks the prover, which no mutation here touches, and ctest starts it first, so
# every mutation would wait for it), and the packaging check, which installs every target while the copy builds only
# what the suite runs.
FAST_SUITE_EXCLUDE = ["oracle_seed_[2-9]", "valid_rules", "install_package", "prove_differential"]

# The suites that run a real database or browser take a minute each, and ctest starts the longest first: they run
# after the rest, so a mutation the quick suites kill costs seconds, except for a mutation in a file named after the
# engine a suite runs (src/sql/postgres.cpp, src/sources/postgres_binary.cpp: the suites with "postgres" in their
# name), which runs those suites first. Every suite of the fast suite still runs on a survivor.
ENGINE_SUITES = ["sql_duckdb", "sql_postgres", "postgres_copy", "postgres_sources", "report_browser"]

# (name, file, exact text, replacement, what it breaks)
MUTATIONS = [
    ("vm_equal_int", "src/vm/kernels_compare.h",
     "inline constexpr auto kEqual = [](const auto& x, const auto& y) { return x == y; };",
     "inline constexpr auto kEqual = [](const auto& x, const auto& y) { return x <= y; };",
     "an operator of the VM: `=` becomes `<=`"),
    ("vm_remainder_sign", "src/vm/kernels_arithmetic.h",
     "[](int64_t x, int64_t y, int64_t* o) { return scalar::mod(x, y, o); }",
     "[](int64_t x, int64_t y, int64_t* o) { return scalar::mod(x, y, o) && ((*o = *o < 0 ? -*o : *o), true); }",
     "the VM's `%` drops the sign of the dividend"),
    ("vm_mul_unchecked_past_bound", "src/vm/kernels_arithmetic.h",
     "    binary_int_arithmetic<31>(",
     "    binary_int_arithmetic<32>(",
     "the VM's `*` skips its overflow check for operands up to 2^32 (products past int64 come out wrapped)"),
    ("vm_and_null", "src/vm/bits.h",
     "return {a_true & b_true, (a_valid & b_valid) | a_false | b_false};",
     "return {a_true & b_true, (a_valid & b_valid) | (a_false & b_false)};",
     "the VM's three-valued `and`: FALSE and NULL becomes NULL"),
    ("merge_ranges_bound", "src/optimize/merge_ranges.cpp",
     "return a.op == ir::Op::Gt && b.op != ir::Op::Gt;",
     "return a.op == ir::Op::Ge && b.op != ir::Op::Ge;",
     "merge_ranges keeps `>= k` over `> k` (the issue's surviving optimizer bug)"),
    ("simplify_not_constant", "src/optimize/simplify_logic.cpp",
     "ir::Value{!std::get<bool>(value)}",
     "ir::Value{std::get<bool>(value)}",
     "simplify_logic: `not <constant>` keeps the constant"),
    ("leap_400_rule", "src/common/calendar.cpp",
     "return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;",
     "return year % 4 == 0 && year % 100 != 0;",
     "the 400-year leap rule is dropped: 2000-02-29 is rejected (the issue's surviving calendar bug)"),
    ("month_end_clamp", "src/common/calendar.cpp",
     "result.day = date.day < last ? date.day : last;",
     "result.day = date.day < last ? date.day : last - 1;",
     "months clamp to the day before the end of the month"),
    ("csv_empty_field_is_null", "src/data/csv_records.cpp",
     "(!field.quoted || (column.type != ColumnType::String && column.type != ColumnType::StringList))) {",
     "(field.quoted && (column.type != ColumnType::String && column.type != ColumnType::StringList))) {",
     "the CSV loader's NULL test: an empty unquoted field is no longer NULL"),
    ("csv_deferred_null_order", "src/data/csv_records.cpp",
     "        if (slots_[field_index].defer_intern) {\n            defer(column, true, text);",
     "        if (false) {\n            defer(column, true, text);",
     "the loader bug of issue 21: a deferred column's NULLs are appended ahead of its queued values"),
    ("duplicate_key_check", "src/data/keys.cpp",
     "if (key.dictionary.size() == rows) return std::nullopt;",
     "if (key.dictionary.size() + 1 >= rows) return std::nullopt;",
     "a repeated string key goes unnoticed in small tables"),
    ("lookup_null_as_false", "src/engine/bind_lookups.cpp",
     "values[row] = is_true ? vm::kLookupTrue : is_false ? vm::kLookupFalse : vm::kLookupNull;",
     "values[row] = is_true ? vm::kLookupTrue : vm::kLookupFalse;",
     "a dictionary lookup's NULL becomes FALSE (`not (city contains \"x\")` on a NULL city)"),
    ("round_half_away", "src/scalar/scalar.cpp",
     "if (mantissa[static_cast<size_t>(keep)] >= '5') {",
     "if (mantissa[static_cast<size_t>(keep)] > '5') {",
     "round() rounds halves down"),
    ("list_limit", "src/syntax/ast_builder.cpp",
     "if (count <= limits::kMaxListItems) return true;",
     "if (count <= limits::kMaxListItems + 1) return true;",
     "the list limit one past its documented value"),
    ("overlap_limit", "src/cli/overlap_command.cpp",
     "if (chosen.size() > limits::kMaxOverlapSegments) {",
     "if (chosen.size() > limits::kMaxOverlapSegments + 1) {",
     "the overlap limit one past its documented value"),
    ("escape_controls", "src/common/text_format.cpp",
     "} else if (c < 0x20 || c == 0x7F) {",
     "} else if (c < 0x0A || c == 0x7F) {",
     "text output lets control characters from 0x0B to 0x1F through (an escape byte reaches the terminal)"),
    ("events_order_check", "src/data/events.cpp",
     "if (time && owner[event] == owner[event - 1] && time_value(*time, event) < time_value(*time, event - 1))",
     "if (false && time && owner[event] == owner[event - 1])",
     "grouping events: a file by customer but not in time order is moved as if sorted"),
    ("events_permute_cycle", "src/data/events.cpp",
     "        values[row] = held;\n",
     "        values[row] = values[start];\n",
     "grouping events in place: the value held aside at a cycle's start is lost at its end"),
    ("events_gather_row", "src/data/events.cpp",
     "for (uint64_t i = 0; i < kept; ++i) spare[i] = values[order[i]];",
     "for (uint64_t i = 0; i < kept; ++i) spare[i] = values[order[i == 0 ? 0 : i - 1]];",
     "grouping events by gathering: each value is taken from the row before the one it should be"),
    ("events_window_count", "src/engine/aggregates.cpp",
     "not_after += at[row] <= to;",
     "not_after += at[row] < to;",
     "a window on a customer's few events: its upper bound becomes exclusive"),
    ("vm_aggregate_chunk", "src/vm/machine.cpp",
     "aggregates->fill(from, to, chunk_aggregates[worker]);",
     "aggregates->fill(from >= chunk ? from - chunk : from, from >= chunk ? to - chunk : to, chunk_aggregates[worker]);",
     "a VM worker evaluates a chunk with the event aggregates of the chunk before it"),
    ("sql_sqlite_overflow", "src/sql/sqlite.cpp",
     "return op == ir::Op::Mod ? e : integer_only(e);",
     "return e;",
     "SQLite's int + - * keep the REAL an overflow turns into, instead of NULL"),
    ("sql_sqlite_month_clamp", "src/sql/sqlite.cpp",
     "\"min(date({0}, 'start of month'",
     "\"max(date({0}, 'start of month'",
     "SQLite month arithmetic always lands on the month's last day instead of clamping to it"),
    ("sql_first_tie_larger", "src/sql/dialects.cpp",
     'return "MIN(" + ordered(type, values) + ")";',
     'return "MAX(" + ordered(type, values) + ")";',
     "SQL's first/last break a tie in time by the larger value instead of the smaller"),
    ("sql_sqlite_sum_carry", "src/sql/sqlite.cpp",
     'return {fmt::format("({} + ({} >> 32))", parts.at(0), parts.at(1)),',
     'return {fmt::format("({} + ({} >> 33))", parts.at(0), parts.at(1)),',
     "SQLite's exact int sum carries the low half's overflow into the high half wrongly"),
    ("sql_postgres_collate", "src/sql/postgres.cpp",
     'fmt::format("({} COLLATE \\"C\\" {} {})", a, symbol(op), b)',
     'fmt::format("({} {} {})", a, symbol(op), b)',
     "PostgreSQL compares text by the database's collation (ICU: 'a' < 'B') instead of bytewise"),
    ("sql_postgres_session_zone", "src/sql/postgres.cpp",
     "return \"(\" + timestamp + \" AT TIME ZONE 'UTC')::date\";",
     "return \"(\" + timestamp + \")::date\";",
     "PostgreSQL takes a timestamp's date in the session's time zone instead of UTC"),
    ("sql_duckdb_session_zone", "src/sql/duckdb.cpp",
     'return "epoch_us(" + column + ")";',
     'return "epoch_us(CAST(" + column + " AS TIMESTAMP))";',
     "DuckDB reads a TIMESTAMPTZ column as a naive timestamp in the session's TimeZone"),
    ("sql_postgres_regex_dot", "src/sql/postgres.cpp",
     'out_ += "[^\\\\n]";',
     'out_ += ".";',
     "a regex `.` reaches PostgreSQL as ARE's `.`, which also matches a newline (RE2's does not)"),
    ("sql_duckdb_collate", "src/sql/duckdb.cpp",
     'return fmt::format("({} {} {})", binary(a), symbol(op), binary(b));',
     'return fmt::format("({} {} {})", a, symbol(op), b);',
     "DuckDB compares text by the column's or the session's collation (NOCASE: 'a' = 'A') instead of bytewise"),
    ("pg_binary_epoch", "src/sources/postgres_binary.cpp",
     "constexpr int32_t kEpochDays = 10957;",
     "constexpr int32_t kEpochDays = 10956;",
     "binary COPY from PostgreSQL reads every date and timestamp a day early"),
    ("snapshot_no_checksum", "src/snapshot/reader.cpp",
     "if (options.verify_checksum && value_of(metadata, kChecksumKey) != checksum_text(sum, metadata)) {",
     "if (false) {",
     "a snapshot whose bytes changed after it was written is read as if it were sound"),
    ("blocks_after_refusal", "src/snapshot/file_output.cpp",
     "const bool skip = refused_;",
     "const bool skip = false;",
     "after the file refused a block (a full disk), the snapshot's later blocks are still written, past a hole"),
    ("block_refusal_errno", "src/snapshot/file_output.cpp",
     "if (refused_) errno = sink_errno_;",
     "if (false) errno = sink_errno_;",
     "a full disk's errno is lost on the way back from the writing thread: `segmint import` cannot say why it failed"),
    ("snapshot_through_page_cache", "src/snapshot/file_output.cpp",
     "file_(file), direct_(set_direct(file, true))",
     "file_(file), direct_(false)",
     "`segmint import` writes through the page cache again: twice as slow on this project's machines"),
    ("vm_copy_never_chosen", "src/vm/machine.cpp",
     "if (vm::instruction_set() == InstructionSet::X86_64_V3) {",
     "if (false) {",
     "every Machine runs the interpreter's baseline copy: the x86-64-v3 one, ~15% faster over a catalog, never runs"),
    ("vm_copy_env_ignored", "src/vm/instruction_set.cpp",
     'if (asked && std::strcmp(asked, "baseline") == 0) return InstructionSet::Baseline;',
     "",
     "SEGMINT_ISA=baseline is ignored: the baseline copy is never tested on a CPU that has x86-64-v3"),
    ("shared_text_two_uses", "src/optimize/shared_conditions.cpp",
     "constexpr int kMinTextUses = 3;",
     "constexpr int kMinTextUses = 2;",
     "a text test two rules contain is computed for every row, where each rule would test only the rows it left open"),
    ("shared_text_inside_lookup", "src/optimize/shared_conditions.cpp",
     "    if (node.kind == ir::Kind::Text) return true;\n    if (node.kind == ir::Kind::DictLookup) return false;\n",
     "    if (node.kind == ir::Kind::Text) return true;\n",
     "a dictionary lookup that holds a text test needs three rules to be shared, though it runs once per value"),
    ("shared_text_all_places", "src/optimize/shared_conditions.cpp",
     "return (tests_text_per_row(node) ? use.exposed : use.all) >= uses_needed(node);",
     "return use.all >= uses_needed(node);",
     "a text test is shared counting its places inside larger shared conditions: computed for every row for one "
     "reader"),
    ("shared_parts_recomputed", "src/optimize/shared_conditions.cpp",
     "        replace_parts(*copy);  // its parts (strictly smaller: never `key` again) take their slots first\n",
     "",
     "a shared condition computes the shared conditions among its parts again: the benchmark catalog's text test runs "
     "twice per batch"),
    ("shared_parts_unchosen", "src/optimize/shared_conditions.cpp",
     "            if (places.at(key) >= 2 && !tests_text_per_row(*arg)) {",
     "            if (places.at(key) > 2 && !tests_text_per_row(*arg)) {",
     "a part two shared conditions contain is computed by each"),
    ("shared_text_parts_dense", "src/optimize/shared_conditions.cpp",
     "            if (places.at(key) >= 2 && !tests_text_per_row(*arg)) {",
     "            if (places.at(key) >= 2) {",
     "a text test inside shared `x and T`s, run there over the rows x leaves open, is shared and runs over every row"),
    ("verifier_shared_reads_later", "src/vm/verifier.cpp",
     "                if (in.op == Opcode::LoadShared && in.imm >= readable_shared) {",
     "                if (in.op == Opcode::LoadShared && in.imm > readable_shared) {",
     "a shared condition's program may read its own slot, which holds the previous batch's bits"),
    ("shared_programs_run_backwards", "src/vm/machine.cpp",
     "                machine.run((*in.shared)[p], base, count, out, in.shared_lookups ? &(*in.shared_lookups)[p] : nullptr);",
     "                const size_t q = in.shared->size() - 1 - p;\n"
     "                machine.run((*in.shared)[q], base, count, out, in.shared_lookups ? &(*in.shared_lookups)[q] : nullptr);",
     "shared conditions run last first: one reads the slot of a part not computed yet in this batch"),
    ("out_of_memory_internal_error", "src/cli/output.cpp",
     'std::fputs("segmint: error: out of memory\\n", stderr);',
     'std::fputs("segmint: internal error: std::bad_alloc\\n", stderr);',
     "a command the system refused memory says it met an internal error, as if segmint had a bug"),
    ("producer_failure_dropped", "src/data/csv_loader.cpp",
     "if (producer_failure) std::rethrow_exception(producer_failure);",
     "",
     "what a database source's producer thread throws (out of memory in a driver) is dropped: the load reports a "
     "failed producer with no message"),
    ("parser_out_of_memory_internal", "src/syntax/parse.cpp",
     "    } catch (const std::bad_alloc&) {\n        throw;\n    } catch (const std::exception& e) {\n        sink.error",
     "    } catch (const std::logic_error&) {\n        throw;\n    } catch (const std::exception& e) {\n        sink.error",
     "memory refused while parsing is reported as an internal parser error in every file being parsed, with false "
     "errors for the segments they hold (exit 1)"),
    ("z3_null_context", "src/prove/prover.cpp",
     "if (context == nullptr) throw std::bad_alloc();",
     "",
     "a Z3 context that could not be made (null) is used: a crash under a memory limit"),
    ("snapshot_list_code_signed", "src/snapshot/column_scan.cpp",
     "greatest = static_cast<uint32_t>(codes[i]) > greatest ? static_cast<uint32_t>(codes[i]) : greatest;",
     "greatest = codes[i] > static_cast<int32_t>(greatest) ? static_cast<uint32_t>(codes[i]) : greatest;",
     "a snapshot's list items are checked against the dictionary as signed codes: a negative code passes and is read "
     "before the dictionary's first value"),
    ("snapshot_blocks_from_heap", "src/snapshot/file_output.cpp",
     "free_.push_back(reinterpret_cast<unsigned char*>(memory_.data()) + i * stride_);",
     "free_.push_back(static_cast<unsigned char*>(::operator new(stride_, std::align_val_t(kAlignment))));",
     "the writer's blocks come from the heap, in 4 KiB pages after a CSV load: written at 0.6-0.77x the speed"),
    ("snapshot_map_no_huge_advice", "src/snapshot/reader.cpp",
     "    ::madvise(mapped, size, MADV_HUGEPAGE);",
     "",
     "a snapshot's pages read from disk come back in 4 KiB folios: every later open of a partly evicted file pays "
     "0.15-0.3 s more over 10M customers"),
    ("atomic_write_exception_leaves_temporary", "src/common/atomic_file.cpp",
     "        std::fclose(file);\n        ::unlink(temporary.c_str());\n        throw;",
     "        throw;",
     "an exception out of an output's writer (out of memory) leaves the hidden temporary file beside the target"),
    ("stats_full_word", "src/data/value_range.h",
     "block_high = block[i] > block_high ? block[i] : block_high;",
     "block_high = i < 63 && block[i] > block_high ? block[i] : block_high;",
     "the least and greatest present value (statistics, narrowing) miss the last row of every full 64-row block"),
    ("snapshot_unaligned_message", "src/snapshot/arrow_file.h",
     'require_aligned(static_cast<uint64_t>(block->offset()), "a message");',
     "",
     "a message moved off the 8-byte grid has its flatbuffer read misaligned"),
    ("dictionary_index_kept", "src/data/table.cpp",
     "if (values.size() > kIndexKeptUpTo) {",
     "if (false) {",
     "a 10M-value dictionary keeps its 134 MB hash index after loading"),
    ("snapshot_mapping_unowned", "src/snapshot/reader.cpp",
     "resolved.bytes_owner = options.in_place ? mapping : nullptr;",
     "resolved.bytes_owner = std::shared_ptr<const void>(mapping.get(), [](const void*) {});",
     "a column read in place does not keep the mapped file alive (unmapped while the table still reads it)"),
    ("narrow_compare_edge", "src/vm/kernels_compare.h",
     "if (shifted < lowest || shifted > highest) {",
     "if (shifted < lowest || shifted >= highest) {",
     "a narrowed column's greatest offset is taken for one past its range: `= k` misses the rows holding k"),
    ("narrow_base_wraps", "src/data/narrow_ints.cpp",
     "low > std::numeric_limits<int64_t>::max() + lowest ? high - highest : low - lowest;",
     "static_cast<int64_t>(static_cast<uint64_t>(low) - static_cast<uint64_t>(lowest));",
     "a column near int64's top gets a base that wraps: values read back, but comparisons shift by 2^64"),
    ("few_codes_fourth_code", "src/vm/kernels_compare.h",
     "(x == wanted[3]);",
     "(x == wanted[2]);",
     "a dictionary lookup with four TRUE codes compares rows with three: the fourth value's rows drop out"),
    ("lanes_constant_first", "src/vm/kernels_compare.h",
     "word |= lane_bits(constant_first ? cmp(kk, x) : cmp(x, kk)) << i;",
     "word |= lane_bits(cmp(x, kk)) << i;",
     "`1000 < total_spend` is evaluated as `total_spend < 1000` in whole 64-row words"),
    ("int16_lane_bits", "src/vm/bits.h",
     "_mm_movemask_epi8(_mm_packs_epi16(m, m))) & 0xFF;",
     "_mm_movemask_epi8(_mm_packs_epi16(m, m))) & 0x7F;",
     "a 2-byte column compared with a constant loses every eighth row's result"),
    ("list_contains_skips_first", "src/vm/kernels_text.h",
     "return 0 != (((n > 0) & (p[0] == wanted))",
     "return 0 != (((n > 1) & (p[0] == wanted))",
     "`tags contains x` over the column misses x in rows whose only item it is"),
    ("list_contains_long_lists", "src/vm/kernels_text.h",
     "if (n <= 4 && begin + 4 <= item_count) {",
     "if (n <= 5 && begin + 4 <= item_count) {",
     "`tags contains x` compares only the first four items of a five-item list"),
    ("list_contains_column_end", "src/vm/kernels_text.h",
     "for (uint64_t k = begin; k < begin + n; ++k) found |= items[k] == wanted;",
     "for (uint64_t k = begin + 1; k < begin + n; ++k) found |= items[k] == wanted;",
     "`tags contains x` skips the first item of long lists and of the column's last rows"),
    ("word_block_slices_overlap", "src/data/bitmap.cpp",
     "next_ += rounded;",
     "next_ += rounded / 2;",
     "result bitmaps made together share half their words with the next one"),
    ("narrow_while_loading_never_widens", "src/data/csv_records.cpp",
     "const uint8_t next = first ? need : std::max(need, *width);",
     "const uint8_t next = first ? need : *width;",
     "the loader keeps a column at the width of its first 4,096 rows: later, bigger values are cut to it"),
    ("narrow_while_loading_drops_earlier_rows", "src/data/csv_records.cpp",
     "            hold(full);  // the earlier rows into `wide`, then these after them",
     "            (void)hold;",
     "a column that needs full width after its first 4,096 rows loses the rows it held narrow"),
    ("join_codes_at_parts_width", "src/data/concatenate.cpp",
     "width = std::max(narrow_code_width(values), widest);",
     "width = widest;",
     "a parallel load joins a String column's codes at its ranges' width, too narrow for the joined dictionary"),
    ("narrow_code_limit", "src/data/narrow_ints.cpp",
     "return dictionary_values <= 128 ? 1 :",
     "return dictionary_values <= 129 ? 1 :",
     "a dictionary of 129 values gets one-byte codes: its last value's code wraps to -128"),
    ("lookup_narrow_codes_batch", "src/vm/kernels_compare.h",
     "case 1: look_up_codes(st, truth, column.i8.data() + at, dv, dn); break;",
     "case 1: look_up_codes(st, truth, column.i8.data(), dv, dn); break;",
     "a lookup over one-byte codes reads the first batch's codes in every batch"),
    ("load_text_two_byte_codes", "src/vm/kernels_loads.h",
     "case 2: resolve(column.i16.data() + at); break;",
     "case 2: resolve(column.i16.data()); break;",
     "text over two-byte codes is read from the first batch's rows in every batch"),
    ("affix_ends_skips_head", "src/vm/kernels_text.h",
     "if (k >= 8) return x.size() >= k && load(end - 8) == tail_ && load(end - k) == head_;",
     "if (k >= 8) return x.size() >= k && load(end - 8) == tail_;",
     "`ends with` a constant of 9 to 16 bytes compares only its last 8 bytes"),
    ("affix_short_shift", "src/vm/kernels_text.h",
     "return k == 0 || load(end - 8) >> (8 * (8 - k)) == head_;",
     "return k == 0 || load(end - 8) >> (8 * (7 - k)) == head_;",
     "`ends with` a constant shorter than 8 bytes compares one byte too many"),
    ("count_members_last_worker", "src/vm/machine.cpp",
     "for (size_t s = 0; s < segment_count; ++s) (*counts)[s] += tally[s];",
     "for (size_t s = 0; s < segment_count; ++s) (*counts)[s] = tally[s];",
     "`segmint eval`'s counts keep only the last thread's share of each segment"),
    ("load_present_null_is_null", "src/vm/kernels_loads.h",
     "d.data = st.column_validity(column, st.first_row(in.imm), d);\n    d.valid = kAllSet.data();",
     "d.data = st.column_validity(column, st.first_row(in.imm), d);\n    d.valid = static_cast<const uint64_t*>(d.data);",
     "`x is null` of a column is NULL where x is NULL, instead of TRUE"),
    ("load_present_first_rows", "src/vm/kernels_loads.h",
     "d.data = st.column_validity(column, st.first_row(in.imm), d);",
     "d.data = st.column_validity(column, 0, d);",
     "`x is [not] null` of a column reads the table's first rows' validity, whatever rows it evaluates"),
    ("count_members_batch_origin", "src/vm/machine.cpp",
     "machine.set_memberships_origin(base);",
     "machine.set_memberships_origin(from);",
     "`segmint eval` reads and writes the bits of a segment another reads at the chunk's rows, not the batch's"),
    ("count_members_batch_bits_kept", "src/vm/machine.cpp",
     "for (size_t s : read) out[s].reset_all();",
     "for (size_t s : read) (void)out[s];",
     "`segmint eval` counts a segment that another reads with the bits of every batch before"),
    ("count_members_ignores_open", "src/vm/kernels_logic.h",
     "*cx.tally += and_popcount_words(av, an, open, st.words());",
     "*cx.tally += and_popcount_words(av, an, st.words());",
     "`segmint eval`'s counts take in the bits past a partial batch's last row"),
    ("count_members_ignores_valid", "src/vm/kernels_logic.h",
     "*cx.tally += and_popcount_words(av, an, open, st.words());",
     "*cx.tally += and_popcount_words(av, open, st.words());",
     "`segmint eval`'s counts take in rows whose rule is NULL"),
    ("populate_last_piece_skipped", "src/snapshot/reader.cpp",
     "[&](uint64_t index, unsigned) { populate(index + 1); });",
     "[&](uint64_t index, unsigned) { populate(index + 1 == (size - 1) / kPiece ? 0 : index + 1); });",
     "a snapshot's last 32 MiB are left to page faults: opening maps the file's pages one fault at a time there"),
    ("snapshot_bool_null_first_word", "src/snapshot/table_reader.cpp",
     "for (uint64_t w = 0; w < column.bools.word_count(); ++w) set_where_null |= values[w] & ~valid[w];",
     "for (uint64_t w = 0; w < 1 && w < column.bools.word_count(); ++w) set_where_null |= values[w] & ~valid[w];",
     "a snapshot's Bool column holding a value in a NULL row past row 63 is read"),
    ("load_bool_unaligned_batch", "src/vm/kernels_loads.h",
     "    if (at % 64 == 0) {\n        d.data = column.bools.words() + at / 64;",
     "    if (true) {\n        d.data = column.bools.words() + at / 64;",
     "a batch of a Bool column that starts inside a word reads the word's first bits"),
    ("list_refs_one_short", "src/vm/machine_state.h",
     "out[i] = ListRef{items + begin, end - begin, &column.dictionary};",
     "out[i] = ListRef{items + begin, end - begin - (end > begin), &column.dictionary};",
     "a list column's rows built for length/coalesce lose their last item"),
    ("snapshot_nan_in_range", "src/snapshot/table_reader.cpp",
     "if (findings.nan || (findings.any && !(least >= low && greatest <= high))) {",
     "if (findings.any && !(least >= low && greatest <= high)) {",
     "a snapshot's Number column holding NaN is read (the range pass skips NaN, as min and max do)"),
    ("snapshot_stored_greatest_unchecked", "src/snapshot/table_reader.cpp",
     "if (!findings.any || !same(found.stored.least, least) || !same(found.stored.greatest, greatest)) {",
     "if (!findings.any || !same(found.stored.least, least)) {",
     "a snapshot whose field metadata gives a greatest value its column does not hold is read"),
    ("snapshot_found_range_low_twice", "src/snapshot/table_reader.cpp",
     "return {true, static_cast<double>(least), static_cast<double>(greatest)};",
     "return {true, static_cast<double>(least), static_cast<double>(least)};",
     "the statistics found while reading a snapshot take a column's least value for its greatest"),
    ("snapshot_piece_half_groups", "src/snapshot/column_scan.cpp",
     "return std::min(units, past / group_bytes * 64);",
     "return std::min(units, past / group_bytes * 32);",
     "the pass over a snapshot starts a column's ranges of rows mid-word, so the checks read the wrong validity bits"),
    ("checksum_stripes_keys_fixed", "src/snapshot/checksum.cpp",
     "_mm256_loadu_si256(reinterpret_cast<const __m256i*>(kSecret.words + s + 4 * i));",
     "_mm256_loadu_si256(reinterpret_cast<const __m256i*>(kSecret.words + 4 * i));",
     "the AVX2 code keys every stripe of a block alike: stripes swapped within a block hash the same"),
    ("checksum_sse2_neighbour_unswapped", "src/snapshot/checksum.cpp",
     "const __m128i swapped = _mm_shuffle_epi32(word, _MM_SHUFFLE(1, 0, 3, 2));",
     "const __m128i swapped = word;",
     "the SSE2 code adds each word to its own lane rather than its neighbour's: another hash on CPUs without AVX2"),
    ("checksum_stripes_size_unmerged", "src/snapshot/checksum.cpp",
     "uint64_t h = size_ * kPrime1;",
     "uint64_t h = kPrime1;",
     "bytes that differ by trailing zeros inside their last stripe hash the same"),
    ("snapshot_structure_check_newest_hash", "src/snapshot/reader.cpp",
     "if (options.verify_checksum) check_sum(checksum(bytes.data, file.footer_start, options.threads, kind));",
     "if (options.verify_checksum) check_sum(checksum(bytes.data, file.footer_start, options.threads, ChunkHash::Stripes));",
     "an older snapshot imported under another schema is called corrupt: its checksum taken with version 4's hash"),
    ("snapshot_version_hash_ignored", "src/snapshot/checksum.cpp",
     "return format_version >= 4 ? ChunkHash::Stripes : ChunkHash::Rounds;",
     "return ChunkHash::Rounds;",
     "version-4 snapshots are written and read with the hash of versions 1 to 3"),
    ("snapshot_offsets_never_decrease", "src/snapshot/column_scan.cpp",
     "for (uint64_t i = first; i < end; ++i) bad |= offsets[i] > offsets[i + 1];",
     "for (uint64_t i = first; i < end; ++i) bad |= offsets[i] > offsets[i + 1] && false;",
     "a snapshot's list or dictionary offsets that decrease between right ends are read"),
    ("snapshot_validity_view_unchecked", "src/snapshot/table_reader.cpp",
     "if (keep_alive && (last & ~data::last_word_mask(rows)) == 0) {",
     "if (keep_alive) {",
     "a snapshot's validity bitmap is viewed in place though its last word has bits set past the rows"),
    ("snapshot_structure_before_checksum", "src/snapshot/reader.cpp",
     "if (options.verify_checksum) check_sum(checksum(bytes.data, file.footer_start, options.threads, kind));",
     "",
     "a snapshot changed where its structure lies is reported as odd structure, not as corrupt by its checksum"),
    ("snapshot_null_slot_unchecked", "src/data/value_range.h",
     "return std::memcmp(&slot, &zero, sizeof(T)) != 0;",
     "return false && std::memcmp(&slot, &zero, sizeof(T)) != 0;",
     "a snapshot whose NULL int, number, date or timestamp rows hold values is read"),
    ("range_null_rows_counted", "src/data/value_range.h",
     "filled[row] = stand_in;",
     "(void)stand_in;",
     "the least and greatest present value of 64 rows with NULLs among them take the NULL rows' zeros in"),
    ("snapshot_blocks_unaligned", "src/snapshot/file_output.cpp",
     "        if (used_ == block_) {",
     "        if (used_ == block_ || size == 0) {",
     "the snapshot writer hands the file a block wherever a piece ends: the blocks after it start off the blocks' "
     "edges (no huge folios through the page cache, sizes direct I/O refuses)"),
    ("snapshot_last_block_dropped", "src/snapshot/file_output.cpp",
     "if (current_ != nullptr) hand_over(current_, used_);",
     "if (false) hand_over(current_, used_);",
     "the last, shorter block of a snapshot never reaches the file"),
    ("trim_copies_any_spare", "src/data/table.cpp",
     "if (values.capacity() <= values.size() + values.size() / spare + 64) return;",
     "if (values.capacity() <= values.size()) return;",
     "after loading, an array with 2% to spare is copied to give it back (a copy of every column for nothing)"),
    ("trim_validity_always", "src/data/table.cpp",
     "if (bits->word_capacity() > words + words / 16 + 64) bits->shrink_to_fit();",
     "bits->shrink_to_fit();",
     "after loading, every validity bitmap is copied to give back a few words"),
    ("release_index_shrinks", "src/data/table.cpp",
     "void Dictionary::release_index() {",
     "void Dictionary::release_index() {\n    values.shrink_to_fit();",
     "releasing a dictionary's index also shrinks its strings: a copy of the parallel loader's later ranges' strings "
     "just before the join copies them again"),
    ("dictionary_index_half_full", "src/data/table.cpp",
     "return count >= slots - slots / 4;",
     "return count * 2 + 2 > slots;",
     "a dictionary's hash index grows once it is half full (twice the slots, and twice the memory a load of mostly "
     "distinct strings holds for it)"),
    ("lookup_code_unclamped", "src/vm/kernels_compare.h",
     "table[std::min<uint32_t>(static_cast<std::make_unsigned_t<T>>(data::read_once(codes + i)), last)]",
     "table[codes[i] < 0 ? last : static_cast<uint32_t>(codes[i])]",
     "a dictionary lookup reads its table at whatever code a snapshot rewritten in place under the table holds"),
    ("list_contains_unclamped", "src/vm/kernels_text.h",
     "const auto [begin, end] = data::clamped_range(offsets, i, item_count);  // as data::Column::list_range",
     "const uint64_t begin = offsets[i], end = offsets[i + 1];",
     "list `contains` reads items at whatever offset a snapshot rewritten in place under the table holds"),
    ("list_bits_stale", "src/vm/machine_state.h",
     "            bits.uses = 0;\n            bits.built = false;",
     "            bits.uses = 0;",
     "list `contains` tests the bits of the batch before (State::list_bits is never rebuilt)"),
    ("first_mask_kept", "src/vm/machine_state.h",
     "        if (first_mask_rows != count) {",
     "        if (first_mask_rows == UINT32_MAX) {",
     "a batch's open rows are those of the first batch its state ran (a short last batch counts rows past its end)"),
    ("writer_needs_a_thread", "src/snapshot/file_output.cpp",
     "        } catch (const std::system_error&) {\n            on_calling_thread_ = true;",
     "        } catch (const std::system_error&) {\n            throw;",
     "the snapshot writer gives up when its thread cannot start instead of writing on the calling thread"),
]

# The suites that killed each mutation when it was last run in full: they run first, so a mutation costs its build and
# one or two suites (seconds) instead of waiting on ctest's longest running tests (a minute or more). A mutation they
# miss still meets the whole fast suite, and the report says which suite killed it instead.
EXPECTED_KILLERS = {
    "vm_equal_int": ["sql_sqlite"],
    "vm_remainder_sign": ["sql_sqlite"],
    "vm_and_null": ["sql_sqlite"],
    "merge_ranges_bound": ["differential"],
    "simplify_not_constant": ["differential"],
    "leap_400_rule": ["snapshot_arrow_reader", "oracle_seed_1"],
    "month_end_clamp": ["sql_sqlite"],
    "csv_empty_field_is_null": ["diff_cli", "sql_sqlite"],
    "csv_deferred_null_order": ["oracle_seed_1"],
    "duplicate_key_check": ["csv"],
    "lookup_null_as_false": ["oracle_seed_1"],
    "round_half_away": ["sql_sqlite"],
    "list_limit": ["language_limits"],
    "overlap_limit": ["outputs"],
    "escape_controls": ["outputs"],
    "events_order_check": ["events"],
    "events_permute_cycle": ["events"],
    "events_gather_row": ["events"],
    "events_window_count": ["events"],
    "vm_aggregate_chunk": ["eval"],
    "sql_sqlite_overflow": ["sql_sqlite"],
    "sql_sqlite_month_clamp": ["sql_sqlite"],
    "sql_first_tie_larger": ["sql_sqlite"],
    "sql_sqlite_sum_carry": ["sql_sqlite"],
    "sql_postgres_collate": ["sql_postgres"],
    "sql_postgres_session_zone": ["sql_postgres", "postgres_sources"],
    "sql_duckdb_session_zone": ["sql_duckdb"],
    "sql_postgres_regex_dot": ["sql_postgres"],
    "sql_duckdb_collate": ["sql_duckdb"],
    "pg_binary_epoch": ["postgres_sources", "sql_postgres"],
    "snapshot_no_checksum": ["snapshot_cli", "snapshots"],
    "blocks_after_refusal": ["snapshots"],
    "vm_copy_never_chosen": ["differential"],
    "snapshot_map_no_huge_advice": ["snapshots"],
    "snapshot_blocks_from_heap": ["snapshots"],
    "snapshot_list_code_signed": ["snapshots"],
    "out_of_memory_internal_error": ["snapshot_cli"],
    "producer_failure_dropped": ["csv_parallel"],
    "parser_out_of_memory_internal": ["memory_limits"],
    "z3_null_context": ["memory_limits"],
    "shared_text_two_uses": ["optimizer"],
    "shared_text_inside_lookup": ["optimizer"],
    "shared_text_all_places": ["optimizer"],
    "shared_parts_recomputed": ["optimizer"],
    "shared_parts_unchosen": ["optimizer"],
    "shared_text_parts_dense": ["optimizer"],
    "verifier_shared_reads_later": ["verifier"],
    "shared_programs_run_backwards": ["differential"],
    "atomic_write_exception_leaves_temporary": ["data"],
    "vm_copy_env_ignored": ["differential_baseline_copy"],
    "snapshot_through_page_cache": ["snapshots"],
    "block_refusal_errno": ["snapshots"],
    "stats_full_word": ["optimizer"],
    "snapshot_unaligned_message": ["snapshots"],
    "dictionary_index_kept": ["data"],
    "snapshot_mapping_unowned": ["snapshot_cli"],
    "narrow_compare_edge": ["differential"],
    "narrow_base_wraps": ["differential"],
    "few_codes_fourth_code": ["differential"],
    "lanes_constant_first": ["differential"],
    "int16_lane_bits": ["differential"],
    "list_contains_skips_first": ["differential"],
    "list_contains_long_lists": ["differential"],
    "list_contains_column_end": ["differential"],
    "word_block_slices_overlap": ["data"],
    "list_refs_one_short": ["differential"],
    "narrow_code_limit": ["data", "snapshots"],
    "narrow_while_loading_never_widens": ["csv_parallel"],
    "narrow_while_loading_drops_earlier_rows": ["csv_parallel"],
    "join_codes_at_parts_width": ["csv_parallel"],
    "lookup_narrow_codes_batch": ["differential"],
    "load_text_two_byte_codes": ["differential"],
    "affix_ends_skips_head": ["vm_bits"],
    "affix_short_shift": ["vm_bits"],
    "snapshot_bool_null_first_word": ["snapshots"],
    "populate_last_piece_skipped": ["snapshots"],
    "load_bool_unaligned_batch": ["differential"],
    "count_members_last_worker": ["differential"],
    "count_members_batch_bits_kept": ["differential"],
    "count_members_batch_origin": ["differential"],
    "load_present_null_is_null": ["differential"],
    "load_present_first_rows": ["differential"],
    "count_members_ignores_open": ["differential"],
    "count_members_ignores_valid": ["differential"],
    "snapshot_nan_in_range": ["snapshots"],
    "snapshot_stored_greatest_unchecked": ["snapshots"],
    "snapshot_found_range_low_twice": ["snapshots"],
    "snapshot_piece_half_groups": ["snapshots"],
    "checksum_stripes_keys_fixed": ["checksum"],
    "checksum_sse2_neighbour_unswapped": ["checksum"],
    "checksum_stripes_size_unmerged": ["checksum"],
    "snapshot_structure_check_newest_hash": ["snapshots"],
    "snapshot_version_hash_ignored": ["snapshots"],
    "snapshot_offsets_never_decrease": ["snapshots"],
    "snapshot_validity_view_unchecked": ["snapshots"],
    "snapshot_structure_before_checksum": ["snapshots", "snapshot_cli"],
    "snapshot_null_slot_unchecked": ["snapshots"],
    "range_null_rows_counted": ["optimizer", "snapshots"],
    "snapshot_blocks_unaligned": ["snapshots"],
    "snapshot_last_block_dropped": ["snapshots"],
    "trim_copies_any_spare": ["data"],
    "trim_validity_always": ["data"],
    "release_index_shrinks": ["data"],
    "dictionary_index_half_full": ["data"],
    "lookup_code_unclamped": ["snapshots"],
    "list_contains_unclamped": ["snapshots"],
    "list_bits_stale": ["differential"],
    "first_mask_kept": ["differential"],
    "writer_needs_a_thread": ["snapshots"],
    "vm_mul_unchecked_past_bound": ["differential"],
}


def run(cmd, cwd=None, quiet=True):
    out = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE if quiet else None, stderr=subprocess.STDOUT,
                         text=True)
    return out.returncode, out.stdout or ""


def names_regex(names):
    return "^(" + "|".join(names) + ")$"


class Copy:
    """One scratch copy of the working tree with its own build folder. Mutations run on several copies at once (one
    per worker): most of a mutation's time is one compiler or one test process, which leaves the other core idle."""

    def __init__(self, index):
        self.tree = os.path.join(SCRATCH, "tree" if index == 0 else "tree-%d" % index)
        self.build_dir = os.path.join(self.tree, "build")
        # Each copy uses every core: most of the time one compiler or one test process runs in each, and a build
        # that recompiles many files (a mutated header) should not wait for a share.
        self.jobs = os.cpu_count() or 2

    def sync(self):
        """The working tree as it is (committed or not), without build folders.

        Files are synchronized, not copied with their times: a file whose content changed gets the current time, so
        the copy's build (kept between runs, for speed) rebuilds it even when a run was killed with a mutation
        applied."""
        os.makedirs(self.tree, exist_ok=True)
        rc, files = run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT)
        if rc != 0:
            sys.exit("mutate: git ls-files failed:\n" + files)
        wanted = set()
        for rel in files.split("\0"):
            if not rel or rel.startswith("build"):
                continue
            source = os.path.join(ROOT, rel)
            if not os.path.isfile(source):
                continue  # deleted in the working tree
            wanted.add(rel)
            target = os.path.join(self.tree, rel)
            with open(source, "rb") as f:
                content = f.read()
            if os.path.isfile(target):
                with open(target, "rb") as f:
                    if f.read() == content:
                        continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(content)
            shutil.copymode(source, target)
        for folder, dirs, names in os.walk(self.tree):
            rel_folder = os.path.relpath(folder, self.tree)
            if rel_folder == "build" or rel_folder.startswith("build" + os.sep):
                dirs[:] = []
                continue
            for name in names:
                rel = os.path.normpath(os.path.join(rel_folder, name))
                if rel not in wanted:
                    os.remove(os.path.join(folder, name))

    def build(self):
        if not os.path.exists(os.path.join(self.build_dir, "build.ninja")):
            args = ["cmake", "-S", self.tree, "-B", self.build_dir, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]
            if shutil.which("ccache"):
                args.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
            rc, out = run(args)
            if rc != 0:
                return rc, out
        # What the fast suite runs, and no more (the benchmark would only add link time): segmint_tests depends on
        # every other program ctest runs (tests/CMakeLists.txt), so a new one cannot be missed here.
        return run(["cmake", "--build", self.build_dir, "-j", str(self.jobs), "--target", "segmint_tests"])

    def ctest(self, selection):
        """Runs ctest on the copy with a -R/-E selection, stopping at the first failure: exit code, failed tests,
        output."""
        rc, out = run(["ctest", "--test-dir", self.build_dir, "-j", str(self.jobs), "--stop-on-failure"] + selection)
        failed = [m.group(1) for m in re.finditer(r"Test\s+#\d+: (\S+) \.*\s*\*\*\*(Failed|Exception|Timeout)", out)]
        return rc, failed, out

    def fast_suite(self, mutated_path=""):
        """0 when the fast suite passes; else the exit code and the names of the failed tests. Up to three ctest runs
        (ENGINE_SUITES named like the mutated file, the quick suites, the other ENGINE_SUITES), each stopping at its
        first failure."""
        engine = os.path.splitext(os.path.basename(mutated_path))[0].split("_")[0]
        near = [suite for suite in ENGINE_SUITES if mutated_path and engine in suite]
        far = [suite for suite in ENGINE_SUITES if suite not in near]
        others = ["-E", names_regex(FAST_SUITE_EXCLUDE + ENGINE_SUITES)]
        phases = [["-R", names_regex(near)]] if near else []
        phases += [others] + ([["-R", names_regex(far)]] if far else [])
        rc, failed, out = 0, [], ""
        for selection in phases:
            rc, failed, out = self.ctest(selection)
            if rc != 0:
                break
        return rc, failed, out

    def confirm_unmutated_pass(self, suites):
        """Exits when `suites` (the whole fast suite when empty) fail on the unmutated copy too: their failure under a
        mutation would then say nothing about it."""
        rc, out = self.build()
        if rc == 0:
            rc, failed, out = self.ctest(["-R", names_regex(suites)]) if suites else self.fast_suite()
        if rc != 0:
            sys.exit("mutate: the unmutated copy fails too (%s):\n%s"
                     % (", ".join(suites) or "fast suite", out[-4000:]))

    def try_mutation(self, mutation):
        """Applies one mutation, rebuilds, runs its expected killers (then the fast suite if they pass) and puts the
        file back: (verdict, detail)."""
        name, path, before, after, _ = mutation
        killed_elsewhere = None
        file = os.path.join(self.tree, path)
        original = open(file).read()
        try:
            open(file, "w").write(original.replace(before, after))
            rc, out = self.build()
            if rc != 0:
                verdict, detail = "killed", "does not compile"
            else:
                expected = EXPECTED_KILLERS[name]
                rc, failed, out = self.ctest(["-R", names_regex(expected)])
                if rc == 0:  # not killed where expected: the whole fast suite decides, and the report says so
                    rc, failed, out = self.fast_suite(path)
                    if rc != 0:
                        killed_elsewhere = failed
                verdict, detail = ("killed", "by " + ", ".join(failed or ["ctest"])) if rc != 0 else ("SURVIVED", "")
        finally:
            open(file, "w").write(original)
        if killed_elsewhere is not None:
            self.confirm_unmutated_pass(killed_elsewhere)
            detail += " (not by " + ", ".join(expected) + ")"
        return verdict, detail


def check_applies(chosen, tree):
    """Every mutation's text occurs exactly once in its file under `tree`: one that no longer applies is an error."""
    for name, path, before, _, _ in chosen:
        text = open(os.path.join(tree, path)).read()
        if text.count(before) != 1:
            sys.exit("mutate: mutation %s: its text occurs %d times in %s (expected once); update MUTATIONS"
                     % (name, text.count(before), path))


def check_expected_killers(chosen, build_dir):
    """Every mutation names the suites expected to kill it, and each is a test ctest knows: a misspelt name would
    otherwise select no test at all."""
    rc, out = run(["ctest", "--test-dir", build_dir, "-N"])
    known = set(re.findall(r"Test\s+#\d+: (\S+)", out))
    for name, *_ in chosen:
        suites = EXPECTED_KILLERS.get(name)
        if not suites:
            sys.exit("mutate: mutation %s has no EXPECTED_KILLERS entry; add the suites that should kill it" % name)
        unknown = [suite for suite in suites if suite not in known]
        if unknown:
            sys.exit("mutate: EXPECTED_KILLERS of %s names no test ctest knows: %s" % (name, ", ".join(unknown)))


def prepare(copies, chosen):
    """Synchronizes and builds every copy (the first one's build fills ccache for the others), then checks that the
    unmutated code passes every suite a mutation is expected to fail (the whole fast suite is checked the same way,
    after the fact, for a mutation killed elsewhere: Copy.confirm_unmutated_pass). The copies hold the same sources
    built the same way, so the first one stands for all."""
    for copy in copies:
        copy.sync()
        check_applies(chosen, copy.tree)  # every mutation must still apply to the code as it is now
        rc, out = copy.build()
        if rc != 0:
            sys.exit("mutate: the unmutated copy %s does not build:\n%s" % (copy.tree, out[-4000:]))
    check_expected_killers(chosen, copies[0].build_dir)
    expected_suites = sorted({suite for name, *_ in chosen for suite in EXPECTED_KILLERS[name]})
    rc, failed, out = copies[0].ctest(["-R", names_regex(expected_suites)]) if expected_suites else (0, [], "")
    if rc != 0:
        sys.exit("mutate: the unmutated copy fails %s:\n%s" % (", ".join(failed) or "ctest", out[-4000:]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated mutation names")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                        help="mutations tried at once, each on a copy of its own (default: one per core)")
    parser.add_argument("--keep", action="store_true", help="keep build-mutation/ afterwards (default: keep too; "
                        "it is ignored by git and makes the next run incremental)")
    parser.add_argument("--check", metavar="BUILD_DIR", help="only check that every mutation applies to the working "
                        "tree and names expected killers BUILD_DIR's ctest knows (ctest's mutation_list)")
    args = parser.parse_args()
    chosen = [m for m in MUTATIONS if not args.only or m[0] in args.only.split(",")]
    if args.list:
        for name, path, _, _, why in MUTATIONS:
            print("%-26s %-34s %s" % (name, path, why))
        return 0
    if args.check:
        check_applies(chosen, ROOT)
        check_expected_killers(chosen, args.check)
        print("mutate: all %d mutations apply and name known suites" % len(chosen))
        return 0
    os.environ.setdefault("CCACHE_BASEDIR", ROOT)
    os.environ.setdefault("CCACHE_NOHASHDIR", "true")
    started = time.time()
    copies = [Copy(i) for i in range(max(1, min(args.jobs, len(chosen))))]
    prepare(copies, chosen)
    print("mutate: %d cop%s built and passing in %.0f s; %d mutations"
          % (len(copies), "y" if len(copies) == 1 else "ies", time.time() - started, len(chosen)), flush=True)
    pending = queue.Queue()
    for mutation in chosen:
        pending.put(mutation)
    survived, errors, lock, interrupted = [], [], threading.Lock(), threading.Event()

    def worker(copy):
        while True:
            try:
                mutation = pending.get_nowait()
            except queue.Empty:
                return
            t0 = time.time()
            try:
                verdict, detail = copy.try_mutation(mutation)
            except BaseException as error:  # sys.exit in a thread: stop every worker, report it from the main thread
                with lock:
                    errors.append(str(error))
                    while not pending.empty():
                        pending.get_nowait()
                return
            name, _, _, _, why = mutation
            if interrupted.is_set():  # its builds or tests were stopped: no verdict
                return
            with lock:
                if verdict == "SURVIVED":
                    survived.append(name)
                print("  %-26s %-8s %-40s %4.0f s  (%s)" % (name, verdict, detail, time.time() - t0, why), flush=True)

    # Ctrl-C reaches the builds and tests as well, which end; the workers then put their copy's file back and take no
    # new mutation. A flag rather than KeyboardInterrupt: one raised inside Thread.join can leave the thread taken for
    # finished (CPython before 3.12), and the process would end with a mutation still applied.
    def interrupt(signum, frame):
        interrupted.set()
        with lock:
            while not pending.empty():
                pending.get_nowait()

    previous = signal.signal(signal.SIGINT, interrupt)
    threads = [threading.Thread(target=worker, args=(copy,)) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    signal.signal(signal.SIGINT, previous)
    if interrupted.is_set():
        print("mutate: interrupted", flush=True)
        return 130
    if errors:
        sys.exit("\n".join(errors))
    print("mutate: %d of %d killed in %.0f s" % (len(chosen) - len(survived), len(chosen), time.time() - started))
    if survived:
        print("mutate: SURVIVED: " + ", ".join(survived))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
