"""Random, well-typed rules over every construct of docs/language.md.

The generator only produces rules the docs say are valid ([§Types]: int/number mix, date/timestamp mix, enums compare
with strings and enums as text and only for (in)equality, no order on enums and bools, enum literals must be values of
the enum, `matches` takes a string literal, `round` digits is an int, a date moves only in days/weeks/months/years).
"""
import datetime

import model as M
from model import DAY_US, INT_MAX, INT_MIN, MAX_ORD, MAX_TS, MIN_TS, Node, mk
from gen import FLOAT_EDGES, INT_EDGES, LIST_VOCAB, STRING_EDGES, WINDOW_AMOUNTS, local_ts_text

CONST_INT_PAIRS = [(7, -3), (-7, 3), (-7, -3), (7, 3), (INT_MIN, -1), (INT_MAX, 1), (INT_MIN, 1), (5, 0), (0, 0),
                   (INT_MAX, INT_MAX), (3037000500, 3037000500), (INT_MIN, INT_MIN), (INT_MAX, -1), (1, INT_MIN)]

REGEX_SPECIAL = set("\\.^$|?*+()[]{}")


# Generator features that --skip can turn off (to look for new bugs while known ones are open).
FEATURES = {
    "round": "no round()",
    "mixed-in": "numeric in-lists hold items of the left operand's type only (no ints mixed with decimals)",
    "bool-in": "no `in (...)` on a bool operand",
    "subnormal": "no subnormal decimal literals (5e-324)",
    "coalesce-list": "(always on) coalesce of list<string> columns is never generated",
    "where-e112": "no `where` or window whose constants leave the calendar (E112 inside aggregates)",
    "events": "no event aggregates in rules (the event tables are still declared and passed)",
}


def walk_outer(ast):
    """The nodes of a rule outside aggregates' `where` conditions (those read the event table's columns)."""
    yield ast
    if ast.kind != "agg":
        for k in ast.kids:
            yield from walk_outer(k)


class EventData:
    """An event table's values in the shape RuleGen reads (values per column, one key per row)."""

    def __init__(self, et):
        self.values = et.values
        self.keys = list(range(et.n))

    def subset_values(self, rows):
        return {k: [v[i] for i in rows] for k, v in self.values.items()}


def agg_type(f, c):
    """[§Event aggregates] the result type of f over column c (None: the table)."""
    if f in ("count", "count_distinct"):
        return "int"
    if f == "exists":
        return "bool"
    if f == "avg":
        return "number"
    return c.type


class RuleGen:
    def __init__(self, rng, cols, data, today, now, skip=(), events=()):
        self.skip = set(skip)
        self.events = [] if "events" in self.skip else list(events)
        # one generator per event table for `where` conditions over its columns (no aggregates, no segments there)
        self.ev_gens = {et.name: RuleGen(rng, et.cols, EventData(et), today, now, skip) for et in self.events}
        self.rng = rng
        self.cols = [c for c in cols]
        self.by_type = {}
        for c in cols:
            self.by_type.setdefault(c.type, []).append(c)
        self.today = today
        self.now = now
        self.refs = []                    # names of earlier segments a rule may refer to
        # samples of the data, so that literals hit real values
        self.samples = {}
        for c in cols:
            vals = [v for v in data.values[c.name] if v is not None]
            self.samples[c.name] = [rng.choice(vals) for _ in range(60)] if vals else []
        self.const = False                # generating an all-constant subtree
        self.pool = []                    # conditions of earlier rules, for reuse
        # the first rows, to evaluate operands on and take literals from their values (so `=`/bounds hit)
        from evaluate import Ctx
        m = min(256, len(data.keys))
        idx = sorted(rng.sample(range(len(data.keys)), m))
        self.sample_ctx = Ctx(data.subset_values(idx), m, today, now, {})

    def register(self, name_prefix, ast):
        """Make a generated rule available to later rules as segments <prefix>_t/_f/_n, and its conditions available
        for reuse (the same condition in many segments is what the shared_conditions optimizer pass works on)."""
        from evaluate import ev
        for n in walk_outer(ast):
            if n.type == "bool" and n.kind not in ("lit", "ref", "col") and n.size() <= 12:
                self.pool.append(n)
        if len(self.pool) > 400:
            del self.pool[: len(self.pool) - 400]
        vals = ev(ast, self.sample_ctx)
        for s, c in (("t", True), ("f", False), ("n", None)):
            self.sample_ctx.refs["%s_%s" % (name_prefix, s)] = [v is c for v in vals]
            self.refs.append("%s_%s" % (name_prefix, s))

    def values_of(self, expr):
        """Non-NULL values expr takes on the sample rows."""
        from evaluate import ev
        try:
            vals = ev(expr, self.sample_ctx)
        except Exception:
            return []
        return [v for v in vals if v is not None and v is not M.U]

    def lit_from(self, expr, t=None):
        """A literal equal to (or next to) a value expr takes, or None."""
        t = t or expr.type
        vs = self.values_of(expr)
        if not vs:
            return None
        v = self.pick(vs)
        r = self.r()
        if t == "int" and isinstance(v, float):
            if v != v or abs(v) > 2 ** 62 or v != int(v):
                return None
            v = int(v)
        if isinstance(v, float) and v != 0 and abs(v) < 2.2250738585072014e-308 and "subnormal" in self.skip:
            return None
        if t == "int" or (t == "number" and isinstance(v, int)):
            if r < 0.2:
                v = v + self.pick([-1, 1])
            if t == "number":
                return M.lit_num(float(v), self.rng)
            return M.lit_int(v, self.rng) if INT_MIN <= v <= INT_MAX else None
        if t == "number":
            v = float(v)
            if r < 0.15:
                v = v + self.pick([-0.5, 0.5, 1.0])
            return M.lit_num(v, self.rng) if v == v and abs(v) != float("inf") else None
        if t in ("string", "enum"):
            return M.lit_str(v, self.rng)
        if t == "date":
            if isinstance(v, int) and expr.type == "timestamp":
                v = v // DAY_US
            if r < 0.2:
                v += self.pick([-1, 1])
            return M.lit_date(min(max(v, 1), MAX_ORD))
        if t == "timestamp":
            if expr.type == "date":
                v = v * DAY_US
            if r < 0.2:
                v += self.pick([-1, 1, -1_000_000, 1_000_000])
            v = min(max(v, MIN_TS), MAX_TS)
            return M.lit_ts(v, local_ts_text(self.rng, v))
        return None

    def near(self, expr, t=None):
        """A literal for comparing with expr: mostly from its values, else from the general pools."""
        t = t or expr.type
        if self.r() < 0.65:
            n = self.lit_from(expr, t)
            if n is not None:
                return n
        return self.lit_of("string" if t == "enum" else t)

    # ---- helpers -------------------------------------------------------------------------------------------
    def r(self):
        return self.rng.random()

    def pick(self, xs):
        return self.rng.choice(xs)

    def st(self):
        return M.new_style(self.rng)

    def col(self, t):
        if self.events and not self.const and self.r() < 0.2:
            a = self.agg(t)
            if a is not None:
                return a
        cs = self.by_type.get(t)
        if not cs or self.const:
            return None
        c = self.pick(cs)
        return Node("col", type=c.type, val=c.name, enum=c.enum)

    def sample(self, t):
        cs = [c for c in self.by_type.get(t, []) if self.samples[c.name]]
        if not cs:
            return None
        return self.pick(self.samples[self.pick(cs).name])

    def maybe_paren(self, n):
        if self.r() < 0.04:
            return mk("paren", [n])
        return n

    # ---- literals -------------------------------------------------------------------------------------------
    def lit_int(self):
        r = self.r()
        v = None
        if r < 0.45:
            v = self.sample("int")
        elif r < 0.75:
            v = self.pick(INT_EDGES)
        if v is None:
            v = self.rng.randint(-20, 120)
        return M.lit_int(v, self.rng)

    def lit_num(self):
        r = self.r()
        v = None
        if r < 0.4:
            v = self.sample("number")
        elif r < 0.75:
            v = self.pick(FLOAT_EDGES)
        elif r < 0.85:
            iv = self.sample("int")
            if iv is not None:
                v = float(iv)
        if v is None or ("subnormal" in self.skip and v != 0 and abs(v) < 2.2250738585072014e-308):
            v = self.rng.randint(-400, 400) / 4
        return M.lit_num(v, self.rng)

    def lit_str_value(self):
        r = self.r()
        v = None
        if r < 0.5:
            v = self.sample("string")
        elif r < 0.6:
            v = self.sample("enum")
        elif r < 0.75:
            s = self.sample("string")
            if s:
                i = self.rng.randrange(len(s))
                v = s[i:i + self.rng.randint(1, 4)]
        if v is None:
            v = self.pick(STRING_EDGES)
        return v

    def lit_str(self, v=None):
        return M.lit_str(self.lit_str_value() if v is None else v, self.rng)

    def lit_date(self):
        r = self.r()
        v = None
        if r < 0.4:
            v = self.sample("date")
        elif r < 0.7:
            v = self.today + self.rng.randint(-400, 30)
        elif r < 0.85:
            v = datetime.date.fromisoformat(self.pick(
                ["0001-01-01", "9999-12-31", "2000-02-29", "1900-02-28", "2100-02-28", "2024-02-29", "2023-03-31",
                 "1970-01-01", "2026-11-23", "2025-01-31"])).toordinal()
        if v is None:
            v = self.rng.randint(1, MAX_ORD)
        return M.lit_date(min(max(v, 1), MAX_ORD))

    def lit_ts(self):
        r = self.r()
        v = None
        if r < 0.4:
            v = self.sample("timestamp")
        elif r < 0.7:
            v = self.now + self.rng.randint(-86400 * 40, 3600) * 1_000_000
        elif r < 0.8:
            v = self.pick([MIN_TS, MAX_TS, 719163 * DAY_US, self.today * DAY_US])
        if v is None:
            v = self.rng.randint(MIN_TS, MAX_TS)
        v = min(max(v, MIN_TS), MAX_TS)
        # timestamps literals: Z, zone offset, no zone, or without seconds ([§Literals])
        if v % 60_000_000 == 0 and self.r() < 0.3:
            text = M.ts_text(v)[:16]
        else:
            text = local_ts_text(self.rng, v)
        return M.lit_ts(v, text)

    def dur(self, date_only):
        units = M.DATE_UNITS if date_only else M.UNITS
        unit = self.pick(units)
        r = self.r()
        if r < 0.7:
            a = self.rng.randint(0, 40)
        elif r < 0.9:
            a = self.rng.randint(0, 5000)
        else:
            a = self.pick([1_000_000, 999_999, 3_652_059, 120_000, 500_000])
            a = min(a, 1_000_000)
        return M.dur(a, unit, self.rng)

    # ---- typed expressions ----------------------------------------------------------------------------------
    def g_num(self, d):
        return self.g_int(d) if self.r() < 0.5 else self.g_number(d)

    def g_int(self, d):
        rng = self.rng
        if d <= 0 or self.r() < 0.35:
            c = self.col("int") if self.r() < 0.7 else None
            return c or self.lit_int()
        k = self.pick(["arith", "arith", "arith", "neg", "abs", "length", "dt", "coalesce", "constpair"])
        if k == "arith":
            n = mk("arith", [self.g_int(d - 1), self.g_int(d - 1)], op=self.pick("+-*%"))
        elif k == "constpair":
            a, b = self.pick(CONST_INT_PAIRS)
            n = mk("arith", [M.lit_int(a), M.lit_int(b)], op=self.pick("+-*%"))
        elif k == "neg":
            n = mk("neg", [self.g_int(d - 1)], style=self.st())
        elif k == "abs":
            n = mk("func", [self.g_int(d - 1)], val="abs")
        elif k == "length":
            arg = None
            if self.r() < 0.3:
                arg = self.col("list")
            if arg is None and self.r() < 0.2:
                arg = self.col("enum")
            n = mk("func", [arg or self.g_str(d - 1)], val="length")
        elif k == "dt":
            n = mk("func", [self.g_temporal(d - 1)], val=self.pick(["year", "month", "day_of_week", "days_since"]))
        else:
            n = self.coalesce("int", d)
        return self.maybe_paren(n)

    def g_number(self, d):
        if d <= 0 or self.r() < 0.35:
            c = self.col("number") if self.r() < 0.7 else None
            return c or self.lit_num()
        k = self.pick(["arith", "arith", "div", "neg", "abs", "round", "round", "coalesce"])
        if k == "round" and "round" in self.skip:
            k = "abs"
        if k == "arith":
            a, b = self.g_number(d - 1), self.g_num(d - 1)
            if self.r() < 0.5:
                a, b = b, a
            n = mk("arith", [a, b], op=self.pick("+-*%"))
        elif k == "div":
            n = mk("arith", [self.g_num(d - 1), self.g_num(d - 1)], op="/")
        elif k == "neg":
            n = mk("neg", [self.g_number(d - 1)], style=self.st())
        elif k == "abs":
            n = mk("func", [self.g_number(d - 1)], val="abs")
        elif k == "round":
            x = self.g_num(d - 1) if self.r() < 0.6 else (self.col("number") or self.lit_num())
            if self.r() < 0.5:
                n = mk("func", [x], val="round")
            else:
                dg = self.pick([0, 1, 2, 3, -1, -2, -3, 5, 10, 15, 17, 20, -10, -20, 300, -300, 308, -308, 309,
                                -309, 400, -400])
                digits = M.lit_int(dg) if self.r() < 0.8 else self.g_int(d - 1)
                n = mk("func", [x, digits], val="round")
        else:
            n = self.coalesce("number", d)
        return self.maybe_paren(n)

    def coalesce(self, t, d):
        k = self.rng.randint(2, 4)
        args = []
        for i in range(k):
            if self.r() < 0.15:
                args.append(M.lit_null(self.st()))
            elif t == "int":
                args.append(self.g_int(d - 1))
            elif t == "number":
                args.append(self.g_num(d - 1))
            elif t == "string":
                e = self.col("enum") if self.r() < 0.2 else None
                args.append(e or self.g_str(d - 1))
            elif t == "date":
                args.append(self.g_date(d - 1))
            elif t == "timestamp":
                args.append(self.g_temporal(d - 1))
            elif t == "bool":
                args.append(self.g_bool_operand(d - 1))
        if all(a.type == "null" for a in args):
            args[-1] = {"int": self.lit_int, "number": self.lit_num, "string": self.lit_str,
                        "date": self.lit_date, "timestamp": self.lit_ts,
                        "bool": lambda: M.lit_bool(self.r() < 0.5)}[t]()
        n = mk("func", args, val="coalesce")
        if t == "number" and n.type == "int":
            args.append(self.lit_num())
            n = mk("func", args, val="coalesce")
        if t == "string" and n.type == "enum":
            args.append(self.lit_str())          # coalesce of enums alone is an enum, which has no order
            n = mk("func", args, val="coalesce")
        if t == "timestamp" and n.type == "date":
            args.append(self.g_ts(0))
            n = mk("func", args, val="coalesce")
        return n

    def g_str(self, d):
        if d <= 0 or self.r() < 0.45:
            c = self.col("string") if self.r() < 0.7 else None
            return c or self.lit_str()
        k = self.pick(["lower", "upper", "coalesce"])
        if k in ("lower", "upper"):
            arg = self.col("enum") if self.r() < 0.25 else None
            n = mk("func", [arg or self.g_str(d - 1)], val=k)
        else:
            n = self.coalesce("string", d)
        return self.maybe_paren(n)

    def g_date(self, d):
        if d <= 0 or self.r() < 0.4:
            r = self.r()
            if r < 0.6:
                c = self.col("date")
                if c:
                    return c
            if r < 0.8:
                return mk("today", style=self.st())
            return self.lit_date()
        if self.r() < 0.8:
            n = mk("dateadd", [self.g_date(d - 1), self.dur(True)], op=self.pick("+-"))
        else:
            n = self.coalesce("date", d)
        return self.maybe_paren(n)

    def g_ts(self, d):
        if d <= 0 or self.r() < 0.4:
            r = self.r()
            if r < 0.6:
                c = self.col("timestamp")
                if c:
                    return c
            if r < 0.8:
                return mk("now", style=self.st())
            return self.lit_ts()
        if self.r() < 0.8:
            n = mk("dateadd", [self.g_ts(d - 1), self.dur(False)], op=self.pick("+-"))
        else:
            n = self.coalesce("timestamp", d)
        return self.maybe_paren(n)

    def g_temporal(self, d):
        return self.g_date(d) if self.r() < 0.5 else self.g_ts(d)

    # ---- conditions -----------------------------------------------------------------------------------------
    def g_bool_operand(self, d):
        """A bool-typed operand for `=`, `in`, coalesce: a bool column, a literal, or a condition."""
        r = self.r()
        if r < 0.5:
            c = self.col("bool")
            if c:
                return c
        if r < 0.65:
            return M.lit_bool(self.r() < 0.5, self.st())
        return self.g_bool(max(d, 0))

    def g_bool(self, d, top=False):
        rng = self.rng
        if self.pool and not self.const and self.r() < 0.12:
            n = self.pick(self.pool).copy()
            return mk("not", [n], style=self.st()) if self.r() < 0.3 else n
        if d > 0 and self.r() < (0.45 if top else 0.3):
            k = self.pick(["and", "and", "or", "or", "not", "pattern"])
            if k in ("and", "or"):
                kids = [self.g_bool(d - 1) for _ in range(rng.randint(2, 4))]
                n = mk(k, kids, style=self.st())
            elif k == "not":
                n = mk("not", [self.g_bool(d - 1)], style=self.st())
            else:
                n = self.pattern(d)
            return self.maybe_paren(n)
        if not self.const and self.r() < 0.06:
            self.const = True
            try:
                n = self.g_pred(max(d, 2))
            finally:
                self.const = False
            return n
        return self.g_pred(d)

    def g_pred(self, d):
        k = self.pick(["probe"] * 16 + ["numcmp", "numcmp", "numcmp", "strcmp", "strcmp", "enumcmp", "datecmp", "datecmp",
                       "boolcmp", "nullcmp", "between", "between", "in", "in", "in", "isnull", "text", "text",
                       "matches", "lcontains", "anyall", "within", "ba", "boolcol", "boolcol", "boollit", "ref",
                       "ref"] + ["agg"] * 5)
        if self.const and k in ("boolcol", "ref", "lcontains", "enumcmp", "probe"):
            k = "numcmp"
        m = getattr(self, "p_" + k)(d)
        if m is None:
            m = self.p_numcmp(d)
        return m

    # ---- probes: transforms of one column compared with values they take -------------------------------------
    def transform(self, x):
        """x wrapped in one more operation, chosen by x's type."""
        t = x.type
        r = self.r()
        S = self.st
        if t == "int":
            k = self.pick([-7, -3, -1, 2, 3, 7, 10, 1000, 0, 86400, 3037000500, INT_MAX, INT_MIN])
            op = self.pick(["+", "-", "*", "%", "%", "%/", "/", "abs", "neg", "coalesce", "round"])
            if op == "abs":
                return mk("func", [x], val="abs")
            if op == "neg":
                return mk("neg", [x], style=S())
            if op == "coalesce":
                return mk("func", [x, M.lit_int(k)], val="coalesce")
            if op == "round" and "round" not in self.skip:
                return mk("func", [x, M.lit_int(self.pick([-1, -2, -3, 0]))], val="round")
            if op == "round":
                op = "+"
            if op == "%/":
                return mk("arith", [M.lit_int(k), x], op="%")
            return mk("arith", [x, M.lit_int(k)] if r < 0.8 else [M.lit_int(k), x], op=op)
        if t == "number":
            op = self.pick(["+", "-", "*", "/", "%", "abs", "neg", "round", "round"])
            k = self.pick([0.5, -2.5, 3.0, 0.1, 7, -3, 1e-3, 1000, 0])
            kn = M.lit_num(float(k)) if isinstance(k, float) else M.lit_int(k)
            if op == "abs":
                return mk("func", [x], val="abs")
            if op == "neg":
                return mk("neg", [x], style=S())
            if op == "round":
                if "round" in self.skip:
                    return mk("func", [x], val="abs")
                return mk("func", [x, M.lit_int(self.pick([0, 1, 2, -1, -2]))] if r < 0.6 else [x], val="round")
            return mk("arith", [x, kn] if r < 0.8 else [kn, x], op=op)
        if t in ("string", "enum"):
            op = self.pick(["lower", "upper", "length", "length", "coalesce"])
            if op == "coalesce":
                return mk("func", [x, M.lit_str(self.pick(["", "zz", "Abc"]))], val="coalesce")
            return mk("func", [x], val=op)
        if t == "list":
            return mk("func", [x], val="length")
        if t in ("date", "timestamp"):
            op = self.pick(["+", "-", "+", "-", "year", "month", "day_of_week", "days_since"])
            if op in "+-":
                unit = self.pick(["months", "months", "years", "days", "weeks"] +
                                 (["hours", "minutes", "seconds"] if t == "timestamp" else []))
                amount = self.pick([1, 1, 2, 3, 6, 11, 12, 13, 24, 30, 31, 365, 366, 1461, 10000])
                return mk("dateadd", [x, M.dur(amount, unit, self.rng)], op=op)
            return mk("func", [x], val=op)
        return x

    def p_probe(self, d):
        t = self.pick(["int", "int", "number", "string", "string", "date", "date", "timestamp", "enum", "list"])
        x = self.col(t)
        if x is None:
            return None
        for _ in range(self.pick([1, 1, 2, 2, 3])):
            x = self.transform(x)
            if x.type == "list":
                x = self.transform(x)
        r = self.r()
        if r < 0.3:
            # two transforms of the same column: `d + 1 month - 1 month = d`, `lower(s) = s`, `i % 7 = abs(i) % 7`
            base = x
            while base.kids and base.kind not in ("col", "agg"):
                base = base.kids[0]
            y = base.copy()
            for _ in range(self.pick([0, 1, 2])):
                y = self.transform(y)
            cls = {"int": "num", "number": "num", "string": "str", "enum": "str", "date": "time", "timestamp": "time"}
            if cls.get(x.type) and cls.get(x.type) == cls.get(y.type):
                if x.type == "enum" or y.type == "enum":
                    x, y = (mk("func", [x], val="lower") if x.type == "enum" else x,
                            mk("func", [y], val="upper") if y.type == "enum" else y)
                return mk("cmp", [x, y], op=self.pick(["=", "!=", "<", "<=", ">", ">="]), style=self.st())
        if x.type in ("string", "enum") and r < 0.45:
            return self.p_text_on(x)
        if x.type == "enum":
            x = mk("func", [x], val="lower")
        lit = self.lit_from(x, x.type) or self.lit_of(x.type)
        ops = ["=", "=", "!=", "<", "<=", ">", ">="]
        if r < 0.25:
            return mk("between", [x, lit, self.lit_from(x, x.type) or lit.copy()], neg=self.r() < 0.3,
                      style=self.st())
        if r < 0.45:
            # many of the values x takes: the answer then depends on the exact value on many rows
            n = self.pick([1, 2, 3, 10, 30, 60])
            items = []
            for _ in range(n):
                it = self.lit_from(x, x.type)
                if it is not None and all(it.text != o.text for o in items):
                    items.append(it)
            if x.type == "int" and "mixed-in" in self.skip:
                items = [i for i in items if i.type == "int"]
            return mk("in", [x, lit] + items, neg=self.r() < 0.3, style=self.st())
        a, b = (x, lit) if self.r() < 0.8 else (lit, x)
        return mk("cmp", [a, b], op=self.pick(ops), style=self.st())

    def p_text_on(self, x):
        vs = self.values_of(x)
        op = self.pick(["contains", "starts", "ends"])
        v = self.pick(vs) if vs else "a"
        i, j = sorted(self.rng.randint(0, len(v)) for _ in range(2))
        p = M.lit_str(v[:j] if op == "starts" else v[i:] if op == "ends" else v[i:j], self.rng)
        return mk("text", [x, p], op=op, neg=self.r() < 0.3, style=self.st())

    def operand(self, t, d):
        return {"int": self.g_int, "number": self.g_number, "string": self.g_str, "date": self.g_date,
                "timestamp": self.g_ts}[t](d)

    def lit_of(self, t):
        return {"int": self.lit_int, "number": self.lit_num, "string": self.lit_str, "date": self.lit_date,
                "timestamp": self.lit_ts}[t]()

    def p_numcmp(self, d):
        a = self.g_num(d - 1)
        b = self.near(a, self.pick(["int", "number", a.type, a.type])) if self.r() < 0.6 else self.g_num(d - 1)
        if self.r() < 0.2:
            a, b = b, a
        return mk("cmp", [a, b], op=self.pick(["=", "!=", "<", "<=", ">", ">="]), style=self.st())

    def p_strcmp(self, d):
        a = self.g_str(d - 1)
        b = self.near(a, "string") if self.r() < 0.6 else self.g_str(d - 1)
        if self.r() < 0.2:
            a, b = b, a
        return mk("cmp", [a, b], op=self.pick(["=", "!=", "<", "<=", ">", ">="]), style=self.st())

    def enum_item(self, e, d):
        """Something an enum may be compared with: one of its values, another enum, or a string expression."""
        r = self.r()
        if r < 0.7:
            return M.lit_str(self.pick(e.enum), self.rng)
        if r < 0.85:
            o = self.col("enum")
            if o:
                return o
        s = self.g_str(d - 1)
        if s.kind == "lit":                   # a literal must be a value of the enum (E107)
            return M.lit_str(self.pick(e.enum), self.rng)
        return s

    def p_enumcmp(self, d):
        e = self.col("enum")
        if not e:
            return None
        b = self.enum_item(e, d)
        a = e
        if self.r() < 0.3:
            a, b = b, a
        return mk("cmp", [a, b], op=self.pick(["=", "!="]), style=self.st())

    def p_datecmp(self, d):
        a = self.g_temporal(d - 1)
        b = self.near(a, self.pick(["date", "timestamp", a.type])) if self.r() < 0.6 else self.g_temporal(d - 1)
        return mk("cmp", [a, b], op=self.pick(["=", "!=", "<", "<=", ">", ">="]), style=self.st())

    def p_boolcmp(self, d):
        a = self.g_bool_operand(d - 1)
        b = self.g_bool_operand(d - 1) if self.r() < 0.4 else M.lit_bool(self.r() < 0.5, self.st())
        return mk("cmp", [a, b], op=self.pick(["=", "!="]), style=self.st())

    def p_nullcmp(self, d):
        # `x = null` is NULL for every customer (W001)
        t = self.pick(["int", "number", "string", "date", "timestamp"])
        a = self.operand(t, d - 1)
        n = M.lit_null(self.st())
        return mk("cmp", [a, n] if self.r() < 0.7 else [n, a], op=self.pick(["=", "!=", "<", ">="]),
                  style=self.st())

    def p_between(self, d):
        t = self.pick(["int", "number", "string", "date", "timestamp", "num"])
        if t == "num":
            x = self.g_num(d - 1)
            lo, hi = self.near(x, self.pick(["int", "number"])), self.near(x, self.pick(["int", "number"]))
        else:
            x = self.operand(t, d - 1)
            if t in ("date", "timestamp") and self.r() < 0.3:
                lo, hi = self.g_temporal(d - 1), self.g_temporal(d - 1)
            else:
                lo, hi = self.near(x, t), self.near(x, t)
        r = self.r()
        if r < 0.15:
            hi = lo.copy()                     # equal bounds
        elif r < 0.6 and lo.kind == "lit" and hi.kind == "lit" and lo.type == hi.type and hi.val < lo.val:
            lo, hi = hi, lo                    # mostly ordered bounds; reversed ones stay sometimes
        return mk("between", [x, lo, hi], neg=self.r() < 0.3, style=self.st())

    def p_in(self, d):
        t = self.pick(["int", "int", "number", "string", "enum", "date", "timestamp", "bool"])
        if t == "bool" and "bool-in" in self.skip:
            t = "string"
        items = []
        k = self.pick([1, 1, 2, 3, 4, 6])
        if t == "enum":
            x = self.col("enum")
            if not x:
                return None
            for _ in range(k):
                items.append(self.enum_item(x, d))
        elif t == "bool":
            x = self.g_bool_operand(d - 1)
            for _ in range(k):
                items.append(M.lit_bool(self.r() < 0.5, self.st()) if self.r() < 0.8 else self.g_bool_operand(0))
        else:
            x = self.operand(t, d - 1)
            for _ in range(k):
                r = self.r()
                if r < 0.5 and (t not in ("int", "number") or "mixed-in" not in self.skip or x.type == t):
                    items.append(self.near(x, x.type if x.type != "enum" else "string"))
                elif t in ("int", "number") and "mixed-in" in self.skip:
                    items.append(self.near(x, x.type))
                elif t in ("int", "number"):
                    if r < 0.45:
                        items.append(self.lit_int())
                    elif r < 0.8:
                        items.append(self.lit_num())
                    elif r < 0.9 and t == "int" and x.kind == "col":
                        # an int column's own value written as a decimal (42 and 42.0)
                        v = self.sample("int")
                        items.append(M.lit_num(float(v)) if v is not None else self.lit_num())
                    else:
                        items.append(self.g_num(0))
                elif t in ("date", "timestamp"):
                    items.append(self.lit_of(self.pick(["date", "timestamp", t])) if r < 0.85
                                 else self.g_temporal(0))
                else:
                    items.append(self.lit_str() if r < 0.85 else self.g_str(0))
        if self.r() < 0.2:
            items.insert(self.rng.randrange(len(items) + 1), M.lit_null(self.st()))
        return mk("in", [x] + items, neg=self.r() < 0.35, style=self.st())

    def p_isnull(self, d):
        t = self.pick(["int", "number", "string", "date", "timestamp", "enum", "list", "bool", "bool"])
        if t in ("enum", "list"):
            x = self.col(t)
            if x is None:
                return None
        elif t == "bool":
            x = self.g_bool_operand(d - 1)
        else:
            x = self.operand(t, d - 1)
        return mk("isnull", [x], neg=self.r() < 0.4, style=self.st())

    def text_subject(self, d):
        e = self.col("enum") if self.r() < 0.2 else None
        return e or self.g_str(d - 1)

    def p_text(self, d):
        x = self.text_subject(d)
        r = self.r()
        vs = self.values_of(x)
        op = self.pick(["contains", "starts", "ends"])
        if r < 0.5 and vs:
            v = self.pick(vs)
            i, j = sorted(self.rng.randint(0, len(v)) for _ in range(2))
            p = M.lit_str(v[:j] if op == "starts" else v[i:] if op == "ends" else v[i:j], self.rng)
        elif r < 0.75:
            p = self.lit_str()
        elif r < 0.85:
            p = M.lit_str("", self.rng)
        else:
            p = self.g_str(d - 1)
        return mk("text", [x, p], op=op, neg=self.r() < 0.3,
                  style=self.st())

    def p_matches(self, d):
        x = self.text_subject(d)
        re2, py = self.regex()
        n = mk("text", [x, M.lit_str(re2, self.rng)], op="matches", neg=self.r() < 0.25, style=self.st())
        n.val = (re2, py)
        return n

    def regex(self):
        """A regex that RE2 and Python's re read the same way: literals, [classes], . * + ? {m,n} | ( ) ^ $."""
        parts_re, parts_py = [], []
        if self.r() < 0.35:
            parts_re.append("^")
            parts_py.append("^")
        for _ in range(self.rng.randint(1, 4)):
            atom = self.regex_atom()
            q = self.pick(["", "", "", "*", "+", "?", "{1,3}", "{2}", "{0,2}"])
            parts_re.append(atom + q)
            parts_py.append(atom + q)
        if self.r() < 0.3:
            parts_re.append("$")
            parts_py.append(r"\Z")            # RE2's `$` is end of text; Python's `$` also matches before a final \n
        return "".join(parts_re), "".join(parts_py)

    def regex_atom(self):
        r = self.r()
        if r < 0.5:
            s = self.lit_str_value() or "a"
            i = self.rng.randrange(len(s)) if s else 0
            ch = s[i:i + 1] or "a"
            if ch in REGEX_SPECIAL:
                ch = "\\" + ch
            return ch
        if r < 0.7:
            return self.pick(["[a-z]", "[A-Z0-9]", "[^,]", "[^ ]", "[0-9]", "[@.]", "[a-c]", "[^a-z]"])
        if r < 0.8:
            return "."
        alts = []
        for _ in range(self.rng.randint(2, 3)):
            s = self.lit_str_value()[:3] or "x"
            alts.append("".join("\\" + c if c in REGEX_SPECIAL else c for c in s))
        return "(" + "|".join(alts) + ")"

    def p_lcontains(self, d):
        x = self.col("list")
        if not x:
            return None
        it = M.lit_str(self.pick(LIST_VOCAB + ["", "nope"]), self.rng) if self.r() < 0.8 else self.g_str(d - 1)
        return mk("lcontains", [x, it], op="contains", neg=self.r() < 0.2, style=self.st())

    def p_anyall(self, d):
        x = self.col("list") if self.r() < 0.65 else self.g_str(d - 1)
        if x is None:
            x = self.g_str(d - 1)
        items = []
        for _ in range(self.pick([1, 2, 3, 4])):
            r = self.r()
            if r < 0.05:
                items.append(M.lit_null(self.st()))
            elif r < 0.85:
                items.append(M.lit_str(self.pick(LIST_VOCAB) if x.type == "list" else self.lit_str_value(),
                                       self.rng))
            else:
                items.append(self.g_str(0))
        return mk("anyall", [x] + items, op=self.pick(["any", "all"]), style=self.st())

    def p_within(self, d):
        x = self.g_temporal(d - 1)
        return mk("within", [x, self.dur(x.type == "date")], style=self.st())

    def p_ba(self, d):
        x = self.g_temporal(d - 1)
        y = self.g_temporal(d - 1) if self.r() < 0.5 else self.lit_of(self.pick(["date", "timestamp"]))
        return mk("ba", [x, y], op=self.pick(["before", "after"]), style=self.st())

    # ---- event aggregates [§Event aggregates] --------------------------------------------------------------------
    def agg(self, t):
        """A random aggregate whose result has type t, or None."""
        if not self.events or self.const:
            return None
        cands = []
        for et in self.events:
            timed = et.time is not None
            if t == "int":
                cands += [("count", et, None)] * 3
            if t == "bool":
                cands += [("exists", et, None)] * 3
            for c in et.cols:
                if t == "int":
                    cands.append(("count", et, c))
                    if c.type != "list":
                        cands.append(("count_distinct", et, c))
                if t == "bool":
                    cands.append(("exists", et, c))
                if t == "number" and (c.type == "number" or c.type == "int"):
                    cands.append(("avg", et, c))
                if c.type != t:
                    continue
                if t in ("int", "number"):
                    cands.append(("sum", et, c))
                if t not in ("bool", "list"):
                    cands += [("min", et, c), ("max", et, c)]
                if timed:
                    cands += [("first", et, c), ("last", et, c)]
        if not cands:
            return None
        f, et, c = self.pick(cands)
        win = self.window(et) if et.time is not None and self.r() < 0.6 else None
        kids = []
        if self.r() < 0.45:
            sub = self.ev_gens[et.name]
            kids = [sub.g_bool(self.pick([0, 1, 1, 2]))]
            if "where-e112" in self.skip:
                from evaluate import leaves_calendar
                if leaves_calendar(kids[0], self.today, self.now):
                    kids = []
        return Node("agg", kids, type=agg_type(f, c), val=f, op=(et.name, None if c is None else c.name),
                    enum=c.enum if c is not None and c.type == "enum" and f in ("min", "max", "first", "last")
                    else None, style=self.st(), win=win)

    def window(self, et):
        """A window on et's time column: within last / between / before / after, bounds in the calendar."""
        from evaluate import Ctx, ev, shift
        tt = et.time_type()
        is_ts = tt == "timestamp"
        k = self.pick(["within", "within", "between", "before", "after"])
        e112 = "where-e112" not in self.skip and self.r() < 0.03
        if k == "within":
            if e112:
                return ("within", M.dur(999_999, "days", self.rng))      # leaves the calendar: E112
            for _ in range(5):
                a, u = self.pick(WINDOW_AMOUNTS) if self.r() < 0.7 else self.dur(not is_ts).val
                if not is_ts and u not in M.DATE_UNITS:
                    continue
                if shift(self.now if is_ts else self.today, is_ts, -a, u) is not None:
                    return ("within", M.dur(a, u, self.rng))
            return None
        one = Ctx({}, 1, self.today, self.now, {})

        def bound():
            if e112:
                return mk("dateadd", [mk("today", style=self.st()), M.dur(999_999, "days", self.rng)], op="-")
            for _ in range(5):
                r = self.r()
                if r < 0.2:
                    b = mk(self.pick(["today", "now"]), style=self.st())
                elif r < 0.6:
                    base = mk(self.pick(["today", "now"]), style=self.st())
                    a, u = self.pick(WINDOW_AMOUNTS)
                    if base.kind == "today" and u not in M.DATE_UNITS:
                        a, u = a % 40 + 1, "days"
                    b = mk("dateadd", [base, M.dur(a, u, self.rng)], op=self.pick("--+"))
                elif r < 0.8:
                    b = M.lit_date(min(max(self.today - self.rng.randint(-10, 400), 1), MAX_ORD))
                else:
                    v = min(max(self.now - self.rng.randint(-86400, 86400 * 400) * 1_000_000, MIN_TS), MAX_TS)
                    b = M.lit_ts(v, local_ts_text(self.rng, v))
                if ev(b, one)[0] is not None:
                    return b
            return mk("today" if not is_ts else "now")
        if k == "between":
            lo, hi = bound(), bound()
            lv, hv = ev(lo, one)[0], ev(hi, one)[0]
            lv = lv * DAY_US if lo.type == "date" else lv
            hv = hv * DAY_US if hi.type == "date" else hv
            if hv < lv and self.r() < 0.8:
                lo, hi = hi, lo                # mostly ordered; reversed bounds pick nothing
            return ("between", lo, hi)
        return (k, bound())

    def p_agg(self, d):
        if not self.events or self.const:
            return None
        r = self.r()
        if r < 0.2:
            return self.agg("bool")            # exists(...), first/last of a bool column
        t = self.pick(["int", "int", "int", "number", "number", "date", "timestamp", "string", "enum"])
        a = self.agg(t)
        if a is None:
            return None
        if r < 0.3:
            return mk("isnull", [a], neg=self.r() < 0.4, style=self.st())
        if t == "enum":
            n = mk("cmp", [a, M.lit_str(self.pick(a.enum), self.rng)], op=self.pick(["=", "!="]), style=self.st())
        elif t in ("date", "timestamp") and self.r() < 0.4:
            if self.r() < 0.5:
                n = mk("within", [a, self.dur(a.type == "date")], style=self.st())
            else:
                n = mk("ba", [a, self.lit_of(self.pick(["date", "timestamp"]))], op=self.pick(["before", "after"]),
                       style=self.st())
        else:
            n = mk("cmp", [a, self.near(a, t)], op=self.pick(["=", "!=", "<", "<=", ">", ">="]), style=self.st())
        if r > 0.85:
            # the customers without events, said explicitly (W009's advice)
            et = a.op[0]
            ex = Node("agg", [], type="bool", val="exists", op=(et, None), style=self.st())
            if self.r() < 0.5:
                n = mk("or", [mk("not", [ex], style=self.st()), n], style=self.st())
            else:
                n = mk("and", [ex, n], style=self.st())
        return n

    def p_boolcol(self, d):
        return self.col("bool")

    def p_boollit(self, d):
        return M.lit_bool(self.r() < 0.5, self.st())

    def p_ref(self, d):
        if not self.refs or self.const:
            return None
        return Node("ref", type="bool", val=self.pick(self.refs))

    # ---- patterns the optimizer is likely to rewrite ---------------------------------------------------------
    def pattern(self, d):
        k = self.pick(["range", "range", "range", "absorb", "dneg", "one_in", "const", "negneg"])
        S = self.st
        if k == "range":
            t = self.pick(["int", "number", "string", "date", "timestamp", "int"])
            x = self.col(t) or self.operand(t, 1)
            k1 = self.near(x, t if self.r() < 0.7 else ("number" if t == "int" else t))
            k2 = self.near(x, t) if self.r() < 0.5 else k1.copy()
            ops = ["<", "<=", ">", ">=", "=", "!="]
            shape = self.pick(["and2", "or2", "between_eq", "between_rev", "and3", "mixed"])
            if shape in ("and2", "or2"):
                a = mk("cmp", [x.copy(), k1], op=self.pick(ops), style=S())
                b = mk("cmp", [x.copy(), k2], op=self.pick(ops), style=S())
                return mk("and" if shape == "and2" else "or", [a, b], style=S())
            if shape == "between_eq":
                return mk("between", [x.copy(), k1, k1.copy()], neg=self.r() < 0.3, style=S())
            if shape == "between_rev":
                lo, hi = k1, k2
                if lo.kind == "lit" and hi.kind == "lit" and lo.type == hi.type and lo.val < hi.val:
                    lo, hi = hi, lo
                return mk("between", [x.copy(), lo, hi], neg=self.r() < 0.3, style=S())
            if shape == "and3":
                kids = [mk("cmp", [x.copy(), self.near(x, t)], op=self.pick(ops), style=S()) for _ in range(3)]
                return mk(self.pick(["and", "or"]), kids, style=S())
            a = mk("cmp", [x.copy(), k1], op=self.pick(ops), style=S())
            b = mk("between", [x.copy(), k1.copy(), k2], neg=self.r() < 0.5, style=S())
            c = mk("in", [x.copy(), k2.copy()], neg=self.r() < 0.5, style=S())
            return mk(self.pick(["and", "or"]), [a, self.pick([b, c])], style=S())
        if k == "absorb":
            a = self.g_bool(d - 1)
            b = self.g_bool(d - 1)
            shape = self.pick(["or_and", "and_or", "dist", "taut", "contra"])
            if shape == "or_and":
                return mk("or", [a, mk("and", [a.copy(), b], style=S())], style=S())
            if shape == "and_or":
                return mk("and", [a, mk("or", [a.copy(), b], style=S())], style=S())
            if shape == "dist":
                c = self.g_bool(d - 1)
                return mk("or", [mk("and", [a, b], style=S()), mk("and", [a.copy(), c], style=S())], style=S())
            if shape == "taut":
                return mk("or", [a, mk("not", [a.copy()], style=S())], style=S())
            return mk("and", [a, mk("not", [a.copy()], style=S())], style=S())
        if k == "dneg":
            return mk("not", [mk("not", [self.g_bool(d - 1)], style=S())], style=S())
        if k == "negneg":
            x = self.g_num(d - 1)
            return mk("cmp", [mk("neg", [mk("neg", [x], style=S())], style=S()), self.lit_of("int")],
                      op=self.pick(["=", "<", ">="]), style=S())
        if k == "one_in":
            t = self.pick(["int", "number", "string", "date"])
            x = self.col(t) or self.operand(t, 1)
            return mk("in", [x, self.near(x, t)], neg=self.r() < 0.5, style=S())
        # an all-constant condition that folds to TRUE, FALSE or NULL
        self.const = True
        try:
            kids = [self.g_pred(2) for _ in range(self.rng.randint(1, 3))]
        finally:
            self.const = False
        return mk(self.pick(["and", "or"]), kids, style=S()) if len(kids) > 1 else kids[0]

    def rule(self):
        return self.g_bool(self.pick([1, 2, 2, 3, 3, 4]), top=True)


def sanity_rules(cols):
    """One rule per column, `(c is null) = (customer_id % 2 = 0)`: its counts change when a loader puts NULLs on the
    wrong rows (counts of `c is null` alone would not)."""
    out = []
    key = Node("col", type="int", val="customer_id")
    for c in cols:
        if c.name == "customer_id":
            continue
        col = Node("col", type=c.type, val=c.name, enum=c.enum)
        parity = mk("cmp", [mk("arith", [key, M.lit_int(2)], op="%"), M.lit_int(0)], op="=")
        out.append(mk("cmp", [mk("paren", [mk("isnull", [col])]), mk("paren", [parity])], op="="))
    return out
