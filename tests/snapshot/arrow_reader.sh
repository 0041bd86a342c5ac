#!/usr/bin/env bash
# The independent reader of snapshots: `segmint import` must write a standard Arrow IPC file whose values are exactly
# its CSV's, as told by code that shares nothing with segmint, Apache Arrow's JavaScript implementation (apache-arrow,
# a pinned version, from the npm registry) and a CSV parser of its own (arrow_reader.cjs). The package is installed
# into CACHE_DIR (under the build folder, outside the source tree) when it is not there yet, and reused after;
# Debian's nodejs and npm installed when node is missing. The test's files live in a folder removed on exit, also
# when the test fails. Checked: the demo data with its two event tables, an edge-case table of every column type, and
# that a plain Arrow file (not made by `segmint import`) is refused.
#   arrow_reader.sh SEGMINT SOURCE_DIR CACHE_DIR
set -euo pipefail
segmint=$(realpath "$1")
source=$(realpath "$2")  # absolute: the test runs in its work folder
cache=$(realpath -m "$3")
package=apache-arrow@21.2.0

source "$source/tests/npm/install_package.sh"
install_npm_package "$source" "$cache" "$package" apache-arrow

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
reader=(node "$source/tests/snapshot/arrow_reader.cjs" "$cache/node_modules")
cd "$work"

# The demo data: 24 columns of every type, dictionaries of thousands of strings, and two event tables.
"$segmint" generate --rows 20000 --seed 7 -o c.csv --orders o.csv --page-views p.csv > generate.log 2>&1 ||
  { cat generate.log; exit 1; }
"$segmint" import c.csv --project "$source/specs" --events orders=o.csv --events page_views=p.csv -o c.arrow \
  2> import.log || { cat import.log; exit 1; }
"${reader[@]}" compare "$source/specs/schema.yaml" c.csv c.arrow orders=o.csv page_views=p.csv

# The edges of each type (docs/schema.md, "Customer data (CSV)"): row 1 is NULL in every column (unquoted empty
# fields); "" is the empty string, the empty list, and NULL elsewhere (n of row 6); the extremes of int64, doubles
# (-0, the largest and smallest), dates and timestamps (both ends, microseconds either side of the epoch, offsets);
# quoting with commas, quotes and a newline; non-ASCII; list items with blanks, commas and empty items. With a BOM.
# Its events: one whose key is no customer's (an orphan, left out), two at one time (kept in the CSV's order).
cat > edges.yaml <<'EOF'
table: edges
key: id
columns:
  id: int
  n: int
  x: number
  s: string
  b: bool
  d: date
  ts: timestamp
  e: {type: enum, values: [red, green, blue sky, é]}
  tags: list<string>
events:
  visits:
    key: id
    time: at
    columns:
      id: int
      at: timestamp
      page: string
EOF
cat > visits.csv <<'EOF'
id,at,page
3,2026-01-02T00:00:00Z,b
99,2026-01-01T00:00:00Z,orphan
3,2026-01-01T00:00:00Z,a
2,2026-01-01T00:00:00Z,first
2,2026-01-01T00:00:00Z,second
1,0001-01-01T00:00:00Z,
EOF
{ printf '\xef\xbb\xbf'; cat <<'EOF'
id,n,x,s,b,d,ts,e,tags
1,,,,,,,,
2,-9223372036854775808,-0,"",true,0001-01-01,0001-01-01T00:00:00Z,red,""
3,9223372036854775807,1e300,"a, b",false,9999-12-31,9999-12-31T23:59:59.999999Z,green,a b|c
4,0,0.1,"say ""hi""",TRUE,1970-01-01,1969-12-31T23:59:59.999999Z,blue sky," lead|trail "
5,+7,-2.5e-300,é 日本,f,1969-12-31,1970-01-01T00:00:00.000001Z,é,é|日本
6,"",4.9e-324,"line one
line two",1,2024-02-29,2026-09-13 07:18:14.5+0530,,"x,y|""q"""
7,-1,1.7976931348623157e308,NULL,0,2000-03-01,2026-11-23T10:15,red,a||b
8,42,+3,  pad  ,t,1600-02-29,2026-09-13 01:48:14+00,,|
EOF
} > edges.csv
"$segmint" import edges.csv --schema edges.yaml --events visits=visits.csv -o edges.arrow 2> import.log ||
  { cat import.log; exit 1; }
"${reader[@]}" compare edges.yaml edges.csv edges.arrow visits=visits.csv

# A plain Arrow file with the schema's columns is not a snapshot: --data must refuse it (exit 2) and say so, rather
# than read a file whose facts (schema, checksum) it cannot check.
"${reader[@]}" foreign edges.yaml foreign.arrow
echo 'segment positive: n > 0' > edges.seg
code=0
"$segmint" eval --schema edges.yaml --data foreign.arrow edges.seg > foreign.out 2> foreign.err || code=$?
if [ "$code" != 2 ] || ! grep -q 'not a segmint snapshot' foreign.err; then
  echo "FAIL: eval on a plain Arrow file exited $code, expected 2 and 'not a segmint snapshot'; stderr:"
  cat foreign.err
  exit 1
fi
echo "arrow reader: a plain Arrow file is refused (exit 2): $(cat foreign.err)"
