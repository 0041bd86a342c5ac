#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then examples/api built from outside the tree against the installed
# package (find_package(segmint) → segmint::segmint), run, and its sizes compared with the installed binary's.
#   check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
for f in bin/segmint include/segmint/segmint.h include/segmint/version.h lib/cmake/segmint/segmintConfig.cmake \
         share/man/man1/segmint.1; do
  [ -f "$work/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
if ls "$work/prefix/lib/segmint" | grep -q cli; then
  echo "the installed library holds the CLI:"; ls "$work/prefix/lib/segmint"; exit 1
fi
if grep -rq '/src\b\|/src;' "$work/prefix/lib/cmake/segmint/segmintTargets.cmake"; then
  echo "the package points into the source tree"; exit 1
fi

cmake -S "$source/examples/api" -B "$work/example" -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/example" > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

segmint="$work/prefix/bin/segmint"
version=$("$segmint" --version)
grep -q "SEGMINT_VERSION \"${version#segmint }\"" "$work/prefix/include/segmint/version.h" ||
  { echo "binary says '$version', header says: $(grep 'SEGMINT_VERSION ' "$work/prefix/include/segmint/version.h")"; exit 1; }

# The man page is the binary's own help: every command has its section, and man renders it.
for command in check eval explain generate validate overlap test fmt completion; do
  grep -q "^\.SS $command\$" "$work/prefix/share/man/man1/segmint.1" || { echo "man page: no section for $command"; exit 1; }
done
grep -q '^\.TH SEGMINT "1"' "$work/prefix/share/man/man1/segmint.1" || { echo "man page: no .TH header"; exit 1; }
if command -v man > /dev/null; then
  MANWIDTH=100 man -l "$work/prefix/share/man/man1/segmint.1" 2> "$work/man.err" | grep -q -- "--max-warnings" ||
    { echo "man does not render the page:"; cat "$work/man.err"; exit 1; }
fi

"$segmint" generate --rows 3000 --seed 11 -o "$work/customers.csv" 2> /dev/null
"$work/example/segment_sizes" "$source/specs/schema.yaml" "$work/customers.csv" 2026-11-23 "$source/specs/segments" \
  > "$work/example.txt"
"$segmint" eval --format csv --schema "$source/specs/schema.yaml" --as-of 2026-11-23 --data "$work/customers.csv" \
  "$source/specs/segments" | tail -n +2 | cut -d, -f1,2 | tr , ' ' > "$work/cli.txt"
if ! diff "$work/cli.txt" "$work/example.txt"; then
  echo "the example built against the installed package disagrees with the installed binary"; exit 1
fi
[ "$(wc -l < "$work/example.txt")" -ge 30 ] || { echo "too few segments: $(wc -l < "$work/example.txt")"; exit 1; }
echo "installed to a temporary prefix; examples/api built out of tree against it; $(wc -l < "$work/example.txt") segment sizes agree with $version"
