"""Shrinking a mismatching rule and its data to a small case.

A candidate "fails" when segmint's TRUE/FALSE/NULL counts for it differ from the oracle's on the same rows (mode
"counts"), or when segmint exits abnormally on it (mode "crash"). Many rule candidates are tested in one run of the
binary (one spec file); rows are reduced with delta debugging.
"""
import time

import model as M
from runner import ToolError


class Shrinker:
    def __init__(self, world, cfg, mode="counts", budget_s=60.0, log=None):
        self.w = world
        self.cfg = cfg
        self.mode = mode
        self.deadline = time.monotonic() + budget_s
        self.log = log or (lambda *a: None)

    def out_of_time(self):
        return time.monotonic() > self.deadline

    # ---- testing ----------------------------------------------------------------------------------------------
    def test_batch(self, asts, rows, columns=None):
        """For each ast: True when it fails on rows. Invalid candidates (rejected by check) count as not failing."""
        result = [False] * len(asts)
        live = list(range(len(asts)))
        while live:
            if self.mode in ("crash", "check-crash"):
                for i in live:
                    result[i] = self._crashes(asts[i], rows, columns)
                return result
            built = self.w.build([], [("c%d" % i, asts[i]) for i in live], rows, columns)
            try:
                with self.w.files(built, "shrink") as (seg, schema, data):
                    res = self.w.tool.eval_counts(seg, schema, data, self.w.as_of_text, self.cfg)
            except ToolError as e:
                bad = set()
                for d in getattr(e, "diags", []):
                    if d["sev"] == "error":
                        p = built.prefix_of_diag(d)
                        if p and p.startswith("c"):
                            bad.add(int(p[1:]))
                if bad:
                    live = [i for i in live if i not in bad]
                    continue
                if len(live) == 1:
                    return result         # a crash is not this kind of failure
                half = len(live) // 2     # something in the batch crashes: split it
                a = self.test_batch([asts[i] for i in live[:half]], rows, columns)
                b = self.test_batch([asts[i] for i in live[half:]], rows, columns)
                for i, v in zip(live, a + b):
                    result[i] = v
                return result
            for i in live:
                p = "c%d" % i
                if built.tool_counts(res, p) != built.counts[p]:
                    result[i] = True
            return result
        return result

    def _crashes(self, ast, rows, columns):
        """mode "check-crash": `segmint check` exits abnormally; "crash": eval does (exit code other than 0 and 1)."""
        built = self.w.build([], [("c0", ast)], rows, columns)
        try:
            with self.w.files(built, "shrink") as (seg, schema, data):
                if self.mode == "check-crash":
                    self.w.tool.check(seg, schema, self.w.as_of_text)
                else:
                    self.w.tool.eval_counts(seg, schema, data, self.w.as_of_text, self.cfg)
            return False
        except ToolError as e:
            return e.rc not in (0, 1)

    def fails(self, ast, rows, columns=None):
        return self.test_batch([ast], rows, columns)[0]

    # ---- rule shrinking ---------------------------------------------------------------------------------------
    def shrink_rule(self, ast, rows, columns=None):
        cur = ast
        while not self.out_of_time():
            cands = sorted(candidates(cur), key=cost)
            cands = [c for c in cands if cost(c) < cost(cur)][:400]
            if not cands:
                break
            res = self.test_batch(cands, rows, columns)
            ok = [c for c, f in zip(cands, res) if f]
            if not ok:
                break
            cur = ok[0]
            self.log("  rule shrunk to: %s" % M.render(cur))
        return cur

    # ---- row shrinking ----------------------------------------------------------------------------------------
    def shrink_rows(self, ast, rows, hint=(), columns=None):
        """Smallest row list (in file order) that still fails. hint: rows known to be answered wrongly."""
        if hint:
            # a row may be answered wrongly only after the rows before it (position-dependent loading)
            last = max(hint)
            prefix = [r for r in rows if r <= last]
            if len(prefix) < len(rows) and self.fails(ast, prefix, columns):
                rows = prefix
        return self.ddmin(ast, rows, columns)

    def ddmin(self, ast, rows, columns):
        n = 2
        while len(rows) >= 2 and not self.out_of_time():
            size = (len(rows) + n - 1) // n
            chunks = [rows[i:i + size] for i in range(0, len(rows), size)]
            reduced = False
            if n == 2 or len(chunks) <= 8:
                for ch in chunks:
                    if self.fails(ast, ch, columns):
                        rows, n, reduced = ch, 2, True
                        break
            if not reduced:
                for j in range(len(chunks)):
                    if self.out_of_time():
                        break
                    comp = [r for k, ch in enumerate(chunks) if k != j for r in ch]
                    if self.fails(ast, comp, columns):
                        rows, n, reduced = comp, max(n - 1, 2), True
                        break
            if not reduced:
                if n >= len(rows):
                    break
                n = min(len(rows), n * 2)
        return rows


def cost(ast):
    return (len(M.render(ast)), ast.size())


# ---------------------------------------------------------------------------------------------------------------
# Candidate generation: each candidate is a copy of the rule with one node replaced.


def paths(ast, path=()):
    yield path, ast
    for i, k in enumerate(ast.kids):
        yield from paths(k, path + (i,))


def replace(ast, path, new):
    if not path:
        return new
    root = ast.copy()
    node = root
    chain = [root]
    for i in path[:-1]:
        node = node.kids[i]
        chain.append(node)
    node.kids[path[-1]] = new
    for n in reversed(chain):
        M.retype(n)
    return root


def same_class(t_old, t_new):
    if t_old == t_new:
        return True
    if t_old == "number" and t_new == "int":
        return True
    if t_old == "timestamp" and t_new == "date":
        return True
    if t_old == "string" and t_new == "enum":
        return True
    return False


def candidates(ast):
    out = []
    for path, n in paths(ast):
        k = n.kind
        if k == "dur":
            a, u = n.val
            if a > 1:
                out.append(replace(ast, path, M.dur(1, u)))
                if a > 10:
                    out.append(replace(ast, path, M.dur(a // 2, u)))
            continue
        if k == "agg":
            # an aggregate without its window, without its `where` (never by its `where`: that reads event columns)
            if n.win is not None:
                m = n.copy()
                m.win = None
                out.append(replace(ast, path, m))
            if n.kids:
                m = n.copy()
                m.kids = []
                out.append(replace(ast, path, m))
        # a node by one of its children of a compatible type
        for c in n.kids:
            if k != "agg" and c.kind != "dur" and c.type != "null" and same_class(n.type, c.type):
                out.append(replace(ast, path, c.copy()))
        if k in ("and", "or") and len(n.kids) > 2:
            for i in range(len(n.kids)):
                m = n.copy()
                del m.kids[i]
                out.append(replace(ast, path, m))
        if k in ("in", "anyall") and len(n.kids) > 2:
            for i in range(1, len(n.kids)):
                m = n.copy()
                del m.kids[i]
                out.append(replace(ast, path, m))
        if k == "func" and n.val == "coalesce" and len(n.kids) > 2:
            for i in range(len(n.kids)):
                m = n.copy()
                del m.kids[i]
                M.retype(m)
                if same_class(n.type, m.type):
                    out.append(replace(ast, path, m))
        if k == "func" and n.val == "round" and len(n.kids) == 2:
            m = n.copy()
            del m.kids[1]
            out.append(replace(ast, path, m))
        if n.type == "bool" and path and k not in ("lit",):
            out.append(replace(ast, path, M.lit_bool(True)))
            out.append(replace(ast, path, M.lit_bool(False)))
        if k in ("between", "in", "isnull", "text", "lcontains") and n.neg:
            m = n.copy()
            m.neg = False
            out.append(replace(ast, path, m))
        if k == "lit":
            if n.type == "int" and n.val not in (0, 1):
                out.append(replace(ast, path, M.lit_int(0)))
                out.append(replace(ast, path, M.lit_int(1)))
            if n.type == "number" and n.val not in (0.0, 1.0):
                out.append(replace(ast, path, M.lit_num(0.0)))
                out.append(replace(ast, path, M.lit_num(1.0)))
            if n.type == "string" and len(n.val) > 1 and not is_pattern(ast, path):
                out.append(replace(ast, path, M.lit_str(n.val[: len(n.val) // 2])))
                out.append(replace(ast, path, M.lit_str(n.val[:1])))
            if n.type == "string" and n.text != M.lit_str(n.val).text and not is_pattern(ast, path):
                out.append(replace(ast, path, M.lit_str(n.val)))     # plainer spelling
            if n.type == "timestamp" and not n.text.endswith("Z"):
                out.append(replace(ast, path, M.lit_ts(n.val, M.ts_text(n.val))))
    return out


def is_pattern(ast, path):
    if not path:
        return False
    parent = ast
    for i in path[:-1]:
        parent = parent.kids[i]
    return parent.kind == "text" and parent.op == "matches"
