#!/usr/bin/env python3
"""bad_input_gen.py - writes the hostile inputs of bad_input_bench.sh (issue 13
"Bad input"): values and lines far longer than any real one, deep nesting,
a huge minified file. Seeded, so every run writes the same bytes.

usage: bad_input_gen.py OUT_DIR [--minified-mb N]"""
import argparse
import os
import random
import string

ALNUM = string.ascii_letters + string.digits


def w(path, data):
    with open(path, "w") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--minified-mb", type=int, default=100)
    a = ap.parse_args()
    r = random.Random("leakwalk-bad-input")
    os.makedirs(a.out, exist_ok=True)
    mb = 1 << 20
    # a value a megabyte long, after a key that says password (generic rules look at it)
    w(os.path.join(a.out, "long-value.env"), "DB_PASSWORD=\"%s\"\n" % "".join(r.choice(ALNUM) for _ in range(mb)))
    # a megabyte of base64 after a key name, unquoted (a data blob pasted into YAML)
    w(os.path.join(a.out, "long-base64.yaml"),
      "secret_key: %s\n" % "".join(r.choice(ALNUM + "+/") for _ in range(mb)))
    # one line of a million '=' (separators everywhere, no value)
    w(os.path.join(a.out, "equals.txt"), "=" * 1000000 + "\n")
    # a million 'password=' repeated on one line (every position starts a candidate)
    w(os.path.join(a.out, "password-repeat.txt"), "password=" * 120000 + "\n")
    # a million quotes and colons (JSON-ish separators, no structure)
    w(os.path.join(a.out, "quotes.json"), "\"a\":" * 250000 + "\n")
    # 100k levels of XML and JSON nesting
    n = 100000
    w(os.path.join(a.out, "deep.xml"), "<?xml version=\"1.0\"?>\n" + "<a>" * n + "<password>x</password>" + "</a>" * n + "\n")
    w(os.path.join(a.out, "deep-array.json"), "[" * n + "\"password\"" + "]" * n + "\n")
    w(os.path.join(a.out, "deep-object.json"), "{\"password\":" * n + "1" + "}" * n + "\n")
    # a minified JS-like file of N MB on one line: identifiers, strings,
    # numbers, operators, a few key-like names
    names = ["a", "b", "c", "e", "t", "n", "r", "i", "o", "s", "u", "l", "f", "d"]
    keyish = ["token", "apiKey", "password", "secret", "auth"]
    parts = []
    size = 0
    while size < mb:
        k = r.randrange(7)
        if k == 0:
            s = "var %s%d=function(%s){return %s+%d};" % (r.choice(names), r.randrange(999), r.choice(names),
                                                          r.choice(names), r.randrange(99))
        elif k == 1:
            s = "%s.%s=\"%s\";" % (r.choice(names), r.choice(names), "".join(r.choice(ALNUM) for _ in range(r.randint(4, 40))))
        elif k == 2:
            s = "if(%s&&%s.length>%d){%s()}" % (r.choice(names), r.choice(names), r.randrange(100), r.choice(names))
        elif k == 3:
            s = "{%s:%d,%s:\"%s\"}," % (r.choice(names), r.randrange(10 ** 6), r.choice(names),
                                       "".join(r.choice(ALNUM + "+/=") for _ in range(r.randint(8, 64))))
        elif k == 4:
            s = "/[a-z0-9_]+/g.test(%s)?%s:%s;" % (r.choice(names), r.choice(names), r.choice(names))
        elif k == 5:
            s = "'%s'," % "".join(r.choice(ALNUM) for _ in range(r.randint(1, 12)))
        else:
            # key-like names holding references, as minified bundles do
            s = "{%s:%s.%s,%s:%s||\"\"}," % (r.choice(keyish), r.choice(names), r.choice(keyish),
                                              r.choice(keyish), r.choice(names))
        parts.append(s)
        size += len(s)
    chunk = "".join(parts)
    with open(os.path.join(a.out, "minified.js"), "w") as f:
        for i in range(a.minified_mb):
            # vary each megabyte a little so no two chunks are identical
            f.write(chunk[i:] + chunk[:i])
        f.write("\n")


if __name__ == "__main__":
    main()
