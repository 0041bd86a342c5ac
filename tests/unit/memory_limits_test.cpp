// Commands under memory the system refuses (an address-space limit, `ulimit -v`): each either does its work, the same
// as without a limit, or exits 2 saying it ran out of memory; never a crash, an internal error or a wrong answer. The
// parser and Z3 each turned a refusal into something else: the parser into "internal parser error" on every file it
// was parsing (exit 1, with false errors for the segments those files held), Z3 into a null context, a crash in a pop
// or in deleting its context, and "internal error: out of memory". `segmint import` is covered in snapshot_cli. Not
// under the sanitizers, which reserve more address space than any such limit leaves.
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>

#include "test_support.h"

using namespace segmint::testing;

namespace {

// `arguments` under each limit from `from_mb` down by `step_mb` to where segmint no longer starts.
void expect_done_or_out_of_memory(const std::string& arguments, int from_mb, int step_mb) {
    std::string expected;
    const int expected_code = run_segmint(arguments, &expected);
    BOOST_REQUIRE_EQUAL(expected_code, 0);
    int done = 0, refused = 0;
    for (const int limit_mb : memory_limits_segmint_starts_under(from_mb, step_mb)) {
        std::string out, err;
        const int code = run_segmint_within(limit_mb, arguments, &out, &err);
        if (code == 2) {
            ++refused;
            BOOST_CHECK_MESSAGE(says_it_ran_out_of_memory(err), arguments << " under " << limit_mb << " MB: " << err);
        } else {
            ++done;
            BOOST_CHECK_MESSAGE(code == expected_code && out == expected,
                                arguments << " under " << limit_mb << " MB: exit " << code << "\n"
                                          << out << err);
        }
    }
    BOOST_TEST_MESSAGE(arguments << ": done under " << done << " limits, out of memory under " << refused);
    BOOST_CHECK_GT(done, 0);
    BOOST_CHECK_GT(refused, 0);
}

// `mb` and a thread stack (8 MiB) per core: `check` and `prove` parse on every core, so their window moves up with
// the core count.
int with_thread_stacks(int mb) {
    return mb + 8 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

bool skipped() {
    if (sanitizer_build()) BOOST_TEST_MESSAGE("a sanitizer build: address-space limits do not apply");
    return sanitizer_build();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(memory_limits)

// The parser's window is narrow (a few MB between what starting the program and what parsing needs): every MB.
BOOST_AUTO_TEST_CASE(check_parses_or_says_it_ran_out_of_memory) {
    if (skipped()) return;
    expect_done_or_out_of_memory("check --project specs", with_thread_stacks(84), 1);
}

// Every MB: Z3's crashes came in windows of a few MB.
BOOST_AUTO_TEST_CASE(prove_proves_or_says_it_ran_out_of_memory) {
    if (skipped()) return;
    expect_done_or_out_of_memory("prove --project specs", with_thread_stacks(84), 1);
}

BOOST_AUTO_TEST_CASE(validate_with_its_proofs_checks_or_says_it_ran_out_of_memory) {
    if (skipped()) return;
    const TempDir folder("segmint_memory_limits");
    const std::string data = generate_demo_data(folder.path, 2000, 5);
    expect_done_or_out_of_memory("validate --project specs --threads 2 --data " + data, 110, 2);
}

BOOST_AUTO_TEST_SUITE_END()
