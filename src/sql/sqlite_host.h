#pragma once
// What a program that runs the SQLite dialect's SQL must add to its connection: regexp(pattern, text), which SQLite
// calls for `text REGEXP pattern` but does not define. Used by the differential test, and by database sources next.
struct sqlite3;

namespace segmint::sql {

// Registers regexp(pattern, text) on `db`: RE2's partial match with the options the checker, the VM and the reference
// evaluator compile patterns with, so `matches` means in SQLite what it means in `segmint eval`. NULL when either
// argument is NULL; an invalid pattern is an SQL error. Returns SQLite's result code (SQLITE_OK).
int register_regexp(sqlite3* db);

}  // namespace segmint::sql
