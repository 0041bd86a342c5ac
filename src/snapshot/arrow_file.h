#pragma once
// The Arrow IPC framing of a snapshot, every offset and size checked before it is used (snapshot/reader.h): the
// file's magic bytes and footer, each message and its body, a record batch's nodes and buffers. A failed check throws
// Problem, which read_snapshot turns into its one-line message.
#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "snapshot/arrow_format_generated.h"
#include "snapshot/format.h"

namespace segmint::snapshot {

// Why the snapshot cannot be read; caught in read_snapshot and turned into its one-line message.
struct Problem : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string& why) { throw Problem(why); }

// Arrow puts every message, body and buffer at an offset that is a multiple of 8, and a reader may then read their
// 8-byte values and flatbuffers in place. FlatBuffers' verifier checks alignment relative to a buffer's start only, so
// a start off that grid (a changed offset) would read misaligned: refused here instead.
inline void require_aligned(uint64_t offset, const std::string& what) {
    if (offset % 8 != 0) fail(what + " is not at a multiple of 8 bytes: the snapshot is corrupt");
}
// The same for a flatbuffer vector of structs with 8-byte fields (blocks, nodes, buffers), whose elements' alignment
// the verifier leaves unchecked (an empty one has nothing to read).
template <typename Vector>
void require_aligned_elements(const Vector* vector, const std::string& what) {
    if (vector && vector->size() > 0) require_aligned(reinterpret_cast<uintptr_t>(vector->Data()), what);
}

// Bytes of an Arrow file, `offset` counted from the file's start; slices are bounds-checked.
struct Bytes {
    const unsigned char* data = nullptr;
    uint64_t size = 0;
    uint64_t offset = 0;

    uint64_t end() const { return offset + size; }
    Bytes slice(uint64_t begin, uint64_t length, const std::string& what) const {
        if (begin > size || length > size - begin) {
            fail(fmt::format("{} lies outside its file (bytes {} to {} of {}): the snapshot is truncated or corrupt",
                             what, begin, begin + length, size));
        }
        return {data + begin, length, offset + begin};
    }
    template <typename T>
    T load(uint64_t at) const {
        T value;
        std::memcpy(&value, data + at, sizeof value);
        return value;
    }
};

// One Arrow IPC file: the magic at both ends, the footer verified.
struct ArrowFile {
    Bytes bytes;
    const arrow::Footer* footer = nullptr;
    uint64_t footer_start = 0;

    ArrowFile(Bytes file, const std::string& what) : bytes(file) {
        bytes.offset = 0;
        require_aligned(reinterpret_cast<uintptr_t>(file.data), what);
        const uint64_t trailer = sizeof(int32_t) + kArrowMagicSize;
        if (file.size < kLeadingMagicSize + trailer || std::memcmp(file.data, kArrowMagic, kArrowMagicSize) != 0 ||
            std::memcmp(file.data + file.size - kArrowMagicSize, kArrowMagic, kArrowMagicSize) != 0) {
            fail(what + " does not end as an Arrow file does (\"ARROW1\"): the snapshot is truncated or corrupt");
        }
        const int32_t footer_size = file.load<int32_t>(file.size - trailer);
        if (footer_size <= 0 || static_cast<uint64_t>(footer_size) > file.size - trailer - kLeadingMagicSize) {
            fail(fmt::format("{}: the footer's size ({}) does not fit the file: the snapshot is truncated or corrupt",
                             what, footer_size));
        }
        footer_start = file.size - trailer - static_cast<uint64_t>(footer_size);
        require_aligned(footer_start, what + "'s footer");
        flatbuffers::Verifier verifier(file.data + footer_start, static_cast<size_t>(footer_size));
        if (!arrow::VerifyFooterBuffer(verifier)) fail(what + ": the footer is corrupt");
        footer = arrow::GetFooter(file.data + footer_start);
        if (footer->version() != arrow::MetadataVersion_V5 || !footer->schema() || !footer->schema()->fields() ||
            !footer->record_batches()) {
            fail(what + ": the footer is not one segmint writes (Arrow metadata V5 with a schema and record batches)");
        }
        require_aligned_elements(footer->record_batches(), what + "'s record batch blocks");
        require_aligned_elements(footer->dictionaries(), what + "'s dictionary blocks");
    }

    // The message at `block`, whose header must be of type `type`, and its body.
    const arrow::Message* message(const arrow::Block* block, arrow::MessageHeader type, Bytes* body) const {
        if (block->offset() < 0 || block->metadata_length() < 8 || block->body_length() < 0) {
            fail("a block of the footer has a negative offset or size: the snapshot is corrupt");
        }
        require_aligned(static_cast<uint64_t>(block->offset()), "a message");
        require_aligned(static_cast<uint64_t>(block->metadata_length()), "a message's body");
        const Bytes region = bytes.slice(static_cast<uint64_t>(block->offset()),
                                         static_cast<uint64_t>(block->metadata_length()), "a message");
        const uint32_t marker = region.load<uint32_t>(0);
        const int32_t size = region.load<int32_t>(4);
        if (marker != 0xFFFFFFFFu || size <= 0 || static_cast<uint64_t>(size) > region.size - 8) {
            fail("a message does not start as an Arrow message does: the snapshot is corrupt");
        }
        flatbuffers::Verifier verifier(region.data + 8, static_cast<size_t>(size));
        if (!verifier.VerifyBuffer<arrow::Message>(nullptr)) fail("a message's metadata is corrupt");
        const auto* message = flatbuffers::GetRoot<arrow::Message>(region.data + 8);
        if (message->version() != arrow::MetadataVersion_V5 || message->header_type() != type ||
            message->body_length() != block->body_length() || !message->header()) {
            fail("a message is not the one its block announces: the snapshot is corrupt");
        }
        *body = bytes.slice(region.end(), static_cast<uint64_t>(block->body_length()), "a message's body");
        if (body->end() > footer_start) fail("a message's body overlaps the footer: the snapshot is corrupt");
        return message;
    }
};

// The buffers of a record batch, in order, each checked against the body it lies in.
class Buffers {
public:
    Buffers(const arrow::RecordBatch* batch, Bytes body) : body_(body) {
        if (!batch->nodes() || !batch->buffers() || batch->compression() || batch->length() < 0) {
            fail("a record batch lacks its nodes or buffers, or is compressed: the snapshot is corrupt");
        }
        nodes_ = batch->nodes();
        buffers_ = batch->buffers();
        require_aligned_elements(nodes_, "a record batch's nodes");
        require_aligned_elements(buffers_, "a record batch's buffers");
    }
    // The next node; its length must be `length` (when given).
    const arrow::FieldNode* node(const std::string& what) {
        if (next_node_ >= nodes_->size()) fail(what + ": the record batch has too few nodes: the snapshot is corrupt");
        return nodes_->Get(next_node_++);
    }
    // The next buffer, at least `needed` bytes long.
    Bytes buffer(uint64_t needed, const std::string& what) {
        if (next_buffer_ >= buffers_->size())
            fail(what + ": the record batch has too few buffers: the snapshot is corrupt");
        const arrow::Buffer* buffer = buffers_->Get(next_buffer_++);
        // Exactly the bytes needed, as segmint writes them: a footer whose types were changed (an Int16 column read
        // as Int8) then fails against the record batch, which the checksum covers.
        if (buffer->offset() < 0 || buffer->length() < 0 || static_cast<uint64_t>(buffer->length()) != needed) {
            fail(fmt::format("{}: a buffer holds {} bytes where {} are needed: the snapshot is corrupt", what,
                             buffer->length(), needed));
        }
        require_aligned(static_cast<uint64_t>(buffer->offset()), what + ": a buffer");
        return body_.slice(static_cast<uint64_t>(buffer->offset()), needed, what);
    }
    void expect_end(const std::string& what) const {
        if (next_node_ != nodes_->size() || next_buffer_ != buffers_->size()) {
            fail(what + ": the record batch has more nodes or buffers than its columns: the snapshot is corrupt");
        }
    }

private:
    Bytes body_;
    const flatbuffers::Vector<const arrow::FieldNode*>* nodes_ = nullptr;
    const flatbuffers::Vector<const arrow::Buffer*>* buffers_ = nullptr;
    uint32_t next_node_ = 0, next_buffer_ = 0;
};

inline uint64_t checked_count(int64_t value, const std::string& what) {
    if (value < 0) fail(what + ": a negative length: the snapshot is corrupt");
    return static_cast<uint64_t>(value);
}

}  // namespace segmint::snapshot
