// Strings beyond equality, regular expressions and lists (docs/prove.md, "Strings as text"). A string column that a
// rule reads through order, a text operator or lower/upper/length (or compares with such a column) is a Z3 string in
// every rule; the other string columns stay codes (encode.cpp), which are much faster.
#include <algorithm>
#include <numeric>

#include "prove/encode.h"
#include "prove/text_regex.h"
#include "scalar/scalar.h"

namespace segmint::prove {

using ir::Kind;
using ir::Node;
using ir::Op;
using ir::Type;
using text::CaseMap;
using text::CharSet;
using text::Regex;

namespace {

// Z3 4.8.12's characters run from 0 to U+2FFFF. Code points are mapped in order, skipping the surrogates (which no
// UTF-8 string holds): z = c below U+D800, c - 0x800 above. Every code point from U+20000 up lands in one band of
// 67,584 characters at the top, and no constant or class bound may lie there, so those code points all behave alike
// to every rule; a customer's strings can be mapped into the band keeping their order and every test.
constexpr uint32_t kHighBand = 0x20000;
constexpr unsigned kZ3MaxChar = 0x2FFFF;

struct NotExact {};  // a code point inside the high band: Z3's alphabet cannot place it exactly

unsigned z3_char(uint32_t c) {
    if (c == text::kMaxCodePoint) return kZ3MaxChar;
    if (c >= kHighBand) throw NotExact{};
    return c < 0xD800 ? c : c - 0x800;
}
uint32_t real_char(unsigned z) { return z < 0xD800 ? z : z + 0x800; }

std::string z3_text(const std::vector<uint32_t>& points) {
    std::string out;
    for (uint32_t c : points) {
        const unsigned z = z3_char(c);
        if ((z >= '0' && z <= '9') || (z >= 'a' && z <= 'z') || (z >= 'A' && z <= 'Z')) {
            out += static_cast<char>(z);
        } else {
            std::string hex;
            for (unsigned v = z; hex.empty() || v > 0; v /= 16) hex.insert(hex.begin(), "0123456789abcdef"[v % 16]);
            out += "\\u{" + hex + "}";
        }
    }
    return out;
}

z3::expr z3_string(z3::context& ctx, const std::vector<uint32_t>& points) {
    z3::expr e(ctx, Z3_mk_string(ctx, z3_text(points).c_str()));
    ctx.check_error();
    return e;
}

z3::expr re_nary(z3::context& ctx, const z3::expr_vector& parts, bool concat) {
    if (parts.size() == 1) return parts[0];
    std::vector<Z3_ast> asts;
    for (unsigned i = 0; i < parts.size(); ++i) asts.push_back(parts[i]);
    const auto n = static_cast<unsigned>(asts.size());
    z3::expr out(ctx, concat ? Z3_mk_re_concat(ctx, n, asts.data()) : Z3_mk_re_union(ctx, n, asts.data()));
    ctx.check_error();
    return out;
}

z3::expr to_z3(z3::context& ctx, const Regex& regex) {
    z3::sort string = ctx.string_sort();
    z3::sort re_sort = ctx.re_sort(string);
    switch (regex.kind) {
        case Regex::Kind::Set: {
            z3::expr_vector options(ctx);
            for (auto [lo, hi] : regex.set.ranges) {
                // The surrogates hold no character of a UTF-8 string: drop them.
                const std::pair<uint32_t, uint32_t> pieces[] = {{lo, std::min(hi, 0xD7FFu)},
                                                                {std::max(lo, 0xE000u), hi}};
                for (auto [a, b] : pieces) {
                    if (a > b) continue;
                    if (a >= kHighBand) throw NotExact{};
                    options.push_back(z3::range(z3_string(ctx, {a}), z3_string(ctx, {b})));
                }
            }
            if (options.empty()) return z3::re_empty(re_sort);
            return re_nary(ctx, options, false);
        }
        case Regex::Kind::Concat: {
            if (regex.parts.empty()) return z3::to_re(z3::expr(ctx, Z3_mk_string(ctx, "")));
            z3::expr_vector parts(ctx);
            for (const auto& part : regex.parts) parts.push_back(to_z3(ctx, part));
            return re_nary(ctx, parts, true);
        }
        case Regex::Kind::Alt: {
            if (regex.parts.empty()) return z3::re_empty(re_sort);
            z3::expr_vector parts(ctx);
            for (const auto& part : regex.parts) parts.push_back(to_z3(ctx, part));
            return re_nary(ctx, parts, false);
        }
        case Regex::Kind::Repeat: {
            z3::expr part = to_z3(ctx, regex.parts[0]);
            if (regex.max == Regex::kUnbounded) {
                if (regex.min == 0) return z3::star(part);
                if (regex.min == 1) return z3::plus(part);
                // Z3's loop with upper bound 0 has none.
                return z3::expr(ctx, Z3_mk_re_loop(ctx, part, regex.min, 0));
            }
            if (regex.min == 0 && regex.max == 1) return z3::option(part);
            if (regex.max == 0) return z3::to_re(z3::expr(ctx, Z3_mk_string(ctx, "")));
            return z3::expr(ctx, Z3_mk_re_loop(ctx, part, regex.min, regex.max));
        }
    }
    return z3::re_empty(re_sort);
}

// `at` (a string of one character) is in `set`: a few characters as equalities, which Z3 decides fastest.
z3::expr char_in(z3::context& ctx, const z3::expr& at, const CharSet& set) {
    const CharSet chars = set.intersect(CharSet::of(0xD800, 0xDFFF).complement());  // no UTF-8 string holds these
    if (chars.empty()) return ctx.bool_val(false);
    uint64_t count = 0;
    for (const auto& [lo, hi] : chars.ranges) count += hi - lo + 1;
    if (count > 4 || chars.ranges.back().second >= kHighBand) return z3::in_re(at, to_z3(ctx, Regex::chars(chars)));
    z3::expr_vector options(ctx);
    for (const auto& [lo, hi] : chars.ranges) {
        for (uint32_t c = lo; c <= hi; ++c) options.push_back(at == z3_string(ctx, {c}));
    }
    return z3::mk_or(options);
}

// `s` in the language of `regex` (a whole-string match), exactly: its fixed-length pieces (text::split_pieces) as
// characters at positions from the start or the end, a word as `contains`, the rest as a regex membership.
z3::expr regex_member(z3::context& ctx, const z3::expr& s, const Regex& regex) {
    const text::Pieces split = text::split_pieces(regex);
    const z3::expr length = s.length();
    z3::expr_vector options(ctx);
    for (const auto& piece : split.pieces) {
        const auto k = static_cast<int64_t>(piece.chars.size());
        if (!piece.at_start && !piece.at_end) {
            std::vector<uint32_t> word;
            for (const auto& set : piece.chars) word.push_back(set.ranges[0].first);
            if (std::any_of(word.begin(), word.end(), [](uint32_t c) { return c >= 0xD800 && c <= 0xDFFF; }))
                continue;  // a surrogate: in no UTF-8 string
            if (std::any_of(word.begin(), word.end(), [](uint32_t c) { return c >= kHighBand; })) throw NotExact{};
            options.push_back(s.contains(z3_string(ctx, word)));
            continue;
        }
        z3::expr_vector all(ctx);
        all.push_back(piece.at_start && piece.at_end ? length == ctx.int_val(k) : length >= ctx.int_val(k));
        for (int64_t i = 0; i < k; ++i) {
            const z3::expr position = piece.at_start ? ctx.int_val(i) : length - ctx.int_val(k - i);
            all.push_back(char_in(ctx, s.at(position), piece.chars[static_cast<size_t>(i)]));
        }
        options.push_back(z3::mk_and(all));
    }
    if (!split.rest.empty()) options.push_back(z3::in_re(s, to_z3(ctx, Regex::alt(split.rest))));
    return options.empty() ? ctx.bool_val(false) : z3::mk_or(options);
}

// The expression under any lower/upper, and the case map they amount to (the outermost one wins:
// lower(upper(x)) = lower(x) for ASCII case mapping).
const Node& strip_case(const Node& node, CaseMap& map) {
    map = CaseMap::None;
    const Node* at = &node;
    while (at->kind == Kind::Call && (at->function == ir::Function::Lower || at->function == ir::Function::Upper)) {
        if (map == CaseMap::None) map = at->function == ir::Function::Lower ? CaseMap::Lower : CaseMap::Upper;
        at = at->args[0].get();
    }
    return *at;
}

std::vector<uint32_t> points_of(const std::string& s) {
    auto points = text::code_points(s);
    if (!points) throw Unsupported("a string that is not UTF-8");
    return *points;
}

// The value of a constant, or of lower/upper of one, computed as the interpreter does.
std::optional<ir::Value> constant_value(const Node& node) {
    CaseMap map;
    const Node& inner = strip_case(node, map);
    if (inner.kind != Kind::Constant) return std::nullopt;
    if (ir::is_null(inner.constant) || map == CaseMap::None) return inner.constant;
    std::string out;
    if (map == CaseMap::Lower)
        scalar::lower(std::get<std::string>(inner.constant), out);
    else
        scalar::upper(std::get<std::string>(inner.constant), out);
    return out;
}

Op flipped(Op op) {
    switch (op) {
        case Op::Lt: return Op::Gt;
        case Op::Le: return Op::Ge;
        case Op::Gt: return Op::Lt;
        case Op::Ge: return Op::Le;
        default: return op;
    }
}

// Union-find over string columns: the columns one comparison or coalesce joins share one representation.
struct Classes {
    std::map<uint32_t, uint32_t> parent;
    uint32_t find(uint32_t c) {
        auto it = parent.emplace(c, c).first;
        if (it->second == c) return c;
        return it->second = find(it->second);
    }
    void join(uint32_t a, uint32_t b) { parent[find(a)] = find(b); }
};

// The string columns an expression of type String takes its value from; `text` gets those read through lower/upper.
void string_sources(const Node& node, std::set<uint32_t>& out, std::set<uint32_t>& text) {
    if (node.type != Type::String) return;
    if (node.kind == Kind::Column) {
        out.insert(node.column);
        return;
    }
    if (node.kind != Kind::Call) return;
    std::set<uint32_t> inner;
    for (const auto& arg : node.args) string_sources(*arg, inner, text);
    if (node.function == ir::Function::Lower || node.function == ir::Function::Upper)
        text.insert(inner.begin(), inner.end());
    out.insert(inner.begin(), inner.end());
}

// Does a String expression's value come through lower/upper? The encoder then reads it as text (text_mode), so the
// columns it meets (`first_name = upper("a")`, `coalesce(city, lower(country))`) must be text too.
bool case_mapped(const Node& node) {
    if (node.type != Type::String || node.kind != Kind::Call) return false;
    if (node.function == ir::Function::Lower || node.function == ir::Function::Upper) return true;
    return std::any_of(node.args.begin(), node.args.end(), [](const ir::NodePtr& a) { return case_mapped(*a); });
}

void scan(const Node& node, Classes& classes, std::set<uint32_t>& text) {
    std::set<uint32_t> sources;
    bool read_as_text = false;
    switch (node.kind) {
        case Kind::Compare:
            if (node.args[0]->type == Type::String) {
                for (const auto& arg : node.args) string_sources(*arg, sources, text);
                read_as_text = (node.op != Op::Eq && node.op != Op::Ne) || case_mapped(*node.args[0]) ||
                               case_mapped(*node.args[1]);
            }
            break;
        case Kind::Text:
            for (const auto& arg : node.args) string_sources(*arg, sources, text);
            read_as_text = true;
            break;
        case Kind::Call:
            if (node.function == ir::Function::Length || node.function == ir::Function::Coalesce ||
                node.function == ir::Function::Lower || node.function == ir::Function::Upper) {
                for (const auto& arg : node.args) string_sources(*arg, sources, text);
                read_as_text = node.function != ir::Function::Coalesce || case_mapped(node);
            }
            break;
        case Kind::InSet:
        case Kind::ListContains:
            string_sources(*node.args.back(), sources, text);
            read_as_text = case_mapped(*node.args.back());
            break;
        default: break;
    }
    for (uint32_t c : sources) classes.join(c, *sources.begin());
    if (read_as_text) text.insert(sources.begin(), sources.end());
    for (const auto& arg : node.args) scan(*arg, classes, text);
}

}  // namespace

void Encoder::scan_text(const std::vector<ir::Rule>& rules) {
    Classes classes;
    std::set<uint32_t> text;
    for (const auto& rule : rules) scan(*rule.root, classes, text);
    std::set<uint32_t> text_classes;
    for (uint32_t c : text) text_classes.insert(classes.find(c));
    for (const auto& [c, parent] : classes.parent) {
        (void)parent;
        if (text_classes.count(classes.find(c))) text_columns_.insert(c);
    }
}

bool Encoder::text_mode(const Node& node) const {
    if (node.kind == Kind::Column) return text_columns_.count(node.column) > 0;
    if (node.kind != Kind::Call || node.type != Type::String) return false;
    if (node.function == ir::Function::Lower || node.function == ir::Function::Upper) return true;
    return std::any_of(node.args.begin(), node.args.end(), [&](const ir::NodePtr& a) { return text_mode(*a); });
}

bool Encoder::text_node(const Node& node) const {
    switch (node.kind) {
        case Kind::Text:
        case Kind::ListContains: return true;
        case Kind::Call:
            return node.function == ir::Function::Lower || node.function == ir::Function::Upper ||
                   node.function == ir::Function::Length || (node.type == Type::String && text_mode(node));
        case Kind::Compare:
            // String order is always text (constants alone included); = and != only next to a text column.
            return node.args[0]->type == Type::String &&
                   ((node.op != Op::Eq && node.op != Op::Ne) || text_mode(*node.args[0]) || text_mode(*node.args[1]));
        case Kind::InSet: return node.args[0]->type == Type::String && text_mode(*node.args[0]);
        default: return false;
    }
}

z3::expr Encoder::text_literal(const std::string& s) {
    const std::vector<uint32_t> points = points_of(s);
    try {
        z3::expr e = z3_string(ctx_, points);
        text_chars_.insert(points.begin(), points.end());
        longest_text_ = std::max(longest_text_, points.size());
        return e;
    } catch (const NotExact&) {
        throw Unsupported("a string constant with a code point above U+1FFFF");
    }
}

ColumnVars Encoder::text_column(const schema::Column& column, const std::string& name, const z3::expr& null) {
    ColumnVars vars{ctx_.string_const(name.c_str()), null};
    if (column.type == schema::ColumnType::Enum) {
        // An enum column holds one of its values (the loaders refuse any other).
        z3::expr_vector options(ctx_);
        for (const auto& value : column.enum_values) options.push_back(*vars.value == text_literal(value));
        facts_.push_back(options.empty() ? ctx_.bool_val(false) : z3::mk_or(options));
    }
    return vars;
}

z3::expr Encoder::text_ordinary(uint32_t index) const {
    if (schema_.columns.at(index).type == schema::ColumnType::Enum) return ctx_.bool_val(true);
    // Short, printable ASCII, or characters of the constants.
    CharSet chars = CharSet::of(' ', '~');
    for (uint32_t c : text_chars_) chars.add(c, c);
    const z3::expr& v = *columns_.at(index).value;
    return v.length() <= ctx_.int_val(static_cast<int64_t>(12 + longest_text_)) &&
           z3::in_re(v, z3::star(to_z3(ctx_, Regex::chars(chars))));
}

z3::expr Encoder::list_item(uint32_t column, const std::string& item) {
    auto key = std::make_pair(column, item);
    auto found = list_items_.find(key);
    if (found != list_items_.end()) return found->second;
    const std::string name = "c" + std::to_string(column) + "_has_" + std::to_string(list_items_.size());
    return list_items_.emplace(key, ctx_.bool_const(name.c_str())).first->second;
}

std::vector<std::string> Encoder::list_contents(uint32_t column, const z3::model& model) const {
    std::vector<std::string> out;
    for (const auto& [key, has] : list_items_) {
        if (key.first == column && model.eval(has, true).is_true()) out.push_back(key.second);
    }
    return out;
}

const std::string* Encoder::abstraction(uint32_t segment) {
    rule(segment);
    auto found = abstractions_.find(segment);
    return found == abstractions_.end() ? nullptr : &found->second;
}

Term Encoder::text_value(const Node& node, std::set<uint32_t>& columns) {
    if (auto value = constant_value(node)) {
        if (ir::is_null(*value)) return {text_literal(""), ctx_.bool_val(true)};
        return {text_literal(std::get<std::string>(*value)), ctx_.bool_val(false)};
    }
    switch (node.kind) {
        case Kind::Column: {
            columns.insert(node.column);
            const ColumnVars& vars = column_vars(node.column);
            if (!vars.value || !vars.value->is_seq())
                throw std::logic_error("prove: a column read as text is encoded as a code");
            return {vars.value, vars.null};
        }
        case Kind::Call: {
            if (node.function == ir::Function::Lower || node.function == ir::Function::Upper) {
                // Not next to a constant: an uninterpreted function with true facts (length kept, no letter of the
                // other case); a query that uses it can only be trusted when it is empty or its witness replays.
                CaseMap map;
                Term inner = text_value(strip_case(node, map), columns);
                const bool lower = map == CaseMap::Lower;
                z3::func_decl f = ctx_.function(lower ? "lower" : "upper", ctx_.string_sort(), ctx_.string_sort());
                z3::expr v = f(*inner.value);
                const CharSet other_case = lower ? CharSet::of('A', 'Z') : CharSet::of('a', 'z');
                facts_.push_back(v.length() == inner.value->length());
                facts_.push_back(z3::in_re(v, z3::star(to_z3(ctx_, Regex::chars(other_case.complement())))));
                abstraction_ = std::string(lower ? "lower" : "upper") + " compared with a value that is not a constant";
                return {v, inner.null};
            }
            if (node.function == ir::Function::Coalesce) {
                std::vector<Term> args;
                for (const auto& a : node.args) args.push_back(text_value(*a, columns));
                z3::expr v = *args.back().value, null = args.back().null;
                for (size_t i = args.size() - 1; i-- > 0;) {
                    v = z3::ite(args[i].null, v, *args[i].value);
                    null = args[i].null && null;
                }
                return {v, null};
            }
            break;
        }
        default: break;
    }
    throw Unsupported(std::string(ir::type_name(node.type)) + " values");
}

Term Encoder::encode_text(const Node& node, std::set<uint32_t>& columns) {
    const z3::expr f = ctx_.bool_val(false);
    // `subject` (under the case map `map`) is in `language`: the preimage under the map, exact.
    auto in_language = [&](const Term& subject, CaseMap map, const Regex& language) -> z3::expr {
        try {
            return regex_member(ctx_, *subject.value, text::preimage(language, map));
        } catch (const NotExact&) {
            throw Unsupported("a string constant with a code point above U+1FFFF");
        }
    };
    switch (node.kind) {
        case Kind::ListContains: {
            // A list is, to these tests, the set of constants it contains: one Boolean per (column, constant).
            const Node& list = *node.args[0];
            const Node& item = *node.args[1];
            if (list.kind != Kind::Column) throw Unsupported("list contains");
            if (item.kind != Kind::Constant) throw Unsupported("list contains a value that is not a constant");
            columns.insert(list.column);
            const z3::expr null = column_vars(list.column).null;
            if (ir::is_null(item.constant)) return {f, ctx_.bool_val(true)};
            return {list_item(list.column, std::get<std::string>(item.constant)), null};
        }
        case Kind::Call: {
            if (node.function != ir::Function::Length) return text_value(node, columns);
            if (node.args[0]->type != Type::String) throw Unsupported("function length of a list");
            CaseMap map;
            Term t = text_value(strip_case(*node.args[0], map), columns);  // case maps keep the length
            return {t.value->length(), t.null};
        }
        case Kind::InSet: {
            CaseMap map;
            const Node& inner = strip_case(*node.args[0], map);
            Term t = text_value(inner, columns);
            z3::expr hit = f;
            if (map != CaseMap::None) {
                std::vector<Regex> items;
                for (const auto& item : node.set)
                    items.push_back(Regex::literal(points_of(std::get<std::string>(item))));
                if (!items.empty()) hit = in_language(t, map, Regex::alt(std::move(items)));
            } else {
                z3::expr_vector hits(ctx_);
                for (const auto& item : node.set) hits.push_back(*t.value == text_literal(std::get<std::string>(item)));
                if (!hits.empty()) hit = z3::mk_or(hits);
            }
            return {hit, node.set_has_null ? (t.null || !hit) : t.null};
        }
        case Kind::Compare: {
            const Node* a = node.args[0].get();
            const Node* b = node.args[1].get();
            Op op = node.op;
            std::optional<ir::Value> a_value = constant_value(*a), b_value = constant_value(*b);
            if (a_value && !b_value) {
                std::swap(a, b);
                std::swap(a_value, b_value);
                op = flipped(op);
            }
            CaseMap map;
            const Node& inner = strip_case(*a, map);
            if (map != CaseMap::None && !a_value && b_value && !ir::is_null(*b_value)) {
                // lower(x) against a constant: x in the preimage of the constant's language, exact.
                Term t = text_value(inner, columns);
                const std::vector<uint32_t> k = points_of(std::get<std::string>(*b_value));
                switch (op) {
                    case Op::Eq: return {in_language(t, map, Regex::literal(k)), t.null};
                    case Op::Ne: return {!in_language(t, map, Regex::literal(k)), t.null};
                    case Op::Lt: return {in_language(t, map, text::less_than(k, false)), t.null};
                    case Op::Le: return {in_language(t, map, text::less_than(k, true)), t.null};
                    case Op::Gt: return {!in_language(t, map, text::less_than(k, true)), t.null};
                    default: return {!in_language(t, map, text::less_than(k, false)), t.null};
                }
            }
            Term x = text_value(*a, columns), y = text_value(*b, columns);
            const z3::expr null = x.null || y.null;
            const z3::expr &u = *x.value, &v = *y.value;
            auto lt = [&](const z3::expr& p, const z3::expr& q) { return z3::expr(ctx_, Z3_mk_str_lt(ctx_, p, q)); };
            auto le = [&](const z3::expr& p, const z3::expr& q) { return z3::expr(ctx_, Z3_mk_str_le(ctx_, p, q)); };
            switch (op) {
                case Op::Eq: return {u == v, null};
                case Op::Ne: return {u != v, null};
                case Op::Lt: return {lt(u, v), null};
                case Op::Le: return {le(u, v), null};
                case Op::Gt: return {lt(v, u), null};
                default: return {le(v, u), null};
            }
        }
        case Kind::Text: {
            const Node& subject = *node.args[0];
            const Node& pattern = *node.args[1];
            if (auto pattern_value = constant_value(pattern)) {
                if (ir::is_null(*pattern_value)) return {f, ctx_.bool_val(true)};
                const std::string k = std::get<std::string>(*pattern_value);
                CaseMap map;
                const Node& inner = strip_case(subject, map);
                if (node.op == Op::Matches) {
                    if (auto regex = text::translate_re2(k)) {
                        Term t = text_value(inner, columns);
                        try {
                            return {regex_member(ctx_, *t.value, text::preimage(*regex, map)), t.null};
                        } catch (const NotExact&) {  // a class bound in the high band: abstracted below
                        }
                    }
                    // Outside the subset: an uninterpreted predicate of the subject, one per pattern. Sound for
                    // `empty`; a witness that relies on it must replay on the VM.
                    Term t = text_value(subject, columns);
                    auto id = regex_ids_.emplace(k, regex_ids_.size()).first->second;
                    z3::func_decl matches =
                        ctx_.function(("matches_" + std::to_string(id)).c_str(), ctx_.string_sort(), ctx_.bool_sort());
                    abstraction_ = "`matches " + ir::value_text(*pattern_value) + "` (not translated exactly)";
                    return {matches(*t.value), t.null};
                }
                const std::vector<uint32_t> points = points_of(k);
                Term t = text_value(map == CaseMap::None ? subject : inner, columns);
                if (map != CaseMap::None) {
                    std::vector<Regex> parts;
                    if (node.op != Op::StartsWith) parts.push_back(Regex::anything());
                    parts.push_back(Regex::literal(points));
                    if (node.op != Op::EndsWith) parts.push_back(Regex::anything());
                    return {in_language(t, map, Regex::concat(std::move(parts))), t.null};
                }
                z3::expr lit = text_literal(k);
                switch (node.op) {
                    case Op::Contains: return {t.value->contains(lit), t.null};
                    case Op::StartsWith: return {z3::prefixof(lit, *t.value), t.null};
                    default: return {z3::suffixof(lit, *t.value), t.null};
                }
            }
            // A pattern that is itself a column: a containment of two unknown strings can need more distinct
            // characters than Z3's alphabet keeps for the high band (see above), so it is refused.
            if (node.op == Op::Contains) throw Unsupported("contains with a pattern that is not a constant");
            Term t = text_value(subject, columns), p = text_value(pattern, columns);
            const z3::expr null = t.null || p.null;
            if (node.op == Op::StartsWith) return {z3::prefixof(*p.value, *t.value), null};
            return {z3::suffixof(*p.value, *t.value), null};
        }
        default: break;
    }
    throw Unsupported("text values");
}

std::string text_of(const z3::expr& value) {
    // Character by character: Z3 4.8.12 prints strings with escapes it does not escape itself (a backslash).
    z3::context& ctx = value.ctx();
    int64_t length = 0;
    if (!value.length().simplify().is_numeral_i64(length)) throw std::logic_error("prove: a string without a length");
    std::vector<uint32_t> points;
    for (int64_t i = 0; i < length; ++i) {
        z3::expr c(ctx, Z3_mk_seq_nth(ctx, value, ctx.int_val(i)));
        const std::string printed = c.simplify().to_string();  // (_ Char 233)
        const std::string prefix = "(_ Char ";
        if (printed.compare(0, prefix.size(), prefix) != 0) throw std::logic_error("prove: character " + printed);
        points.push_back(real_char(static_cast<unsigned>(std::stoul(printed.substr(prefix.size())))));
    }
    return text::utf8(points);
}

}  // namespace segmint::prove
