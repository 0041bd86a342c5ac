#!/usr/bin/env python3
"""The whole specs/ catalog as `segmint sql --dialect sqlite`, run by SQLite over generated demo data.

Generated demo customers, orders and page views (`segmint generate --orders --page-views`) are loaded into an in-memory
SQLite database by Python's csv module as docs/sql.md's storage contract says (timestamps as INTEGER microseconds,
lists as `|` text, booleans 0/1), never by segmint's loader. The counts query of every segment the dialect translates
is run once, and each count must equal `segmint eval`'s; a refused segment is listed with the reason. `matches` is
registered with Python's `re`, which agrees with RE2 on the patterns of specs/ (plain literals, classes, anchors).
"""
import argparse
import csv
import datetime
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def micros(text):
    delta = datetime.datetime.fromisoformat(text.replace("Z", "+00:00")) - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1000000 + delta.microseconds


def column_types(schema):
    """Each column's type (customers' and event tables'), from the `name: type` and `name: {type: ...}` lines."""
    types = {}
    for line in open(schema, encoding="utf-8"):
        match = re.match(r"\s+(\w+):\s*(?:\{type:\s*)?(int|number|bool|timestamp|date|string|list<string>|enum)\b", line)
        if match:
            types[match.group(1)] = match.group(2)
    return types


def read_csv(path):
    """Rows of a CSV file with None for an unquoted empty field (NULL) and '' for `""` (csv cannot tell them apart)."""
    text = re.sub(r'(?<=[,\n])""(?=[,\r\n])', "\x01", open(path, newline="", encoding="utf-8").read())
    for row in csv.reader(text.splitlines()):
        yield [("" if v == "\x01" else None) if v in ("\x01", "") else v for v in row]


def stored(kind, v):
    if v is None:
        return None
    if v == "" and kind not in ("string", "list<string>"):
        return None  # `""` is NULL for every other type (docs/schema.md)
    if kind == "int":
        return int(v)
    if kind == "number":
        return float(v)
    if kind == "bool":
        return 1 if v == "true" else 0
    if kind == "timestamp":
        return micros(v)
    return v


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--segmint", required=True)
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    specs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "specs")
    types = column_types(os.path.join(specs, "schema.yaml"))
    with tempfile.TemporaryDirectory() as work:
        files = {name: os.path.join(work, name + ".csv") for name in ("customers", "orders", "page_views")}
        subprocess.run([args.segmint, "generate", "--rows", str(args.rows), "--seed", "7", "-o", files["customers"],
                        "--orders", files["orders"], "--page-views", files["page_views"]], check=True,
                       capture_output=True)
        evaluated = subprocess.run([args.segmint, "eval", "--project", specs, "--data", files["customers"],
                                    "--events", "orders=" + files["orders"], "--events",
                                    "page_views=" + files["page_views"], "--format", "json"],
                                   check=True, capture_output=True, text=True).stdout
        expected = {s["name"]: s["count"] for s in json.loads(evaluated)["segments"]}
        db = sqlite3.connect(":memory:")
        db.create_function("regexp", 2,
                           lambda p, s: None if p is None or s is None else int(re.search(p, s) is not None))
        rows_loaded = {}
        for table, path in files.items():
            rows = read_csv(path)
            header = next(rows)
            db.execute("CREATE TABLE %s (%s)" % (table, ", ".join('"%s"' % h for h in header)))
            data = [[stored(types.get(h, "string"), v) for h, v in zip(header, row)] for row in rows]
            db.executemany("INSERT INTO %s VALUES (%s)" % (table, ",".join("?" * len(header))), data)
            rows_loaded[table] = len(data)
    chosen, refused = [], []
    for name in expected:
        run = subprocess.run([args.segmint, "sql", name, "--project", specs, "--dialect", "sqlite"],
                             capture_output=True, text=True)
        if run.returncode == 0:
            chosen.append(name)
        else:
            refused.append((name, run.stderr.strip()))
    sql = subprocess.run([args.segmint, "sql"] + chosen + ["--project", specs, "--dialect", "sqlite"],
                         check=True, capture_output=True, text=True).stdout
    counts = db.execute(sql).fetchone()
    mismatches = 0
    for name, count in zip(chosen, counts):
        ok = count == expected[name]
        mismatches += not ok
        print("%-4s %-26s sqlite %7d  segmint eval %7d" % ("ok" if ok else "DIFF", name, count, expected[name]))
    for name, why in refused:
        print("refused %s: %s" % (name, why))
    print("%d customers, %d orders, %d page views; %d segments compared, %d mismatches, %d refused" %
          (rows_loaded["customers"], rows_loaded["orders"], rows_loaded["page_views"], len(chosen), mismatches,
           len(refused)))
    # Nine in ten segments must translate, or the check would pass on little.
    return 1 if mismatches or len(chosen) < 9 * len(refused) or not chosen else 0


if __name__ == "__main__":
    sys.exit(main())
