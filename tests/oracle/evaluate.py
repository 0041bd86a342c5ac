"""The oracle's evaluator: docs/language.md, column at a time.

ev(node, ctx) returns one value per row (see model.py for the value representation). Section names of
docs/language.md are given as [§Name]. Where the docs are silent the choice is marked ASSUMPTION and listed in the
report (oracle README section "Doc ambiguities").
"""
import calendar
import datetime
import decimal
import math
import re

from model import (DAY_US, INT_MAX, INT_MIN, MAX_ORD, MAX_TS, MIN_ORD, MIN_TS, U, render)

# The run's event tables (name -> gen.EventTable), set once by oracle.py; aggregates read them. A Ctx's rows are
# customers, named by its `customer_id` column. Results per aggregate text (its identity), for every customer.
EVENTS = {}
_AGG_CACHE = {}


class Ctx:
    def __init__(self, table, n, today, now, refs):
        self.table = table      # column name -> list of values
        self.n = n
        self.today = today      # date ordinal
        self.now = now          # timestamp microseconds
        self.refs = refs        # segment name -> list of bool (membership)


# ---------------------------------------------------------------------------------------------------------------
# Scalar helpers


def chk_int(r):
    # [§Arithmetic] integer overflow (a result beyond the 64-bit range) is NULL
    return r if INT_MIN <= r <= INT_MAX else None


def chk_float(r):
    # ASSUMPTION (docs silent): a double result that overflows to +-inf (or is nan) is NULL, like integer overflow.
    return r if math.isfinite(r) else None


def int_rem(a, b):
    # [§Arithmetic] `%` follows the sign of the left operand (-7 % 3 is -1), as in C; never overflows
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def num_op(op, a, b, isint):
    """a op b for non-NULL numbers; isint: both operands are int ([§Arithmetic])."""
    if op == "/":
        if b == 0:
            return None                       # division by zero is NULL (0, 0.0 and -0.0 alike)
        if isint and a == INT_MIN and b == -1:
            # The docs contradict themselves here: "`/` always yields number" (so 9.223372036854775808e18) but
            # "`-9223372036854775808 / -1`" is given as an example of overflow, which is NULL.
            return U
        return chk_float(float(a) / float(b))
    if op == "%":
        if b == 0:
            return None                       # remainder by zero is NULL
        if isint:
            return int_rem(a, b)
        return chk_float(math.fmod(float(a), float(b)))
    if isint:
        if op == "+":
            return chk_int(a + b)
        if op == "-":
            return chk_int(a - b)
        return chk_int(a * b)
    a, b = float(a), float(b)
    if op == "+":
        return chk_float(a + b)
    if op == "-":
        return chk_float(a - b)
    return chk_float(a * b)


# ---- round ---------------------------------------------------------------------------------------------------
# ROUND SEMANTICS (being redefined; keep it in this one function): round the shortest decimal representation of
# the double (what Python's repr() prints) half away from zero to `digits` decimal places (digits may be negative),
# then convert back to the nearest double. [§Functions] "rounds half away from zero".
_RCTX = decimal.Context(prec=2000, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, rounding=decimal.ROUND_HALF_UP)


def round_half_away(x, digits=0):
    x = float(x)
    d = decimal.Decimal(repr(x))
    if digits >= 400:                         # no double has 400 decimal places: unchanged
        return x
    if digits <= -400:                        # |x| < 0.5e400: rounds to zero (keeping the sign)
        return math.copysign(0.0, x)
    if d.as_tuple().exponent >= -digits:      # already has at most `digits` decimals
        return x
    q = d.quantize(decimal.Decimal(1).scaleb(-digits), context=_RCTX)
    return chk_float(float(q))


# ---- dates and timestamps ([§Time]) --------------------------------------------------------------------------

def add_months_ord(o, months):
    # Months and years move the calendar and clamp to the end of the month (2026-03-31 - 1 month = 2026-02-28).
    d = datetime.date.fromordinal(o)
    m0 = d.year * 12 + (d.month - 1) + months
    y, m = divmod(m0, 12)
    m += 1
    if not 1 <= y <= 9999:
        return None                           # ASSUMPTION (docs silent): outside 0001-01-01..9999-12-31 is NULL
    day = min(d.day, calendar.monthrange(y, m)[1])
    return datetime.date(y, m, day).toordinal()


_UNIT_US = {"seconds": 1_000_000, "minutes": 60_000_000, "hours": 3_600_000_000, "days": DAY_US,
            "weeks": 7 * DAY_US}


def shift(value, is_ts, amount, unit):
    """value ± duration (amount already signed). date moves in whole days/weeks/months/years; weeks are 7 days;
    days on a timestamp are 24 hours; months/years move the calendar and clamp."""
    if unit in ("months", "years"):
        months = amount * (12 if unit == "years" else 1)
        if is_ts:
            o, tod = divmod(value, DAY_US)
            o2 = add_months_ord(o, months)
            return None if o2 is None else o2 * DAY_US + tod
        return add_months_ord(value, months)
    if is_ts:
        r = value + amount * _UNIT_US[unit]
        return r if MIN_TS <= r <= MAX_TS else None
    r = value + amount * (7 if unit == "weeks" else 1)
    return r if MIN_ORD <= r <= MAX_ORD else None


def to_us(v):
    # [§Types] a date compares with a timestamp as midnight UTC
    return v * DAY_US


# ---- text ----------------------------------------------------------------------------------------------------
_LOWER = {c: c + 32 for c in range(65, 91)}
_UPPER = {c: c - 32 for c in range(97, 123)}


def ascii_lower(s):
    return s.translate(_LOWER)                # [§Functions] ASCII letters only


def ascii_upper(s):
    return s.translate(_UPPER)


# ---------------------------------------------------------------------------------------------------------------
# Three-valued logic ([§NULL])


def and3(vals):
    undef = null = False
    for v in vals:
        if v is False:
            return False
        if v is U:
            undef = True
        elif v is None:
            null = True
    return U if undef else (None if null else True)


def or3(vals):
    undef = null = False
    for v in vals:
        if v is True:
            return True
        if v is U:
            undef = True
        elif v is None:
            null = True
    return U if undef else (None if null else False)


def not3(v):
    return v if v is None or v is U else (not v)


def lift1(f, A):
    return [None if a is None else (U if a is U else f(a)) for a in A]


def lift2(f, A, B):
    # a NULL operand gives NULL even when the other operand is undefined
    return [None if a is None or b is None else (U if a is U or b is U else f(a, b)) for a, b in zip(A, B)]


# ---------------------------------------------------------------------------------------------------------------
# Coercion to a comparison domain ([§Types])


def cmp_domain(ta, tb):
    s = {ta, tb} - {"null"}
    if s <= {"int"}:
        return "int"
    if s <= {"int", "number"}:
        # ASSUMPTION: "int and number mix (the result is number)": the int is converted to a double first.
        return "number"
    if s <= {"date"}:
        return "date"
    if s <= {"date", "timestamp"}:
        return "timestamp"
    if s <= {"string", "enum"}:
        return "string"                       # an enum compares with strings and enums as text
    if s <= {"bool"}:
        return "bool"
    raise TypeError("no comparison domain for %s, %s" % (ta, tb))


def coerce(A, t_from, t_to):
    if t_from == t_to or t_from == "null":
        return A
    if t_from == "int" and t_to == "number":
        return [v if v is None or v is U else float(v) for v in A]
    if t_from == "date" and t_to == "timestamp":
        return [v if v is None or v is U else v * DAY_US for v in A]
    return A                                  # enum -> string: same Python value


_CMP = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def compare(op, A, ta, B, tb):
    if ta == "null" or tb == "null":
        return [None] * len(A)                # `x = null` is NULL for every customer
    dom = cmp_domain(ta, tb)
    A = coerce(A, ta, dom)
    B = coerce(B, tb, dom)
    # strings compare byte-wise in UTF-8 order, which is code point order, which is how Python compares str
    return lift2(_CMP[op], A, B)


# ---------------------------------------------------------------------------------------------------------------


def ev(n, ctx):
    k = n.kind
    N = ctx.n
    if k == "lit":
        return [n.val] * N
    if k == "col":
        return ctx.table[n.val]
    if k == "agg":
        return ev_agg(n, ctx)
    if k == "ref":
        return ctx.refs[n.val]                # membership: TRUE or FALSE, never NULL [§Segment references]
    if k == "today":
        return [ctx.today] * N
    if k == "now":
        return [ctx.now] * N
    if k == "paren":
        return ev(n.kids[0], ctx)
    if k == "and":
        return [and3(vs) for vs in zip(*[ev(c, ctx) for c in n.kids])]
    if k == "or":
        return [or3(vs) for vs in zip(*[ev(c, ctx) for c in n.kids])]
    if k == "not":
        return [not3(v) for v in ev(n.kids[0], ctx)]
    if k == "neg":
        c = n.kids[0]
        A = ev(c, ctx)
        if c.type == "null":
            return [None] * N
        if c.type == "int":
            return lift1(lambda a: chk_int(-a), A)
        return lift1(lambda a: -a, A)
    if k == "arith":
        a, b = n.kids
        A, B = ev(a, ctx), ev(b, ctx)
        if a.type == "null" or b.type == "null":
            return [None] * N
        isint = a.type == "int" and b.type == "int"
        op = n.op
        return lift2(lambda x, y: num_op(op, x, y, isint), A, B)
    if k == "dateadd":
        x, d = n.kids
        amount, unit = d.val
        if n.op == "-":
            amount = -amount
        is_ts = x.type == "timestamp"
        return lift1(lambda v: shift(v, is_ts, amount, unit), ev(x, ctx))
    if k == "func":
        return ev_func(n, ctx)
    if k == "cmp":
        a, b = n.kids
        return compare(n.op, ev(a, ctx), a.type, ev(b, ctx), b.type)
    if k == "between":
        # [§between] x between a and b is a <= x and x <= b; not between is its negation
        x, lo, hi = n.kids
        X = ev(x, ctx)
        L = compare("<=", ev(lo, ctx), lo.type, X, x.type)
        H = compare("<=", X, x.type, ev(hi, ctx), hi.type)
        r = [and3(p) for p in zip(L, H)]
        return [not3(v) for v in r] if n.neg else r
    if k == "in":
        return ev_in(n, ctx)
    if k == "isnull":
        # never NULL themselves [§is null]
        X = ev(n.kids[0], ctx)
        if n.neg:
            return [U if v is U else v is not None for v in X]
        return [U if v is U else v is None for v in X]
    if k == "text":
        return ev_text(n, ctx)
    if k == "lcontains":
        # [§Lists] TRUE when an item equals the string; a NULL list gives NULL
        r = lift2(lambda lst, s: s in lst, ev(n.kids[0], ctx), ev(n.kids[1], ctx))
        return [not3(v) for v in r] if n.neg else r
    if k == "anyall":
        return ev_anyall(n, ctx)
    if k == "within":
        # [§Time] x within last D is today - D <= x <= today (date), now - D <= x <= now (timestamp)
        x, d = n.kids
        amount, unit = d.val
        X = ev(x, ctx)
        if x.type == "timestamp":
            base, is_ts = ctx.now, True
        else:
            base, is_ts = ctx.today, False
        lo = shift(base, is_ts, -amount, unit)
        t = x.type
        L = compare("<=", [lo] * N, t, X, t)
        H = compare("<=", X, t, [base] * N, t)
        return [and3(p) for p in zip(L, H)]
    if k == "ba":
        # x before D is x < D; x after D is x > D
        x, y = n.kids
        return compare("<" if n.op == "before" else ">", ev(x, ctx), x.type, ev(y, ctx), y.type)
    raise ValueError("cannot evaluate %s" % k)


def ev_in(n, ctx):
    """[§in] TRUE when x equals an item; NULL when x is NULL, or when no item matches and an item is NULL."""
    x = n.kids[0]
    X = ev(x, ctx)
    cols = []
    for it in n.kids[1:]:
        cols.append(compare("=", X, x.type, ev(it, ctx), it.type))
    out = [or3(vs) for vs in zip(*cols)]
    # x NULL -> NULL whatever the items are (or3 already gives NULL: every comparison is NULL)
    return [not3(v) for v in out] if n.neg else out


def ev_text(n, ctx):
    """[§Text] contains / starts with / ends with / matches on strings and enums, case-sensitive, byte-wise."""
    X = ev(n.kids[0], ctx)
    P = ev(n.kids[1], ctx)
    op = n.op
    if n.kids[1].type == "null":
        r = [None] * ctx.n
    elif op == "contains":
        r = lift2(lambda s, p: p in s, X, P)
    elif op == "starts":
        r = lift2(lambda s, p: s.startswith(p), X, P)
    elif op == "ends":
        r = lift2(lambda s, p: s.endswith(p), X, P)
    else:
        # matches anywhere unless anchored; the generator emits a Python pattern with the same meaning as the
        # RE2 one (n.val = (re2_text, python_text))
        rx = re.compile(n.val[1])
        r = lift1(lambda s: rx.search(s) is not None, X)
    return [not3(v) for v in r] if n.neg else r


def ev_anyall(n, ctx):
    """[§Lists] contains any: at least one given string is an item; contains all: every one is.
    On a string: substring tests. ASSUMPTION (docs silent on NULL items): the test is the or (any) / and (all)
    of the single `contains` tests under three-valued logic, so a NULL item acts like in `in (...)`."""
    x = n.kids[0]
    X = ev(x, ctx)
    tests = []
    for it in n.kids[1:]:
        I = ev(it, ctx)
        if it.type == "null":
            tests.append([None] * ctx.n)
        elif x.type == "list":
            tests.append(lift2(lambda lst, s: s in lst, X, I))
        else:
            tests.append(lift2(lambda s, p: p in s, X, I))
    comb = or3 if n.op == "any" else and3
    out = []
    for xv, vs in zip(X, zip(*tests)):
        out.append(None if xv is None else (U if xv is U else comb(vs)))
    return out


def ev_func(n, ctx):
    f = n.val
    args = n.kids
    N = ctx.n
    if f == "coalesce":
        # the first argument that is not NULL; NULL only if all are. Converted to the common type.
        t = n.type
        cols = [coerce(ev(a, ctx), a.type, t) if a.type != "null" else [None] * N for a in args]
        out = []
        for vs in zip(*cols):
            r = None
            for v in vs:
                if v is not None:
                    r = v
                    break
            out.append(r)
        return out
    A = ev(args[0], ctx)
    if args[0].type == "null":
        return [None] * N
    t = args[0].type
    if f == "lower":
        return lift1(ascii_lower, A)
    if f == "upper":
        return lift1(ascii_upper, A)
    if f == "length":
        return lift1(len, A)                  # code points of a string (Python str), items of a list
    if f == "abs":
        if t == "int":
            return lift1(lambda a: chk_int(abs(a)), A)   # abs of the smallest int is NULL
        return lift1(abs, A)
    if f == "round":
        if len(args) == 1:
            return lift1(round_half_away, A)
        if args[1].type == "null":
            return [None] * N
        return lift2(round_half_away, A, ev(args[1], ctx))
    if t == "timestamp":
        to_ord = lambda v: v // DAY_US         # UTC date of the timestamp
    else:
        to_ord = lambda v: v
    if f == "year":
        return lift1(lambda v: datetime.date.fromordinal(to_ord(v)).year, A)
    if f == "month":
        return lift1(lambda v: datetime.date.fromordinal(to_ord(v)).month, A)
    if f == "day_of_week":
        return lift1(lambda v: datetime.date.fromordinal(to_ord(v)).isoweekday(), A)
    if f == "days_since":
        today = ctx.today
        return lift1(lambda v: today - to_ord(v), A)   # whole days from the value's date to today
    raise ValueError("unknown function %s" % f)


def classify(values):
    """Counts of TRUE, FALSE, NULL, ignoring UNDEF rows."""
    t = f = nn = 0
    for v in values:
        if v is True:
            t += 1
        elif v is False:
            f += 1
        elif v is None:
            nn += 1
    return t, f, nn


# ---------------------------------------------------------------------------------------------------------------
# [§Time] "When constants alone move [a date or timestamp] out [of 0001-01-01..9999-12-31] (`today - 2026 years`,
# `9999-12-31 + 1 day`), no customer could ever match, so the rule is an error instead (E112)."


def _constant(n):
    return all(m.kind not in ("col", "ref", "agg") for m in n.walk())


def leaves_calendar(rule, today, now):
    """True when constants alone move a date or timestamp out of the calendar somewhere in `rule`: a date shift of a
    constant operand, or the lower bound (today - D, now - D) of `within last D`."""
    ctx = Ctx({}, 1, today, now, {})
    nodes = []
    for n in rule.walk():
        nodes.append(n)
        if n.kind == "agg" and n.win is not None:
            # [§Event aggregates] a window is the test of the time column as written elsewhere: `within last D` has
            # the lower bound today - D / now - D, and bounds are today/now arithmetic
            w = n.win
            if w[0] == "within":
                amount, unit = w[1].val
                ts = EVENTS[n.op[0]].time_type() == "timestamp"
                if shift(now if ts else today, ts, -amount, unit) is None:
                    return True
            else:
                for b in w[1:]:
                    nodes.extend(b.walk())
    for n in nodes:
        if n.kind == "dateadd" and _constant(n.kids[0]):
            x, d = n.kids
            base = ev(x, ctx)[0]
            if base is None or base is U:
                continue
            amount, unit = d.val
            if shift(base, x.type == "timestamp", -amount if n.op == "-" else amount, unit) is None:
                return True
        if n.kind == "within":
            x, d = n.kids
            amount, unit = d.val
            base, is_ts = (now, True) if x.type == "timestamp" else (today, False)
            if shift(base, is_ts, -amount, unit) is None:
                return True
    return False


# ---------------------------------------------------------------------------------------------------------------
# [§Event aggregates]


def agg_empty(n):
    """The value with no events (in the window, passing `where`): count, count_distinct, sum 0; exists FALSE; the
    others NULL."""
    f = n.val
    if f in ("count", "count_distinct"):
        return 0
    if f == "sum":
        return 0 if n.type == "int" else 0.0
    if f == "exists":
        return False
    return None


def ev_agg(n, ctx):
    key = (render(n), ctx.today, ctx.now)
    res = _AGG_CACHE.get(key)
    if res is None:
        res = _AGG_CACHE[key] = agg_all(n, ctx.today, ctx.now)
    empty = agg_empty(n)
    return [res.get(k, empty) for k in ctx.table["customer_id"]]


def window_mask(n, et, today, now):
    """Per event: TRUE when its time is in the window (or there is no window)."""
    N = et.n
    if n.win is None:
        return [True] * N
    T = et.values[et.time]
    tt = et.time_type()
    w = n.win
    one = Ctx({}, 1, today, now, {})
    if w[0] == "within":
        # `within last N UNIT`: now - N UNIT <= time <= now (timestamp column), today - N UNIT <= time <= today (date)
        amount, unit = w[1].val
        base, is_ts = (now, True) if tt == "timestamp" else (today, False)
        lo = shift(base, is_ts, -amount, unit)
        L = compare("<=", [lo] * N, tt, T, tt)
        H = compare("<=", T, tt, [base] * N, tt)
        return [and3(p) for p in zip(L, H)]
    if w[0] == "between":
        # A <= time <= B
        lo, hi = w[1], w[2]
        L = compare("<=", ev(lo, one) * N, lo.type, T, tt)
        H = compare("<=", T, tt, ev(hi, one) * N, hi.type)
        return [and3(p) for p in zip(L, H)]
    d = w[1]
    # before D: time < D; after D: time > D
    return compare("<" if w[0] == "before" else ">", T, tt, ev(d, one) * N, d.type)


def agg_all(n, today, now):
    """customer key -> value of the aggregate n, for every key that has events (orphans included, never read)."""
    table, column = n.op
    et = EVENTS[table]
    W = window_mask(n, et, today, now)
    if n.kids:
        C = ev(n.kids[0], Ctx(et.values, et.n, today, now, {}))
    else:
        C = [True] * et.n
    V = et.values[column] if column is not None else None
    T = et.values[et.time] if et.time is not None else None
    ctype = et.col_by[column].type if column is not None else None
    f = n.val
    out = {}
    for key, idxs in et.groups.items():
        sel = []
        undef = False
        for i in idxs:                        # in time order, file order among ties
            if W[i] is not True:
                continue
            c = C[i]
            if c is U:
                undef = True
            elif c is True:
                sel.append(i)
        if undef:
            out[key] = U
            continue
        if V is None:                         # count(E), exists(E)
            out[key] = len(sel) if f == "count" else len(sel) > 0
            continue
        sel = [i for i in sel if V[i] is not None]    # NULL values are skipped
        vals = [V[i] for i in sel]
        if f == "count":
            out[key] = len(vals)
        elif f == "exists":
            out[key] = len(vals) > 0
        elif f == "count_distinct":
            out[key] = len(set(vals))
        elif f in ("sum", "avg"):
            if not vals and f == "avg":
                out[key] = None
                continue
            # ASSUMPTION (docs: "no events: sum 0", "NULLs skipped"; silent on events whose values are all NULL):
            # the sum of no values is 0 however many events had NULL there.
            if ctype == "int":
                s = sum(vals)                 # exact whatever the order; NULL when it does not fit in 64 bits
                if f == "avg":                # the exact sum as a double over the count, never NULL (docs)
                    s = chk_float(float(s) / len(vals))
                else:
                    s = s if INT_MIN <= s <= INT_MAX else None
            else:
                # the events in time order (file order among ties; ASSUMPTION: file order without a time column),
                # one double addition each; NULL when not finite
                acc = 0.0
                for v in vals:
                    acc += v
                s = acc if math.isfinite(acc) else None
                if f == "avg":
                    s = None if s is None else chk_float(s / len(vals))
            out[key] = s
        elif f in ("min", "max"):
            # enums compare as text; strings byte-wise (code point order)
            out[key] = (min(vals) if f == "min" else max(vals)) if vals else None
        else:                                 # first / last: by time, ties broken by the smaller value
            if not vals:
                out[key] = None
                continue
            t = min(T[i] for i in sel) if f == "first" else max(T[i] for i in sel)
            tied = [V[i] for i in sel if T[i] == t]
            if ctype == "list" and len(set(tied)) > 1:
                out[key] = U                  # "the smaller value" of two lists: the docs do not say
            else:
                # ASSUMPTION: enums compare as text here as in min/max; false < true
                out[key] = min(tied)
    return out
