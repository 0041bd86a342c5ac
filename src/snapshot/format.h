#pragma once
// What a segmint snapshot is (docs/snapshots.md): an Arrow IPC file (Feather v2) of the customer table, which any
// Arrow reader opens, with segmint's own facts in the custom metadata of the footer's schema (what Arrow's file
// readers show as the schema's metadata): the snapshot format's version, the schema it was loaded with, the row
// count, where each event table lies, and a checksum of every byte before the footer and of the other metadata. Each
// event table is a complete Arrow IPC file of its own, embedded between the customer table's record batch and the
// footer (Arrow readers go by the footer's blocks, so they skip it), followed by its grouping offsets (customer row
// r's events are rows offsets[r] to offsets[r + 1]).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/schema.h"

namespace segmint::snapshot {

// "ARROW1" and two bytes of padding open an Arrow IPC file; "ARROW1" alone closes it.
constexpr char kArrowMagic[] = "ARROW1";
constexpr size_t kArrowMagicSize = 6;
constexpr size_t kLeadingMagicSize = 8;
constexpr char kLeadingMagic[kLeadingMagicSize] = {'A', 'R', 'R', 'O', 'W', '1', 0, 0};
// Buffers start at multiples of 64 bytes in the file (Arrow asks for 8 and recommends 64: the width of AVX-512), and
// so in memory when the file is mapped.
constexpr uint64_t kAlignment = 64;
// Bumped whenever segmint's layout or metadata changes in a way an older reader would misread or refuse as corrupt.
// 2: Int columns in 8, 16, 32 or 64 bits (1: always 64), which a version-2 reader reads too. 3: String and Enum
// columns' dictionary codes in 8, 16 or 32 bits (2: always 32), which a version-2 reader would refuse as corrupt.
// 4: the bytes' chunks hashed with ChunkHash::Stripes (3: Rounds), which vectorizes (snapshot/checksum.h).
constexpr int kFormatVersion = 4;
constexpr int kOldestReadableVersion = 1;
// Whether `version` (the metadata's text) is one this segmint reads: exactly a number in that range.
bool readable_version(const std::string& version);

// Whether a column of this type is written with a dictionary (its values in a dictionary batch, its rows as codes).
inline bool has_dictionary(schema::ColumnType type) {
    return type == schema::ColumnType::String || type == schema::ColumnType::Enum ||
           type == schema::ColumnType::StringList;
}

// Keys of that metadata.
constexpr const char* kVersionKey = "segmint.snapshot_version";
constexpr const char* kSchemaKey = "segmint.schema";
constexpr const char* kRowsKey = "segmint.rows";
constexpr const char* kChecksumKey = "segmint.checksum";
constexpr const char* kCreatedByKey = "segmint.created_by";
// Each Int, Number, Date and Timestamp column's least and greatest present value, in its field's own metadata (which
// Arrow readers show as the field's: pyarrow's `schema.field(name).metadata`), and checked by segmint's reader against
// the values it reads (data::Table::known_range then holds them as the column's statistics). Written as range_text
// gives them: ints and numbers as the shortest text that reads back exactly, dates and times in ISO 8601, times in
// UTC; read back by value (range_value), so that another version of the formatting library cannot make a sound file
// unreadable. No pair for a column without a present value. Files of earlier versions, and version-3 files written
// before these keys, have none, and read as before.
constexpr const char* kLeastKey = "segmint.min";
constexpr const char* kGreatestKey = "segmint.max";
std::string range_text(schema::ColumnType type, int64_t value);  // Int, Date (days), Timestamp (microseconds)
std::string range_text(double value);                            // Number
// The value of such a text (days for a Date, microseconds for a Timestamp), or nullopt when it is none.
std::optional<int64_t> range_value(schema::ColumnType type, std::string_view text);
std::optional<double> range_number(std::string_view text);
// "segmint.events.<i>": where event table i (schema order) lies, as "loaded=1 file=OFFSET+SIZE offsets=OFFSET+SIZE
// orphans=N first_orphan_row=R"; "segmint.events.<i>.first_orphan_key": that key's text.
std::string event_key(size_t index);

// The schema as the snapshot holds it: one line for each fact that decides how data loads (the table, the key, each
// column's name, type, enum values, not_null and bounds, each check, each event table and its columns), in the
// schema's order. A snapshot opens only under a schema with the same lines.
std::vector<std::string> schema_lines(const schema::Schema& schema);

using Metadata = std::vector<std::pair<std::string, std::string>>;
// The value of kChecksumKey: the checksum of the bytes before the footer (snapshot/checksum.h) hashed with every
// other pair of the footer's metadata in order, so the schema, the row count and the event tables' entries are held
// to it as the data is.
std::string checksum_text(uint64_t bytes_checksum, const Metadata& metadata);
std::string join_lines(const std::vector<std::string>& lines);

}  // namespace segmint::snapshot
