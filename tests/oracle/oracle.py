#!/usr/bin/env python3
"""Independent test oracle for segmint (written from docs/language.md and docs/schema.md only).

    python3 tests/oracle/oracle.py --segmint PATH --seed N [--rows N] [--rules N] [--keep-dir DIR]

Generates a random schema, CSV data and rules, evaluates every rule with its own evaluator (evaluate.py), runs
`segmint check` and `segmint eval` (vm with 1 and 2 threads, the reference engine, vm without optimizer), compares the
TRUE/FALSE/NULL counts of every rule, and shrinks each mismatch to a small rule and a few rows.
Exit status: 0 all agree, 1 a mismatch (or a crash, or a valid rule that check rejects), 2 usage/setup problem.
"""
import argparse
import datetime
import os
import random
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import evaluate as E                                  # noqa: E402
import model as M                                    # noqa: E402
from evaluate import Ctx, ev                          # noqa: E402
from gen import gen_data, gen_event_tables, gen_schema, schema_yaml     # noqa: E402
from rules import FEATURES, RuleGen, sanity_rules    # noqa: E402
from runner import Tool, ToolError, configs_for   # noqa: E402
from shrink import Shrinker                           # noqa: E402
from world import World                               # noqa: E402


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def pick_as_of(rng):
    """A random as-of: a date, or a timestamp in UTC. Mostly recent years, sometimes near the ends of the range."""
    r = rng.random()
    if r < 0.9:
        today = datetime.date(rng.randint(2000, 2035), 1, 1).toordinal() + rng.randint(0, 364)
    elif r < 0.95:
        today = rng.randint(1, 400)
    else:
        today = M.MAX_ORD - rng.randint(0, 400)
    if rng.random() < 0.5:
        # ASSUMPTION (docs: "`today` and `now` come from --as-of"; `--help` says YYYY-MM-DD): a date as-of makes `now`
        # that date's midnight UTC; a timestamp as-of is `now`, and `today` is its UTC date.
        return today, today * M.DAY_US, M.date_text(today)
    tod = rng.randint(0, 86399) * 1_000_000
    now = today * M.DAY_US + tod
    return today, now, M.ts_text(now)


def fmt_counts(c):
    return "TRUE %s, FALSE %s, NULL %s" % c if c else "-"


class Finding:
    def __init__(self, kind, rule_id, text, detail):
        self.kind = kind          # mismatch | crash | check-rejects | rows
        self.rule_id = rule_id
        self.text = text
        self.detail = detail


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--segmint", required=True, help="the segmint binary to test")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--rows", type=int, default=5000, help="data rows (default 5000: past the 4096-row boundary)")
    ap.add_argument("--rules", type=int, default=150)
    ap.add_argument("--keep-dir", help="work here and keep the files (default: a temporary directory, removed)")
    ap.add_argument("--max-shrink", type=int, default=3, help="mismatching rules to shrink (default 3)")
    ap.add_argument("--shrink-seconds", type=float, default=20.0,
                    help="time budget for all shrinking together (default 20)")
    ap.add_argument("--skip", default="", help="generator features to turn off, comma-separated: "
                    + "; ".join("%s (%s)" % kv for kv in FEATURES.items()))
    args = ap.parse_args(argv)
    skip = {x for x in args.skip.split(",") if x}
    if skip - set(FEATURES):
        log("oracle: unknown --skip feature(s): %s" % ", ".join(sorted(skip - set(FEATURES))))
        return 2
    args.skip = skip

    if not (os.path.isfile(args.segmint) and os.access(args.segmint, os.X_OK)):
        log("oracle: %s is not an executable file" % args.segmint)
        return 2
    if args.rows < 1 or args.rules < 1:
        log("oracle: --rows and --rules must be at least 1")
        return 2
    binary = os.path.abspath(args.segmint)
    if args.keep_dir:
        os.makedirs(args.keep_dir, exist_ok=True)
        workdir = os.path.abspath(args.keep_dir)
    else:
        workdir = tempfile.mkdtemp(prefix="segmint-oracle-")
    try:
        return run(args, binary, workdir)
    finally:
        if not args.keep_dir:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, binary, workdir):
    t0 = time.monotonic()
    rng = random.Random(args.seed)
    today, now, as_of_text = pick_as_of(rng)
    cols = gen_schema(rng)
    data = gen_data(rng, cols, args.rows, today, now)
    events = gen_event_tables(rng, cols, data, today, now)
    E.EVENTS.clear()
    E.EVENTS.update({et.name: et for et in events})
    try:
        tool = Tool(binary)
        cfgs = configs_for(binary)
    except Exception as e:  # noqa: BLE001 - any failure to start the binary is a setup problem
        log("oracle: cannot run %s: %s" % (binary, e))
        return 2
    world = World(cols, data, today, now, as_of_text, tool, workdir, events)

    # ---- rules, evaluated by the oracle as they are generated (later rules may refer to earlier ones) -----------
    rg = RuleGen(rng, cols, data, today, now, args.skip, events)
    ctx = Ctx(data.values, args.rows, today, now, {})
    fixed = sanity_rules(cols)
    for k in range(len(fixed) + args.rules):
        for attempt in range(20):
            ast = fixed[k] if k < len(fixed) else rg.rule()
            vals = ev(ast, ctx)
            if sum(1 for v in vals if v is M.U) <= 50:
                break
        world.rules[k] = ast
        for s, f in (("t", lambda v: v is True), ("f", lambda v: v is False), ("n", lambda v: v is None)):
            ctx.refs["r%d_%s" % (k, s)] = [f(v) for v in vals]
        rg.register("r%d" % k, ast)
    log("oracle: seed %d, %d rows, %d rules, as-of %s, event tables %s (generated and evaluated in %.1fs)"
        % (args.seed, args.rows, len(world.rules), as_of_text,
           ", ".join("%s (%d rows)" % (et.name, et.n) for et in events) or "none", time.monotonic() - t0))

    n_agg = sum(1 for a in world.rules.values() if any(m.kind == "agg" for m in a.walk()))
    log("oracle: %d rules read event aggregates" % n_agg)
    findings = []
    active = check_rules(world, findings)

    # ---- eval under every configuration ----------------------------------------------------------------------
    mism = {}        # rule -> {cfg name: (oracle counts, tool counts)}
    for cfg in cfgs:
        ids = list(active)
        while ids:
            built = world.build(ids, [])
            try:
                with world.files(built, "eval") as (seg, schema, datafile):
                    res = tool.eval_counts(seg, schema, datafile, as_of_text, cfg)
            except ToolError as e:
                bad = independent(world, bisect_crash(world, ids, cfg))
                for j in bad:
                    f = Finding("crash", j, M.render(world.rules[j]), "[%s] eval crashes on rule r%d: %s\n  %s" % (
                        cfg.name, j, M.render(world.rules[j]), e.describe()))
                    f.mode, f.cfg = "crash", cfg
                    findings.append(f)
                if not bad:
                    findings.append(Finding("crash", None, "", "[%s] %s" % (cfg.name, e.describe())))
                    break
                ids = drop_with_dependents(world, ids, set(bad))
                continue
            if res["rows"] != args.rows:
                findings.append(Finding("rows", None, "", "[%s] eval reports %s rows; the CSV has %d"
                                        % (cfg.name, res["rows"], args.rows)))
            for j in ids:
                p = "r%d" % j
                got = built.tool_counts(res, p)
                if got != built.counts[p]:
                    mism.setdefault(j, {})[cfg.name] = (built.counts[p], got)
            break
    log("oracle: compared %d rules under %s: %d mismatching (%.1fs)"
        % (len(active), ", ".join(c.name for c in cfgs), len(mism), time.monotonic() - t0))

    for j in sorted(mism):
        lines = ["rule r%d: %s" % (j, M.render(world.rules[j]))]
        for name, (want, got) in sorted(mism[j].items()):
            lines.append("  %-10s oracle %s | segmint %s" % (name, fmt_counts(want), fmt_counts(got)))
        findings.append(Finding("mismatch", j, M.render(world.rules[j]), "\n".join(lines)))

    # ---- shrink: rules with different failing-config signatures first --------------------------------------------
    cfg_by_name = {c.name: c for c in cfgs}
    todo, sigs = [], set()
    for j in sorted(mism):
        sig = tuple(sorted(mism[j]))
        if sig not in sigs:
            sigs.add(sig)
            todo.append(j)
    todo += [j for j in sorted(mism) if j not in todo]
    reports = []
    crashes = [f for f in findings if f.kind == "crash" and f.rule_id is not None][: args.max_shrink]
    cases = [("crash", f) for f in crashes] + [("mismatch", j) for j in todo[: args.max_shrink - len(crashes)]]
    shrink_deadline = time.monotonic() + args.shrink_seconds
    for i, (kind, what) in enumerate(cases):
        budget = max(2.0, (shrink_deadline - time.monotonic()) / (len(cases) - i))
        if kind == "crash":
            reports.append(shrink_crash(world, what, cfgs, args, budget))
        else:
            names = sorted(mism[what], key=lambda n: [c.name for c in cfgs].index(n))
            reports.append(shrink_case(world, what, [cfg_by_name[n] for n in names], args, budget))

    # ---- report ----------------------------------------------------------------------------------------------
    print("segmint oracle: seed %d, %d rows, %d rules (%d passed check), as-of %s, %d segmint runs, %.1fs"
          % (args.seed, args.rows, len(world.rules), len(active), as_of_text, tool.runs, time.monotonic() - t0))
    if not findings:
        print("all agree")
        return 0
    for kind in ("check-rejects", "crash", "rows", "mismatch"):
        fs = [f for f in findings if f.kind == kind]
        if fs:
            print("\n== %s: %d ==" % (kind, len(fs)))
            for f in fs:
                print(f.detail)
    for r in reports:
        print(r)
    return 1


def check_rules(world, findings):
    """Run `segmint check` on all rules; a valid rule it rejects is a finding (or a generator bug: read the
    diagnostic against docs/language.md). Returns the rules that pass, minus those referring to rejected ones."""
    active = list(world.rules)
    while active:
        built = world.build(active, [])
        try:
            rc, diags, out = run_check(world, built)
        except ToolError as e:
            bad = independent(world, bisect_check_crash(world, active))
            for j in bad:
                f = Finding("crash", j, M.render(world.rules[j]), "segmint check crashes on rule r%d:\n  %s\n  %s"
                            % (j, M.render(world.rules[j]), e.describe()))
                f.mode, f.cfg = "check-crash", None
                findings.append(f)
            if not bad:
                findings.append(Finding("crash", None, "", "segmint check crashed on the generated spec\n"
                                        + e.describe()))
                return []
            active = drop_with_dependents(world, active, set(bad))
            continue
        bad = {}
        for d in diags:
            # E014 (too many errors in this file) blames nobody
            if d["sev"] == "error" and d["code"] != "E014":
                p = built.prefix_of_diag(d)
                if p:
                    bad.setdefault(int(p[1:]), []).append("%s: %s" % (d["code"], d["msg"]))
        # [§Time] constants alone leaving the calendar is E112: expected for exactly those rules.
        expected = {j for j in active if E.leaves_calendar(world.rules[j], world.today, world.now)}
        for j in sorted(expected - set(bad)):
            findings.append(Finding("check-rejects", j, M.render(world.rules[j]),
                                    "segmint check accepts rule r%d, whose constants leave the calendar (E112 "
                                    "expected as of %s):\n  %s" % (j, world.as_of_text, M.render(world.rules[j]))))
        for j in expected & set(bad):
            if all(m.startswith("E112:") for m in bad[j]):
                del bad[j]
        if rc == 0 or not bad:
            if rc != 0 and not expected:
                findings.append(Finding("check-rejects", None, "", "check failed without a rule diagnostic:\n"
                                        + out))
                return []
            if not expected:
                return active
            active = drop_with_dependents(world, active, expected)
            continue
        for j, msgs in sorted(bad.items()):
            findings.append(Finding("check-rejects", j, M.render(world.rules[j]),
                                    "segmint check rejects rule r%d, which the docs allow:\n  %s\n    %s"
                                    % (j, M.render(world.rules[j]), "\n    ".join(sorted(set(msgs))))))
        active = drop_with_dependents(world, active, set(bad) | expected)
    return active


def run_check(world, built):
    with world.files(built, "check") as (seg, schema, _):
        return world.tool.check(seg, schema, world.as_of_text)


def drop_with_dependents(world, active, dropped):
    changed = True
    while changed:
        changed = False
        for j in active:
            if j not in dropped and world.deps([world.rules[j]]) & dropped:
                dropped.add(j)
                changed = True
    return [j for j in active if j not in dropped]


def bisect_check_crash(world, ids):
    """Rules on which `segmint check` crashes on their own (with what they refer to), by halving."""
    def crashes(sub):
        try:
            run_check(world, world.build(sub, []))
            return False
        except ToolError:
            return True

    if not ids or not crashes(ids):
        return []
    if len(ids) == 1:
        return ids
    half = len(ids) // 2
    return bisect_check_crash(world, ids[:half]) + bisect_check_crash(world, ids[half:])


def independent(world, bad):
    """Of the rules blamed for a crash, those that do not merely refer to another blamed rule."""
    return [j for j in bad if not (world.deps([world.rules[j]]) & set(bad))] or bad


def bisect_crash(world, ids, cfg):
    """Rules that make eval fail on their own (by halving)."""
    def fails(sub):
        b = world.build(sub, [])
        try:
            with world.files(b, "bisect") as (s, sc, d):
                world.tool.eval_counts(s, sc, d, world.as_of_text, cfg)
            return False
        except ToolError:
            return True

    if not ids or not fails(ids):
        return []
    if len(ids) == 1:
        return ids
    half = len(ids) // 2
    return bisect_crash(world, ids[:half], cfg) + bisect_crash(world, ids[half:], cfg)


def tool_per_row(world, ast, rows, columns, cfg):
    """segmint's answer for each customer key: 'TRUE'/'FALSE'/'NULL' from the members of c0_t, c0_f and c0_n."""
    built = world.build([], [("c0", ast)], rows, columns)
    ans = {}
    with world.files(built, "members") as (seg, schema, data):
        out = os.path.join(os.path.dirname(seg.rstrip("/")), "members.txt")
        for suffix, word in (("t", "TRUE"), ("f", "FALSE"), ("n", "NULL")):
            for key in world.tool.members(seg, schema, data, world.as_of_text, cfg, "c0_" + suffix, out):
                ans.setdefault(key, []).append(word)
    return built, {k: "/".join(v) for k, v in ans.items()}


def value_word(v):
    if v is True:
        return "TRUE"
    if v is False:
        return "FALSE"
    return "NULL" if v is None else "UNDEF"


def wrong_rows(world, ast, rows, columns, cfg):
    """Positions (indexes into the data) of the rows segmint answers differently from the oracle."""
    try:
        built, ans = tool_per_row(world, ast, rows, columns, cfg)
    except ToolError as e:
        log("oracle: --members failed: %s" % e.what)
        return []
    out = []
    for i, v in zip(rows, built.values["c0"]):
        if v is not M.U and ans.get(str(world.data.keys[i]), "(none)") != value_word(v):
            out.append(i)
    return out


def shrink_case(world, j, cfgs, args, budget):
    t0 = time.monotonic()
    cfg = cfgs[0]
    ast = world.rules[j]
    sh = Shrinker(world, cfg, budget_s=budget, log=log)
    all_rows = list(range(len(world.data.records)))
    log("oracle: shrinking r%d under %s" % (j, cfg.name))
    rows, columns, ast2 = all_rows, None, ast
    hint = wrong_rows(world, ast, all_rows, None, cfg)
    single = []
    for i in hint[:8]:
        if sh.fails(ast, [i]):
            single = [i]
            break
    if single:
        # one row is enough: shrink the rule on it (fast: one tiny run per batch of candidates)
        rows = single
        ast2 = sh.shrink_rule(ast, rows)
    else:
        # the answer depends on other rows (say, the row's position in the file): fewer columns, then the rule on
        # all rows, then the rows
        used = used_columns(world, ast)
        if sh.fails(ast, all_rows, used):
            columns = used
        sh.deadline = time.monotonic() + budget / 2
        ast2 = sh.shrink_rule(ast, all_rows, columns)
        used = used_columns(world, ast2)
        if columns is not None and used != columns and sh.fails(ast2, all_rows, used):
            columns = used
        hint = wrong_rows(world, ast2, all_rows, columns, cfg) or hint
        sh.deadline = time.monotonic() + budget / 2
        rows = sh.shrink_rows(ast2, all_rows, hint, columns)
    if columns is None:
        used = used_columns(world, ast2)
        if sh.fails(ast2, rows, used):
            columns = used
    still = sh.fails(ast2, rows, columns)
    return describe_case(world, j, ast, ast2, rows, columns, cfgs, still, args, time.monotonic() - t0)


def shrink_crash(world, f, cfgs, args, budget):
    t0 = time.monotonic()
    cfg = f.cfg or cfgs[0]
    ast = world.rules[f.rule_id]
    sh = Shrinker(world, cfg, mode=f.mode, budget_s=budget, log=log)
    log("oracle: shrinking the %s on r%d" % (f.mode, f.rule_id))
    rows = [0] if f.mode == "check-crash" else list(range(len(world.data.records)))
    ast2 = sh.shrink_rule(ast, rows)
    if f.mode == "crash" and len(rows) > 1:
        rows = sh.ddmin(ast2, rows, None)
    columns = used_columns(world, ast2)
    if not sh.fails(ast2, rows, columns):
        columns = None
    repro = world.build([], [("c0", ast2)], rows, columns, single_file=True)
    with world.files(repro, "repro", keep=True) as (spec, schema, datafile):
        try:
            if f.mode == "check-crash":
                world.tool.check(os.path.join(spec, "rules.seg"), schema, world.as_of_text)
                err = "(no longer crashes)"
            else:
                world.tool.eval_counts(os.path.join(spec, "rules.seg"), schema, datafile, world.as_of_text, cfg)
                err = "(no longer crashes)"
        except ToolError as e:
            err = "exit code %s: %s" % (e.rc, (e.stderr or e.stdout).strip()[:500])
    out = ["", "=" * 100, "SHRUNK %s for rule r%d" % ("CHECK CRASH" if f.mode == "check-crash" else "EVAL CRASH",
                                                       f.rule_id)]
    out.append("original rule: %s" % M.render(ast))
    out.append("shrunk rule:   %s" % M.render(ast2))
    for k in sorted(world.deps([ast2])):
        out.append("  (refers to r%d: %s)" % (k, M.render(world.rules[k])))
    out.append("segmint: %s" % err)
    out.append("schema.yaml:\n" + indent(schema_yaml(world.cols, columns, world.events)))
    if f.mode == "crash":
        head, recs = (world.data.header, [world.data.records[r] for r in rows]) if columns is None else \
            world.data.sub_records(rows, columns)
        out.append("data.csv (%d rows%s):\n" % (len(rows), ", first 20 shown" if len(rows) > 20 else "")
                   + indent(head + "\n" + "\n".join(recs[:20])))
    out.append("spec/rules.seg:\n" + indent(repro.text()))
    if f.mode == "check-crash":
        cmd = ["check", "spec/rules.seg", "--schema", "schema.yaml", "--as-of", world.as_of_text]
    else:
        cmd = ["eval", "spec/rules.seg", "--schema", "schema.yaml", "--data", "data.csv", "--as-of",
               world.as_of_text, "--format", "json"] + cfg.args + world.tool.event_args
    where = os.path.dirname(spec) if args.keep_dir else "a temporary folder, removed at exit (use --keep-dir)"
    out.append("reproduce (files in %s):\n    %s" % (where, world.tool.command_line(cmd)))
    out.append("(shrunk in %.1fs)" % (time.monotonic() - t0))
    return "\n".join(out)


def used_columns(world, ast):
    used = {"customer_id"}
    for a in [ast] + [world.rules[k] for k in world.deps([ast])]:
        used |= {n.val for n in a.walk() if n.kind == "col"}
    return used


def describe_case(world, j, ast, ast2, rows, columns, cfgs, still, args, secs):
    data = world.data
    built = world.build([], [("c0", ast2)], rows, columns)
    vals = built.values["c0"]
    per_cfg = {}
    for c in cfgs:
        try:
            per_cfg[c.name] = tool_per_row(world, ast2, rows, columns, c)[1]
        except ToolError:
            per_cfg[c.name] = None
    wrong = sorted({i for i in range(len(rows)) for c in cfgs if per_cfg[c.name] is not None
                    and per_cfg[c.name].get(str(data.keys[rows[i]]), "(none)") != value_word(vals[i])})
    shown = list(range(len(rows))) if len(rows) <= 20 else wrong[:10]
    out = ["", "=" * 100]
    out.append("SHRUNK CASE for rule r%d (mismatching under: %s)%s" % (
        j, ", ".join(c.name for c in cfgs), "" if still else "  [WARNING: the shrunk case no longer fails]"))
    out.append("original rule: %s" % M.render(ast))
    out.append("shrunk rule:   %s" % M.render(ast2))
    for k in sorted(world.deps([ast2])):
        out.append("  (refers to r%d: %s)" % (k, M.render(world.rules[k])))
    out.append("as-of: %s" % world.as_of_text)
    if len(rows) > 20:
        out.append("rows: %d are needed (removing more makes it pass); shown: the wrongly answered ones, with their "
                   "1-based position among the data rows" % len(rows))
    else:
        out.append("rows: %d" % len(rows))
    repro = world.build([], [("c0", ast2)], rows, columns, single_file=True)
    with world.files(repro, "repro", keep=True) as (spec, schema, datafile):
        pass
    if columns is None:
        head, recs = data.header, [data.records[r] for r in rows]
    else:
        head, recs = data.sub_records(rows, columns)
    out.append("schema.yaml:\n" + indent(schema_yaml(world.cols, columns, world.events)))
    out.append("data.csv (header + shown rows):\n" + indent(head + "\n" + "\n".join(recs[i] for i in shown)))
    out.extend(event_rows(world, ast2, [data.keys[rows[i]] for i in shown]))
    for i in shown:
        key = str(data.keys[rows[i]])
        answers = ", ".join("%s %s" % (c.name, per_cfg[c.name].get(key, "(none)") if per_cfg[c.name] is not None
                                       else "error") for c in cfgs)
        out.append("  row %d, customer_id %s: oracle %s | segmint: %s" % (i + 1, key, value_word(vals[i]), answers))
    out.append("counts on these rows: oracle %s" % fmt_counts(built.counts["c0"]))
    out.append("spec/rules.seg:\n" + indent(repro.text()))
    cmd = ["eval", "spec/rules.seg", "--schema", "schema.yaml", "--data", "data.csv", "--as-of", world.as_of_text,
           "--format", "json"] + cfgs[0].args + world.tool.event_args
    where = os.path.dirname(spec) if args.keep_dir else "a temporary folder, removed at exit (use --keep-dir)"
    out.append("reproduce (files in %s):\n    %s" % (where, world.tool.command_line(cmd)))
    out.append("(shrunk in %.1fs)" % secs)
    return "\n".join(out)


def event_rows(world, ast, keys):
    """The events (CSV records, file order) of the given customers in each event table the rule reads."""
    tables = {n.op[0] for a in [ast] + [world.rules[k] for k in world.deps([ast])] for n in a.walk()
              if n.kind == "agg"}
    keys = set(keys)
    out = []
    for et in world.events:
        if et.name in tables:
            ks = et.values[et.key]
            recs = [et.records[i] for i in range(et.n) if ks[i] in keys]
            out.append("events of these customers in %s (of %d rows; the file is passed whole, time %s):\n"
                       % (et.name, et.n, et.time or "none")
                       + indent(et.header + "\n" + "\n".join(recs[:40]) + ("\n..." if len(recs) > 40 else "")))
    return out


def indent(s):
    return "\n".join("    " + line for line in s.rstrip("\n").split("\n"))


if __name__ == "__main__":
    sys.exit(main())
