#include "sources/libpq.h"

#include <dlfcn.h>

#include <memory>
#include <stdexcept>

namespace segmint::sources {

namespace {

// Debian's libpq5 installs the library under its soname; libpq-dev adds only the unversioned link.
constexpr const char* kLibrary = "libpq.so.5";

struct Opened {
    std::unique_ptr<Libpq> functions;
    std::string problem;
};

Opened open() {
    Opened out;
    // Never closed: connections and results made through it may live until the process ends.
    void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = ::dlerror();
        out.problem =
            std::string("PostgreSQL sources need libpq (Debian: apt-get install libpq5): ") + (why ? why : kLibrary);
        return out;
    }
    auto functions = std::make_unique<Libpq>();
#define SEGMINT_LIBPQ_RESOLVE(name)                                                                                 \
    functions->name = reinterpret_cast<decltype(functions->name)>(::dlsym(handle, #name));                          \
    if (!functions->name) {                                                                                         \
        out.problem = std::string(kLibrary) + " has no function " #name ": it is not a libpq this program can use"; \
        return out;                                                                                                 \
    }
    SEGMINT_LIBPQ_FUNCTIONS(SEGMINT_LIBPQ_RESOLVE)
#undef SEGMINT_LIBPQ_RESOLVE
    out.functions = std::move(functions);
    return out;
}

const Opened& opened() {
    static const Opened once = open();
    return once;
}

}  // namespace

const Libpq* open_libpq(std::string* problem) {
    const Opened& library = opened();
    if (!library.functions) *problem = library.problem;
    return library.functions.get();
}

const Libpq& libpq() {
    const Opened& library = opened();
    if (!library.functions) throw std::logic_error("libpq used before open_libpq succeeded");
    return *library.functions;
}

}  // namespace segmint::sources
