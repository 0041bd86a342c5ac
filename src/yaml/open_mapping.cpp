#include "yaml/open_mapping.h"

#include <utility>

namespace segmint::yaml {

std::optional<MappingFile> open_mapping(std::shared_ptr<const Source> source, DiagnosticSink& sink,
                                        const MappingFormat& format) {
    ReadOptions options;
    options.what = format.what;
    options.empty_hint = format.empty_hint;
    auto document = read_yaml(source, sink, options);
    if (!document) return std::nullopt;
    Walker walker(std::move(source), sink);
    // Unknown keys are reported here but do not stop the loader: it still reads the keys it knows, so one run shows
    // every problem in the file.
    auto root = walker.mapping(*document->root, "", format.keys, format.expected);
    if (!root) return std::nullopt;
    return MappingFile{std::move(*document), std::move(walker), std::move(*root)};
}

}  // namespace segmint::yaml
