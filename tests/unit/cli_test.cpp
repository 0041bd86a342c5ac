// The `segmint check` command as users and CI run it: exit codes, output formats, input errors.
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

using namespace segmint::testing;

namespace {


const std::string kSchema = " --schema tests/golden/schema.yaml";

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_check)

BOOST_AUTO_TEST_CASE(clean_catalog_exits_0) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("check specs/ --schema specs/schema.yaml", &out), 0);
    BOOST_CHECK(out.find("no problems") != std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("check examples/basics/ --schema specs/schema.yaml", &out), 0);
}

BOOST_AUTO_TEST_CASE(errors_in_specs_exit_1_with_located_diagnostics) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("check examples/broken/retention.seg --schema specs/schema.yaml --color never", &out), 1);
    BOOST_CHECK(out.find("examples/broken/retention.seg:5:3: error[E101]: unknown name `order_90d`") !=
                std::string::npos);
    BOOST_CHECK(out.find("did you mean `orders_90d`?") != std::string::npos);
    BOOST_CHECK(out.find("did you mean `platinum`?") != std::string::npos);
    BOOST_CHECK(out.find("loop_a -> loop_b -> loop_a") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(warnings_alone_exit_0) {
    TempDir dir("segmint_cli");
    std::string file = dir.write("w.seg", "segment s: age = null\n");
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("check " + file + kSchema, &out), 0);
    BOOST_CHECK(out.find("warning[W001]") != std::string::npos);
}

// W005-W007 are warnings too; W006 compares names across files and points at both definitions.
BOOST_AUTO_TEST_CASE(precedence_case_and_empty_file_warnings_exit_0) {
    TempDir dir("segmint_cli");
    std::string first = dir.write("a.seg", "segment VIP: age > 18 and email_opt_in or sms_opt_in\n");
    std::string second = dir.write("b.seg", "# only a comment\nsegment vip: tags contains \"vip\"\n");
    std::string empty = dir.write("c.seg", "# nothing yet\n");
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("check " + first + " " + second + " " + empty + kSchema + " --color never", &out), 0);
    BOOST_CHECK(out.find("a.seg:1:14: warning[W005]") != std::string::npos);
    BOOST_CHECK(out.find("b.seg:2:9: warning[W006]: segments `VIP` and `vip` differ only in case") != std::string::npos);
    BOOST_CHECK(out.find("note: " + first + ":1:9: `VIP` is defined here") != std::string::npos);
    BOOST_CHECK(out.find("c.seg:1:1: warning[W007]: this file defines no segments") != std::string::npos);
    BOOST_CHECK(out.find("0 errors, 3 warnings") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_lists_every_diagnostic) {
    std::string out;
    BOOST_CHECK_EQUAL(run_segmint("check examples/broken/retention.seg --schema specs/schema.yaml --format json", &out),
                      1);
    auto json = nlohmann::json::parse(out);
    BOOST_REQUIRE(json["diagnostics"].is_array());
    BOOST_CHECK_GE(json["errors"].get<int>(), 6);
    const auto& first = json["diagnostics"][0];
    for (const char* key : {"file", "line", "column", "end_line", "end_column", "severity", "code", "message"}) {
        BOOST_CHECK_MESSAGE(first.contains(key), "missing key " << key);
    }
    BOOST_CHECK_EQUAL(first["file"].get<std::string>(), "examples/broken/retention.seg");
    BOOST_CHECK_EQUAL(first["line"].get<int>(), 5);
    BOOST_CHECK_EQUAL(first["column"].get<int>(), 3);
    BOOST_CHECK_EQUAL(first["end_column"].get<int>(), 12);
    BOOST_CHECK_EQUAL(first["code"].get<std::string>(), "E101");
}

BOOST_AUTO_TEST_CASE(case36_missing_directory_unreadable_fifo_exit_2) {
    TempDir dir("segmint_cli");
    std::string err;
    BOOST_CHECK_EQUAL(run_segmint("check " + dir.path + "/missing.seg" + kSchema, nullptr, &err), 2);
    BOOST_CHECK(err.find("missing.seg") != std::string::npos);
    std::string fifo = dir.path + "/pipe.seg";
    BOOST_REQUIRE_EQUAL(::mkfifo(fifo.c_str(), 0600), 0);
    BOOST_CHECK_EQUAL(run_segmint("check " + fifo + kSchema, nullptr, &err), 2);
    BOOST_CHECK(err.find("not a regular file") != std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("check /dev/zero" + kSchema, nullptr, &err), 2);
    if (::geteuid() != 0) {  // root reads anything, so unreadable files can only be tested as another user
        std::string locked = dir.write("locked.seg", "segment s: age > 1\n");
        ::chmod(locked.c_str(), 0);
        BOOST_CHECK_EQUAL(run_segmint("check " + locked + kSchema, nullptr, &err), 2);
    }
}

BOOST_AUTO_TEST_CASE(schema_problems_exit_2) {
    TempDir dir("segmint_cli");
    std::string err, out;
    BOOST_CHECK_EQUAL(run_segmint("check specs/ --schema " + dir.path + "/nope.yaml", nullptr, &err), 2);
    BOOST_CHECK(err.find("cannot read schema") != std::string::npos);
    std::string bad = dir.write("bad.yaml", "table: t\nkey: id\ncolumns:\n  id: integer\n");
    BOOST_CHECK_EQUAL(run_segmint("check specs/ --schema " + bad, &out, &err), 2);
    BOOST_CHECK(out.find("E206") != std::string::npos);
    BOOST_CHECK_EQUAL(run_segmint("check specs/", nullptr, &err), 2);
    BOOST_CHECK(err.find("--schema") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
    std::string err;
    BOOST_CHECK_EQUAL(run_segmint("", nullptr, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("frobnicate", nullptr, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("check specs/ --schema specs/schema.yaml --format xml", nullptr, &err), 2);
    BOOST_CHECK_EQUAL(run_segmint("--help", nullptr, &err), 0);
}

BOOST_AUTO_TEST_CASE(case37_output_to_dev_full_exit_2) {
    std::string err;
    int code = run_segmint("check examples/broken/ --schema specs/schema.yaml >/dev/full", nullptr, &err);
    BOOST_CHECK_EQUAL(code, 2);
    BOOST_CHECK(err.find("cannot write output") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(case38_closed_pipe_is_quiet_and_deterministic) {
    // Many diagnostics into `head -c 1`: the reader goes away early; segmint must exit 2 quietly, never by a signal.
    // More than a pipe buffer (64 KiB) of output, so writing must fail once `head` has gone.
    TempDir dir("segmint_cli");
    for (int f = 0; f < 6; ++f) {
        std::string text;
        for (int i = 0; i < 90; ++i) {
            std::string n = std::to_string(f) + "_" + std::to_string(i);
            text += "segment s" + n + ": a_long_unknown_column_name_" + n + " > 1 and another_unknown_name_" + n + "\n";
        }
        dir.write("many" + std::to_string(f) + ".seg", text);
    }
    std::string status_file = dir.path + "/status";
    std::string command = "sh -c '" + std::string(SEGMINT_BINARY) + " check " + dir.path + kSchema +
                          " 2>" + dir.path + "/err; echo $? >" + status_file + "' | head -c 1 >/dev/null";
    for (int i = 0; i < 3; ++i) {
        BOOST_REQUIRE_EQUAL(std::system(command.c_str()), 0);
        std::string status = read_file(status_file);
        BOOST_CHECK_EQUAL(status, "2\n");
        BOOST_CHECK_EQUAL(read_file(dir.path + "/err"), "");
    }
}

BOOST_AUTO_TEST_SUITE_END()
