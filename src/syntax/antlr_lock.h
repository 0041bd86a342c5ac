#pragma once
// The one lock around the ANTLR runtime's shared caches (why: parse.cpp, where it is defined). Internal to the stage.
#include <mutex>

namespace segmint::syntax {

std::mutex& antlr_mutex();

}  // namespace segmint::syntax
