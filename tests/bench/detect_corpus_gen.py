#!/usr/bin/env python3
"""detect_corpus_gen.py - writes leakwalk's labelled detection corpus (issue 13).

usage: detect_corpus_gen.py --out DIR [--seed S]

Writes DIR/corpus/<category>/... (files as people commit them) and
DIR/labels.jsonl, one JSON object per labelled line:
  {"path": "<category>/<path in corpus>", "line": N, "category": ...,
   "label": "secret" | "not-secret", "kind": ..., "doc": ..., "secret": ...}
"secret" lines are leaks a scanner must report; "not-secret" lines look
like one but are not (a finding there is a false alarm, and so is a
finding on any unlabelled line).

The cases come from each format's documentation and from common practice
(each case names its source in "doc"), never from leakwalk's rules: the
yardstick must not be cut from what it measures. Values are random from
the seed (default 13) and made at run time, so no secret is committed;
private keys and certificates come from openssl/ssh-keygen (their bytes
change per run, their labels do not).

Categories: credential-files (detect_corpus_creds,
detect_corpus_servers), frameworks (detect_corpus_frameworks), password-hashes
(detect_corpus_hashes), generic-assignments (detect_corpus_generic),
private-keys and provider-tokens (detect_corpus_tokens), negatives
(detect_corpus_negatives).
"""
import argparse
import collections
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import detect_corpus_creds  # noqa: E402
import detect_corpus_frameworks  # noqa: E402
import detect_corpus_generic  # noqa: E402
import detect_corpus_hashes  # noqa: E402
import detect_corpus_negatives  # noqa: E402
import detect_corpus_servers  # noqa: E402
import detect_corpus_tokens  # noqa: E402
from detect_corpus_lib import Corpus  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", default="13")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    for sub in ("corpus", "scratch"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    c = Corpus(out, random.Random("leakwalk-detect-corpus:" + a.seed))
    detect_corpus_tokens.make_keys(c)
    for mod in (detect_corpus_creds, detect_corpus_servers, detect_corpus_frameworks, detect_corpus_hashes,
                detect_corpus_generic, detect_corpus_tokens, detect_corpus_negatives):
        mod.build(c)
    c.write_labels()
    shutil.rmtree(c.tmp, ignore_errors=True)
    n = collections.Counter((lab["category"], lab["label"]) for lab in c.labels)
    cats = sorted({k[0] for k in n})
    for cat in cats:
        print("%-20s %4d secret  %4d not-secret" % (cat, n[(cat, "secret")], n[(cat, "not-secret")]))
    print("%-20s %4d secret  %4d not-secret  (%d files)" % (
        "total", sum(v for k, v in n.items() if k[1] == "secret"),
        sum(v for k, v in n.items() if k[1] == "not-secret"), len(c.paths)))


if __name__ == "__main__":
    main()
