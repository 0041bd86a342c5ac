#include "vm/program.h"

namespace segmint::vm {

void ValueSet::build_index() {
    str_index.clear();
    for (const auto& s : str) str_index.insert(s);
}

}  // namespace segmint::vm
