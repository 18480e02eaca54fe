#!/usr/bin/env python3
"""Turns leakwalk's rule files into pattern files for `rg --pcre2 -f`.

usage: rg_patterns.py PATTERNS_DIR OUT_DIR

ripgrep 13 joins several PCRE2 patterns with a bare '|', so
  - a leading inline option such as (?i) would leak into the next patterns:
    every pattern is wrapped in (?:...), which scopes it;
  - numbered back-references would point at another pattern's groups:
    \\N is rewritten to \\g{N + groups of the patterns before it};
  - named groups are made unique per pattern;
  - the joined pattern must stay under PCRE2's compiled size limit (LINK_SIZE
    2: 64 KiB), so the rules are split into as few chunks as compile.
Writes OUT_DIR/all-NN.txt (every rule) and OUT_DIR/prefixed-NN.txt (rules
whose regex is case-sensitive and contains each of its keywords literally,
i.e. token formats with a fixed prefix such as AKIA, ghp_, xoxb-), and prints
"all N_RULES N_CHUNKS" and "prefixed N_RULES N_CHUNKS".
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile


def count_groups(p):
    """Capturing groups of a PCRE2 pattern (branch reset aware)."""
    i, n, count, stack = 0, len(p), 0, []
    while i < n:
        c = p[i]
        if c == "\\":
            if p.startswith("\\Q", i):
                j = p.find("\\E", i + 2)
                i = n if j < 0 else j + 2
            else:
                i += 2
            continue
        if c == "[":
            i += 1
            if i < n and p[i] == "^":
                i += 1
            if i < n and p[i] == "]":
                i += 1
            while i < n and p[i] != "]":
                if p[i] == "\\":
                    i += 2
                    continue
                if p.startswith("[:", i):
                    j = p.find(":]", i + 2)
                    if j >= 0:
                        i = j + 2
                        continue
                i += 1
            i += 1
            continue
        if c == "(":
            if p.startswith("(?|", i):
                stack.append([count, count])
                i += 3
                continue
            if p.startswith("(*", i) or p.startswith("(?#", i):
                i = p.find(")", i) + 1 or n
                continue
            cap = (i + 1 < n and p[i + 1] != "?") or \
                (p.startswith("(?<", i) and i + 3 < n and p[i + 3] not in "=!") or \
                p.startswith("(?P<", i) or p.startswith("(?'", i)
            if cap:
                count += 1
            stack.append(None)
            i += 1
            continue
        if c == ")":
            if stack:
                f = stack.pop()
                if f is not None:
                    count = max(f[1], count)
            i += 1
            continue
        if c == "|" and stack and stack[-1] is not None:
            f = stack[-1]
            f[1] = max(f[1], count)
            count = f[0]
        i += 1
    return count


BACKREF = re.compile(r"(\\\\)|\\([1-9][0-9]?)|\\g\{?([1-9][0-9]?)\}?")
NAMED = re.compile(r"(\(\?P?<|\(\?'|\\k[<{']|\(\?P=|\\g\{)([A-Za-z_][A-Za-z0-9_]*)")


def relocate(p, offset, k):
    def br(m):
        if m.group(1):
            return m.group(1)
        num = int(m.group(2) or m.group(3))
        return "\\g{%d}" % (num + offset)
    p = BACKREF.sub(br, p)
    p = NAMED.sub(lambda m: m.group(1) + m.group(2) + "_r%d" % k, p)
    return "(?:" + p + ")"


def compiles(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(lines) + "\n")
        name = fh.name
    try:
        r = subprocess.run(["rg", "--pcre2", "-q", "-f", name, os.devnull],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return r.returncode in (0, 1), r.stderr.decode(errors="replace")
    finally:
        os.unlink(name)


def chunk(rules, out, prefix):
    chunks, cur, raw, off = [], [], [], 0
    for k, rx in enumerate(rules):
        line = relocate(rx, off, k)
        ok, err = compiles(cur + [line])
        if not ok and cur:
            chunks.append(cur)
            cur, off = [], 0
            line = relocate(rx, 0, k)
            ok, err = compiles([line])
        if not ok:
            sys.stderr.write("rg_patterns: skipped a rule rg cannot compile: %s\n" % err.strip()[:200])
            continue
        cur.append(line)
        off += count_groups(rx)
    if cur:
        chunks.append(cur)
    for j, c in enumerate(chunks):
        with open(os.path.join(out, "%s-%02d.txt" % (prefix, j)), "w") as fh:
            fh.write("\n".join(c) + "\n")
    return sum(len(c) for c in chunks), len(chunks)


def unescape(rx):
    return re.sub(r"\\(.)", r"\1", rx)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    allr, pref = [], []
    for f in sorted(glob.glob(os.path.join(src, "*.json"))):
        with open(f) as fh:
            for r in json.load(fh)["rules"]:
                if "regex" not in r:  # a path rule
                    continue
                rx = r["regex"]
                allr.append(rx)
                kws = r.get("keywords") or []
                if kws and not re.match(r"^\(\?[a-zA-Z]*i", rx) and \
                        all(k.lower() in unescape(rx).lower() for k in kws):
                    pref.append(rx)
    n, c = chunk(allr, out, "all")
    print("all %d %d" % (n, c))
    n, c = chunk(pref, out, "prefixed")
    print("prefixed %d %d" % (n, c))


if __name__ == "__main__":
    main()
