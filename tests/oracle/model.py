"""Values, types and the rule AST of the oracle, and the renderer that turns an AST into Segmint text.

Everything here follows docs/language.md only (section names are given in comments as [§Name]).

Value representation (shared by the data generator and the evaluator):
  int        Python int in [INT_MIN, INT_MAX]
  number     Python float (never inf/nan)
  string     Python str (also enum values)
  bool       True / False
  date       proleptic Gregorian ordinal (datetime.date.toordinal), 0001-01-01 = 1
  timestamp  microseconds: ordinal * DAY_US + microseconds since midnight UTC
  list       tuple of str
  NULL       None
  UNDEF      U: a value the docs do not pin down; rows where a rule depends on it are excluded
"""
import datetime

INT_MIN = -(2 ** 63)
INT_MAX = 2 ** 63 - 1
DAY_US = 86_400 * 1_000_000
MIN_ORD = 1
MAX_ORD = datetime.date(9999, 12, 31).toordinal()
MIN_TS = MIN_ORD * DAY_US
MAX_TS = MAX_ORD * DAY_US + DAY_US - 1


class _Undef:
    """Sentinel for values the docs leave open (see README/report: doc ambiguities)."""
    def __repr__(self):
        return "UNDEF"


U = _Undef()

# [§Lexical structure] reserved keywords (case-insensitive); a column with such a name needs backquotes.
KEYWORDS = set("""segment and or not in is null true false between contains any all starts ends with matches
today now within last before after second seconds minute minutes hour hours day days week weeks month months
year years where""".split())   # `where` since event aggregates (docs/language.md "Event aggregates")

UNITS = ("seconds", "minutes", "hours", "days", "weeks", "months", "years")
DATE_UNITS = ("days", "weeks", "months", "years")  # [§Time] a date moves in whole days, weeks, months, years

NUMERIC = ("int", "number")
TEMPORAL = ("date", "timestamp")
TEXTUAL = ("string", "enum")


# ---------------------------------------------------------------------------------------------------------------
# Value <-> text helpers


def date_text(o):
    d = datetime.date.fromordinal(o)
    return "%04d-%02d-%02d" % (d.year, d.month, d.day)


def ts_text(us, frac_digits=None):
    """ISO text in UTC with Z; frac_digits None = as many as needed (0, 3 or 6)."""
    o, tod = divmod(us, DAY_US)
    d = datetime.date.fromordinal(o)
    s, micro = divmod(tod, 1_000_000)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    base = "%04d-%02d-%02dT%02d:%02d:%02d" % (d.year, d.month, d.day, h, m, sec)
    if frac_digits is None:
        frac_digits = 0 if micro == 0 else (3 if micro % 1000 == 0 else 6)
    if frac_digits:
        base += "." + ("%06d" % micro)[:frac_digits]
    return base + "Z"


def float_text(v):
    """Shortest text of a double, in the literal syntax the docs show (`1e3`, `2.5E-2`: no `+` in exponents)."""
    t = repr(v)
    return t.replace("e+", "e")


# ---------------------------------------------------------------------------------------------------------------
# AST


class Node:
    """One rule node. kind selects the meaning; kids are child nodes; the rest is payload.

    kinds: lit col ref today now dur neg arith dateadd func cmp between in isnull text lcontains anyall within
           ba not and or paren agg
    agg (an event aggregate, [§Event aggregates]): val = function name, op = (table, column or None),
        win = None | ("within", dur) | ("between", lo, hi) | ("before", d) | ("after", d) (bounds: constant nodes),
        kids = [] or [where condition] (over the event table's columns)
    """
    __slots__ = ("kind", "type", "kids", "val", "text", "op", "neg", "style", "enum", "win")

    def __init__(self, kind, kids=(), type=None, val=None, text=None, op=None, neg=False, style=0, enum=None,
                 win=None):
        self.kind = kind
        self.kids = list(kids)
        self.type = type
        self.val = val
        self.text = text
        self.op = op
        self.neg = neg
        self.style = style
        self.enum = enum
        self.win = win

    def copy(self):
        win = None if self.win is None else (self.win[0],) + tuple(b.copy() for b in self.win[1:])
        n = Node(self.kind, [k.copy() for k in self.kids], self.type, self.val, self.text, self.op, self.neg,
                 self.style, self.enum, win)
        return n

    def size(self):
        return 1 + sum(k.size() for k in self.kids)

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()


def retype(n):
    """Recompute the static type of n from its children ([§Types], [§Operators], [§Functions])."""
    k = n.kind
    if k in ("lit", "col", "ref", "dur", "agg"):
        return n.type
    if k == "today":
        n.type = "date"
    elif k == "now":
        n.type = "timestamp"
    elif k == "paren":
        n.type = n.kids[0].type
        n.enum = n.kids[0].enum
    elif k == "neg":
        n.type = "number" if n.kids[0].type == "number" else "int"
    elif k == "arith":
        a, b = n.kids[0].type, n.kids[1].type
        # int op int is int, except `/`, which always yields number; int and number mix to number.
        n.type = "int" if (a in ("int", "null") and b in ("int", "null") and n.op != "/") else "number"
    elif k == "dateadd":
        n.type = n.kids[0].type
    elif k == "func":
        f = n.val
        if f in ("lower", "upper"):
            n.type = "string"
        elif f in ("length", "year", "month", "day_of_week", "days_since"):
            n.type = "int"
        elif f == "abs":
            n.type = "number" if n.kids[0].type == "number" else "int"
        elif f == "round":
            n.type = "number"
        elif f == "coalesce":
            n.type = common_type([c.type for c in n.kids])
    else:
        n.type = "bool"
    return n.type


def common_type(ts):
    ts = [t for t in ts if t != "null"]
    if not ts:
        return "null"
    s = set(ts)
    if s <= set(NUMERIC):
        return "number" if "number" in s else "int"
    if s <= set(TEMPORAL):
        return "timestamp" if "timestamp" in s else "date"
    if s <= set(TEXTUAL):
        return "enum" if s == {"enum"} else "string"
    return ts[0]


def mk(kind, kids=(), **kw):
    n = Node(kind, kids, **kw)
    retype(n)
    return n


# ---------------------------------------------------------------------------------------------------------------
# Rendering ([§Operators] precedence table, [§Grammar])

PREC_PRED = 4


def prec(n):
    k = n.kind
    if k == "or":
        return 1
    if k == "and":
        return 2
    if k == "not":
        return 3
    if k in ("cmp", "between", "in", "isnull", "text", "lcontains", "anyall", "within", "ba"):
        return 4
    if k == "dateadd" or (k == "arith" and n.op in "+-"):
        return 5
    if k == "arith":
        return 6
    if k == "neg":
        return 7
    if k == "lit" and n.type in NUMERIC and n.text.startswith("-"):
        return 7
    return 8


def kw(word, style):
    """Keywords are case-insensitive [§Lexical structure]: mostly lower case, sometimes not."""
    r = style % 10
    if r == 7:
        return word.upper()
    if r == 8:
        return word.capitalize()
    return word


def name_text(name):
    return "`%s`" % name if name.lower() in KEYWORDS else name


def render(n):
    k = n.kind
    st = n.style
    if k == "lit":
        if n.type == "bool" or n.type == "null":
            return kw(n.text, st)
        return n.text
    if k == "col":
        return name_text(n.val)
    if k == "agg":
        table, column = n.op
        arg = name_text(table) + ("" if column is None else "." + name_text(column))
        if n.win is not None:
            w = n.win
            if w[0] == "within":
                arg += " %s %s %s" % (kw("within", st), kw("last", st), render(w[1]))
            elif w[0] == "between":
                arg += " %s %s %s %s" % (kw("between", st), wrap(w[1], 5), kw("and", st), wrap(w[2], 5))
            else:
                arg += " %s %s" % (kw(w[0], st), wrap(w[1], 5))
        if n.kids:
            arg += " %s %s" % (kw("where", st), render(n.kids[0]))
        # [§Event aggregates] an aggregate's name is case-insensitive like a keyword
        return "%s(%s)" % (kw(n.val, st), arg)
    if k == "ref":
        return n.val
    if k in ("today", "now"):
        return kw(k, st)
    if k == "dur":
        return n.text
    if k == "paren":
        return "(" + render(n.kids[0]) + ")"
    if k == "or" or k == "and":
        sep = " " + kw(k, st) + " "
        return sep.join(wrap(c, prec(n) + 1) for c in n.kids)
    if k == "not":
        return kw("not", st) + " " + wrap(n.kids[0], 3)
    if k == "neg":
        inner = wrap(n.kids[0], 7)
        return ("- " if inner.startswith("-") or st % 3 == 0 else "-") + inner
    if k == "arith":
        right_min = 6 if n.op in "+-" else 7
        return "%s %s %s" % (wrap(n.kids[0], prec(n)), n.op, wrap(n.kids[1], right_min))
    if k == "dateadd":
        return "%s %s %s" % (wrap(n.kids[0], 5), n.op, render(n.kids[1]))
    if k == "func":
        return "%s(%s)" % (n.val, ", ".join(render(c) for c in n.kids))
    if k == "cmp":
        op = n.op
        if op == "!=" and st % 4 == 1:
            op = "<>"
        return "%s %s %s" % (wrap(n.kids[0], 5), op, wrap(n.kids[1], 5))
    if k == "between":
        x, lo, hi = (wrap(c, 5) for c in n.kids)
        return "%s %s%s %s %s %s" % (x, kw("not", st) + " " if n.neg else "", kw("between", st), lo, kw("and", st), hi)
    if k == "in":
        items = [render(c) for c in n.kids[1:]]
        trail = "," if st % 5 == 2 else ""
        return "%s %s%s (%s%s)" % (wrap(n.kids[0], 5), kw("not", st) + " " if n.neg else "", kw("in", st),
                                   ", ".join(items), trail)
    if k == "isnull":
        return "%s %s %s%s" % (wrap(n.kids[0], 5), kw("is", st), kw("not", st) + " " if n.neg else "",
                               kw("null", st))
    if k == "text" or k == "lcontains":
        op = {"contains": kw("contains", st), "starts": kw("starts", st) + " " + kw("with", st),
              "ends": kw("ends", st) + " " + kw("with", st), "matches": kw("matches", st)}[n.op]
        return "%s %s%s %s" % (wrap(n.kids[0], 5), kw("not", st) + " " if n.neg else "", op, wrap(n.kids[1], 5))
    if k == "anyall":
        items = [render(c) for c in n.kids[1:]]
        trail = "," if st % 5 == 3 else ""
        return "%s %s %s (%s%s)" % (wrap(n.kids[0], 5), kw("contains", st), kw(n.op, st), ", ".join(items), trail)
    if k == "within":
        return "%s %s %s %s" % (wrap(n.kids[0], 5), kw("within", st), kw("last", st), render(n.kids[1]))
    if k == "ba":
        return "%s %s %s" % (wrap(n.kids[0], 5), kw(n.op, st), wrap(n.kids[1], 5))
    raise ValueError(k)


def wrap(c, minprec):
    t = render(c)
    return "(" + t + ")" if prec(c) < minprec else t


# ---------------------------------------------------------------------------------------------------------------
# Literal constructors: the value is what the docs say the text means ([§Literals]).


def lit_int(v, rng=None):
    assert isinstance(v, int) and not isinstance(v, bool) and INT_MIN <= v <= INT_MAX
    t = str(v)
    if rng is not None and abs(v) >= 1000 and rng.random() < 0.3:
        # `_` between digits, grouped by three (or oddly: any grouping is allowed)
        digits = str(abs(v))
        if rng.random() < 0.7:
            groups = []
            while digits:
                groups.insert(0, digits[-3:])
                digits = digits[:-3]
            t = ("-" if v < 0 else "") + "_".join(groups)
        else:
            cut = rng.randrange(1, len(digits))
            t = ("-" if v < 0 else "") + digits[:cut] + "_" + digits[cut:]
    return Node("lit", type="int", val=v, text=t)


def lit_num(v, rng=None):
    t = float_text(v)
    if rng is not None and "e" in t and rng.random() < 0.3:
        t = t.replace("e", "E")
    if "e" not in t.lower() and "." not in t:
        t += ".0"
    assert float(t) == v or (v != v)
    return Node("lit", type="number", val=v, text=t)


_ESC = {'"': '\\"', "'": "\\'", "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def lit_str(s, rng=None, style=0):
    """A string literal; quote style and \\u escapes vary with rng, the value never does."""
    q = '"'
    if rng is not None and rng.random() < 0.25:
        q = "'"
    out = [q]
    for ch in s:
        if ch in _ESC and (ch == q or ch not in "\"'"):
            out.append(_ESC[ch])
        elif rng is not None and ord(ch) > 127 and rng.random() < 0.3:
            if ord(ch) <= 0xFFFF and rng.random() < 0.5:
                out.append("\\u%04x" % ord(ch))
            else:
                out.append("\\u{%X}" % ord(ch))
        else:
            out.append(ch)
    out.append(q)
    return Node("lit", type="string", val=s, text="".join(out))


def lit_bool(b, style=0):
    return Node("lit", type="bool", val=b, text="true" if b else "false", style=style)


def lit_null(style=0):
    return Node("lit", type="null", val=None, text="null", style=style)


def lit_date(o):
    return Node("lit", type="date", val=o, text=date_text(o))


def lit_ts(us, text):
    return Node("lit", type="timestamp", val=us, text=text)


def dur(amount, unit, rng=None):
    """[§Literals] a duration is an integer amount (<= 1,000,000) and a unit, singular or plural."""
    word = unit
    if amount == 1 and (rng is None or rng.random() < 0.8):
        word = unit[:-1]
    elif rng is not None and rng.random() < 0.05:
        word = unit[:-1]
    return Node("dur", type="duration", val=(amount, unit), text="%d %s" % (amount, word))


def new_style(rng):
    return rng.randrange(1_000_000)
