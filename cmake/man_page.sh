#!/usr/bin/env bash
# Writes the segmint(1) man page with help2man from the binary's own --help and --version, with a COMMANDS section
# holding each command's --help, so the page never disagrees with the program.
#   man_page.sh SEGMINT_BINARY STATIC_INCLUDE OUTPUT
set -euo pipefail
binary=$1
static=$2
output=$3
include=$(mktemp)
trap 'rm -f "$include"' EXIT
cat "$static" > "$include"
echo "[COMMANDS]" >> "$include"
for command in $("$binary" --help | awk '/^Subcommands:/ {on=1; next} on && NF {print $1}'); do
  printf '.SS %s\n.nf\n' "$command" >> "$include"
  "$binary" "$command" --help | sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' >> "$include"
  printf '.fi\n' >> "$include"
done
help2man --no-info --name "customer segments as code" --section 1 --include "$include" --output "$output.tmp" "$binary"
mv "$output.tmp" "$output"
