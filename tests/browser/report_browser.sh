#!/usr/bin/env bash
# `segmint report` in a real browser: Debian's chromium (installed with .ci/install-deps when missing; nothing is
# downloaded from anywhere else), headless, driven over the DevTools protocol by check_report.mjs (Node's built-in
# WebSocket, so no npm package). On demo data (`segmint generate --rows 20000`) and a copy of specs/ with one more
# segment whose title is hostile markup, the page must load without a console error or a network request, show
# every segment with the size `segmint eval` gives, draw one heatmap cell per pair, keep the hostile title text and
# show the counterexample of a constraint the copy adds for a proof to refute.
# Then `report --diff HEAD` on a git repository of that project whose working tree changes a rule, removes a segment
# and adds one: the Changes section must show the rows `segmint diff HEAD --format json` gives.
# Then the same checks on a generated catalog of 1,000 segments (its render time is printed, not asserted).
# The page and a screenshot stay in ARTIFACTS (under the build folder); the temporary folder and the browser are
# removed on exit, also on failure.
#   report_browser.sh SOURCE_DIR SEGMINT ARTIFACTS
set -euo pipefail
source=$(realpath "$1")
segmint=$(realpath "$2")
artifacts=$(realpath -m "$3")

command -v chromium > /dev/null || bash "$source/.ci/install-deps" chromium > /dev/null
command -v node > /dev/null || bash "$source/.ci/install-deps" nodejs > /dev/null

work=$(mktemp -d)
browser=""
cleanup() {
  if [ -n "$browser" ]; then
    kill "$browser" 2> /dev/null || true
    wait "$browser" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP  # so that a killed run cleans up too
mkdir -p "$artifacts"
rm -f "$artifacts"/*.png "$artifacts"/*.html

# The project: specs/ as it is, and one segment more whose title would break a page that did not escape it (an
# injected <img> would also show up as a network request).
cp -r "$source/specs" "$work/specs"
cat > "$work/specs/segments/zz_hostile.seg" <<'SEG'
segment hostile_title "</script><script>document.title = 'broken'</script><img src=x onerror=alert(1)> & <!--":
  tier = "gold" and age > 60
SEG
# ... and a constraint a proof refutes, so the page shows a failure with its counterexample.
sed -i 's|^tests: |  - disjoint: [hostile_title, gold_tier]\ntests: |' "$work/specs/segmint.yaml"
grep -q 'hostile_title, gold_tier' "$work/specs/segmint.yaml" || { echo "FAIL: could not add the constraint"; exit 1; }
"$segmint" generate --rows 20000 --seed 42 -o "$work/customers.csv" --orders "$work/orders.csv" \
  --page-views "$work/page_views.csv" > /dev/null 2>&1
data=("--data" "$work/customers.csv" "--events" "orders=$work/orders.csv" "--events" "page_views=$work/page_views.csv")
"$segmint" report --project "$work/specs" "${data[@]}" -o "$work/report.html" 2> "$work/progress.txt" ||
  { cat "$work/progress.txt"; echo "FAIL: segmint report failed"; exit 1; }
cat "$work/progress.txt"
"$segmint" eval --project "$work/specs" "${data[@]}" --format json > "$work/eval.json"
cp "$work/report.html" "$artifacts/report.html"

# The browser, on a port it picks (written to DevToolsActivePort in its profile folder).
sandbox=()
[ "$(id -u)" -eq 0 ] && sandbox=(--no-sandbox)  # Chromium refuses to run as root with its sandbox
# TMPDIR: its singleton socket folder goes into the work folder too (left in /tmp when the browser is killed).
mkdir -p "$work/tmp"
TMPDIR="$work/tmp" chromium --headless "${sandbox[@]}" --disable-gpu --no-first-run --no-default-browser-check --disable-extensions \
  --disable-background-networking --disable-component-update --disable-sync --mute-audio \
  --user-data-dir="$work/profile" --remote-debugging-port=0 --window-size=1400,1000 about:blank \
  > "$work/browser.log" 2>&1 &
browser=$!

check() {  # check REPORT EVAL_JSON SCREENSHOT_PREFIX [--project]
  node --experimental-websocket --no-warnings "$source/tests/browser/check_report.mjs" \
    "$work/profile/DevToolsActivePort" "$@" || { echo "--- browser log"; grep -v dbus "$work/browser.log" | tail -20; exit 1; }
}
check "$work/report.html" "$work/eval.json" "$artifacts/report" --project

# A change to review: the project in git, with one segment more that the working tree removes, a rule narrowed and a
# segment added.
cp -r "$work/specs" "$work/changed"
printf 'segment to_be_removed "Removed <by> the change":\n  age < 20\n' > "$work/changed/segments/zz_removed.seg"
git -C "$work/changed" init -q .
git -C "$work/changed" add -A
git -C "$work/changed" -c user.email=browser@test -c user.name=browser-test commit -qm base
rm "$work/changed/segments/zz_removed.seg"
sed -i 's/age > 60/age > 65/' "$work/changed/segments/zz_hostile.seg"
printf 'segment zz_added "Added & new":\n  age between 30 and 40 or hostile_title\n' > "$work/changed/segments/zz_added.seg"
"$segmint" report -q --diff HEAD --project "$work/changed" "${data[@]}" -o "$work/report-diff.html"
"$segmint" diff HEAD --project "$work/changed" "${data[@]}" --format json > "$work/diff.json"
"$segmint" eval --project "$work/changed" "${data[@]}" --format json > "$work/changed.json"
cp "$work/report-diff.html" "$artifacts/report-diff.html"
check "$work/report-diff.html" "$work/changed.json" "$artifacts/report-diff" --project "--diff=$work/diff.json"

# 1,000 segments, each fifth referring to the one before it.
for i in $(seq 0 999); do
  reference=""
  [ $((i % 5)) -eq 4 ] && reference="s$((i - 1)) and "
  printf 'segment s%d "Segment %d":\n  %sage between %d and %d and loyalty_points >= %d\n' \
    "$i" "$i" "$reference" $((18 + i % 40)) $((30 + i % 50)) $(((i * 37) % 900))
done > "$work/many.seg"
many=(--schema "$source/specs/schema.yaml" --specs "$work/many.seg" --data "$work/customers.csv" --as-of 2026-11-23)
"$segmint" report -q "${many[@]}" -o "$work/many.html"
"$segmint" eval "${many[@]}" --format json > "$work/many.json"
cp "$work/many.html" "$artifacts/many.html"
check "$work/many.html" "$work/many.json" "$artifacts/many"
