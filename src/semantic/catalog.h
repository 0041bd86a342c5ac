#pragma once
// A checked catalog: the parsed files of one run, their segments, the type and resolution of every expression (side
// tables keyed by node id), the segment dependency graph and an evaluation order.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ast/ast.h"
#include "common/diagnostic.h"
#include "schema/schema.h"
#include "semantic/functions.h"
#include "semantic/types.h"

namespace segmint::semantic {

// What a Name node or Call node refers to.
struct Resolution {
    // EventTable: an Aggregate node's table (index in Schema::events); EventColumn: a Name inside an aggregate's
    // `where`, a column of that aggregate's event table (index in its columns).
    enum class Kind : uint8_t { None, Column, Segment, Function, EventTable, EventColumn } kind = Kind::None;
    uint32_t index = 0;  // column index, segment index, static_cast<uint32_t>(Function), event table or event column
};

struct Segment {
    std::string name;
    size_t file = 0;                 // index into Catalog::files
    size_t definition = 0;           // index into that file's definitions
    std::vector<size_t> depends_on;  // segment indexes, each once, in first-reference order
    bool valid = false;              // parsed and checked without errors, and not in a cycle
};

struct FileTables {
    std::vector<Type> types;              // by node id
    std::vector<Resolution> resolutions;  // by node id
};

struct Catalog {
    const schema::Schema* schema = nullptr;
    std::vector<ast::File> files;
    std::vector<FileTables> tables;  // parallel to files
    std::vector<Segment> segments;
    std::unordered_map<std::string, size_t> segment_index;
    // Valid segments, each after the segments it refers to.
    std::vector<size_t> evaluation_order;

    const ast::Definition& definition(size_t segment) const {
        return files[segments[segment].file].definitions[segments[segment].definition];
    }
    const Type& type_of(size_t file, const ast::Expr& expr) const { return tables[file].types[expr.id]; }
    const Resolution& resolution_of(size_t file, const ast::Expr& expr) const {
        return tables[file].resolutions[expr.id];
    }
};

// Resolves names, type-checks every rule, builds the segment graph and reports cycles. All problems go to `sink`.
Catalog check(std::vector<ast::File> files, const schema::Schema& schema, DiagnosticSink& sink);

// Internal to the stage: registers every definition of catalog.files as a segment (segment_names.cpp), reporting
// duplicate, ambiguous and case-twin names and files without segments; segments with a bad name are not valid.
void register_segments(Catalog& catalog, DiagnosticSink& sink);

// Internal to the stage, exposed for tests: finds cycles and the evaluation order of catalog.segments.
void analyze_segment_graph(Catalog& catalog, DiagnosticSink& sink);

}  // namespace segmint::semantic
