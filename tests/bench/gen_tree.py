#!/usr/bin/env python3
"""Writes a large directory tree of text for `leakwalk scan` benchmarks.

usage: gen_tree.py OUT_DIR MEGABYTES MANIFEST [--seed S] [--secrets N]

The tree is the corpus of bench_corpus.py (headers, docs, Perl, Python, ...)
copied as many times as needed to reach MEGABYTES (10^6 bytes): copy 0 is
verbatim, each further copy of a file has a few lines changed (so no two
files are identical). N planted secret sets (AWS key id + secret key, GitHub
PAT, generic password) are inserted into random files and listed in MANIFEST
(write it outside OUT_DIR so scanners do not read it).
"""

import argparse
import os
import random
import sys

sys.dont_write_bytecode = True      # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_corpus as bc  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("megabytes", type=float)
    ap.add_argument("manifest")
    ap.add_argument("--seed", default="leakwalk-bench-tree-1")
    ap.add_argument("--secrets", type=int, default=8)
    a = ap.parse_args()
    r = random.Random(a.seed)
    sr = bc.secret_rng()
    files = bc.list_corpus(0)
    if not files:
        sys.exit("gen_tree: no corpus files found under /usr")
    target = int(a.megabytes * 1e6)
    # planted secrets: at random byte offsets of the tree, one per file at most
    offsets = sorted(r.randrange(target) for _ in range(a.secrets * 3))
    kinds = [("aws", "ghp", "password")[j % 3] for j in range(len(offsets))]
    r.shuffle(kinds)
    manifest = []
    total = 0
    nfiles = 0
    k = 0
    while total < target:
        for idx, (src, _) in enumerate(files):
            if total >= target:
                break
            rel = src[len("/usr/"):] if src.startswith("/usr/") else src.lstrip("/")
            dst = os.path.join(a.out, "copy%02d" % k, rel)
            data = bc.read(src)
            if k > 0 and len(data) > 200:
                # a few changed lines per copy
                for _ in range(3):
                    pos = data.rfind(b"\n", 0, r.randrange(len(data))) + 1
                    end = data.find(b"\n", pos)
                    end = len(data) if end < 0 else end + 1
                    line = b"/* copy %d: %s */\n" % (k, data[pos:end].strip()[:60].replace(b"*/", b"* /"))
                    data = data[:pos] + line + data[end:]
            kind = None
            while offsets and offsets[0] < total + len(data):
                offsets.pop(0)
                kind = kinds.pop()
            if kind:
                if kind == "aws":
                    kid, sec = bc.aws_key_id(sr), bc.aws_secret(sr)
                    text = "aws_access_key_id = %s\naws_secret_access_key = %s\n" % (kid, sec)
                    vals = [("aws-access-key-id", kid), ("aws-secret-access-key", sec)]
                elif kind == "ghp":
                    t = bc.github_pat(sr)
                    text = "GITHUB_TOKEN=%s\n" % t
                    vals = [("github-pat", t)]
                else:
                    pw = bc.password(sr)
                    text = 'db_password = "%s"\n' % pw
                    vals = [("generic-password", pw)]
                pos = data.rfind(b"\n", 0, r.randrange(len(data) + 1)) + 1
                data = data[:pos] + text.encode() + data[pos:]
                sid = "T%02d" % (len({m[0] for m in manifest}) + 1)
                for rule, v in vals:
                    manifest.append((sid, rule, v, os.path.relpath(dst, a.out), "0", "tree", "kept"))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst, "wb") as fh:
                fh.write(data)
            total += len(data)
            nfiles += 1
        k += 1
    with open(a.manifest, "w") as fh:
        fh.write("id\trule\tvalue\tpath\tcommit_index\tbranch\tfate\n")
        for rec in manifest:
            fh.write("\t".join(rec) + "\n")
    sys.stderr.write("gen_tree: %s: %d files, %.1f MB, %d copies, %d planted values\n"
                     % (a.out, nfiles, total / 1e6, k, len(manifest)))


if __name__ == "__main__":
    main()
