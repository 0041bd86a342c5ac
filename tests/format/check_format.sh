#!/usr/bin/env bash
# The house layout of .clang-format, enforced: every C++ file under src/ and include/ is as clang-format writes it.
# Prints the first differences and the command that fixes them.
#   check_format.sh SOURCE_DIR
set -euo pipefail
cd "$1"
command -v clang-format > /dev/null || { echo "clang-format is not installed (bash .ci/install-deps installs it)"; exit 1; }
mapfile -t files < <(find src include -name '*.h' -o -name '*.cpp' | sort)
[ ${#files[@]} -gt 100 ] || { echo "found only ${#files[@]} C++ files"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! clang-format --dry-run --Werror "${files[@]}" 2> "$log"; then
  grep -m 20 -A2 'warning:' "$log" || cat "$log"
  echo "$(grep -c 'warning:' "$log") places differ from .clang-format ($(clang-format --version));" \
       "fix them with: find src include -name '*.h' -o -name '*.cpp' | xargs clang-format -i"
  exit 1
fi
echo "clang-format: ${#files[@]} files as .clang-format lays them out"
