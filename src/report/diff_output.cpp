#include "report/diff_output.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/text_format.h"
#include "report/ci_report.h"

namespace segmint::report {

namespace {

using analysis::RevisionDiff;
using analysis::SegmentChange;
using analysis::SegmentDiff;

std::string counted(size_t n, const char* what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); }

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

// "rule and title changed", "title changed", "rule changed", or the status itself.
std::string change_text(const SegmentDiff& d) {
    if (d.change != SegmentChange::Changed) return analysis::segment_change_name(d.change);
    if (d.rule_changed && d.title_changed) return "rule and title changed";
    return d.rule_changed ? "rule changed" : "title changed";
}

// Whether an unchanged segment's members moved anyway (a segment it refers to changed).
bool members_moved(const SegmentDiff& d) { return d.members && (d.members->entered > 0 || d.members->left > 0); }

bool shown(const SegmentDiff& d) { return d.change != SegmentChange::Unchanged || members_moved(d); }

std::string summary(const RevisionDiff& diff) {
    std::string out = fmt::format("{} added, {} removed, {} changed, {} unchanged", diff.count(SegmentChange::Added),
                                  diff.count(SegmentChange::Removed), diff.count(SegmentChange::Changed),
                                  diff.count(SegmentChange::Unchanged));
    out += "; " + counted(diff.constraints.size(), "constraint result") + " changed";
    return out;
}

std::string outcome_text(const std::optional<analysis::ConstraintOutcome>& outcome) {
    return outcome ? outcome->verdict : std::string("absent");
}

std::string relation_text(const SegmentDiff& d) {
    std::string out = analysis::rule_relation_name(d.relation);
    if (!d.relation_reason.empty()) out += " (" + d.relation_reason + ")";
    return out;
}

// A title as the rule writes it, its control characters (a line break too) escaped: it must not start a line of its
// own, where a CI log would take `::error ...` for a command.
std::string title_text(const std::optional<std::string>& title) {
    return title ? escape_controls(quote_literal(*title)) : "(none)";
}

}  // namespace

std::string diff_text(const RevisionDiff& diff, const DiffLabels& labels) {
    std::string out = fmt::format("segmint diff {} -> {} (as of {}", escape_controls(labels.before),
                                  escape_controls(labels.after), labels.as_of);
    if (diff.rows) out += fmt::format(", on {} customers", with_thousands(*diff.rows));
    out += ")\n";
    for (const SegmentDiff& d : diff.segments) {
        if (!shown(d)) continue;
        std::string head = d.change == SegmentChange::Unchanged ? "unchanged rule, members moved" : change_text(d);
        if (d.relation != analysis::RuleRelation::NotCompared) head += ": " + relation_text(d);
        out += fmt::format("{} {}:{}: {}\n", d.name, d.file, d.line, head);
        if (d.title_changed)
            out += fmt::format("  title: {} -> {}\n", title_text(d.old_title), title_text(d.new_title));
        if (d.rule_changed || d.change == SegmentChange::Removed) out += "  - " + d.old_rule + "\n";
        if (d.rule_changed || d.change == SegmentChange::Added) out += "  + " + d.new_rule + "\n";
        if (d.members) {
            const auto& m = *d.members;
            out += fmt::format("  customers: {} entered, {} left, {} stayed\n", with_thousands(m.entered),
                               with_thousands(m.left), with_thousands(m.stayed));
            if (!m.entered_keys.empty()) out += "    entered, e.g. " + joined(m.entered_keys) + "\n";
            if (!m.left_keys.empty()) out += "    left, e.g. " + joined(m.left_keys) + "\n";
        }
    }
    for (const auto& c : diff.constraints) {
        out += fmt::format("constraint {}:{}: {}: {} -> {}", c.file, c.line, c.description, outcome_text(c.before),
                           outcome_text(c.after));
        if (c.after && !c.after->message.empty()) out += " (" + c.after->message + ")";
        out += "\n";
    }
    return out + summary(diff) + "\n";
}

nlohmann::ordered_json diff_json(const RevisionDiff& diff, const DiffLabels& labels) {
    nlohmann::ordered_json out = json_document("diff");
    out["before"] = labels.before;
    out["after"] = labels.after;
    out["as_of"] = labels.as_of;
    out["rows"] = diff.rows ? nlohmann::ordered_json(*diff.rows) : nlohmann::ordered_json(nullptr);
    out["changed"] = diff.changed();
    nlohmann::ordered_json& counts = out["summary"];
    for (auto change : {SegmentChange::Added, SegmentChange::Removed, SegmentChange::Changed, SegmentChange::Unchanged})
        counts[analysis::segment_change_name(change)] = diff.count(change);
    counts["constraints_changed"] = diff.constraints.size();
    out["segments"] = nlohmann::ordered_json::array();
    for (const SegmentDiff& d : diff.segments) {
        nlohmann::ordered_json item;
        item["name"] = d.name;
        item["status"] = analysis::segment_change_name(d.change);
        item["file"] = d.file;
        item["line"] = d.line;
        item["rule_changed"] = d.rule_changed;
        item["title_changed"] = d.title_changed;
        auto optional_text = [](const std::optional<std::string>& s) {
            return s ? nlohmann::ordered_json(*s) : nlohmann::ordered_json(nullptr);
        };
        item["old_title"] = optional_text(d.old_title);
        item["new_title"] = optional_text(d.new_title);
        item["old_rule"] =
            d.change == SegmentChange::Added ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.old_rule);
        item["new_rule"] =
            d.change == SegmentChange::Removed ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.new_rule);
        item["relation"] = d.relation == analysis::RuleRelation::NotCompared
                               ? nlohmann::ordered_json(nullptr)
                               : nlohmann::ordered_json(analysis::rule_relation_name(d.relation));
        if (!d.relation_reason.empty()) item["relation_reason"] = d.relation_reason;
        if (d.members) {
            const auto& m = *d.members;
            item["customers"] = {{"entered", m.entered},        {"left", m.left},
                                 {"stayed", m.stayed},          {"entered_samples", m.entered_keys},
                                 {"left_samples", m.left_keys}, {"stayed_samples", m.stayed_keys}};
        }
        out["segments"].push_back(std::move(item));
    }
    out["constraints"] = nlohmann::ordered_json::array();
    for (const auto& c : diff.constraints) {
        auto outcome = [](const std::optional<analysis::ConstraintOutcome>& o) {
            if (!o) return nlohmann::ordered_json(nullptr);
            return nlohmann::ordered_json{{"verdict", o->verdict}, {"message", o->message}};
        };
        out["constraints"].push_back({{"constraint", c.description},
                                      {"file", c.file},
                                      {"line", c.line},
                                      {"before", outcome(c.before)},
                                      {"after", outcome(c.after)}});
    }
    return out;
}

namespace {

// A table cell: no line breaks, and `|` would end the cell.
std::string cell(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n' || c == '\r')
            out += ' ';
        else
            out += c;
    }
    return out;
}

}  // namespace

std::string diff_markdown(const RevisionDiff& diff, const DiffLabels& labels) {
    std::string out = fmt::format("### segmint diff: {} → {}\n\n", cell(labels.before), cell(labels.after));
    out += summary(diff) + fmt::format(" (as of {}", labels.as_of);
    if (diff.rows) out += fmt::format(", on {} customers", with_thousands(*diff.rows));
    out += ").\n";
    size_t rows = 0, more = 0;
    std::string table;
    std::string rules;
    for (const SegmentDiff& d : diff.segments) {
        if (!shown(d)) continue;
        if (rows == kMarkdownRows) {
            ++more;
            continue;
        }
        ++rows;
        const std::string change = d.change == SegmentChange::Unchanged ? "members moved" : change_text(d);
        table += fmt::format("| `{}` | {} | {} |", cell(d.name), change, cell(relation_text(d)));
        if (diff.rows) {
            table += d.members ? fmt::format(" {} | {} | {} |", with_thousands(d.members->entered),
                                             with_thousands(d.members->left), with_thousands(d.members->stayed))
                               : " | | |";
        }
        table += "\n";
        if (d.rule_changed || d.change == SegmentChange::Added || d.change == SegmentChange::Removed) {
            rules += "# " + d.name + "\n";
            if (d.change != SegmentChange::Added) rules += "- " + d.old_rule + "\n";
            if (d.change != SegmentChange::Removed) rules += "+ " + d.new_rule + "\n";
        }
    }
    if (rows > 0) {
        out += diff.rows ? "\n| segment | change | relation | entered | left | stayed |\n|---|---|---|--:|--:|--:|\n"
                         : "\n| segment | change | relation |\n|---|---|---|\n";
        out += table;
        if (more > 0) out += fmt::format("\n… and {} more (run `segmint diff` for all of them).\n", more);
    }
    if (!diff.constraints.empty()) {
        out += "\n| constraint | before | after |\n|---|---|---|\n";
        for (size_t i = 0; i < diff.constraints.size() && i < kMarkdownRows; ++i) {
            const auto& c = diff.constraints[i];
            std::string after = outcome_text(c.after);
            if (c.after && !c.after->message.empty()) after += ": " + c.after->message;
            out += fmt::format("| `{}` ({}:{}) | {} | {} |\n", cell(c.description), cell(c.file), c.line,
                               outcome_text(c.before), cell(after));
        }
        if (diff.constraints.size() > kMarkdownRows)
            out += fmt::format("\n… and {} more constraints.\n", diff.constraints.size() - kMarkdownRows);
    }
    if (!rules.empty()) {
        // A fence longer than any backtick run in the rules, so a rule cannot close it.
        size_t longest = 0, run = 0;
        for (char c : rules) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
        const std::string fence(std::max<size_t>(3, longest + 1), '`');
        out += "\n<details><summary>Rules</summary>\n\n" + fence + "diff\n" + rules + fence + "\n\n</details>\n";
    }
    return out;
}

std::string diff_github(const RevisionDiff& diff, const DiffLabels& labels) {
    std::string out;
    for (const SegmentDiff& d : diff.segments) {
        if (!shown(d)) continue;
        std::string message = d.name + ": " + (d.change == SegmentChange::Unchanged ? "members moved" : change_text(d));
        if (d.relation != analysis::RuleRelation::NotCompared) message += ", " + relation_text(d);
        if (d.members) {
            message += fmt::format("; {} entered, {} left, {} stayed", with_thousands(d.members->entered),
                                   with_thousands(d.members->left), with_thousands(d.members->stayed));
        }
        Location at{d.file, d.line};
        // A removed segment's place is in the old version, which the pull request's files no longer show.
        out += github_annotation("notice", d.change == SegmentChange::Removed ? nullptr : &at,
                                 "segment " + std::string(analysis::segment_change_name(d.change)), message);
    }
    for (const auto& c : diff.constraints) {
        const bool fails = c.after && (c.after->verdict == "fail" || c.after->verdict == "refuted");
        std::string message = fmt::format("{}: {} -> {}", c.description, outcome_text(c.before), outcome_text(c.after));
        if (c.after && !c.after->message.empty()) message += " (" + c.after->message + ")";
        Location at{c.file, c.line};
        out += github_annotation(fails ? "warning" : "notice", c.after ? &at : nullptr, "constraint changed", message);
    }
    return out + fmt::format("segmint diff {} -> {}: {}\n", labels.before, labels.after, summary(diff));
}

}  // namespace segmint::report
