#!/usr/bin/env python3
"""The layering of docs/architecture.md, checked: every `#include "STAGE/..."` in src/ names the including stage itself,
a stage in a lower layer, or (for api and cli) the public header folder `segmint/`; every folder under src/ is in the
table; and no source file in src/ is longer than 600 lines (split it along its seams). Reads the table from the doc,
so the doc and the check cannot drift apart.
    check_layers.py SOURCE_DIR"""
import os
import re
import sys


MAX_LINES = 600


def layers_from_doc(path):
    layers = {}
    for line in open(path, encoding="utf-8"):
        match = re.match(r"^\| (\d+) \| ([a-z_]+) \|", line)
        if match:
            layers[match.group(2)] = int(match.group(1))
    return layers


def main():
    root = sys.argv[1]
    layers = layers_from_doc(os.path.join(root, "docs", "architecture.md"))
    if len(layers) < 10:
        sys.exit("check_layers: found only %d stages in the table of docs/architecture.md" % len(layers))
    problems = []
    src = os.path.join(root, "src")
    stages = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
    for stage in stages:
        if stage not in layers:
            problems.append("src/%s is not in the table of docs/architecture.md" % stage)
    for stage in stages:
        if stage not in layers:
            continue
        folder = os.path.join(src, stage)
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".h", ".cpp", ".def")):
                continue
            for number, line in enumerate(open(os.path.join(folder, name), encoding="utf-8"), 1):
                match = re.match(r'\s*#\s*include\s+"([a-z_]+)/', line)
                if not match:
                    continue
                target = match.group(1)
                if target == stage:
                    continue
                if target == "segmint" and stage in ("api", "cli"):
                    continue
                if target not in layers:
                    problems.append("src/%s/%s:%d includes `%s/`, which is not a stage" % (stage, name, number, target))
                elif layers[target] >= layers[stage]:
                    problems.append("src/%s/%s:%d: `%s` (layer %d) includes `%s/` (layer %d): a stage may include "
                                    "only lower layers" % (stage, name, number, stage, layers[stage], target,
                                                           layers[target]))
    for folder, _, names in os.walk(src):
        for name in sorted(names):
            if name.endswith((".h", ".cpp")):
                path = os.path.join(folder, name)
                count = sum(1 for _ in open(path, encoding="utf-8"))
                if count > MAX_LINES:
                    problems.append("%s has %d lines; the limit is %d (split it along its seams)"
                                    % (os.path.relpath(path, root), count, MAX_LINES))
    for problem in problems:
        print(problem)
    if problems:
        sys.exit(1)
    print("check_layers: %d stages, every include points to a lower layer, no file over %d lines" % (len(stages), MAX_LINES))


if __name__ == "__main__":
    main()
