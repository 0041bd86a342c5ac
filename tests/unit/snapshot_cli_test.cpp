// `segmint import` and snapshots as --data (docs/snapshots.md): every command that reads data gives from a snapshot
// exactly what it gives from the CSV files it was imported from; bad snapshots and bad imports are exit 2 with a
// message, and a failed import leaves nothing behind.
#include <sys/resource.h>

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <string>

#include "test_support.h"

using namespace segmint::testing;

namespace {

struct Demo {
    TempDir folder{"segmint_snapshot"};
    std::string csv = generate_demo_data(folder.path, 5000, 11);
    std::string snapshot = folder.path + "/demo.arrow";
    Demo() {
        std::string err;
        if (run_segmint("import --project specs --data " + csv + " -o " + snapshot, nullptr, &err) != 0) {
            throw std::runtime_error("import failed: " + err);
        }
    }
};

Demo& demo() {
    static Demo shared;
    return shared;
}

// stdout of a command run on the CSV files and on the snapshot: the same, exit codes too.
void expect_same_output(const std::string& command) {
    std::string from_csv, from_snapshot, err;
    const int a = run_segmint(command + " --data " + demo().csv, &from_csv, &err);
    const int b = run_segmint(command + " --data " + demo().snapshot, &from_snapshot, &err);
    BOOST_CHECK_MESSAGE(a == b, command << ": exit " << a << " from CSV, " << b << " from the snapshot: " << err);
    BOOST_CHECK_MESSAGE(!from_csv.empty() && from_csv == from_snapshot, command << ":\n"
                                                                                << from_csv << "\nfrom the snapshot:\n"
                                                                                << from_snapshot);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(snapshot_cli)

BOOST_AUTO_TEST_CASE(every_data_command_reads_a_snapshot_as_its_csv) {
    expect_same_output("eval --project specs --format csv");
    expect_same_output("eval --project specs --format json --members frequent_buyers");
    expect_same_output("validate --project specs --format json");
    expect_same_output("overlap --project specs --format csv");
    expect_same_output("explain --project specs vip --customer 42");
    expect_same_output("explain --project specs frequent_orderers --customer 4999");
}

BOOST_AUTO_TEST_CASE(standard_input_and_event_files_beside_a_snapshot) {
    std::string from_file, from_stdin, err;
    BOOST_REQUIRE_EQUAL(run_segmint("eval --project specs --format csv --data " + demo().snapshot, &from_file), 0);
    BOOST_REQUIRE_EQUAL(
        run_segmint("eval --project specs --format csv --data - < " + demo().snapshot, &from_stdin, &err), 0);
    BOOST_CHECK_EQUAL(from_file, from_stdin);
    // --events replaces the snapshot's table: an orders file with no orders empties the order-based segments.
    const std::string empty_orders = demo().folder.path + "/no_orders.csv";
    write_file(empty_orders, read_file(demo().folder.path + "/orders.csv")
                                 .substr(0, read_file(demo().folder.path + "/orders.csv").find('\n') + 1));
    std::string replaced;
    BOOST_REQUIRE_EQUAL(
        run_segmint("eval --project specs --format csv --data " + demo().snapshot + " --events orders=" + empty_orders,
                    &replaced, &err),
        0);
    BOOST_CHECK_MESSAGE(replaced.find("frequent_orderers,0,") != std::string::npos, replaced);
}

BOOST_AUTO_TEST_CASE(bad_snapshots_are_usage_errors) {
    const std::string cut = demo().folder.path + "/cut.arrow";
    const std::string bytes = read_file(demo().snapshot);
    write_file(cut, bytes.substr(0, bytes.size() - 100));
    std::string out, err;
    BOOST_CHECK_EQUAL(run_segmint("eval --project specs --data " + cut, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("cut.arrow: the file does not end as an Arrow file does") != std::string::npos, err);
    std::string changed = bytes;
    changed[changed.size() / 2] ^= 4;
    const std::string corrupt = demo().folder.path + "/corrupt.arrow";
    write_file(corrupt, changed);
    BOOST_CHECK_EQUAL(run_segmint("validate --project specs --data " + corrupt, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("corrupt.arrow: the checksum does not match") != std::string::npos, err);
    // A snapshot where an event table's CSV file belongs.
    BOOST_CHECK_EQUAL(run_segmint("eval --project specs --data " + demo().folder.path +
                                      "/customers.csv --events orders=" + demo().snapshot,
                                  &out, &err),
                      2);
    BOOST_CHECK_MESSAGE(err.find("demo.arrow: a snapshot, not an event table's CSV file") != std::string::npos, err);
    // The tests' schema is not the one the snapshot was imported with.
    BOOST_CHECK_EQUAL(
        run_segmint("eval --schema tests/golden/schema.yaml examples/basics --data " + demo().snapshot, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("the snapshot was imported under another schema") != std::string::npos, err);
}

BOOST_AUTO_TEST_CASE(import_refuses_what_it_must_not_write) {
    std::string out, err;
    BOOST_CHECK_EQUAL(
        run_segmint("import --project specs --data " + demo().csv + " -o " + demo().folder.path + "/customers.csv",
                    &out, &err),
        2);
    BOOST_CHECK_MESSAGE(err.find("refusing to write") != std::string::npos, err);
    BOOST_CHECK_EQUAL(
        run_segmint("import --project specs --data " + demo().csv + " -o /nonexistent/x.arrow", &out, &err), 2);
    // Over its own input: the snapshot it reads is not replaced.
    const std::string before = read_file(demo().snapshot);
    BOOST_CHECK_EQUAL(
        run_segmint("import --project specs --data " + demo().snapshot + " -o " + demo().snapshot, &out, &err), 2);
    BOOST_CHECK_EQUAL(read_file(demo().snapshot), before);
    // Data with an error: exit 2, its line named, and no file written.
    const std::string bad = demo().folder.path + "/bad.csv";
    std::string text = read_file(demo().folder.path + "/customers.csv");
    text.insert(text.find('\n', text.find('\n') + 1) + 1, "x,y\n");
    write_file(bad, text);
    const std::string target = demo().folder.path + "/never.arrow";
    BOOST_CHECK_EQUAL(run_segmint("import --project specs --data " + bad + " -o " + target, &out, &err), 2);
    BOOST_CHECK_MESSAGE(err.find("bad.csv:3:") != std::string::npos, err);
    BOOST_CHECK(!std::filesystem::exists(target));
    // Imported again from the snapshot itself: the same bytes.
    const std::string again = demo().folder.path + "/again.arrow";
    BOOST_REQUIRE_EQUAL(run_segmint("import --project specs " + demo().snapshot + " -o " + again, &out, &err), 0);
    BOOST_CHECK(read_file(again) == before);
}

// A disk that fills up mid-write (here a file size limit: EFBIG, as ENOSPC would be): the error the file system gave
// comes back from the thread that writes the blocks, exit 2, the old snapshot unchanged and no temporary file left.
BOOST_AUTO_TEST_CASE(import_on_a_full_disk_keeps_the_old_snapshot) {
    const TempDir folder("segmint_full_disk");
    const std::string csv = demo().csv;  // made before any limit
    const auto whole_size = std::filesystem::file_size(demo().snapshot);
    const std::string target = folder.path + "/customers.arrow";
    write_file(target, "the old snapshot");
    struct rlimit saved;
    BOOST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    // A limit of whole 4 KiB pages, one that cuts a page (direct I/O cannot write up to it), one past the file.
    for (const rlim_t limit : {rlim_t{65536}, rlim_t{100001}, rlim_t{whole_size + 1}}) {
        std::string out, err;
        const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);  // inherited: the write fails instead of killing
        struct rlimit small = saved;
        small.rlim_cur = limit;
        BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
        const int status =
            run_segmint("import --project specs --data " + csv + " -o " + target + " --threads 2", &out, &err);
        ::setrlimit(RLIMIT_FSIZE, &saved);
        ::signal(SIGXFSZ, old_handler);
        if (limit > whole_size) {
            BOOST_CHECK_EQUAL(status, 0);  // the demo's snapshot fits: written whole
            BOOST_CHECK(read_file(target) == read_file(demo().snapshot));
            continue;
        }
        BOOST_CHECK_EQUAL(status, 2);
        BOOST_CHECK_MESSAGE(err.find("File too large") != std::string::npos &&
                                err.find("the old file is unchanged") != std::string::npos,
                            limit << ": " << err);
        BOOST_CHECK_EQUAL(read_file(target), "the old snapshot");
        BOOST_CHECK_EQUAL(std::distance(std::filesystem::directory_iterator(folder.path), {}), 1);
    }
}

// Memory the system refuses (an address-space limit, `ulimit -v`): under each limit from 160 MB down to where segmint
// no longer starts, `segmint import` either writes the snapshot or exits 2 saying it ran out of memory (or could not
// start a thread), the old snapshot unchanged and nothing left beside it; never an internal error or a signal. Not
// under the sanitizers, which reserve more address space than any such limit leaves.
BOOST_AUTO_TEST_CASE(import_short_of_memory_says_so_and_keeps_the_old_snapshot) {
    if (sanitizer_build()) {
        BOOST_TEST_MESSAGE("a sanitizer build: address-space limits do not apply");
        return;
    }
    const TempDir folder("segmint_short_of_memory");
    const std::string csv = demo().csv;
    const std::string target = folder.path + "/customers.arrow";
    const std::string import = "import --project specs --data " + csv + " -o " + target + " --threads 2";
    int written = 0, refused = 0, glibc_exits = 0;
    bool json_checked = false;
    for (const int limit_mb : memory_limits_segmint_starts_under(160, 4)) {
        write_file(target, "the old snapshot");
        std::string err;
        const int code = run_segmint_within(limit_mb, import, nullptr, &err);
        if (glibc_ended_it_for_memory(code, err)) {  // before segmint could say anything (test_support.h)
            ++glibc_exits;
            BOOST_CHECK_MESSAGE(read_file(target) == "the old snapshot", limit_mb << " MB: the old snapshot changed");
        } else if (code == 0) {
            ++written;
            BOOST_CHECK_MESSAGE(read_file(target) == read_file(demo().snapshot), limit_mb << " MB: written differently");
        } else {
            ++refused;
            BOOST_CHECK_MESSAGE(code == 2 && says_it_ran_out_of_memory(err), limit_mb << " MB: exit " << code << ": "
                                                                                     << err);
            BOOST_CHECK_MESSAGE(read_file(target) == "the old snapshot", limit_mb << " MB: the old snapshot changed");
            if (!json_checked && err.find("segmint: error: out of memory") != std::string::npos) {
                // With --format json the document says it too (docs/ci.md: exit 2 has an input error).
                json_checked = true;
                std::string document;
                const int json_code = run_segmint_within(limit_mb, import + " --format json", &document);
                BOOST_CHECK_MESSAGE(json_code == 2 && document.find("\"message\": \"out of memory\"") !=
                                                          std::string::npos,
                                    limit_mb << " MB, --format json: exit " << json_code << "\n" << document);
            }
        }
        BOOST_CHECK_EQUAL(std::distance(std::filesystem::directory_iterator(folder.path), {}), 1);
    }
    BOOST_TEST_MESSAGE("written under " << written << " limits, refused under " << refused << ", ended by glibc under "
                                        << glibc_exits);
    BOOST_CHECK_GT(written, 0);
    BOOST_CHECK_GT(refused, 0);
    BOOST_CHECK_LE(glibc_exits, 2);
    BOOST_CHECK(json_checked);
}

BOOST_AUTO_TEST_SUITE_END()
