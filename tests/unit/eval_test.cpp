// `segmint eval`, `generate` and `explain`, and the public C++ API with its example program, on generated data.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "segmint/segmint.h"
#include "test_support.h"

using namespace segmint::testing;

namespace {

struct DemoData {
    TempDir folder{"segmint_eval"};
    std::string dir = folder.path;
    std::string data = generate_demo_data(dir, 20000, 7);  // what follows --data: customers and event tables
    std::string csv = folder.file("customers.csv");
    std::string events = data.substr(csv.size());  // ` --events orders=… --events page_views=…`
};

const DemoData& demo() {
    static DemoData data;
    return data;
}

const std::string kCatalog = " specs/ --schema specs/schema.yaml --as-of 2026-11-23 --data ";

}  // namespace

BOOST_AUTO_TEST_SUITE(eval)

BOOST_AUTO_TEST_CASE(json_output_has_the_documented_shape) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --format json", &out), 0);
    auto json = nlohmann::json::parse(out);
    BOOST_CHECK_EQUAL(json["rows"].get<uint64_t>(), 20000u);
    BOOST_CHECK_EQUAL(json["as_of"].get<std::string>(), "2026-11-23");
    BOOST_REQUIRE(json["segments"].is_array());
    BOOST_CHECK_GE(json["segments"].size(), 30u);
    for (const auto& segment : json["segments"]) {
        BOOST_CHECK(segment["name"].is_string());
        BOOST_CHECK(segment["count"].get<uint64_t>() <= 20000u);
    }
}

BOOST_AUTO_TEST_CASE(vm_and_reference_agree_on_the_catalog) {
    std::string vm, reference, vm_threads;
    BOOST_REQUIRE_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --format csv", &vm), 0);
    BOOST_REQUIRE_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --format csv --engine reference", &reference),
                        0);
    BOOST_REQUIRE_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --format csv --threads 2", &vm_threads), 0);
    BOOST_CHECK_EQUAL(vm, reference);
    BOOST_CHECK_EQUAL(vm, vm_threads);
}

// The VM's workers compute event aggregates chunk by chunk (65,536 customers each) just before evaluating the chunk:
// over three chunks, on 1 and 2 threads, every kind of aggregate (text picks through their dictionary included) gives
// the members the reference evaluator gives.
BOOST_AUTO_TEST_CASE(aggregates_agree_across_chunks_and_threads) {
    TempDir folder("segmint_eval_chunks");
    const std::string data = generate_demo_data(folder.path, 140000, 11);
    write_file(folder.file("more.seg"),
               "segment last_web: last(orders.channel) = \"web\"\n"
               "segment big_max: max(orders.amount within last 365 days) > 100\n"
               "segment channels: count_distinct(orders.channel) >= 2\n"
               "segment avg_app: avg(orders.amount where channel = \"app\") > 50\n"
               "segment last_page: last(page_views.url) = \"/checkout\"\n"
               "segment first_order: min(orders.ordered_at) < today - 300 days\n");
    const std::string run = "eval specs/behaviour " + folder.file("more.seg") +
                            " --schema specs/schema.yaml --as-of 2026-11-23 --format json --data " + data;
    std::string one, two, reference;
    BOOST_REQUIRE_EQUAL(run_segmint(run + " --threads 1", &one), 0);
    BOOST_REQUIRE_EQUAL(run_segmint(run + " --threads 2", &two), 0);
    BOOST_REQUIRE_EQUAL(run_segmint(run + " --engine reference", &reference), 0);
    const auto counts = [](const std::string& json) {
        std::map<std::string, uint64_t> out;
        const auto parsed = nlohmann::json::parse(json);
        for (const auto& segment : parsed["segments"])
            out[segment["name"].get<std::string>()] = segment["count"].get<uint64_t>();
        return out;
    };
    const auto vm = counts(one);
    BOOST_TEST(vm.size() == 12u);
    for (const auto& [name, count] : vm) {
        BOOST_TEST(count > 0u, name);  // every segment has members (and non-members) to compare
        BOOST_TEST(count < 140000u, name);
    }
    BOOST_TEST((counts(two) == vm));
    BOOST_TEST((counts(reference) == vm));
}

BOOST_AUTO_TEST_CASE(hand_computed_counts) {
    // Counted directly from the CSV text, independently of the engine.
    std::string csv = read_file(demo().csv);
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);  // header: tier is column 20, email_opt_in 17, sms_opt_in 18, push_opt_in 19
    uint64_t premium = 0, silent = 0;
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::string field;
        bool quoted = false;
        for (char c : line) {
            if (c == '"')
                quoted = !quoted;
            else if (c == ',' && !quoted)
                fields.push_back(field), field.clear();
            else
                field += c;
        }
        fields.push_back(field);
        premium += fields[19] == "gold" || fields[19] == "platinum";
        silent += fields[16] == "false" && fields[17] == "false" && fields[18] == "false";
    }
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --format json", &out), 0);
    auto json = nlohmann::json::parse(out);
    for (const auto& segment : json["segments"]) {
        if (segment["name"] == "no_channel") BOOST_CHECK_EQUAL(segment["count"].get<uint64_t>(), silent);
    }
    std::string text = "segment premium: tier in (\"gold\", \"platinum\")\n";
    auto dir = demo().dir;
    write_file(dir + "/premium.seg", text);
    BOOST_REQUIRE_EQUAL(
        run_segmint("eval " + dir + "/premium.seg --schema specs/schema.yaml --format csv --data " + demo().csv, &out),
        0);
    BOOST_CHECK_EQUAL(
        out, "segment,count,share\npremium," + std::to_string(premium) + "," + [&] {
            char b[32];
            std::snprintf(b, sizeof b, "%.6f", premium / 20000.0);
            return std::string(b);
        }() + "\n");
}

BOOST_AUTO_TEST_CASE(members_are_written_atomically_and_never_over_an_input) {
    std::string out_path = demo().dir + "/vip.txt";
    write_file(out_path, "old contents\n");
    std::string out, err;
    BOOST_REQUIRE_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --members vip -o " + out_path, &out, &err), 0);
    std::string members = read_file(out_path);
    BOOST_CHECK(members != "old contents\n");
    std::string sizes;
    run_segmint("eval" + kCatalog + demo().data + " --format json", &sizes);
    uint64_t vip = 0;
    const auto parsed = nlohmann::json::parse(sizes);
    for (const auto& s : parsed["segments"]) {
        if (s["name"] == "vip") vip = s["count"].get<uint64_t>();
    }
    BOOST_CHECK_EQUAL(static_cast<uint64_t>(std::count(members.begin(), members.end(), '\n')), vip);
    // BAD_INPUTS 40: the output path is an input.
    std::string before = read_file(demo().csv);
    BOOST_CHECK_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --members vip -o " + demo().csv, &out, &err), 2);
    BOOST_CHECK(read_file(demo().csv) == before);
    // BAD_INPUTS 37: a device that cannot be renamed over.
    BOOST_CHECK_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --members vip -o /dev/full", &out, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("eval" + kCatalog + demo().data + " --members nope -o " + out_path, &out, &err), 2);
}

BOOST_AUTO_TEST_CASE(bad_data_and_bad_usage_exit_2_with_a_location) {
    std::string bad = demo().dir + "/bad.csv";
    std::string csv = read_file(demo().csv);
    write_file(bad, csv.substr(0, csv.find('\n', csv.find('\n') + 1) + 1) + "x,y\n");
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("eval" + kCatalog + bad + demo().events, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("bad.csv:3:") != std::string::npos, err);
    BOOST_CHECK_EQUAL(run_segmint("eval" + kCatalog + demo().dir + "/missing.csv" + demo().events, &out, &err), 2);
    BOOST_CHECK_EQUAL(
        run_segmint("eval specs/ --schema specs/schema.yaml --as-of yesterday --data " + demo().data, &out, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("eval examples/broken --schema specs/schema.yaml --data " + demo().csv, &out, &err),
                      1);
}

BOOST_AUTO_TEST_CASE(generate_is_deterministic) {
    std::string a = demo().dir + "/a.csv", b = demo().dir + "/b.csv", c = demo().dir + "/c.csv";
    BOOST_REQUIRE_EQUAL(run_segmint("generate --rows 500 --seed 3 -o " + a), 0);
    BOOST_REQUIRE_EQUAL(run_segmint("generate --rows 500 --seed 3 -o " + b), 0);
    BOOST_REQUIRE_EQUAL(run_segmint("generate --rows 500 --seed 4 -o " + c), 0);
    BOOST_CHECK(read_file(a) == read_file(b));
    BOOST_CHECK(read_file(a) != read_file(c));
}

BOOST_AUTO_TEST_CASE(explain_prints_ir_and_bytecode) {
    std::string out;
    BOOST_REQUIRE_EQUAL(run_segmint("explain vip specs/ --schema specs/schema.yaml --as-of 2026-11-23", &out), 0);
    BOOST_CHECK(out.find("IR:") != std::string::npos);
    BOOST_CHECK(out.find("LoadSegment") != std::string::npos);
    BOOST_CHECK(out.find("InSetStr") != std::string::npos);
    BOOST_CHECK(out.find("StoreResult") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(public_api_and_example_program) {
    std::vector<segmint::Problem> problems;
    auto schema = segmint::Schema::load(source_dir() + "/specs/schema.yaml", &problems);
    BOOST_REQUIRE(schema);
    // The profile segments of specs/segments, over the customers alone.
    auto catalog = segmint::Catalog::compile(schema, {source_dir() + "/specs/segments"}, "2026-11-23", &problems);
    BOOST_REQUIRE(catalog);
    std::string error;
    auto table = segmint::Table::load_csv(schema, demo().csv, &error);
    BOOST_REQUIRE_MESSAGE(table, error);
    segmint::Result result = segmint::evaluate(*catalog, *table);
    segmint::Result reference = segmint::evaluate(*catalog, *table, {1, true});
    std::string expected;
    for (const auto& segment : catalog->segments()) {
        BOOST_CHECK_EQUAL(result.count(segment), reference.count(segment));
        BOOST_CHECK_EQUAL(result.member_rows(segment).size(), result.count(segment));
        expected += segment + " " + std::to_string(result.count(segment)) + "\n";
    }
    std::string out;
    std::string command = std::string(SEGMINT_EXAMPLE_SEGMENT_SIZES) + " " + source_dir() + "/specs/schema.yaml " +
                          demo().csv + " 2026-11-23 " + source_dir() + "/specs/segments";
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[4096];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, got);
    BOOST_CHECK_EQUAL(::pclose(pipe), 0);
    BOOST_CHECK_EQUAL(out, expected);

    // The behavioural segments need the event tables: without them evaluate() says which one is missing; with them
    // the API gives the counts `segmint eval` gives.
    auto behaviour = segmint::Catalog::compile(schema, {source_dir() + "/specs/behaviour"}, "2026-11-23", &problems);
    BOOST_REQUIRE(behaviour);
    BOOST_CHECK_EXCEPTION(segmint::evaluate(*behaviour, *table), std::invalid_argument, [](const auto& e) {
        return std::string(e.what()).find("event table `orders`") != std::string::npos;
    });
    const std::map<std::string, std::string> event_files = {{"orders", demo().folder.file("orders.csv")},
                                                            {"page_views", demo().folder.file("page_views.csv")}};
    auto with_events = segmint::Table::load_csv(schema, demo().csv, event_files, &error);
    BOOST_REQUIRE_MESSAGE(with_events, error);
    BOOST_CHECK_EQUAL(with_events->orphan_events("orders"), 0u);
    const segmint::Result by_api = segmint::evaluate(*behaviour, *with_events);
    const segmint::Result by_reference = segmint::evaluate(*behaviour, *with_events, {2, true});
    std::string cli_out;
    BOOST_REQUIRE_EQUAL(run_segmint("eval " + source_dir() + "/specs/behaviour --schema " + source_dir() +
                                        "/specs/schema.yaml --as-of 2026-11-23 --format json --data " + demo().data,
                                    &cli_out),
                        0);
    const auto json = nlohmann::json::parse(cli_out);
    BOOST_REQUIRE_EQUAL(json["segments"].size(), behaviour->segments().size());
    uint64_t members = 0;
    for (const auto& segment : json["segments"]) {
        const std::string name = segment["name"];
        BOOST_CHECK_EQUAL(by_api.count(name), segment["count"].get<uint64_t>());
        BOOST_CHECK_EQUAL(by_reference.count(name), by_api.count(name));
        members += by_api.count(name);
    }
    BOOST_CHECK_GT(members, 0u);
    // Only the page views: a rule reading orders is refused, naming orders.
    auto views_only =
        segmint::Table::load_csv(schema, demo().csv, {{"page_views", event_files.at("page_views")}}, &error);
    BOOST_REQUIRE_MESSAGE(views_only, error);
    BOOST_CHECK_THROW(segmint::evaluate(*behaviour, *views_only), std::invalid_argument);
    // An event table the schema does not have, and an event file that does not load.
    BOOST_CHECK(!segmint::Table::load_csv(schema, demo().csv, {{"order", event_files.at("orders")}}, &error));
    BOOST_CHECK_EQUAL(error, "the schema has no event table `order`; did you mean `orders`?");
    BOOST_CHECK(!segmint::Table::load_csv(schema, demo().csv, {{"orders", demo().csv}}, &error));
    BOOST_CHECK_MESSAGE(error.find("customers.csv") != std::string::npos, error);

    auto broken = segmint::Catalog::compile_text(schema, "segment s: order_90d > 1", "inline.seg", "", &problems);
    BOOST_CHECK(!broken);
    BOOST_CHECK_EQUAL(problems.back().code, "E101");
    BOOST_CHECK_EQUAL(problems.back().line, 1u);
}

BOOST_AUTO_TEST_SUITE_END()
