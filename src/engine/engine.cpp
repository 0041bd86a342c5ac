#include "engine/engine.h"

#include <chrono>
#include <map>
#include <stdexcept>

#include "codegen/codegen.h"
#include "engine/aggregates.h"
#include "engine/bind_lookups.h"
#include "ir/lower.h"
#include "reference/reference_evaluator.h"
#include "vm/machine.h"
#include "vm/verifier.h"

namespace segmint::engine {

namespace {

// A lookup's condition programs read one column and store segments 0 and 1 (codegen::LookupCondition).
std::string verify_lookups(const std::vector<codegen::LookupCondition>& conditions) {
    for (const auto& condition : conditions) {
        for (const vm::Program* program : {&condition.is_true, &condition.is_false}) {
            std::string problem = vm::verify(*program, codegen::lookup_schema(), 2, 0);
            if (!problem.empty()) return "lookup condition: " + problem;
        }
    }
    return "";
}

// Numbers the aggregates of `node` as columns past the schema's own, each distinct key once.
void number_aggregates(ir::Node& node, std::map<std::string, uint32_t>& index_of, CompiledCatalog& out) {
    if (node.kind == ir::Kind::Aggregate) {
        auto [found, added] = index_of.emplace(node.aggregate->key, static_cast<uint32_t>(out.aggregates.size()));
        if (added) {
            out.aggregates.push_back(node.aggregate);
            out.aggregate_types.push_back(node.type);
            out.program_schema.columns.push_back(
                aggregate_column(*node.aggregate, node.type, out.program_schema.columns.size()));
        }
        node.column = static_cast<uint32_t>(out.program_schema.columns.size() - out.aggregates.size() + found->second);
        return;
    }
    for (auto& arg : node.args) number_aggregates(*arg, index_of, out);
}

}  // namespace

CompiledCatalog compile(const semantic::Catalog& catalog, scalar::AsOf as_of, const CompileOptions& options) {
    CompiledCatalog out;
    out.as_of = as_of;
    for (const auto& segment : catalog.segments) out.segment_names.push_back(segment.name);
    out.written_rules = ir::lower(catalog);
    optimize::PassContext context{as_of, catalog.schema, options.stats, options.findings};
    for (const auto& written : out.written_rules) {
        std::string problem = ir::verify(*written.root);
        if (!problem.empty()) throw std::logic_error("IR of segment " + written.name + " is invalid: " + problem);
        ir::Rule rule{written.segment, written.name, written.root->clone(), {}};
        for (const auto& node : written.unevaluated) rule.unevaluated.push_back(node->clone());
        optimize::optimize(rule, context, options.optimizer);
        out.rules.push_back(std::move(rule));
    }
    // The VM's rules share conditions across the catalog; the reference evaluator keeps `rules` as they are.
    std::vector<ir::Rule> vm_rules;
    for (const auto& rule : out.rules) vm_rules.push_back(ir::Rule{rule.segment, rule.name, rule.root->clone(), {}});
    out.shared_conditions = optimize::share_conditions(vm_rules, options.optimizer);
    out.program_schema = *catalog.schema;
    std::map<std::string, uint32_t> aggregate_index;
    for (auto& condition : out.shared_conditions) number_aggregates(*condition, aggregate_index, out);
    for (auto& rule : vm_rules) number_aggregates(*rule.root, aggregate_index, out);
    const schema::Schema& program_schema = out.program_schema;
    const size_t segments = catalog.segments.size(), shared = out.shared_conditions.size();
    for (size_t slot = 0; slot < shared; ++slot) {
        out.shared_lookup_conditions.emplace_back();
        out.shared_programs.push_back(codegen::generate_shared(*out.shared_conditions[slot],
                                                               static_cast<uint32_t>(slot), program_schema, as_of,
                                                               out.shared_lookup_conditions.back()));
        std::string problem = vm::verify(out.shared_programs.back(), program_schema, segments, shared);
        // vm::verify holds a shared program to the slots before the one it stores: that must be its place in the list.
        if (problem.empty() && out.shared_programs.back().code.back().imm != slot) problem = "stores another slot";
        if (problem.empty()) problem = verify_lookups(out.shared_lookup_conditions.back());
        if (!problem.empty()) throw std::logic_error("bytecode of shared condition is invalid: " + problem);
    }
    for (const auto& rule : vm_rules) {
        out.lookup_conditions.emplace_back();
        out.programs.push_back(codegen::generate(rule, program_schema, as_of, out.lookup_conditions.back()));
        std::string problem = vm::verify(out.programs.back(), program_schema, segments, shared);
        if (problem.empty()) problem = verify_lookups(out.lookup_conditions.back());
        if (!problem.empty()) throw std::logic_error("bytecode of segment " + rule.name + " is invalid: " + problem);
    }
    return out;
}

namespace {

// What the VM reads besides the table for a compiled catalog: the programs' lookup tables bound to this table's
// dictionaries, and the event aggregates' values.
struct VmInputs {
    VmInputs(const CompiledCatalog& compiled, const data::Table& table)
        : lookups(bind_lookups(compiled.programs, compiled.lookup_conditions, table, compiled.as_of)),
          shared_lookups(
              bind_lookups(compiled.shared_programs, compiled.shared_lookup_conditions, table, compiled.as_of)),
          aggregates(compiled.aggregates, compiled.aggregate_types, table, compiled.as_of),
          aggregate_source(compiled.aggregates.empty() ? nullptr : &aggregates) {}
    const std::vector<vm::LookupTables> lookups;
    const std::vector<vm::LookupTables> shared_lookups;
    const AggregateValues aggregates;
    const AggregateValues* const aggregate_source;  // null when no program reads an aggregate
};

}  // namespace

std::vector<data::Bitmap> evaluate(const CompiledCatalog& compiled, const data::Table& table, Evaluator evaluator,
                                   unsigned threads) {
    if (evaluator != Evaluator::Vm) {
        reference::ReferenceEvaluator reference(table, compiled.as_of);
        return reference.evaluate(evaluator == Evaluator::Reference ? compiled.written_rules : compiled.rules,
                                  compiled.segment_names.size());
    }
    const VmInputs in(compiled, table);
    return vm::evaluate(compiled.programs, table, compiled.segment_names.size(), compiled.as_of, threads, &in.lookups,
                        &compiled.shared_programs, &in.shared_lookups, in.aggregate_source);
}

std::vector<uint64_t> count_members(const CompiledCatalog& compiled, const data::Table& table, Evaluator evaluator,
                                    unsigned threads) {
    if (evaluator != Evaluator::Vm) {  // the reference evaluators make bitmaps anyway
        std::vector<uint64_t> counts;
        for (const auto& members : evaluate(compiled, table, evaluator, threads)) counts.push_back(members.count());
        return counts;
    }
    const VmInputs in(compiled, table);
    return vm::count_members(compiled.programs, table, compiled.segment_names.size(), compiled.as_of, threads,
                             &in.lookups, &compiled.shared_programs, &in.shared_lookups, in.aggregate_source);
}

bool parse_as_of(const std::string& text, scalar::AsOf* out) {
    if (auto date = calendar::parse_date(text)) {
        out->today = *date;
        out->now = scalar::date_to_timestamp(*date);
        return true;
    }
    if (auto timestamp = calendar::parse_timestamp(text)) {
        out->now = *timestamp;
        out->today = calendar::date_of_timestamp(*timestamp);
        return true;
    }
    return false;
}

scalar::AsOf as_of_now() {
    auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    scalar::AsOf as_of;
    as_of.now = seconds * calendar::kMicrosPerSecond;
    as_of.today = calendar::date_of_timestamp(as_of.now);
    return as_of;
}

std::string as_of_text(scalar::AsOf as_of) {
    if (as_of.now == scalar::date_to_timestamp(as_of.today)) return calendar::format_date(as_of.today);
    return calendar::format_timestamp(as_of.now);
}

}  // namespace segmint::engine
