#include "generated_catalog.h"

#include <cstdio>
#include <cstdlib>

#include "common/diagnostic.h"
#include "syntax/parse.h"

namespace segmint::bench {

std::vector<GeneratedSegment> generate_catalog(size_t count) {
    uint64_t state = 0x5eed5e9;
    auto next = [&](uint64_t n) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (state >> 33) % n;
    };
    auto pick = [&](const std::vector<std::string>& v) { return v[next(v.size())]; };
    const std::vector<std::string> fixed = {
        "tier in (\"gold\", \"platinum\")",
        "tier = \"silver\"",
        "tier != \"bronze\"",
        "tier = \"platinum\"",
        "country in (\"Germany\", \"Austria\", \"Switzerland\")",
        "country in (\"United States\", \"Canada\")",
        "country starts with \"United \"",
        "country in (\"France\", \"Spain\", \"Italy\", \"Portugal\")",
        "country in (\"Sweden\", \"Norway\", \"Denmark\", \"Finland\")",
        "country = \"United Kingdom\"",
        "city in (\"Berlin\", \"London\", \"Paris\", \"New York\", \"Madrid\")",
        "city in (\"Hamburg\", \"München\", \"Köln\", \"Frankfurt am Main\")",
        "city in (\"Los Angeles\", \"Chicago\", \"Houston\", \"Seattle\", \"Austin\", \"Boston\")",
        "email_opt_in",
        "sms_opt_in",
        "push_opt_in",
        "not email_opt_in",
        "email_opt_in and push_opt_in",
        "acquisition_channel in (\"paid_search\", \"social\", \"affiliate\")",
        "acquisition_channel = \"organic\"",
        "preferred_category in (\"outdoor\", \"running\", \"camping\")",
        "preferred_category = \"apparel\"",
        "preferred_category in (\"fitness\", \"nutrition\")",
        "tags contains \"newsletter\"",
        "tags contains any (\"running\", \"outdoor\")",
        "not (tags contains \"fraud_review\")",
        "tags contains \"bargain_hunter\"",
        "gender = \"female\"",
        "gender = \"male\"",
        "returns_90d * 3 > orders_90d",
        "signup_date before 2022-01-01",
        "last_order_date is null",
        "email is not null and not (email ends with \"@example.invalid\")"};
    auto parameterized = [&]() -> std::string {
        switch (next(12)) {
            case 0: {
                static const int bands[][2] = {{18, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 99}};
                const auto& b = bands[next(5)];
                return "age between " + std::to_string(b[0]) + " and " + std::to_string(b[1]);
            }
            case 1: return "orders_90d >= " + pick({"1", "2", "3", "5", "10"});
            case 2: return "lifetime_orders >= " + pick({"1", "3", "5", "10", "20"});
            case 3: return "total_spend > " + pick({"100", "250", "500", "1_000", "2_500"});
            case 4: return "avg_order_value >= " + pick({"40", "80", "150"});
            case 5: return "last_order_date within last " + pick({"7", "14", "30", "60", "90", "180"}) + " days";
            case 6: {
                std::string d = pick({"90", "180", "365"});
                return "(last_order_date < today - " + d + " days or last_order_date is null)";
            }
            case 7: return "signup_date within last " + pick({"30", "90", "365"}) + " days";
            case 8: return "last_login_at within last " + pick({"1", "7", "30"}) + " days";
            case 9: return "churn_score >= " + pick({"0.5", "0.7", "0.9"});
            case 10: return "loyalty_points >= " + pick({"1_000", "5_000", "10_000"});
            default: return "orders_90d between 1 and " + pick({"3", "5", "10"});
        }
    };
    auto atom = [&]() { return next(2) ? fixed[next(fixed.size())] : parameterized(); };
    std::vector<GeneratedSegment> out;
    for (size_t i = 0; i < count; ++i) {
        GeneratedSegment g;
        g.name = "g" + std::to_string(i);
        std::vector<std::string> parts;
        if (i >= 10 && next(4) == 0) {
            size_t ref = next(i);
            g.references.push_back(ref);
            parts.push_back(next(5) ? out[ref].name : "not " + out[ref].name);
        }
        size_t atoms = 2 + next(3);
        for (size_t a = 0; a < atoms; ++a) {
            if (next(5) == 0)
                parts.push_back("(" + atom() + " or " + atom() + ")");
            else
                parts.push_back(atom());
        }
        for (size_t p = 0; p < parts.size(); ++p) g.rule += (p ? " and " : "") + parts[p];
        out.push_back(std::move(g));
    }
    return out;
}

std::string catalog_text(const std::vector<GeneratedSegment>& catalog) {
    std::string text;
    for (const auto& g : catalog) text += "segment " + g.name + ": " + g.rule + "\n";
    return text;
}

std::unique_ptr<Compiled> compile(const std::string& text, const schema::Schema& schema, scalar::AsOf as_of,
                                  const optimize::TableStats* stats, bool optimize_on) {
    DiagnosticSink sink;
    std::vector<ast::File> files;
    files.push_back(syntax::parse(std::make_shared<const Source>("bench.seg", text), sink));
    auto out = std::make_unique<Compiled>();
    out->catalog = semantic::check(std::move(files), schema, sink);
    if (sink.has_errors()) {
        std::fprintf(stderr, "benchmark rules do not check\n");
        std::exit(2);
    }
    engine::CompileOptions options;
    options.stats = stats;
    options.optimizer.enabled = optimize_on;
    out->program = engine::compile(out->catalog, as_of, options);
    return out;
}

}  // namespace segmint::bench
