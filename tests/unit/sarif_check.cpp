#include "sarif_check.h"

#include <cctype>
#include <set>

namespace segmint::testing {

namespace {

using nlohmann::json;

class Checker {
public:
    std::vector<std::string> problems;

    void fail(const std::string& path, const std::string& what) { problems.push_back(path + ": " + what); }

    // Closed property sets, as the schema's `additionalProperties: false` (only the objects Segmint emits).
    void only(const json& object, const std::string& path, const std::set<std::string>& allowed) {
        for (const auto& [key, value] : object.items()) {
            if (!allowed.count(key)) fail(path, "unknown property `" + key + "`");
        }
    }
    bool object_at(const json& parent, const char* key, const std::string& path, bool required) {
        if (!parent.contains(key)) {
            if (required) fail(path, std::string("missing required `") + key + "`");
            return false;
        }
        if (!parent[key].is_object()) {
            fail(path + "." + key, "must be an object");
            return false;
        }
        return true;
    }
    bool string_at(const json& parent, const char* key, const std::string& path, bool required) {
        if (!parent.contains(key)) {
            if (required) fail(path, std::string("missing required `") + key + "`");
            return false;
        }
        if (!parent[key].is_string()) {
            fail(path + "." + key, "must be a string");
            return false;
        }
        return true;
    }
    void positive_int(const json& region, const char* key, const std::string& path) {
        if (!region.contains(key)) return;
        if (!region[key].is_number_integer() || region[key].get<long long>() < 1) fail(path + "." + key, "must be an integer >= 1");
    }
    void message(const json& parent, const std::string& path) {
        if (!object_at(parent, "message", path, true)) return;
        const json& m = parent["message"];
        only(m, path + ".message", {"text", "markdown", "id", "arguments", "properties"});
        string_at(m, "text", path + ".message", true);  // SARIF allows `id` instead; Segmint always gives text
    }
    void multiformat(const json& parent, const char* key, const std::string& path) {
        if (!object_at(parent, key, path, false)) return;
        const json& m = parent[key];
        only(m, path + "." + key, {"text", "markdown", "properties"});
        string_at(m, "text", path + "." + key, true);
    }

    static bool has_scheme(const std::string& uri) {
        const size_t colon = uri.find(':');
        if (colon == std::string::npos || colon == 0) return false;
        for (size_t i = 0; i < colon; ++i) {
            const char c = uri[i];
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
        }
        return std::isalpha(static_cast<unsigned char>(uri[0]));
    }

    void artifact_location(const json& a, const std::string& path) {
        only(a, path, {"uri", "uriBaseId", "index", "description", "properties"});
        if (!string_at(a, "uri", path, true)) return;
        const std::string uri = a["uri"];
        if (uri.empty()) fail(path + ".uri", "is empty");
        if (uri.find('\\') != std::string::npos) fail(path + ".uri", "contains a backslash: " + uri);
        for (unsigned char c : uri) {
            if (c <= 0x20 || c >= 0x7F) {
                fail(path + ".uri", "contains a character that must be percent-encoded: " + uri);
                break;
            }
        }
        if (a.contains("uriBaseId")) {
            string_at(a, "uriBaseId", path, true);
            if (has_scheme(uri) || uri[0] == '/') fail(path + ".uri", "must be relative when uriBaseId is given: " + uri);
        } else if (!has_scheme(uri)) {
            fail(path + ".uri", "a relative URI needs a uriBaseId: " + uri);
        }
    }

    void region(const json& r, const std::string& path) {
        only(r, path, {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset",
                       "byteLength", "snippet", "message", "sourceLanguage", "properties"});
        if (!r.contains("startLine")) fail(path, "missing `startLine` (Segmint always gives lines)");
        for (const char* key : {"startLine", "startColumn", "endLine", "endColumn"}) positive_int(r, key, path);
        {
            auto get = [&](const char* key) -> long long {
                return r.contains(key) && r[key].is_number_integer() ? r[key].get<long long>() : -1;
            };
            const long long sl = get("startLine"), el = get("endLine"), sc = get("startColumn"), ec = get("endColumn");
            if (sl > 0 && el > 0 && el < sl) fail(path, "endLine < startLine");
            if (sl > 0 && (el == sl || el < 0) && sc > 0 && ec > 0 && ec < sc) fail(path, "endColumn < startColumn");
        }
    }

    void location(const json& l, const std::string& path) {
        if (!l.is_object()) return fail(path, "must be an object");
        only(l, path, {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships",
                       "properties"});
        if (!object_at(l, "physicalLocation", path, false)) return;
        const json& p = l["physicalLocation"];
        const std::string pp = path + ".physicalLocation";
        only(p, pp, {"address", "artifactLocation", "region", "contextRegion", "properties"});
        if (object_at(p, "artifactLocation", pp, true)) artifact_location(p["artifactLocation"], pp + ".artifactLocation");
        if (object_at(p, "region", pp, false)) region(p["region"], pp + ".region");
    }

    void run(const json& run, const std::string& path) {
        if (!run.is_object()) return fail(path, "must be an object");
        only(run, path, {"tool", "invocations", "conversion", "language", "versionControlProvenance",
                         "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results",
                         "automationDetails", "runAggregates", "baselineGuid", "redactionTokens", "defaultEncoding",
                         "defaultSourceLanguage", "newlineSequences", "columnKind", "externalPropertyFileReferences",
                         "threadFlowLocations", "taxonomies", "addresses", "translations", "policies", "webRequests",
                         "webResponses", "specialLocations", "properties"});
        std::vector<std::string> rule_ids;
        if (object_at(run, "tool", path, true)) {
            const json& tool = run["tool"];
            only(tool, path + ".tool", {"driver", "extensions", "properties"});
            if (object_at(tool, "driver", path + ".tool", true)) {
                const json& d = tool["driver"];
                const std::string dp = path + ".tool.driver";
                only(d, dp, {"guid", "name", "organization", "product", "productSuite", "shortDescription",
                             "fullDescription", "fullName", "version", "semanticVersion", "dottedQuadFileVersion",
                             "releaseDateUtc", "downloadUri", "informationUri", "globalMessageStrings", "notifications",
                             "rules", "taxa", "locations", "language", "contents", "isComprehensive",
                             "localizedDataSemanticVersion", "minimumRequiredLocalizedDataSemanticVersion",
                             "associatedComponent", "translationMetadata", "supportedTaxonomies", "properties"});
                if (string_at(d, "name", dp, true) && d["name"].get<std::string>().empty()) fail(dp + ".name", "is empty");
                string_at(d, "version", dp, false);
                if (string_at(d, "informationUri", dp, false) && !has_scheme(d["informationUri"]))
                    fail(dp + ".informationUri", "must be an absolute URI");
                if (d.contains("rules")) {
                    if (!d["rules"].is_array()) {
                        fail(dp + ".rules", "must be an array");
                    } else {
                        std::set<std::string> unique;
                        for (size_t i = 0; i < d["rules"].size(); ++i) {
                            const json& rule = d["rules"][i];
                            const std::string rp = dp + ".rules[" + std::to_string(i) + "]";
                            if (!rule.is_object()) {
                                fail(rp, "must be an object");
                                rule_ids.push_back("");
                                continue;
                            }
                            only(rule, rp, {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames",
                                            "shortDescription", "fullDescription", "messageStrings",
                                            "defaultConfiguration", "helpUri", "help", "relationships", "properties"});
                            string_at(rule, "id", rp, true);
                            const std::string id = rule.value("id", json("")).is_string() ? rule.value("id", "") : "";
                            if (!unique.insert(id).second) fail(rp + ".id", "duplicate rule id " + id);
                            rule_ids.push_back(id);
                            multiformat(rule, "shortDescription", rp);
                            multiformat(rule, "fullDescription", rp);
                        }
                    }
                }
            }
        }
        if (run.contains("columnKind")) {
            const json& k = run["columnKind"];
            if (!k.is_string() || (k != "utf16CodeUnits" && k != "unicodeCodePoints"))
                fail(path + ".columnKind", "must be utf16CodeUnits or unicodeCodePoints");
        }
        if (!run.contains("results")) return;
        if (!run["results"].is_array()) return fail(path + ".results", "must be an array");
        const json& results = run["results"];
        for (size_t i = 0; i < results.size(); ++i) {
            const json& r = results[i];
            const std::string rp = path + ".results[" + std::to_string(i) + "]";
            if (!r.is_object()) {
                fail(rp, "must be an object");
                continue;
            }
            only(r, rp, {"guid", "correlationGuid", "ruleId", "ruleIndex", "rule", "kind", "level", "message",
                         "analysisTarget", "locations", "webRequest", "webResponse", "fingerprints",
                         "partialFingerprints", "codeFlows", "graphs", "graphTraversals", "stacks", "relatedLocations",
                         "suppressions", "baselineState", "rank", "attachments", "hostedViewerUri", "workItemUris",
                         "provenance", "fixes", "taxonomies", "properties"});
            message(r, rp);
            string_at(r, "ruleId", rp, false);
            if (r.contains("level")) {
                static const std::set<std::string> levels{"none", "note", "warning", "error"};
                if (!r["level"].is_string() || !levels.count(r["level"].get<std::string>()))
                    fail(rp + ".level", "must be one of none, note, warning, error");
            }
            if (r.contains("kind")) {
                static const std::set<std::string> kinds{"notApplicable", "pass", "fail", "review", "open",
                                                         "informational"};
                if (!r["kind"].is_string() || !kinds.count(r["kind"].get<std::string>()))
                    fail(rp + ".kind", "not a SARIF result kind");
                else if (r["kind"] != "fail" && r.contains("level") && r["level"] != "none")
                    fail(rp + ".level", "must be none when kind is not fail");
            }
            if (r.contains("ruleIndex")) {
                if (!r["ruleIndex"].is_number_integer() || r["ruleIndex"].get<long long>() < -1) {
                    fail(rp + ".ruleIndex", "must be an integer >= -1");
                } else if (const long long index = r["ruleIndex"].get<long long>(); index >= 0) {
                    if (static_cast<size_t>(index) >= rule_ids.size()) {
                        fail(rp + ".ruleIndex", "out of range of tool.driver.rules");
                    } else if (r.contains("ruleId") && r["ruleId"].is_string() && r["ruleId"] != rule_ids[index]) {
                        fail(rp + ".ruleId", "differs from rules[ruleIndex].id " + rule_ids[index]);
                    }
                }
            }
            if (r.contains("locations")) {
                if (!r["locations"].is_array()) {
                    fail(rp + ".locations", "must be an array");
                } else {
                    for (size_t j = 0; j < r["locations"].size(); ++j)
                        location(r["locations"][j], rp + ".locations[" + std::to_string(j) + "]");
                }
            }
        }
    }
};

}  // namespace

std::vector<std::string> sarif_problems(const nlohmann::json& document) {
    Checker check;
    if (!document.is_object()) return {"$: must be an object"};
    check.only(document, "$", {"$schema", "version", "runs", "inlineExternalProperties", "properties"});
    if (document.contains("$schema") && !document["$schema"].is_string()) check.fail("$.$schema", "must be a string");
    if (!document.contains("version")) check.fail("$", "missing required `version`");
    else if (document["version"] != "2.1.0") check.fail("$.version", "must be \"2.1.0\"");
    if (!document.contains("runs")) {
        check.fail("$", "missing required `runs`");
    } else if (!document["runs"].is_array()) {
        check.fail("$.runs", "must be an array");
    } else {
        for (size_t i = 0; i < document["runs"].size(); ++i) check.run(document["runs"][i], "$.runs[" + std::to_string(i) + "]");
    }
    return check.problems;
}

}  // namespace segmint::testing
