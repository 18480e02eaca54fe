"""Shared helpers for leakwalk's benchmark generators (tests/bench/).

The corpus is plain text that exists on any Debian machine: headers, docs,
Perl and Python modules, Vim runtime files, CMake modules, Node modules.
Files are listed in sorted order so a given machine always yields the same
corpus; the planted secrets are the only thing drawn from a non-seeded RNG
(unless LW_BENCH_SECRET_SEED is set).
"""

import glob
import os
import random
import string
import zlib

MIN_SIZE = 64
MAX_SIZE = 1 << 20


def corpus_roots():
    pats = [
        "/usr/include",
        "/usr/share/doc",
        "/usr/share/perl5",
        "/usr/share/perl/*",
        "/usr/lib/x86_64-linux-gnu/perl*",
        "/usr/lib/aarch64-linux-gnu/perl*",
        "/usr/lib/python3*",
        "/usr/share/vim",
        "/usr/share/cmake*",
        "/usr/lib/node_modules",
        "/usr/share/nodejs",
        "/usr/share/javascript",
        "/usr/share/emacs",
        "/usr/src",
    ]
    roots, seen = [], set()
    for p in pats:
        for r in sorted(glob.glob(p)):
            if not os.path.isdir(r):
                continue
            real = os.path.realpath(r)
            # skip a root that is (inside) one we already have
            if any(real == s or real.startswith(s + "/") for s in seen):
                continue
            seen.add(real)
            roots.append(r)
    return roots


_PRINTABLE = bytes(b for b in range(256) if not (b < 9 or 13 < b < 32 or b == 127))


def is_text(head):
    if b"\0" in head:
        return False
    if not head:
        return False
    # reject files that are mostly non-printable (compressed data without NUL)
    bad = len(head.translate(None, _PRINTABLE))
    return bad * 100 < len(head)


def list_corpus(limit=0):
    """Sorted list of (path, size) of text files; `limit` > 0 picks an
    evenly spread deterministic subset of that many files."""
    files = []
    for root in corpus_roots():
        for dp, dn, fn in os.walk(root):
            dn[:] = sorted(d for d in dn if d not in ("__pycache__", ".git"))
            for f in sorted(fn):
                p = os.path.join(dp, f)
                if os.path.islink(p) or f.endswith((".pyc", ".gz", ".xz", ".bz2", ".zst")):
                    continue
                try:
                    st = os.stat(p)
                except OSError:
                    continue
                if not (MIN_SIZE <= st.st_size <= MAX_SIZE):
                    continue
                try:
                    with open(p, "rb") as fh:
                        head = fh.read(8192)
                except OSError:
                    continue
                if is_text(head):
                    files.append((p, st.st_size))
    files.sort()
    if limit and limit < len(files):
        n = len(files)
        files = [files[(j * n) // limit] for j in range(limit)]
    return files


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


# ---------------------------------------------------------------- secrets

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
STOP = ("password", "passwd", "secret", "example", "sample", "changeit", "test",
        "dummy", "fake", "demo", "mock", "invalid", "undefined", "default",
        "admin", "token", "null", "none", "localhost", "your", "xxx", "todo",
        "fixme", "foo", "bar", "baz", "changeme", "placeholder", "redacted",
        "1234", "abcd")


def secret_rng():
    seed = os.environ.get("LW_BENCH_SECRET_SEED")
    return random.Random(seed) if seed else random.SystemRandom()


def _clean(s):
    low = s.lower()
    return not any(w in low for w in STOP)


def aws_key_id(r):
    return "AKIA" + "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def aws_secret(r):
    al = string.ascii_letters + string.digits + "/+"
    while True:
        s = "".join(r.choice(al) for _ in range(40))
        if _clean(s) and any(c.isdigit() for c in s):
            return s


def github_pat(r):
    """ghp_ + 30 base62 + CRC32 of those 30 in base62 (6 chars): a token
    whose offline checksum is valid."""
    while True:
        body = "".join(r.choice(B62) for _ in range(30))
        crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
        enc = ""
        for _ in range(6):
            enc = B62[crc % 62] + enc
            crc //= 62
        tok = "ghp_" + body + enc
        if _clean(tok):
            return tok


def password(r):
    al = string.ascii_letters + string.digits + "!#^-_"
    while True:
        s = "".join(r.choice(al) for _ in range(r.randint(18, 28)))
        if _clean(s) and any(c.isdigit() for c in s) and any(c.isalpha() for c in s):
            return s
