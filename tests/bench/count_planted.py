#!/usr/bin/env python3
"""Which planted secrets (make_history.sh's planted.tsv) did each tool find?

usage: count_planted.py MANIFEST [--tree DIR] TOOL=FORMAT:FILE ...

FORMAT is one of
  leakwalk     leakwalk's --format json report (audit or scan)
  grep         any text output holding the secret values in clear
               (git secrets --scan-history prints the matching lines)
  secretlint   secretlint --format compact output (file paths + rule ids)

With --tree DIR (a checkout of HEAD), only the secrets present in that tree
are expected, and paths are taken relative to DIR.

Prints one line per planted value (x = found) and a summary line
"TOOL found/expected" per tool.
"""

import json
import os
import re
import sys

FAMILY = {
    "aws-access-key-id": ("aws-access-key-id", "aws-access-key-pair"),
    "aws-secret-access-key": ("aws-secret-access-key", "aws-access-key-pair"),
    "github-pat": ("github", "generic"),
    "generic-password": ("generic",),
}
SL_FAMILY = {
    "aws-access-key-id": "aws",
    "aws-secret-access-key": "aws",
    "github-pat": "github",
    "generic-password": "basicauth",
}


def load_manifest(path):
    with open(path) as fh:
        lines = fh.read().splitlines()
    hdr = lines[0].split("\t")
    return [dict(zip(hdr, ln.split("\t"))) for ln in lines[1:] if ln]


def tree_present(recs, tree):
    vals = {r["value"] for r in recs}
    seen = set()
    for dp, dn, fn in os.walk(tree):
        for f in fn:
            p = os.path.join(dp, f)
            try:
                with open(p, "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            for v in vals - seen:
                if v.encode() in data:
                    seen.add(v)
    return seen


def rel(p, tree):
    if tree and p and os.path.isabs(p):
        return os.path.relpath(p, tree)
    if tree and p:
        t = tree.rstrip("/") + "/"
        if p.startswith(t):
            return p[len(t):]
        tn = os.path.basename(tree.rstrip("/")) + "/"
        if p.startswith(tn):
            return p[len(tn):]
    return p[2:] if p and p.startswith("./") else p


def found_leakwalk(rec, data, tree):
    """Same path, and the rule is of the planted kind's family or the
    secret's unredacted prefix (4+ characters) is the planted value's."""
    fam = FAMILY.get(rec["rule"], (rec["rule"],))
    for f in data:
        if rel(f.get("path") or "", tree) != rec["path"]:
            continue
        rule = f.get("rule", "")
        sec = f.get("secret") or ""
        if sec.endswith("*****"):       # redacted: the first characters, then *****
            sec = sec[:-5]
        if any(rule.startswith(x) for x in fam) and \
                (rule == "aws-access-key-pair" or rec["value"].startswith(sec)):
            return True
        if len(sec) >= 4 and rec["value"].startswith(sec):
            return True
    return False


def found_secretlint(rec, lines, tree):
    key = SL_FAMILY.get(rec["rule"], rec["rule"])
    for ln in lines:
        m = re.match(r"^(.*?): line \d+", ln)
        if not m:
            continue
        if rel(m.group(1), tree) == rec["path"] and key in ln.lower():
            return True
    return False


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    recs = load_manifest(args.pop(0))
    tree = None
    if args and args[0] == "--tree":
        args.pop(0)
        tree = os.path.abspath(args.pop(0))
    expected = recs
    if tree:
        present = tree_present(recs, tree)
        expected = [r for r in recs if r["value"] in present]
    tools = []
    for a in args:
        name, spec = a.split("=", 1)
        fmt, path = spec.split(":", 1)
        res = set()
        try:
            if fmt == "leakwalk":
                with open(path) as fh:
                    data = json.load(fh)
                res = {i for i, r in enumerate(expected) if found_leakwalk(r, data, tree)}
            elif fmt == "grep":
                with open(path, "rb") as fh:
                    text = fh.read()
                res = {i for i, r in enumerate(expected) if r["value"].encode() in text}
            elif fmt == "secretlint":
                with open(path, errors="replace") as fh:
                    lines = fh.read().splitlines()
                res = {i for i, r in enumerate(expected) if found_secretlint(r, lines, tree)}
        except (OSError, ValueError) as e:
            sys.stderr.write("count_planted: %s: %s\n" % (path, e))
            res = None
        tools.append((name, res))
    w = max([len(n) for n, _ in tools] + [4])
    print("  %-4s %-22s %-9s %-44s %s" % ("id", "planted rule", "fate", "path",
                                         " ".join("%-*s" % (w, n) for n, _ in tools)))
    for i, r in enumerate(expected):
        fate = r["fate"].split(":")[0]
        path = r["path"] if len(r["path"]) <= 44 else "..." + r["path"][-41:]
        marks = " ".join("%-*s" % (w, "?" if res is None else ("x" if i in res else "-"))
                         for _, res in tools)
        print("  %-4s %-22s %-9s %-44s %s" % (r["id"], r["rule"], fate, path, marks))
    for name, res in tools:
        print("  found %-*s %s/%d" % (w, name, "?" if res is None else len(res), len(expected)))


if __name__ == "__main__":
    main()
