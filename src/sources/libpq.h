#pragma once
// libpq, opened (dlopen) when a PostgreSQL source is first used instead of linked into the program: every other
// command then starts without it and the libraries it pulls in (Kerberos, LDAP, GnuTLS and more), which took about 11
// of the 24 ms a `segmint --version` process needed on this project's machines (docs/performance.md). The functions
// keep libpq's names and types (libpq-fe.h, from libpq-dev, is still what the code compiles against).
#include <libpq-fe.h>

#include <string>

namespace segmint::sources {

// Every libpq function the PostgreSQL reader calls.
#define SEGMINT_LIBPQ_FUNCTIONS(X) \
    X(PQconnectdb)                 \
    X(PQstatus)                    \
    X(PQerrorMessage)              \
    X(PQfinish)                    \
    X(PQexec)                      \
    X(PQexecParams)                \
    X(PQresultStatus)              \
    X(PQresultErrorMessage)        \
    X(PQresultErrorField)          \
    X(PQntuples)                   \
    X(PQnfields)                   \
    X(PQgetvalue)                  \
    X(PQclear)                     \
    X(PQgetResult)                 \
    X(PQgetCopyData)               \
    X(PQfreemem)                   \
    X(PQconninfoParse)             \
    X(PQconninfoFree)

struct Libpq {
#define SEGMINT_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
    SEGMINT_LIBPQ_FUNCTIONS(SEGMINT_LIBPQ_MEMBER)
#undef SEGMINT_LIBPQ_MEMBER
};

// libpq, opened at the first call (thread-safe); nullptr with *problem saying why when it cannot be (the library is
// not installed, or lacks a function).
const Libpq* open_libpq(std::string* problem);

// The library open_libpq opened; only after it succeeded.
const Libpq& libpq();

}  // namespace segmint::sources
