# Included by tests/CMakeLists.txt (the ordinary build, not the libFuzzer one): fuzz_prove and fuzz_events built
# without libFuzzer (replay_main.cpp instead) and replayed by ctest on their seed corpora tests/fuzz/corpus/prove/ and
# tests/fuzz/corpus/events/, so the test command runs those fuzz targets on every build, bounded; .ci/fuzz fuzzes
# them for real.
add_library(segmint_fuzz_replay_random STATIC ${CMAKE_CURRENT_LIST_DIR}/../unit/random_rules.cpp)
target_include_directories(segmint_fuzz_replay_random PUBLIC ${CMAKE_CURRENT_LIST_DIR}/../unit)
target_link_libraries(segmint_fuzz_replay_random PUBLIC segmint_data segmint_schema segmint_common)

add_executable(fuzz_prove_replay ${CMAKE_CURRENT_LIST_DIR}/fuzz_prove.cpp ${CMAKE_CURRENT_LIST_DIR}/replay_main.cpp)
target_compile_options(fuzz_prove_replay PRIVATE ${SEGMINT_WARNINGS})
target_compile_definitions(fuzz_prove_replay PRIVATE SEGMINT_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(fuzz_prove_replay PRIVATE segmint_syntax segmint_semantic segmint_report segmint_engine
                      segmint_prove segmint_fuzz_replay_random)
add_test(NAME fuzz_prove_corpus COMMAND fuzz_prove_replay ${CMAKE_CURRENT_LIST_DIR}/corpus/prove
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(fuzz_prove_corpus PROPERTIES TIMEOUT 300)

add_executable(fuzz_events_replay ${CMAKE_CURRENT_LIST_DIR}/fuzz_events.cpp ${CMAKE_CURRENT_LIST_DIR}/replay_main.cpp)
target_compile_options(fuzz_events_replay PRIVATE ${SEGMINT_WARNINGS})
target_compile_definitions(fuzz_events_replay PRIVATE SEGMINT_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(fuzz_events_replay PRIVATE segmint_data segmint_syntax segmint_semantic segmint_report
                      segmint_engine)
add_test(NAME fuzz_events_corpus COMMAND fuzz_events_replay ${CMAKE_CURRENT_LIST_DIR}/corpus/events
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(fuzz_events_corpus PROPERTIES TIMEOUT 300)

# fuzz_snapshot on its seeds (tests/fuzz/corpus/snapshot/: edit scripts on a valid snapshot, with and without the
# checksum).
add_executable(fuzz_snapshot_replay ${CMAKE_CURRENT_LIST_DIR}/fuzz_snapshot.cpp ${CMAKE_CURRENT_LIST_DIR}/replay_main.cpp)
target_compile_options(fuzz_snapshot_replay PRIVATE ${SEGMINT_WARNINGS})
target_compile_definitions(fuzz_snapshot_replay PRIVATE SEGMINT_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
target_link_libraries(fuzz_snapshot_replay PRIVATE segmint_snapshot segmint_data segmint_engine
                      segmint_fuzz_replay_random)
add_test(NAME fuzz_snapshot_corpus COMMAND fuzz_snapshot_replay ${CMAKE_CURRENT_LIST_DIR}/corpus/snapshot
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(fuzz_snapshot_corpus PROPERTIES TIMEOUT 300)
