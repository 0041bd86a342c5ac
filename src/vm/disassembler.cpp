#include "vm/disassembler.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdio>
#include <cstring>

#include "common/calendar.h"
#include "common/text_format.h"

namespace segmint::vm {

namespace {

// A string as a rule would write it, escaped for a terminal: a constant can hold any text (`"\u001b[31m"`).
std::string string_text(const std::string& s) { return escape_controls(quote_literal(s)); }

std::string constant_text(const Constant& k) {
    if (k.is_null) return "null";
    switch (k.kind) {
        case RegKind::Bool: return k.boolean ? "true" : "false";
        case RegKind::I64: return std::to_string(k.i64);
        case RegKind::F64: {
            char buffer[64];
            auto end = std::to_chars(buffer, buffer + sizeof buffer, k.f64).ptr;
            return std::string(buffer, end);
        }
        case RegKind::I32: return calendar::format_date(k.i32);
        case RegKind::Str: return string_text(k.str);
        default: return "?";
    }
}

std::string set_text(const ValueSet& set) {
    std::string out = "{";
    auto sep = [&] {
        if (out.size() > 1) out += ", ";
    };
    for (auto v : set.i64) sep(), out += std::to_string(v);
    for (auto v : set.f64) sep(), out += std::to_string(v);
    for (auto v : set.i32) sep(), out += calendar::format_date(v);
    for (auto v : set.boolean) sep(), out += v ? "true" : "false";
    for (const auto& v : set.str) sep(), out += string_text(v);
    if (set.has_null) sep(), out += "null";
    return out + "}";
}

}  // namespace

std::string disassemble(const Program& program, const schema::Schema& schema,
                        const std::vector<std::string>& segment_names, const Source* source) {
    std::string out;
    out += "program " + program.name + ": " + std::to_string(program.code.size()) + " instructions, " +
           std::to_string(program.registers.size()) + " registers\n";
    for (size_t pc = 0; pc < program.code.size(); ++pc) {
        const Instruction& in = program.code[pc];
        const OpcodeInfo& info = opcode_info(in.op);
        std::string operands;
        auto add = [&](const std::string& text) { operands += (operands.empty() ? "" : ", ") + text; };
        if (info.dst != RegKind::None) add("r" + std::to_string(in.dst));
        if (info.a != RegKind::None) add("r" + std::to_string(in.a));
        if (info.b != RegKind::None) add("r" + std::to_string(in.b));
        switch (info.imm) {
            case ImmKind::None: break;
            case ImmKind::Column:
                add("#" + std::to_string(in.imm) + " " +
                    (in.imm < schema.columns.size() ? schema.columns[in.imm].name : std::string("?")));
                break;
            case ImmKind::Segment:
                add("@" + std::to_string(in.imm) + " " +
                    (in.imm < segment_names.size() ? segment_names[in.imm] : std::string("?")));
                break;
            case ImmKind::Const:
                add("k" + std::to_string(in.imm) + "=" +
                    (in.imm < program.constants.size() ? constant_text(program.constants[in.imm]) : "?"));
                break;
            case ImmKind::Regex:
                add("re" + std::to_string(in.imm) + "=/" +
                    (in.imm < program.regex_patterns.size() ? escape_controls(program.regex_patterns[in.imm]) : "?") +
                    "/");
                break;
            case ImmKind::Lookup:
                if (in.imm < program.lookups.size()) {
                    uint32_t column = program.lookups[in.imm].column;
                    add("lookup" + std::to_string(in.imm) + " on #" + std::to_string(column) + " " +
                        (column < schema.columns.size() ? schema.columns[column].name : std::string("?")));
                } else {
                    add("lookup" + std::to_string(in.imm) + "=?");
                }
                break;
            case ImmKind::Shared: add("$" + std::to_string(in.imm)); break;
            case ImmKind::Set:
                add("set" + std::to_string(in.imm) + "=" +
                    (in.imm < program.sets.size() ? set_text(*program.sets[in.imm]) : "?"));
                break;
        }
        // At least one space after the name: RenarrowNotFalse is longer than the column.
        std::string line =
            fmt::format("{:04}  {:<15}{}{}", pc, info.name, std::strlen(info.name) >= 15 ? " " : "", operands);
        if (source && pc < program.spans.size()) {
            Span span = program.spans[pc];
            std::string text = source->text().substr(span.begin, span.end - span.begin);
            for (char& c : text) c = (c == '\n' || c == '\r') ? ' ' : c;
            if (text.size() > 50) text = text.substr(0, 47) + "...";
            if (line.size() < 48) line.append(48 - line.size(), ' ');
            line += "  ; " + escape_controls(text);
        }
        out += line + "\n";
    }
    return out;
}

}  // namespace segmint::vm
