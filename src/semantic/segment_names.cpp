// The catalog's segment names, before any rule is checked: each file's definitions registered in order, with the
// problems names alone can have (a name defined twice, one that is also a column, names that differ only in case, a
// file that defines nothing, more segments than the limit).
#include <cctype>
#include <unordered_map>

#include "common/limits.h"
#include "semantic/catalog.h"

namespace segmint::semantic {

void register_segments(Catalog& catalog, DiagnosticSink& sink) {
    const schema::Schema& schema = *catalog.schema;
    catalog.tables.resize(catalog.files.size());
    std::unordered_map<std::string, size_t> by_lower_name;  // for names that differ only in case (W006)
    for (size_t f = 0; f < catalog.files.size(); ++f) {
        const ast::File& file = catalog.files[f];
        catalog.tables[f].types.assign(file.node_count, Type::of(TypeKind::Error));
        catalog.tables[f].resolutions.assign(file.node_count, Resolution{});
        // Only comments and blank lines (a file with syntax errors has been reported already).
        if (file.definitions.empty() && sink.error_count(file.source.get()) == 0) {
            sink.warning(Code::NoSegments, file.source, {0, 0}, "this file defines no segments",
                         "add a definition, `segment NAME: RULE`, or leave the file out");
        }
        for (size_t d = 0; d < file.definitions.size(); ++d) {
            const ast::Definition& def = file.definitions[d];
            auto [it, inserted] = catalog.segment_index.emplace(def.name, catalog.segments.size());
            if (!inserted) {
                const Segment& first = catalog.segments[it->second];
                const auto& first_file = catalog.files[first.file];
                Diagnostic diagnostic{Severity::Error,
                                      Code::DuplicateSegment,
                                      file.source,
                                      def.name_span,
                                      "segment `" + def.name + "` is defined more than once",
                                      {},
                                      "rename one of them"};
                diagnostic.notes.push_back(
                    {"first defined here", first_file.source, first_file.definitions[first.definition].name_span});
                sink.add(std::move(diagnostic));
                continue;
            }
            if (catalog.segments.size() >= limits::kMaxSegments) {
                sink.error(Code::SegmentLimit, file.source, def.name_span,
                           "more than " + std::to_string(limits::kMaxSegments) + " segments in one run");
                catalog.segment_index.erase(it);
                break;
            }
            std::string lower_name = def.name;
            for (char& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            auto [other, fresh] = by_lower_name.emplace(lower_name, catalog.segments.size());
            if (!fresh) {
                const Segment& first = catalog.segments[other->second];
                const auto& first_file = catalog.files[first.file];
                Diagnostic diagnostic{Severity::Warning,
                                      Code::NamesDifferInCase,
                                      file.source,
                                      def.name_span,
                                      "segments `" + first.name + "` and `" + def.name + "` differ only in case",
                                      {},
                                      "names are case-sensitive, so these are two segments; rename one if that is "
                                      "not what you want"};
                diagnostic.notes.push_back({"`" + first.name + "` is defined here", first_file.source,
                                            first_file.definitions[first.definition].name_span});
                sink.add(std::move(diagnostic));
            }
            catalog.segments.push_back({def.name, f, d, {}, def.rule != nullptr});
        }
    }

    for (Segment& segment : catalog.segments) {
        const ast::File& file = catalog.files[segment.file];
        const ast::Definition& def = file.definitions[segment.definition];
        if (const schema::Column* column = schema.find(def.name)) {
            Diagnostic diagnostic{Severity::Error,
                                  Code::AmbiguousName,
                                  file.source,
                                  def.name_span,
                                  "segment `" + def.name +
                                      "` has the same name as a column, so references to it "
                                      "would be ambiguous",
                                  {},
                                  "rename the segment"};
            if (schema.source) diagnostic.notes.push_back({"the column is declared here", schema.source, column->span});
            sink.add(std::move(diagnostic));
            segment.valid = false;
        }
    }
}

}  // namespace segmint::semantic
