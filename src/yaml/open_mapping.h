#pragma once
// The one way a loader opens its YAML file (schema, segmint.yaml, fixture tests): the raw checks and the parse of
// read_yaml(), a top-level mapping required, its keys checked against the format's, and a Walker for the rest. The
// loaders used to repeat these lines each; now a change to how files are opened is made once.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostic.h"
#include "common/source.h"
#include "yaml/reader.h"
#include "yaml/walker.h"

namespace segmint::yaml {

// What a file format says about its top level.
struct MappingFormat {
    std::string what;               // names the file in messages: "schema file is empty", "NUL byte in schema file"
    std::string empty_hint;         // the hint of the "is empty" error: what such a file declares
    std::vector<std::string> keys;  // the top-level keys the format allows; others are E202 with "did you mean"
    std::string expected;           // "a mapping with `table`, `key` and `columns`", for E204 on any other root
};

// An opened file. `walker` reports into the caller's sink and counts errors: it may already hold some (an unknown
// top-level key), so a loader reads every key, then returns nothing when walker.error_count() > 0. `root` and every
// Field point into `document`, which owns the tree.
struct MappingFile {
    Document document;
    Walker walker;
    MappingView root;
};

// Opens `source` (a file's text, or text given in memory) as a `format` file. Returns nullopt, with the problems
// reported to `sink`, when the text fails the raw checks, does not parse, is empty, or is not a mapping.
std::optional<MappingFile> open_mapping(std::shared_ptr<const Source> source, DiagnosticSink& sink,
                                        const MappingFormat& format);

}  // namespace segmint::yaml
