#!/usr/bin/env bash
# `segmint diff` on a real change: a temporary git repository with two commits of a small project (a rule narrowed,
# one only reformatted, one whose title changed, one added, one removed, a constraint whose result flips), compared in
# every format. The entered/left customers are checked against two `segmint eval --members` runs, one per commit, on
# the same generated data (key sets compared with sort/comm), not against diff's own arithmetic.
#     diff_cli.sh SEGMINT SOURCE_DIR
set -euo pipefail
segmint=$(realpath "$1")
source_dir=$(realpath "$2")
work=$(mktemp -d)
trap 'if [[ -n ${DIFF_CLI_KEEP:-} ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
expect_eq() {  # expect_eq WHAT ACTUAL EXPECTED
  if [[ "$2" != "$3" ]]; then fail "$1: got '$2', expected '$3'"; fi
}

repo=$work/repo
mkdir -p "$repo/project/segments"
cd "$repo"
git init -q .
git config user.email diff@test
git config user.name diff-test
cp "$source_dir/specs/schema.yaml" project/schema.yaml
write_project() {  # write_project CONSTRAINT_LINES
  cat >project/segmint.yaml <<EOF
schema: schema.yaml
segments: ["segments/*.seg"]
as_of: 2026-11-23
constraints:
  - disjoint: [young, seniors]
$1
EOF
}
write_project '  - subset: {segment: big_spenders, of: gold_or_better}'
cat >project/segments/people.seg <<'EOF'
segment young "Young customers":
  age < 30

segment seniors "Seniors": age    >=   60

segment gold_or_better "Gold or platinum":
  tier in ("gold", "platinum")

segment big_spenders "Big spenders in the top tiers":
  total_spend > 500 and gold_or_better

segment in_france "Customers in France":
  country = "France"
EOF
git add -A && git commit -qm base
base=$(git rev-parse HEAD)

write_project '  - subset: {segment: big_spenders, of: gold_or_better}'
cat >project/segments/people.seg <<'EOF'
segment young "Young customers":
  age < 25

segment seniors "Seniors":
  age >= 60

segment gold_or_better "Gold and platinum tiers":
  tier in ("gold", "platinum")

segment big_spenders "Big spenders in the top tiers":
  total_spend > 500

segment in_germany "Customers in Germany":
  country = "Germany"
EOF
git add -A && git commit -qm head
head=$(git rev-parse HEAD)

data=$work/customers.csv
"$segmint" generate --rows 3000 --seed 11 -o "$data" 2>/dev/null

# Independent memberships: each commit checked out, each segment's members written by eval.
for commit in base head; do
  git checkout -q "${!commit}"
  mkdir -p "$work/$commit"
  for segment in young seniors gold_or_better big_spenders in_france in_germany; do
    if "$segmint" eval --project project --data "$data" --members "$segment" -o "$work/$commit/$segment" \
      2>/dev/null; then
      sort "$work/$commit/$segment" -o "$work/$commit/$segment"
    else
      : >"$work/$commit/$segment"  # not a segment of this commit
    fi
  done
done
git checkout -q "$head"

json=$work/diff.json
"$segmint" diff "$base" "$head" --project project --data "$data" --format json >"$json" || fail "diff json exit $?"
field() {  # field SEGMENT KEY: a segment's key in the JSON document ("-" when null)
  python3 - "$json" "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for s in doc["segments"]:
    if s["name"] == sys.argv[2]:
        value = s
        for key in sys.argv[3].split("."):
            value = value.get(key) if value is not None else None
        print("-" if value is None else value)
EOF
}
expect_eq "young status" "$(field young status)" changed
expect_eq "young relation" "$(field young relation)" narrower
expect_eq "seniors status (reformatted only)" "$(field seniors status)" unchanged
expect_eq "gold_or_better status" "$(field gold_or_better status)" changed
expect_eq "gold_or_better title_changed" "$(field gold_or_better title_changed)" True
expect_eq "gold_or_better rule_changed" "$(field gold_or_better rule_changed)" False
expect_eq "big_spenders relation" "$(field big_spenders relation)" broader
expect_eq "in_france status" "$(field in_france status)" removed
expect_eq "in_germany status" "$(field in_germany status)" added
for segment in young seniors gold_or_better big_spenders in_france in_germany; do
  entered=$(comm -13 "$work/base/$segment" "$work/head/$segment" | wc -l)
  left=$(comm -23 "$work/base/$segment" "$work/head/$segment" | wc -l)
  stayed=$(comm -12 "$work/base/$segment" "$work/head/$segment" | wc -l)
  expect_eq "$segment entered" "$(field "$segment" customers.entered)" "$entered"
  expect_eq "$segment left" "$(field "$segment" customers.left)" "$left"
  expect_eq "$segment stayed" "$(field "$segment" customers.stayed)" "$stayed"
done
[[ $(comm -23 "$work/base/young" "$work/head/young" | wc -l) -gt 0 ]] || fail "the narrowed rule lost nobody"
# Sample keys are members that moved: each sample of `young`'s leavers is in base's set and not in head's.
for key in $(python3 -c 'import json,sys; print(" ".join(next(s for s in json.load(open(sys.argv[1]))["segments"] if s["name"] == "young")["customers"]["left_samples"]))' "$json"); do
  grep -qx "$key" "$work/base/young" && ! grep -qx "$key" "$work/head/young" || fail "left sample $key did not leave"
done
constraint_after=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["constraints"]; print(len(c), c[0]["constraint"], c[0]["before"]["verdict"], c[0]["after"]["verdict"])' "$json")
expect_eq "the constraint that flipped" "$constraint_after" "1 subset: big_spenders, gold_or_better pass fail"

# Without data: statuses and relations, the constraint's proof flips.
"$segmint" diff "$base" "$head" --project project --format json >"$json" || fail "diff without data exit $?"
expect_eq "young relation without data" "$(field young relation)" narrower
expect_eq "no customers without data" "$(field young customers)" -
constraint_after=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["constraints"]; print(c[0]["before"]["verdict"], c[0]["after"]["verdict"])' "$json")
expect_eq "the proof that flipped" "$constraint_after" "proved refuted"

# Text, Markdown, GitHub.
text=$("$segmint" diff "$base" "$head" --project project --data "$data")
grep -q "^young project/segments/people.seg:1: rule changed: narrower$" <<<"$text" || fail "text: young's line: $text"
grep -q "  - age < 30" <<<"$text" && grep -q "  + age < 25" <<<"$text" || fail "text: young's rules"
grep -q "^1 added, 1 removed, 3 changed, 1 unchanged; 1 constraint result changed$" <<<"$text" || fail "text summary"
if grep -q "^seniors" <<<"$text"; then fail "text lists the reformatted segment"; fi
markdown=$("$segmint" diff "$base" "$head" --project project --data "$data" --format markdown)
grep -q '^| `young` | rule changed | narrower | 0 | ' <<<"$markdown" || fail "markdown: young's row: $markdown"
grep -q '^| `subset: big_spenders, gold_or_better` (project/segmint.yaml:6) | pass | fail' <<<"$markdown" ||
  fail "markdown: the constraint row"
github=$("$segmint" diff "$base" "$head" --project project --data "$data" --format github)
grep -q '^::notice file=project/segments/people.seg,line=1,title=segment changed::young: rule changed, narrower' \
  <<<"$github" || fail "github: young's annotation: $github"
grep -q '^::warning file=project/segmint.yaml,line=6,title=constraint changed::' <<<"$github" ||
  fail "github: the constraint annotation"
# Under GitHub Actions the job summary gets the Markdown table too.
summary=$work/step_summary.md
GITHUB_STEP_SUMMARY=$summary "$segmint" diff "$base" "$head" --project project --format github >/dev/null
grep -q '^| `young` | rule changed | narrower |' "$summary" || fail "github: no table in the job summary"
set +e
GITHUB_STEP_SUMMARY=/dev/full "$segmint" diff "$base" "$head" --project project --format github >/dev/null 2>&1
expect_eq "a job summary that cannot be written" "$?" 2
"$segmint" diff "$base" "$head" --project project >/dev/full 2>/dev/null
expect_eq "output to a full disk" "$?" 2
set -e

# HEAD defaults to the working tree (here: the head commit, plus an uncommitted reformatting of `young`).
sed -i 's/^  age < 25$/  age<25/' project/segments/people.seg
"$segmint" diff "$head" --project project --format json >"$json" || fail "diff against the working tree exit $?"
expect_eq "young against the working tree" "$(field young status)" unchanged
git checkout -q -- project

# From the repository's subfolder, without --project: the nearest segmint.yaml.
(cd project && "$segmint" diff "$base" "$head" --format json >"$json") || fail "diff in the subfolder exit $?"
expect_eq "young from the subfolder" "$(field young relation)" narrower
expect_eq "young's file from the subfolder" "$(field young file)" segments/people.seg
set +e
message=$("$segmint" diff "$base" --project "$work/no_such_project" 2>&1 >/dev/null)
expect_eq "a missing project exit" "$?" 2
set -e
grep -q "cannot read project" <<<"$message" || fail "missing project message: $message"

# --from/--to folders.
mkdir -p "$work/old" && git archive "$base" project | tar -x -C "$work/old"
"$segmint" diff --from "$work/old/project" --to project --format json >"$json" || fail "--from/--to exit $?"
expect_eq "young with --from/--to" "$(field young relation)" narrower
expect_eq "in_germany with --from/--to" "$(field in_germany status)" added
# An event table only the new version has: each version reads the --events files its schema declares.
sed -i '/^  # What customers looked at/,$d' "$work/old/project/schema.yaml"
printf 'segment viewers: exists(page_views)\n' >project/segments/viewers.seg
"$segmint" generate --rows 300 --seed 3 -o "$work/small.csv" --orders "$work/orders.csv" \
  --page-views "$work/views.csv" 2>/dev/null
"$segmint" diff --from "$work/old/project" --to project --data "$work/small.csv" --events orders="$work/orders.csv" \
  --events page_views="$work/views.csv" --format json >"$json" || fail "an added event table: exit $?"
expect_eq "viewers with an added event table" "$(field viewers status)" added
[[ $(field viewers customers.entered) -gt 0 ]] || fail "viewers: nobody entered"
rm project/segments/viewers.seg

# --fail-on-change: 1 on a change, 0 when nothing changed (a reformatting is no change).
set +e
"$segmint" diff "$base" "$head" --project project --fail-on-change >/dev/null
expect_eq "--fail-on-change on a change" "$?" 1
"$segmint" diff "$head" "$head" --project project --fail-on-change >/dev/null
expect_eq "--fail-on-change without change" "$?" 0
"$segmint" diff "$base" "$head" --project project >/dev/null
expect_eq "a change without --fail-on-change" "$?" 0

# Usage errors: exit 2 with git's message, and no temporary folder left behind (in a temporary folder of their own,
# which other tests running at the same time do not write to).
usage_tmp=$(mktemp -d "$work/usage-tmp.XXXXXX")
message=$(TMPDIR=$usage_tmp "$segmint" diff no-such-revision --project project 2>&1 >/dev/null)
expect_eq "bad revision exit" "$?" 2
grep -q "no-such-revision.*fatal: " <<<"$message" || fail "bad revision message (with git's): $message"
message=$(TMPDIR=$usage_tmp "$segmint" diff "$base" no-such-head --project project 2>&1 >/dev/null)
expect_eq "bad head revision exit" "$?" 2
expect_eq "temporary folders left behind" "$(ls -A "$usage_tmp" | wc -l)" 0
mkdir -p "$work/not_git" && cp -r project "$work/not_git/"
message=$("$segmint" diff HEAD --project "$work/not_git/project" 2>&1 >/dev/null)
expect_eq "not a git repository exit" "$?" 2
grep -qi "not a git repository" <<<"$message" || fail "not-a-repository message: $message"
"$segmint" diff --from project >/dev/null 2>&1
expect_eq "--from without --to" "$?" 2
"$segmint" diff >/dev/null 2>&1
expect_eq "nothing to compare" "$?" 2
"$segmint" diff "$base" --project project --format json >"$json" 2>/dev/null
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$json" || fail "json document on a working-tree run"
# A version whose specs have errors: exit 1, saying which version.
echo 'segment broken: nope > 1' >project/segments/broken.seg
message=$("$segmint" diff "$base" --project project 2>&1 >/dev/null)
expect_eq "broken head exit" "$?" 1
grep -q "head version (working tree)" <<<"$message" || fail "broken head message: $message"
# The markdown (a pull-request comment) says why it holds no table.
out=$("$segmint" diff "$base" --project project --format markdown 2>/dev/null)
grep -q "No comparison: the specs of a version have errors" <<<"$out" || fail "markdown of a broken version: $out"
# The same in a revision: its files named as in the working tree, not in the temporary folder it was read from.
git add -A && git commit -qm broken
rm project/segments/broken.seg
message=$("$segmint" diff HEAD --project project 2>&1 >/dev/null)
expect_eq "broken base exit" "$?" 1
grep -q "base version (HEAD)" <<<"$message" || fail "broken base message: $message"
grep -q "^project/segments/broken.seg:1:17: error" <<<"$message" || fail "broken base file name: $message"
git reset -q --hard "$head"

# A revision is read as committed: a spec file that .gitattributes marks export-ignore (which `git archive` leaves
# out) is still there, so nothing shows as added.
echo 'project/segments/people.seg export-ignore' >.gitattributes
git add .gitattributes && git commit -qm "export-ignore"
out=$("$segmint" diff HEAD --project project --format json)
expect_eq "export-ignore: changed" "$(python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["changed"])' <<<"$out")" False
git reset -q --hard "$head"

# A title holding a line break is printed escaped: on a line of its own, `::error ...` would be a workflow command.
sed -i 's/^segment seniors "Seniors":/segment seniors "Seniors\\n::error file=x,line=1::injected":/' project/segments/people.seg
out=$("$segmint" diff HEAD --project project)
grep -q '^::error' <<<"$out" && fail "a title's line break reached the output: $out"
grep -qF 'Seniors\n::error' <<<"$out" || fail "the title, escaped: $out"
git checkout -q project/segments/people.seg

# SIGTERM (Ctrl-C's SIGINT too, which a script's background job ignores) while the revision is read or the data
# evaluated removes the temporary folder with the revision in it, git stopped first.
private_tmp=$work/tmp
mkdir "$private_tmp"
"$segmint" generate --rows 300000 --seed 3 -o "$work/big.csv" >/dev/null
for delay in 0 0.05 0.2; do
  TMPDIR=$private_tmp "$segmint" diff "$base" --project project --data "$work/big.csv" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 500); do
    compgen -G "$private_tmp/segmint-diff-*" >/dev/null && break
    sleep 0.01
  done
  sleep "$delay"
  kill -TERM "$pid"
  for _ in $(seq 1 200); do  # 20 s: a signal handler that hangs fails here, not by the test's timeout
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail "SIGTERM after ${delay}s: the run still runs 20 s later"
    kill -KILL "$pid"
  fi
  wait "$pid"
  status=$?
  [[ $status -eq 143 ]] || fail "SIGTERM after ${delay}s: exit $status (143 expected: the run was not interrupted)"
  expect_eq "temporary folder after SIGTERM after ${delay}s" "$(ls "$private_tmp")" ""
done
set -e

if ((failures > 0)); then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "diff_cli: every check passed"
