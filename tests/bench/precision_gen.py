#!/usr/bin/env python3
"""precision_gen.py - planted secrets and decoys for leakwalk's detection-quality bench.

usage: precision_gen.py --out DIR [--leakwalk BIN] [--patterns DIR] [--variants N]
                        [--seed S|random] [--commits N] [--general-scale F]
                        [--rules ID,...] [--engine auto|regex|re|pcre2grep|none]
                        [--work-dir DIR] [--keep-verify]

Writes DIR/repo (a fresh bare git repository built with `git fast-import`: a
few hundred commits on main, two feature branches merged back with merge
commits, one unmerged branch, a tag, files deleted later) and DIR/truth.json
(the ground truth: path, line, rule and secret of every planted secret, and
the place of every decoy). Scratch files go to /dev/shm when writable.

Secrets. For every built-in rule and every `examples.match` string, N variants
(default 20) are made by re-randomising the secret(s) in the example:
  1. the example is scanned by leakwalk (exact PCRE2 semantics): once with a
     config holding only its rule, to locate the rule's secret span; once with
     every built-in rule, whose other spans on the example are re-randomised
     too (they become secondary planted secrets);
  2. every letter/digit of a span is replaced by a random character of the same
     class (upper, lower, digit; per alphanumeric segment the alphabet is
     narrowed to hex or base32 when the segment only uses those), keeping
     punctuation, percent escapes, the rule's keywords and the prefix all the
     rule's examples share (ghp_, xoxb-, AKIA, sk_live_, -----BEGIN ...);
  3. each mutation is validated against the rule's regex outside leakwalk:
     the `regex` module (PCRE-like: variable lookbehind, branch reset,
     possessive), else Python's `re` when the pattern compiles there, else
     pcre2grep (slow: a process per check). A mutation that breaks the match
     (a literal such as T3BlbkFJ, AZDO, +ASt inside the token) is reverted by
     bisection. With no engine the fallback keeps the regex's literal prefix
     and mutates the rest;
  4. checksummed formats (the ones lib/src/measure.c knows: github-crc32,
     npm-crc32, atlassian-crc32, bech32) get a valid checksum recomputed (a
     token whose checksum fails is not reported);
  5. every variant is scanned alone (one file per variant, with the basename
     it gets in the repository) with its rule only; variants the rule does not
     report are discarded and counted per rule with the reason: `regex` (the
     mutation broke the format: a generator limitation), `entropy` (a
     format-valid random secret under the rule's minimum entropy) or `filter`
     (a placeholder word, stopword or allow regex hit by chance). For every
     rule with a minimum entropy, the share of random secrets shaped like each
     example that fall under it is estimated (400 draws).
The scan of each variant with every built-in rule records which rule wins
deduplication and any other span reported on the line.

Decoys (must not be reported):
  - every rule's `examples.no_match`, re-randomised the same way (random-looking
    runs only; provider prefixes, keywords, placeholder words, base64 JSON
    openers, repeated and sequential runs kept) while the owning rule's regex
    outcome stays what it was on the original; variants the owning rule
    reports when scanned alone are replaced by the verbatim example. Findings
    of *other* rules on a no_match line scanned alone are recorded
    (`standalone`), so the scorer can tell known cross-rule overlaps (a
    near-miss of one provider is often a fine generic secret) from
    context-induced false positives;
  - general decoys: placeholders and templates, environment lookups, provider
    prefixes with placeholder bodies, repeated/sequential values, AWS's
    documented example credentials, lock-file hashes (package-lock.json,
    yarn.lock, go.sum, Cargo.lock, Pipfile.lock, composer.lock), public keys
    and certificates, UUIDs, git object ids, image data URIs and raw binary
    base64, base64 of plain text, test-fixture and password hashes,
    publishable (public) keys, URLs without credentials, i18n strings and
    flags, non-secret assignments to secret-sounding names.

Items are written verbatim into files of many types (py, js, ts, go, yml,
json, env, properties, xml, Dockerfile, tf, sh, rb, java, toml, ini, plus
lock files, key files, html, md, css, sql) between filler lines, appended over
the history so a line number never moves.

No secret-shaped literal lives in this file: provider prefixes of decoys are
assembled from pieces at run time, and planted secrets come from the rule
files' own examples.
"""

import argparse
import base64
import collections
import glob
import json
import math
import os
import random
import re
import shutil
import string
import struct
import subprocess
import sys
import tempfile
import time
import zlib

try:
    import regex as _rx  # PCRE-compatible engine (pip/apt: python3-regex)
except ImportError:  # pragma: no cover - depends on the machine
    _rx = None

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
B62 = DIGITS + UPPER + LOWER
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))

# Words kept intact when a no_match example is re-randomised: the reason the
# example is not a secret often *is* the word.
PROTECT_WORDS = [
    "example", "xxxx", "changeme", "change_me", "placeholder", "redacted", "dummy",
    "your", "insert", "replace", "sample", "foobar", "notreal", "fake", "test",
    "demo", "mock", "invalid", "snip", "todo", "fixme", "secret", "password",
    "token", "public", "private", "begin", "end", "null", "none", "undefined",
    "eyJ1Ijoi", "eyJhbGci", "eyJ0eXAi", "eyJraWQi", "eyJ",  # base64 of JSON openers
]


def log(msg):
    print("precision_gen: " + msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------
# rules and the standalone leakwalk oracle
# ----------------------------------------------------------------------------

def load_rules(pattern_dir):
    rules = []
    for path in sorted(glob.glob(os.path.join(pattern_dir, "*.json"))):
        with open(path) as f:
            data = json.load(f)
        for r in data.get("rules", []):
            # path rules, and rules limited to paths, fire only on files
            # of their names: examples planted elsewhere cannot show them
            if "regex" not in r or r.get("paths"):
                continue
            r = dict(r)
            r["_file"] = os.path.basename(path)
            rules.append(r)
    return rules


def leakwalk_scan(leakwalk, root, config=None):
    """Scans ROOT (a directory) and returns the JSON findings."""
    fd, out = tempfile.mkstemp(prefix="lwprec-", suffix=".json")
    os.close(fd)
    cmd = [leakwalk, "scan", root, "--format", "json", "--no-redact", "-q", "-o", out]
    if config:
        cmd += ["--config", config]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        sys.exit("precision_gen: leakwalk scan failed (%d): %s" % (p.returncode, p.stderr.decode()[-2000:]))
    with open(out) as f:
        findings = json.load(f)
    os.unlink(out)
    return findings


def write_rule_config(path, rule):
    clean = {k: v for k, v in rule.items() if not k.startswith("_")}
    with open(path, "w") as f:
        json.dump({"defaults": False, "rules": [clean]}, f)


def scan_each_rule(leakwalk, root, cfgdir, rules_by_id, jobs=4):
    """Scans ROOT/<rule id>/ with a config holding only that rule: what the
    rule itself reports, without other rules' deduplication."""
    from concurrent.futures import ThreadPoolExecutor

    def one(rid):
        cfg = os.path.join(cfgdir, rid + ".json")
        if not os.path.exists(cfg):
            write_rule_config(cfg, rules_by_id[rid])
        return leakwalk_scan(leakwalk, os.path.join(root, rid), cfg)

    rids = sorted(d for d in os.listdir(root) if d in rules_by_id)
    out = []
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        for fs in ex.map(one, rids):
            out += fs
    return out


def line_starts(text):
    starts = [0]
    for i, c in enumerate(text):
        if c == "\n":
            starts.append(i + 1)
    return starts


def finding_span(text, starts, f):
    """Byte offsets [s, e) of a finding's secret inside TEXT (ASCII)."""
    try:
        s = starts[f["line"] - 1] + f["column"] - 1
        e = starts[f["end_line"] - 1] + f["end_column"]
        if text[s:e] == f["secret"]:
            return s, e
    except (IndexError, KeyError, TypeError):
        pass
    i = text.find(f["secret"])
    if i >= 0:
        return i, i + len(f["secret"])
    if f.get("decoded"):  # found in decoded text: reported at the encoded run's place
        try:
            s = starts[f["line"] - 1] + f["column"] - 1
            e = starts[f["end_line"] - 1] + f["end_column"]
            return (s, e) if 0 <= s < e <= len(text) else None
        except (IndexError, KeyError, TypeError):
            return None
    return None


# ----------------------------------------------------------------------------
# regex validation (in-process) and literal prefixes
# ----------------------------------------------------------------------------

ENGINES = ["regex", "re", "pcre2grep"]  # --engine narrows this


class Validator:
    """The rule's regex outside leakwalk: the `regex` module (PCRE-like:
    variable lookbehind, branch reset, possessive), else Python's `re`, else
    pcre2grep (one process per check, so only as the last resort)."""

    def __init__(self, rule):
        self.group = int(rule.get("secret_group", 0) or 0)
        self.src = rule["regex"]
        self.pat = None
        self.engine = None
        for eng in ENGINES:
            try:
                if eng == "regex" and _rx is not None:
                    self.pat = _rx.compile(self.src, _rx.MULTILINE | _rx.ASCII | _rx.VERSION0)
                elif eng == "re":
                    self.pat = re.compile(self.src, re.MULTILINE | re.ASCII)
                elif eng == "pcre2grep" and shutil.which("pcre2grep"):
                    p = subprocess.run(["pcre2grep", "-M", "-q", "--", self.src, "-"], input=b"",
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    if p.returncode in (0, 1):
                        self.pat = "pcre2grep"
                else:
                    continue
            except Exception:
                self.pat = None
            if self.pat is not None:
                self.engine = eng
                return

    def outcome(self, text):
        """What the regex yields on TEXT: secret spans (Python engines) or the
        secret-group texts (pcre2grep); None without an engine."""
        if self.pat is None:
            return None
        if self.engine == "pcre2grep":
            p = subprocess.run(["pcre2grep", "-M", "--no-filename", "-O", "${%d}" % self.group, "--", self.src, "-"],
                               input=text.encode() + b"\n", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            return p.stdout.decode(errors="replace") if p.returncode in (0, 1) else None
        out = set()
        try:
            for m in self.pat.finditer(text):
                g = self.group if self.group <= (m.re.groups or 0) else 0
                if m.start(g) >= 0 and m.end(g) > m.start(g):
                    out.add((m.start(g), m.end(g)))
        except Exception:
            return None
        return frozenset(out)

    def has(self, text, span):
        """Does the regex still yield the secret at SPAN? None: cannot tell."""
        got = self.outcome(text)
        if got is None:
            return None
        if self.engine == "pcre2grep":
            return text[span[0]:span[1]] in got
        return span in got


def literal_prefix(rx_src, group):
    """Literal characters at the start of capture group GROUP (0: the whole
    regex) - the fallback when no in-process regex engine can run the rule."""
    pos, n, i, in_class = (0 if group == 0 else None), 0, 0, False
    while pos is None and i < len(rx_src):
        c = rx_src[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            named = re.match(r"\(\?P?<(?![=!])[A-Za-z_]\w*>|\(\?'[A-Za-z_]\w*'", rx_src[i:])
            if named or rx_src[i + 1:i + 2] != "?":
                n += 1
                if n == group:
                    pos = i + (len(named.group(0)) if named else 1)
        i += 1
    if pos is None:
        return ""
    out, j = [], pos
    while j < len(rx_src):
        c = rx_src[j]
        if c == "\\" and j + 1 < len(rx_src) and not rx_src[j + 1].isalnum():
            out.append(rx_src[j + 1])
            j += 2
        elif c.isalnum() or c in "_-~:@!#%&=<>,;'\"/ ":
            out.append(c)
            j += 1
        else:
            break
    if j < len(rx_src) and rx_src[j] in "?*{" and out:
        out.pop()  # a quantifier applies to the last literal only
    return "".join(out)


def common_prefix(strs):
    if not strs:
        return ""
    p = strs[0]
    for s in strs[1:]:
        while not s.startswith(p):
            p = p[:-1]
    return p


# ----------------------------------------------------------------------------
# re-randomisation
# ----------------------------------------------------------------------------

def crc_b62(body30):
    crc = zlib.crc32(body30.encode()) & 0xFFFFFFFF
    enc = []
    for _ in range(6):
        enc.append(B62[crc % 62])
        crc //= 62
    return "".join(reversed(enc))


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_polymod(values):
    gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = ((chk & 0x1ffffff) << 5) ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def fix_bech32(secret):
    sep = secret.rfind("1")
    if sep < 1 or len(secret) - sep - 1 < 6:
        return secret
    hrp, data = secret[:sep].lower(), secret[sep + 1:-6].lower()
    if any(c not in BECH32 for c in data):
        return secret
    vals = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + [BECH32.index(c) for c in data]
    mod = bech32_polymod(vals + [0] * 6) ^ 1
    chk = "".join(BECH32[(mod >> 5 * (5 - i)) & 31] for i in range(6))
    out = secret[:sep + 1] + data + chk
    return out.upper() if secret.isupper() else out


def fix_checksum(secret, kind):
    if kind == "atlassian-crc32" and len(secret) > 8:
        return secret[:-8] + "%08X" % (zlib.crc32(secret[:-8].encode()) & 0xFFFFFFFF)
    if kind == "bech32":
        return fix_bech32(secret)
    if kind not in ("github-crc32", "npm-crc32"):
        return secret
    us = secret.find("_")
    if us < 0 or len(secret) - us - 1 != 36:
        return secret
    body = secret[us + 1:us + 31]
    return secret[:us + 1] + body + crc_b62(body)


def shannon(s):
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in collections.Counter(s).values())


def alphabets(sample):
    lows = {c for c in sample if c in LOWER}
    ups = {c for c in sample if c in UPPER}
    digs = {c for c in sample if c in DIGITS}
    lo = "abcdef" if lows and lows <= set("abcdef") else LOWER
    up = "ABCDEF" if ups and ups <= set("ABCDEF") else UPPER
    dg = "234567" if digs and digs <= set("234567") and ups and not lows else DIGITS
    return lo, up, dg


def segment_alphabets(text, start, end):
    """Per position in [start, end): the alphabet of its alphanumeric segment
    (a token like abc123.f00d or user-Pass99 mixes formats per segment)."""
    out = {}
    i = start
    while i < end:
        if not text[i].isalnum():
            i += 1
            continue
        j = i
        while j < end and text[j].isalnum():
            j += 1
        a = alphabets(text[i:j])
        for p in range(i, j):
            out[p] = a
        i = j
    return out


def rand_like(c, alph, rng):
    lo, up, dg = alph
    if c in LOWER:
        return rng.choice(lo)
    if c in UPPER:
        return rng.choice(up)
    if c in DIGITS:
        return rng.choice(dg)
    return c


def protected_runs(text, words):
    """Offsets of TEXT covered by WORDS (case-insensitive), repeated runs of
    3+ identical characters and ascending/descending runs of 4+."""
    prot = set()
    low = text.lower()
    for w in words:
        w = w.lower()
        if not w:
            continue
        i = low.find(w)
        while i >= 0:
            prot.update(range(i, i + len(w)))
            i = low.find(w, i + 1)
    for m in re.finditer(r"%[0-9A-Fa-f]{2}", text):  # percent escapes stay valid
        prot.update(range(m.start(), m.end()))
    i = 0
    while i < len(text):
        j = i
        while j + 1 < len(text) and text[j + 1] == text[i]:
            j += 1
        if j - i >= 2:
            prot.update(range(i, j + 1))
        i = j + 1
    for step in (1, -1):
        i = 0
        while i < len(text):
            j = i
            while j + 1 < len(text) and text[j].isalnum() and ord(text[j + 1]) - ord(text[j]) == step:
                j += 1
            if j - i >= 3:
                prot.update(range(i, j + 1))
            i = j + 1
    return prot


def mutate(text, positions, check, alph_of, rng):
    """Replaces the characters at POSITIONS with random ones of the same
    class; CHECK(text) must stay true. Bisects on failure: a position whose
    every try fails keeps its character (it is a literal of the format)."""
    chars = list(text)
    tries = [0]

    def ok():
        tries[0] += 1
        return check("".join(chars))

    def attempt(pos):
        if not pos:
            return
        saved = [(i, chars[i]) for i in pos]
        for i, c in saved:
            chars[i] = rand_like(c, alph_of(i), rng)
        if ok():
            return
        for i, c in saved:
            chars[i] = c
        if len(pos) == 1:
            i, c = saved[0]
            for _ in range(4):
                chars[i] = rand_like(c, alph_of(i), rng)
                if chars[i] != c and ok():
                    return
            chars[i] = c
            return
        mid = len(pos) // 2
        attempt(pos[:mid])
        attempt(pos[mid:])

    attempt(list(positions))
    return "".join(chars), tries[0]


# ----------------------------------------------------------------------------
# general decoys
# ----------------------------------------------------------------------------

def rhex(rng, n, upper=False):
    s = "".join(rng.choice("0123456789abcdef") for _ in range(n))
    return s.upper() if upper else s


def rb64(rng, nbytes, urlsafe=False):
    raw = rng.randbytes(nbytes)
    return (base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)).decode()


def ruuid(rng):
    h = rhex(rng, 32)
    h = h[:12] + "4" + h[13:16] + rng.choice("89ab") + h[17:]
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def rword(rng):
    return rng.choice(["alpha", "orders", "billing", "gateway", "search", "users", "reports",
                       "ledger", "catalog", "inbox", "events", "media", "audit", "quota"])


def wrap64(s):
    return "\n".join(s[i:i + 64] for i in range(0, len(s), 64))


def ssh_blob(rng, kind):
    def sshstr(b):
        return struct.pack(">I", len(b)) + b
    if kind == "rsa":
        n = b"\x00" + bytes([rng.randrange(128, 256)]) + rng.randbytes(255)
        raw = sshstr(b"ssh-rsa") + sshstr(b"\x01\x00\x01") + sshstr(n)
        return "ssh-rsa", base64.b64encode(raw).decode()
    if kind == "ed25519":
        raw = sshstr(b"ssh-ed25519") + sshstr(rng.randbytes(32))
        return "ssh-ed25519", base64.b64encode(raw).decode()
    raw = sshstr(b"ecdsa-sha2-nistp256") + sshstr(b"nistp256") + sshstr(b"\x04" + rng.randbytes(64))
    return "ecdsa-sha2-nistp256", base64.b64encode(raw).decode()


def pem_public_key(rng):
    der = bytes.fromhex("30820122300d06092a864886f70d01010105000382010f003082010a0282010100")
    der += bytes([rng.randrange(128, 256)]) + rng.randbytes(255) + bytes.fromhex("0203010001")
    return "-----BEGIN PUBLIC KEY-----\n" + wrap64(base64.b64encode(der).decode()) + "\n-----END PUBLIC KEY-----"


def pem_certificate(rng, label="CERTIFICATE"):
    n = rng.randrange(700, 1100)
    der = b"\x30\x82" + struct.pack(">H", n) + b"\x30\x82" + struct.pack(">H", n - 4) + \
        bytes.fromhex("a003020102") + rng.randbytes(n - 9)
    return "-----BEGIN %s-----\n%s\n-----END %s-----" % (label, wrap64(base64.b64encode(der).decode()), label)


def pgp_public_block(rng):
    body = base64.b64encode(b"\x99\x02\x0d\x04" + rng.randbytes(520)).decode()
    crc = base64.b64encode(rng.randbytes(3)).decode()
    return ("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + wrap64(body) + "\n=" + crc +
            "\n-----END PGP PUBLIC KEY BLOCK-----")


def data_uri(rng):
    kind = rng.choice(["png", "gif", "svg", "woff2", "jpeg"])
    if kind == "png":
        raw = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(rng.randrange(120, 700))
        mime = "image/png"
    elif kind == "gif":
        raw = b"GIF89a" + rng.randbytes(rng.randrange(60, 400))
        mime = "image/gif"
    elif kind == "jpeg":
        raw = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(rng.randrange(200, 900))
        mime = "image/jpeg"
    elif kind == "woff2":
        raw = b"wOF2\x00\x01\x00\x00" + rng.randbytes(rng.randrange(300, 900))
        mime = "font/woff2"
    else:
        raw = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d"><path d="M%d %dL%d %d"/></svg>'
               % tuple(rng.randrange(1, 500) for _ in range(6))).encode()
        mime = "image/svg+xml"
    b = base64.b64encode(raw).decode()
    return rng.choice([
        ("css", ".icon-%s { background-image: url(data:%s;base64,%s); }" % (rword(rng), mime, b)),
        ("html", '<img alt="logo" src="data:%s;base64,%s">' % (mime, b)),
        ("json", '  "icon": "data:%s;base64,%s",' % (mime, b)),
        ("js", "export const %sIcon = 'data:%s;base64,%s';" % (rword(rng), mime, b)),
        ("md", "![badge](data:%s;base64,%s)" % (mime, b)),
    ])


def general_decoys(rng, scale):
    """(category, kind, text) tuples; every value random, never a literal."""
    out = []

    def add(cat, n, fn):
        for _ in range(max(1, int(round(n * scale)))):
            kind, text = fn()
            out.append((cat, kind, text))

    env_names = ["API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "STRIPE_SECRET_KEY", "SLACK_BOT_TOKEN",
                 "AWS_SECRET_ACCESS_KEY", "SENTRY_AUTH_TOKEN", "OPENAI_API_KEY", "NPM_TOKEN",
                 "CLIENT_SECRET", "JWT_SECRET", "REDIS_PASSWORD", "DATADOG_API_KEY"]
    low_names = [n.lower() for n in env_names]

    def pick(seq):
        return rng.choice(seq)

    add("placeholder-env", 90, lambda: pick([
        ("env", "%s=${%s}" % (pick(env_names), pick(env_names))),
        ("sh", 'export %s="${%s}"' % (pick(env_names), pick(env_names))),
        ("yml", "      %s: ${%s:-}" % (pick(env_names), pick(env_names))),
        ("Dockerfile", "ENV %s=${%s}" % (pick(env_names), pick(env_names))),
        ("sh", 'curl -H "Authorization: Bearer $%s" https://api.%s.internal/v1/items' % (pick(env_names), rword(rng))),
        ("properties", "%s=${%s}" % (pick(low_names).replace("_", "."), pick(env_names))),
        ("sh", "DB_PASSWORD=$(cat /run/secrets/%s)" % pick(low_names)),
    ]))
    add("placeholder-template", 90, lambda: pick([
        ("yml", "  %s: {{ .Values.%s }}" % (pick(low_names), pick(["apiToken", "dbPassword", "clientSecret"]))),
        ("yml", '    %s: "{{ vault_%s }}"' % (pick(low_names), pick(low_names))),
        ("yml", "          %s: ${{ secrets.%s }}" % (pick(low_names), pick(env_names))),
        ("tf", '  %s = var.%s' % (pick(["password", "api_key", "token", "client_secret"]), pick(low_names))),
        ("tf", '  password = random_password.%s.result' % rword(rng)),
        ("tf", '  token    = data.vault_generic_secret.%s.data["token"]' % rword(rng)),
        ("js", "const token = `${process.env.%s}`;" % pick(env_names)),
        ("xml", '<property name="password" value="${db.%s.password}"/>' % rword(rng)),
    ]))
    add("placeholder-angle", 60, lambda: pick([
        ("py", 'api_key = "<your-api-key>"'),
        ("md", "    Authorization: Bearer <token>"),
        ("env", "%s=<%s>" % (pick(env_names), pick(["secret", "your-token", "paste-here", "redacted"]))),
        ("yml", '  client_secret: "<client-secret>"'),
        ("xml", "<password>&lt;password&gt;</password>"),
    ]))
    add("format-string", 50, lambda: pick([
        ("py", 'dsn = "postgres://%%s:%%s@%%s/%s" %% (user, password, host)' % rword(rng)),
        ("py", 'headers = {"Authorization": "token %s" % token}'),
        ("go", 'req.Header.Set("Authorization", fmt.Sprintf("Bearer %s", token))'),
        ("java", 'String auth = String.format("apikey=%s", apiKey);'),
        ("sh", 'printf "password=%s\\n" "$PW" > "$CONF"'),
    ]))
    add("env-lookup", 90, lambda: pick([
        ("py", 'secret = os.environ["%s"]' % pick(env_names)),
        ("py", 'token = os.getenv("%s")' % pick(env_names)),
        ("js", "const token = process.env.%s;" % pick(env_names)),
        ("ts", "const apiKey: string = process.env.%s ?? '';" % pick(env_names)),
        ("go", 'password := os.Getenv("%s")' % pick(env_names)),
        ("rb", "api_key = ENV['%s']" % pick(env_names)),
        ("java", 'String secret = System.getenv("%s");' % pick(env_names)),
        ("yml", "        - name: %s\n          valueFrom:\n            secretKeyRef:\n              name: %s-credentials\n              key: password"
         % (pick(env_names), rword(rng))),
    ]))
    add("placeholder-word", 110, lambda: pick([
        ("yml", "  password: changeme"),
        ("py", 'api_key = "%s"' % ("x" * rng.randrange(16, 41))),
        ("env", "%s=%s" % (pick(env_names), "X" * rng.randrange(20, 41))),
        ("py", 'secret_key = "example-secret-key-%d"' % rng.randrange(10, 99)),
        ("js", "const token = 'dummy-token-%s';" % rhex(rng, 8)),
        ("properties", "spring.datasource.password=test%d" % rng.randrange(1000, 9999)),
        ("yml", '  api_key: "your-api-key-here"'),
        ("py", 'SECRET_KEY = "insert-secret-here"'),
        ("json", '  "password": "REDACTED",'),
        ("yml", '  client_secret: "********"'),
        ("ini", "password = sample-password-%d" % rng.randrange(1, 99)),
        ("env", "JWT_SECRET=placeholder-%s" % rhex(rng, 12)),
        ("py", 'token = "fake_token_%s"' % rhex(rng, 16)),
    ]))
    gh = "gh" + "p_"
    sk_live = "sk" + "_live_"
    slack_b = "xo" + "xb-"
    akia = "AK" + "IA"
    glpat = "glp" + "at-"
    npm = "np" + "m_"
    openai = "sk" + "-proj-"
    add("provider-placeholder", 100, lambda: pick([
        ("env", "GITHUB_TOKEN=" + gh + "x" * 36),
        ("py", 'stripe.api_key = "' + sk_live + "X" * 24 + '"'),
        ("yml", "  slack_token: " + slack_b + "0" * 12 + "-" + "0" * 13 + "-" + "x" * 24),
        ("ini", "aws_access_key_id = " + akia + "X" * 16),
        ("env", "GITLAB_TOKEN=" + glpat + "x" * 20),
        ("json", '  "npmToken": "' + npm + "0" * 36 + '",'),
        ("env", "OPENAI_API_KEY=" + openai + "..."),
        ("md", "Set `GITHUB_TOKEN` to a token like `" + gh + "<36 characters>`."),
        ("sh", "export GH_TOKEN=" + gh + "A" * 36),
        ("py", "STRIPE_KEY = '" + sk_live + "your_key_here'"),
    ]))
    add("repeated-sequential", 70, lambda: pick([
        ("py", 'token = "%s"' % (rng.choice("aAzZ0") * rng.randrange(20, 41))),
        ("env", "API_KEY=%s" % "abcdefghijklmnopqrstuvwxyz0123456789"[:rng.randrange(24, 37)]),
        ("yml", '  secret: "%s"' % ("0123456789" * 4)[:rng.randrange(16, 41)]),
        ("json", '  "apiKey": "%s",' % ("ab12" * 10)[:rng.randrange(20, 40)]),
        ("properties", "app.jwt.secret=%s" % "qwertyuiopasdfghjkl"[:rng.randrange(12, 19)]),
        ("env", "DB_PASSWORD=%s" % ("1" * rng.randrange(10, 20))),
    ]))
    kid = "AK" + "IA" + "IOSFODNN7" + "EXA" + "MPLE"
    sec = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXA" + "MPLEKEY"
    add("aws-documented-example", 40, lambda: pick([
        ("ini", "[default]\naws_access_key_id = %s\naws_secret_access_key = %s" % (kid, sec)),
        ("sh", "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s" % (kid, sec)),
        ("tf", 'provider "aws" {\n  region     = "us-east-1"\n  access_key = "%s"\n  secret_key = "%s"\n}' % (kid, sec)),
        ("md", "For example, `%s` and `%s`." % (kid, sec)),
        ("py", "boto3.client('s3', aws_access_key_id='%s', aws_secret_access_key='%s')" % (kid, sec)),
        ("json", '  "AccessKeyId": "%s",\n  "SecretAccessKey": "%s",' % (kid, sec)),
    ]))

    def npm_pkg():
        return rng.choice(["lodash", "react-dom", "@babel/core", "chalk", "semver", "debug", "express",
                           "ms", "tslib", "uuid", "yargs", "minimist", "glob", "@types/node"])

    def ver():
        return "%d.%d.%d" % (rng.randrange(0, 20), rng.randrange(0, 30), rng.randrange(0, 40))

    add("lockfile-hash", 260, lambda: pick([
        ("package-lock.json", '      "integrity": "sha512-%s",' % rb64(rng, 64)),
        ("package-lock.json", '    "node_modules/%s": {\n      "version": "%s",\n      "resolved": "https://registry.npmjs.org/%s/-/%s-%s.tgz",\n      "integrity": "sha512-%s"\n    },'
         % ((lambda p, v: (p, v, p, p.split("/")[-1], v, rb64(rng, 64)))(npm_pkg(), ver()))),
        ("yarn.lock", '"%s@^%s":\n  version "%s"\n  resolved "https://registry.yarnpkg.com/%s/-/%s.tgz#%s"\n  integrity sha512-%s'
         % (npm_pkg(), ver(), ver(), npm_pkg(), ver(), rhex(rng, 40), rb64(rng, 64))),
        ("go.sum", "github.com/%s/%s v%s h1:%s" % (rword(rng), rword(rng), ver(), rb64(rng, 32))),
        ("go.sum", "github.com/%s/%s v%s/go.mod h1:%s" % (rword(rng), rword(rng), ver(), rb64(rng, 32))),
        ("Cargo.lock", '[[package]]\nname = "%s"\nversion = "%s"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "%s"'
         % (rword(rng), ver(), rhex(rng, 64))),
        ("Pipfile.lock", '                "sha256:%s",' % rhex(rng, 64)),
        ("composer.lock", '                "shasum": "%s",' % rhex(rng, 40)),
    ]))
    add("public-key", 120, lambda: (lambda k: pick([
        ("authorized_keys", "%s %s %s@%s" % (k[0], k[1], rword(rng), rword(rng))),
        ("pub", "%s %s deploy@ci" % k),
        ("yml", "ssh_authorized_keys:\n  - %s %s ops@bastion" % k),
        ("tf", 'resource "aws_key_pair" "%s" {\n  key_name   = "%s"\n  public_key = "%s %s"\n}' % (rword(rng), rword(rng), k[0], k[1])),
        ("known_hosts", "%s.internal %s %s" % (rword(rng), k[0], k[1])),
    ]))(ssh_blob(rng, rng.choice(["rsa", "ed25519", "ecdsa"]))))
    add("public-pem", 60, lambda: pick([
        ("pem", pem_public_key(rng)),
        ("pem", pem_certificate(rng)),
        ("pem", pem_certificate(rng, "CERTIFICATE REQUEST")),
        ("asc", pgp_public_block(rng)),
        ("yml", "    caBundle: " + base64.b64encode(pem_certificate(rng).encode()).decode()),
        ("yml", "    certificate-authority-data: " + base64.b64encode(pem_certificate(rng).encode()).decode()),
    ]))
    add("uuid", 120, lambda: pick([
        ("json", '  "requestId": "%s",' % ruuid(rng)),
        ("py", 'TRACE_ID = "%s"' % ruuid(rng)),
        ("xml", "    <ProjectGuid>{%s}</ProjectGuid>" % ruuid(rng).upper()),
        ("yml", "  correlation_id: %s" % ruuid(rng)),
        ("go", 'const defaultTenantID = "%s"' % ruuid(rng)),
        ("tf", '  subscription_id = "%s"' % ruuid(rng)),
        ("js", "const SESSION_NAMESPACE = '%s';" % ruuid(rng)),
    ]))
    add("git-object-id", 120, lambda: pick([
        ("yml", "    rev: %s  # v%s" % (rhex(rng, 40), ver())),
        ("yml", "      - uses: actions/checkout@%s # v4" % rhex(rng, 40)),
        ("json", '  "sha": "%s",' % rhex(rng, 40)),
        ("md", "Fixed in commit %s." % rhex(rng, 40)),
        ("Dockerfile", "ARG GIT_SHA=%s" % rhex(rng, 40)),
        ("go", "\tgithub.com/%s/%s v0.0.0-2024%02d%02d%06d-%s // indirect" % (rword(rng), rword(rng), rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(0, 235959), rhex(rng, 12))),
        ("txt", "Subproject commit %s" % rhex(rng, 40)),
        ("yml", "  ref: %s" % rhex(rng, 40)),
    ]))
    add("data-uri", 90, lambda: data_uri(rng))
    add("fixture-hash", 150, lambda: pick([
        ("py", 'EXPECTED_SHA256 = "%s"' % rhex(rng, 64)),
        ("py", 'assert hashlib.md5(data).hexdigest() == "%s"' % rhex(rng, 32)),
        ("json", '  "checksum": "sha256:%s",' % rhex(rng, 64)),
        ("go", '\t{name: "%s", want: "%s"},' % (rword(rng), rhex(rng, 40))),
        ("Dockerfile", "FROM python:3.12-slim@sha256:%s" % rhex(rng, 64)),
        ("tf", '  source_code_hash = "%s"' % rb64(rng, 32)),
        ("txt", "version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d" % (rhex(rng, 64), rng.randrange(1000, 10 ** 7))),
        ("sh", "sha512sums=('%s')" % rhex(rng, 128)),
        ("yml", '  etag: "%s"' % rhex(rng, 32)),
        ("js", "expect(digest(input)).toBe('%s');" % rb64(rng, 32)),
        ("java", 'assertEquals("%s", Hashing.sha1().hashString(s, UTF_8).toString());' % rhex(rng, 40)),
        ("html", '<script src="/js/%s.js" integrity="sha384-%s" crossorigin="anonymous"></script>' % (rword(rng), rb64(rng, 48))),
    ]))
    add("non-secret-assignment", 120, lambda: pick([
        ("py", 'token_type = "Bearer"'),
        ("yml", "  password_min_length: %d" % rng.randrange(8, 20)),
        ("py", 'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")'),
        ("yml", "  secret_name: %s-credentials-v%d" % (rword(rng), rng.randrange(1, 9))),
        ("js", "const apiKeyHeader = 'X-Api-Key';"),
        ("properties", "security.password.hash-algorithm=argon2id"),
        ("yml", "  session_token_ttl: %d" % rng.randrange(60, 86400)),
        ("env", "PASSWORD_FILE=/run/secrets/%s_password" % rword(rng)),
        ("yml", "  token_endpoint: https://auth.%s.internal/oauth2/token" % rword(rng)),
        ("py", 'cache_key = f"user:{user_id}:v%d"' % rng.randrange(1, 9)),
        ("java", 'private static final String PASSWORD_FIELD = "password";'),
        ("go", "\tTokenURL: endpoint + \"/oauth/token\","),
        ("tf", '  key_name = "%s-%s-%d"' % (rword(rng), rword(rng), rng.randrange(1, 99))),
        ("py", "password = getpass.getpass(prompt='Password: ')"),
        ("js", "const secretsManager = new SecretsManagerClient({ region: 'eu-west-1' });"),
        ("yml", '  publicKey: "%s"' % ruuid(rng)),
    ]))
    b64c = string.ascii_letters + string.digits + "./"

    def rs(n, alphabet=b64c):
        return "".join(rng.choice(alphabet) for _ in range(n))

    add("password-hash-fixture", 90, lambda: pick([
        ("json", '      "password": "pbkdf2_sha256$%d$%s$%s",' % (rng.choice([260000, 600000, 720000]),
                                                                 rs(22, string.ascii_letters + string.digits), rb64(rng, 32))),
        ("yml", '  password_hash: "$2b$12$%s"' % rs(53)),
        ("txt", "%s:$apr1$%s$%s" % (rword(rng), rs(8), rs(22))),
        ("txt", "%s:$6$%s$%s:19%03d:0:99999:7:::" % (rword(rng), rs(16), rs(86), rng.randrange(0, 999))),
        ("py", 'PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$%s$%s"' % (rb64(rng, 16).rstrip("="), rb64(rng, 32).rstrip("="))),
        ("txt", "userPassword: {SSHA}%s" % rb64(rng, 24)),
        ("sql", "INSERT INTO users (email, password_digest) VALUES ('%s@acme.test', '$2a$10$%s');" % (rword(rng), rs(53))),
    ]))
    pkl = "pk" + "_live_"
    pkt = "pk" + "_test_"
    add("publishable-key", 50, lambda: pick([
        ("env", "STRIPE_PUBLISHABLE_KEY=%s%s" % (pkl, rs(rng.choice([24, 99]), string.ascii_letters + string.digits))),
        ("js", "const stripe = Stripe('%s%s');" % (pkt, rs(99, string.ascii_letters + string.digits))),
        ("env", "NEXT_PUBLIC_STRIPE_KEY=%s%s" % (pkl, rs(99, string.ascii_letters + string.digits))),
        ("html", '<div class="g-recaptcha" data-sitekey="6L%s%s"></div>' % (rng.choice("cdefe"), rs(37, string.ascii_letters + string.digits + "_-"))),
        ("js", "mapboxgl.accessToken = 'pk.%s.%s';" % (
            base64.urlsafe_b64encode(('{"u":"%s","a":"%s"}' % (rword(rng), rs(25, LOWER + DIGITS))).encode()).decode().rstrip("="),
            rs(22, string.ascii_letters + string.digits + "_-"))),
    ]))
    add("raw-base64-blob", 60, lambda: pick([
        ("py", 'PNG_PIXEL = base64.b64decode("%s")' % base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randrange(60, 300))).decode()),
        ("json", '  "thumbnail": "%s",' % base64.b64encode(b"\xff\xd8\xff\xe0" + rng.randbytes(rng.randrange(200, 600))).decode()),
        ("js", 'const WASM = "%s";' % base64.b64encode(b"\x00asm\x01\x00\x00\x00" + rng.randbytes(rng.randrange(200, 600))).decode()),
        ("go", '\tgzipped := "%s"' % base64.b64encode(b"\x1f\x8b\x08\x00" + rng.randbytes(rng.randrange(100, 400))).decode()),
        ("java", 'static final String DESCRIPTOR = "%s";' % base64.b64encode(b"\n\x0c" + rng.randbytes(rng.randrange(100, 300))).decode()),
    ]))
    lorem = ["listen 8080", "workers 4", "log_format combined", "keepalive_timeout 65", "gzip on",
             "Welcome to the %s service." % rword(rng), "This file documents the release process.",
             "retries: 3", "region: eu-west-1", "feature_flags: [search, export]", "max_body_size 10m"]
    add("base64-text", 50, lambda: (lambda b: pick([
        ("yml", "binaryData:\n  app.conf: %s" % b),
        ("py", 'README_B64 = "%s"' % b),
        ("json", '  "description": "%s",' % b),
        ("env", "MOTD_B64=%s" % b),
    ]))(base64.b64encode("\n".join(rng.sample(lorem, rng.randrange(3, 7))).encode()).decode()))
    add("credential-free-url", 60, lambda: pick([
        ("yml", "  url: postgres://%s@db.internal:5432/%s" % (rword(rng), rword(rng))),
        ("env", "REDIS_URL=redis://localhost:6379/%d" % rng.randrange(0, 16)),
        ("py", 'API = "https://api.%s.internal/v1/items?token_type=bearer&page=%d"' % (rword(rng), rng.randrange(1, 9))),
        ("sh", 'curl -u "$CI_USER:$CI_PASSWORD" https://ci.%s.internal/api/json' % rword(rng)),
        ("sh", 'mysql -u root -p"$MYSQL_ROOT_PASSWORD" -h db.internal %s' % rword(rng)),
        ("md", "Clone with `git clone https://git.%s.internal/%s.git` (you will be asked for a password)." % (rword(rng), rword(rng))),
        ("properties", "spring.datasource.url=jdbc:postgresql://db.internal:5432/%s?sslmode=require" % rword(rng)),
    ]))
    add("i18n-and-flags", 50, lambda: pick([
        ("json", '  "password_too_short": "Password must be at least %d characters",' % rng.randrange(8, 16)),
        ("json", '  "invalid_token": "Your session token has expired (code %d)",' % rng.choice([401, 403, 419])),
        ("yml", "  require_password: %s" % rng.choice(["true", "false"])),
        ("yml", "  secret: %s" % rng.choice(["true", "false"])),
        ("py", 'PASSWORD_RESET_PATH = "/account/password/reset/v%d"' % rng.randrange(1, 4)),
        ("properties", "auth.token.header=X-Auth-Token"),
    ]))
    return out


# ----------------------------------------------------------------------------
# file kinds: names and filler lines
# ----------------------------------------------------------------------------

CODE_KINDS = ["py", "js", "ts", "go", "yml", "json", "env", "properties", "xml", "Dockerfile",
              "tf", "sh", "rb", "java", "toml", "ini"]

FILLER = {
    "py": ["import os", "import logging", "log = logging.getLogger(__name__)", "def handle_{w}(event):",
           "    return process(event, retries={n})", "", "# {w} settings", "TIMEOUT = {n}"],
    "js": ["'use strict';", "const path = require('path');", "module.exports.{w} = {w};", "",
           "function {w}(req, res) {{ return res.json({{ ok: true }}); }}", "// {w} helpers"],
    "ts": ["import {{ Injectable }} from '@angular/core';", "export const {w}Limit = {n};", "", "// {w}"],
    "go": ["package {w}", "import \"fmt\"", "func {w}() {{ fmt.Println({n}) }}", "", "// {w} wiring"],
    "yml": ["# {w}", "  replicas: {n}", "  image: registry.local/{w}:{n}", "", "  labels:", "    app: {w}"],
    "json": ["{{", "  \"name\": \"{w}\",", "  \"retries\": {n},", "  \"enabled\": true,", "}}"],
    "env": ["# {w}", "LOG_LEVEL=info", "PORT={n}", "", "REGION=eu-west-1"],
    "properties": ["# {w}", "server.port={n}", "spring.application.name={w}", ""],
    "xml": ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "  <module>{w}</module>", "  <timeout>{n}</timeout>", ""],
    "Dockerfile": ["FROM debian:bookworm-slim", "WORKDIR /srv/{w}", "RUN apt-get update", "EXPOSE {n}", ""],
    "tf": ["# {w}", "resource \"null_resource\" \"{w}\" {{}}", "variable \"{w}_count\" {{ default = {n} }}", ""],
    "sh": ["#!/bin/sh", "set -eu", "echo \"deploying {w}\"", "sleep {n}", ""],
    "rb": ["require 'json'", "def {w}; {n}; end", "", "# {w}"],
    "java": ["package com.acme.{w};", "import java.util.List;", "    int {w}Count = {n};", ""],
    "toml": ["[{w}]", "retries = {n}", "", "# {w}"],
    "ini": ["[{w}]", "retries = {n}", "", "; {w}"],
    "html": ["<div class=\"{w}\">", "</div>", "<!-- {w} -->", ""],
    "css": [".{w} {{ margin: {n}px; }}", "", "/* {w} */"],
    "md": ["# {w}", "", "Run `make {w}` first.", "See section {n}."],
    "txt": ["{w}", "", "{n}"],
    "sql": ["-- {w}", "SELECT count(*) FROM {w};", ""],
}
SPECIAL_NAMES = {
    "package-lock.json": "package-lock.json", "yarn.lock": "yarn.lock", "go.sum": "go.sum",
    "Cargo.lock": "Cargo.lock", "Pipfile.lock": "Pipfile.lock", "composer.lock": "composer.lock",
    "authorized_keys": "authorized_keys", "known_hosts": "known_hosts", "Dockerfile": "Dockerfile",
}


def filler_kind(kind):
    if kind in FILLER:
        return kind
    return {"package-lock.json": "json", "composer.lock": "json", "Pipfile.lock": "json",
            "Cargo.lock": "toml", "yarn.lock": "txt", "go.sum": "txt", "pub": "txt", "pem": "txt",
            "asc": "txt", "authorized_keys": "txt", "known_hosts": "txt"}.get(kind, "txt")


def basename_for(kind, idx):
    if kind in SPECIAL_NAMES:
        return SPECIAL_NAMES[kind]
    if kind == "env":
        return [".env", ".env.production", "app.env", ".env.local"][idx % 4]
    if kind == "properties":
        return ["application.properties", "config.properties", "gradle.properties"][idx % 3]
    return "%s_%d.%s" % (["settings", "config", "client", "deploy", "main", "values", "secrets", "app"][idx % 8],
                         idx, kind)


# ----------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory (repo/ and truth.json)")
    ap.add_argument("--leakwalk", default=os.environ.get("LEAKWALK", "/tmp/build-prec/leakwalk"))
    ap.add_argument("--patterns", default=os.path.join(SRC, "patterns"))
    ap.add_argument("--variants", type=int, default=20, help="variants per example (default 20)")
    ap.add_argument("--seed", default="leakwalk-precision-1", help="RNG seed ('random' for a fresh one)")
    ap.add_argument("--commits", type=int, default=300, help="approximate commits on main (default 300)")
    ap.add_argument("--general-scale", type=float, default=1.0, help="multiplier for the general decoys")
    ap.add_argument("--rules", default="", help="comma-separated rule ids (default: all)")
    ap.add_argument("--keep-verify", action="store_true", help="keep the standalone-verification tree")
    ap.add_argument("--engine", choices=["auto", "regex", "re", "pcre2grep", "none"], default="auto",
                    help="regex engine that validates mutations (default: the first of regex, re, pcre2grep that "
                         "compiles the rule; none: literal-prefix fallback only)")
    ap.add_argument("--work-dir", help="where the scratch files go (default /dev/shm if writable, else --out)")
    args = ap.parse_args()

    if args.engine != "auto":
        ENGINES[:] = [] if args.engine == "none" else [args.engine]
    seed = args.seed if args.seed != "random" else os.urandom(8).hex()
    rng = random.Random(seed)
    t0 = time.time()
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    repo = os.path.join(out, "repo")
    if os.path.exists(repo):
        shutil.rmtree(repo)
    # tens of thousands of tiny files: on tmpfs when there is one
    wdir = args.work_dir or ("/dev/shm" if os.access("/dev/shm", os.W_OK) else out)
    work = tempfile.mkdtemp(prefix="lwprec-work-", dir=wdir)

    rules = load_rules(args.patterns)
    if args.rules:
        want = set(args.rules.split(","))
        rules = [r for r in rules if r["id"] in want]
    by_id = {r["id"]: r for r in rules}
    all_rules = {r["id"]: r for r in load_rules(args.patterns)}
    validators = {}

    def validator(rid):
        if rid not in validators:
            validators[rid] = Validator(all_rules[rid])
        return validators[rid]

    # -- 1. locate secrets: every example scanned alone ------------------------------
    # once with only its own rule (where is the rule's secret?), once with every
    # built-in rule (which other spans in the example are secrets too?)
    exdir = os.path.join(work, "examples")
    cfgdir = os.path.join(work, "configs")
    os.makedirs(exdir)
    os.makedirs(cfgdir)
    examples = []  # (rid, kind, index, text)
    for r in rules:
        os.makedirs(os.path.join(exdir, r["id"]))
        for kind in ("match", "no_match"):
            for i, e in enumerate(r["examples"].get(kind, [])):
                text = e[:-1] if e.endswith("\n") else e
                examples.append((r["id"], kind, i, text))
    for n, (rid, kind, i, text) in enumerate(examples):
        with open(os.path.join(exdir, rid, "%d.txt" % n), "w") as f:
            f.write(text + "\n")

    def example_no(f):
        return int(os.path.basename(f["path"]).split(".")[0])

    ex_all = collections.defaultdict(list)
    for f in leakwalk_scan(args.leakwalk, exdir):
        ex_all[example_no(f)].append(f)
    ex_own = collections.defaultdict(list)
    for f in scan_each_rule(args.leakwalk, exdir, cfgdir, by_id):
        ex_own[example_no(f)].append(f)
    ex_findings = {}
    for n, (rid, kind, i, text) in enumerate(examples):
        ex_findings[n] = [f for f in ex_own[n] if f["rule"] == rid] + \
            [f for f in ex_all[n] if f["rule"] != rid]
    log("%d examples of %d rules scanned alone (%.1fs)" % (len(examples), len(rules), time.time() - t0))

    # the prefix every match example of a rule shares
    shared_prefix = {}
    for rid in by_id:
        secrets = []
        for n, (erid, kind, i, text) in enumerate(examples):
            if erid == rid and kind == "match":
                secrets += [f["secret"] for f in ex_findings[n] if f["rule"] == rid]
        shared_prefix[rid] = common_prefix(secrets) if len(secrets) >= 2 else ""

    stats = collections.defaultdict(lambda: collections.Counter())
    engines = collections.Counter()
    items = []  # dicts: the unit placed into the repository
    seen_secrets = set()

    def new_item(**kw):
        kw["id"] = len(items)
        items.append(kw)
        return kw

    # -- 2. secrets: re-randomised match examples --------------------------------------
    N = args.variants
    ENT_DRAWS = 400
    ent_rng = random.Random(seed + "/entropy")
    for n, (rid, kind, idx, text) in enumerate(examples):
        if kind != "match":
            continue
        rule = by_id[rid]
        starts = line_starts(text)
        fs = ex_findings[n]
        prim = [f for f in fs if f["rule"] == rid and not f.get("decoded")]
        if not prim:  # `rules test` proves the examples: a changed rule file?
            stats[rid]["example_not_found_alone"] += 1
            continue
        spans = []  # (rule id, (s, e))
        for f in fs:
            if f.get("decoded"):  # a duplicate found in decoded text
                continue
            sp = finding_span(text, starts, f)
            if sp:
                spans.append((f["rule"], sp))
        positions = set()
        prot = set()
        kws = list(rule.get("keywords", []))
        for frid, (s, e) in spans:
            positions.update(range(s, e))
            # keywords, the shared prefix and the rule's literal prefix are kept
            seg = text[s:e]
            pre = shared_prefix.get(frid, "") if frid == rid else ""
            if frid != rid and frid in all_rules:
                kws += list(all_rules[frid].get("keywords", []))
            if pre and seg.startswith(pre):
                prot.update(range(s, s + len(pre)))
            for m in re.finditer(r"%[0-9A-Fa-f]{2}", seg):  # percent escapes stay valid
                prot.update(range(s + m.start(), s + m.end()))
            low = seg.lower()
            for kw in kws:
                k = kw.lower()
                j = low.find(k)
                while k and j >= 0:
                    prot.update(range(s + j, s + j + len(k)))
                    j = low.find(k, j + 1)
        cand = sorted(p for p in positions - prot if text[p].isalnum())
        cand_set = set(cand)
        # regex oracles: every (rule, span) the original yields must survive
        checks = []
        for frid, sp in spans:
            if frid not in all_rules:  # the binary is older than the rule files
                continue
            v = validator(frid)
            if v.has(text, sp):
                checks.append((v, sp))
        v0 = validator(rid)
        prim_spans = [sp for frid, sp in spans if frid == rid]
        if not any(v is v0 for v, _ in checks):
            # no in-process oracle: keep the regex's literal prefix, mutate the rest
            engines["fallback"] += 1
            lit = literal_prefix(rule["regex"], int(rule.get("secret_group", 0) or 0))
            for (s, e) in prim_spans:
                if lit and text[s:e].startswith(lit):
                    cand = [p for p in cand if not (s <= p < s + len(lit))]
        else:
            engines[v0.engine] += 1
        alph = {}
        for frid, (s, e) in spans:
            for p, a in segment_alphabets(text, s, e).items():
                alph.setdefault(p, a)

        # how often does a random secret of this example's shape fall below
        # the rule's minimum entropy (a real-world miss rate)?
        if rule.get("entropy"):
            lim = float(rule["entropy"])
            for (s, e) in prim_spans:
                cols = []
                for p in range(s, e):
                    if p in alph and p in cand_set:
                        lo, up, dg = alph[p]
                        c = text[p]
                        pool = lo if c in LOWER else up if c in UPPER else dg
                        cols.append(ent_rng.choices(pool, k=ENT_DRAWS))
                    else:
                        cols.append([text[p]] * ENT_DRAWS)
                below = sum(shannon(d) < lim for d in zip(*cols))
                pm = int(1000 * below / ENT_DRAWS)
                if pm > stats[rid].get("entropy_fn_permille", -1):
                    stats[rid]["entropy_fn_permille"] = pm
                    stats[rid]["entropy_fn_example"] = idx

        def check(t, checks=checks):
            for v, sp in checks:
                if not v.has(t, sp):
                    return False
            return True

        for vn in range(N):
            t, _ = mutate(text, cand, check, lambda p: alph.get(p, (LOWER, UPPER, DIGITS)), rng)
            if rule.get("checksum"):
                for (s, e) in prim_spans:
                    t = t[:s] + fix_checksum(t[s:e], rule["checksum"]) + t[e:]
            key = (rid, t)
            if key in seen_secrets or t == text and vn > 0:
                stats[rid]["match_duplicate"] += 1
                continue
            seen_secrets.add(key)
            new_item(kind="secret", rule=rid, example=idx, text=t,
                     spans=[(frid, sp) for frid, sp in spans], mutated=len(cand))
        stats[rid]["match_variants"] += N

    # -- 3. decoys: re-randomised no_match examples ------------------------------------
    RUN = re.compile(r"[A-Za-z0-9+/_.~-]{8,}={0,2}")
    PREFIX = re.compile(r"(?:[A-Za-z]{1,10}[0-9]?[_.-]){1,3}")
    IDENT = re.compile(r"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+(?:[_.-][a-z]+)*)$")
    for n, (rid, kind, idx, text) in enumerate(examples):
        if kind != "no_match":
            continue
        rule = by_id[rid]
        words = PROTECT_WORDS + list(rule.get("keywords", [])) + list(rule.get("allow", {}).get("stopwords", []))
        prot = protected_runs(text, words)
        cand = []
        for m in RUN.finditer(text):
            run = m.group(0)
            has_d = any(c.isdigit() for c in run)
            has_a = any(c.isalpha() for c in run)
            mixed = any(c.isupper() for c in run) and any(c.islower() for c in run)
            if IDENT.match(run) or not ((has_d and has_a) or (mixed and len(run) >= 12)):
                continue
            # a provider prefix (sk-, ghp_, sk_live_, sandbox-sq0atp-) stays
            pre = PREFIX.match(run)
            start = m.start() + (pre.end() if pre else 0)
            for p, a in sorted(segment_alphabets(text, start, m.end()).items()):
                if p not in prot:
                    cand.append((p, a))
        v = validator(rid)
        orig = v.outcome(text)
        alph = dict(cand)

        def check(t, v=v, orig=orig):
            got = v.outcome(t)
            return got is not None and got == orig

        made = set()
        for vn in range(N):
            if cand and orig is not None:
                t, _ = mutate(text, [p for p, _ in cand], check, lambda p: alph[p], rng)
            else:
                t = text
            if t != text and t in made:
                t = text
            made.add(t)
            new_item(kind="no_match", rule=rid, example=idx, text=t, orig=text,
                     randomised=(t != text))
        stats[rid]["no_match_variants"] += N

    # -- 4. general decoys -------------------------------------------------------------
    for cat, fkind, text in general_decoys(rng, args.general_scale):
        new_item(kind="general", rule=None, category=cat, text=text, fkind=fkind)

    # -- 5. file kinds, then every item scanned alone ---------------------------------
    for it in items:
        if it["kind"] != "general":
            it["fkind"] = rng.choice(CODE_KINDS)
        it["base"] = basename_for(it["fkind"], it["id"])
    vdir = os.path.join(work, "verify")
    os.makedirs(vdir)
    for d in {it["rule"] or "_general" for it in items}:
        os.makedirs(os.path.join(vdir, d))
    for it in items:
        d = os.path.join(vdir, it["rule"] or "_general")
        if it["fkind"] in SPECIAL_NAMES:  # the name itself matters (allow.paths)
            d = os.path.join(d, str(it["id"]))
            os.makedirs(d)
            name = it["base"]
        else:
            name = "%d.%s" % (it["id"], it["base"].split(".")[-1] if "." in it["base"] else it["fkind"])
        with open(os.path.join(d, name), "w") as f:
            f.write(it["text"] + "\n")

    def item_no(f):
        p = f["path"].split("/")
        return int(p[-2]) if p[-1] in SPECIAL_NAMES.values() else int(p[-1].split(".")[0])

    alone = collections.defaultdict(list)
    for f in leakwalk_scan(args.leakwalk, vdir):
        alone[item_no(f)].append(f)
    own = collections.defaultdict(list)
    for f in scan_each_rule(args.leakwalk, vdir, cfgdir, by_id):
        own[item_no(f)].append(f)
    log("%d items scanned alone (%.1fs)" % (len(items), time.time() - t0))

    def rec(f):
        return {"rule": f["rule"], "line": f["line"], "secret": f["secret"]}

    keep = []
    for it in items:
        fs = alone[it["id"]]
        text = it["text"]
        starts = line_starts(text)
        it["standalone"] = [rec(f) for f in fs]
        if it["kind"] == "secret":
            rid = it["rule"]
            mine = [f for f in own[it["id"]] if f["rule"] == rid]
            # the planted secret(s): the spans the rule's examples located
            want = [text[s:e] for frid, (s, e) in it["spans"] if frid == rid]
            got = {f["secret"] for f in mine}
            if not mine or not all(w in got for w in want):
                # why: a generator limitation (the format broke) or the rule's
                # own filters dropping a format-valid random secret
                stats[rid]["match_discarded"] += 1
                psp = [sp for frid, sp in it["spans"] if frid == rid]
                ent = min(shannon(text[s:e]) for s, e in psp) if psp else 0.0
                fits = [validator(rid).has(text, sp) for sp in psp]
                if any(f is False for f in fits):
                    reason = "regex"
                elif any(f is None for f in fits):
                    reason = "unverified"  # no regex engine: most likely the format broke
                elif by_id[rid].get("entropy") and ent < float(by_id[rid]["entropy"]):
                    reason = "entropy"
                    stats[rid]["entropy_min_seen_x1000"] = min(stats[rid].get("entropy_min_seen_x1000", 99999),
                                                              int(ent * 1000))
                else:
                    reason = "filter"
                stats[rid]["discard: " + reason] += 1
                it["discard_line"] = "[%s] %s" % (reason, text)
                continue
            mutated = set()
            for frid, (s, e) in it["spans"]:
                mutated.update(range(s, e))
            planted, extras = [], []
            for f in mine:
                if f["secret"] in want:
                    r = dict(rec(f), primary=True)
                    # which rules report it when every rule runs (deduplication
                    # keeps the most telling one)
                    r["alone_all"] = sorted({g["rule"] for g in fs if g["line"] == f["line"] and
                                             (g["secret"] in f["secret"] or f["secret"] in g["secret"])})
                    planted.append(r)
            for f in fs:
                if any(f["line"] == p["line"] and (f["secret"] in p["secret"] or p["secret"] in f["secret"])
                       for p in planted if p["primary"]):
                    continue
                sp = finding_span(text, starts, f)
                if sp and any(p in mutated for p in range(*sp)):
                    planted.append(dict(rec(f), primary=False))
                else:
                    extras.append(rec(f))
            it["planted"] = planted
            it["extras"] = extras
            stats[rid]["match_kept"] += 1
        elif it["kind"] == "no_match":
            rid = it["rule"]
            if any(f["rule"] == rid for f in own[it["id"]]):
                stats[rid]["no_match_discarded"] += 1
                it["text"] = it["orig"]
                it["randomised"] = False
                n = next(k for k, e in enumerate(examples)
                         if e[0] == rid and e[1] == "no_match" and e[2] == it["example"])
                it["standalone"] = [rec(f) for f in ex_all[n]]
            stats[rid]["no_match_kept"] += 1
        keep.append(it)
    discarded_samples = collections.defaultdict(list)
    for it in items:
        if "discard_line" in it and len(discarded_samples[it["rule"]]) < 3:
            discarded_samples[it["rule"]].append(it["discard_line"][:2000])
    items = keep

    # -- 6. the repository: files, commits, branches, a merge --------------------------
    branches = ["main", "feature/payments", "feature/observability", "wip/experiments"]
    weights = [0.82, 0.07, 0.06, 0.05]
    for it in items:
        it["branch"] = rng.choices(branches, weights)[0]
    services = ["billing", "gateway", "search", "users", "reports", "ledger", "catalog", "inbox",
                "events", "media", "audit", "quota", "notify", "auth-proxy", "scheduler"]
    files = []  # dicts: path, kind, branch, items
    for br in branches:
        its = [it for it in items if it["branch"] == br]
        rng.shuffle(its)
        by_kind = collections.defaultdict(list)
        for it in its:
            key = it["base"] if it["fkind"] in SPECIAL_NAMES or it["fkind"] in ("env", "properties") else it["fkind"]
            by_kind[(it["fkind"], key)].append(it)
        for (fkind, key), lst in sorted(by_kind.items()):
            i = 0
            while i < len(lst):
                k = rng.randrange(15, 45)
                chunk = lst[i:i + k]
                i += k
                top = "features/%s" % br.split("/")[-1] if br != "main" else rng.choice(
                    ["services", "deploy", "config", "infra", "apps", "tools"])
                d = "%s/%s%s" % (top, rng.choice(services), "" if rng.random() < 0.6 else "/" + rng.choice(["conf", "k8s", "src", "ci", "docker", "keys"]))
                base = chunk[0]["base"]
                if fkind not in SPECIAL_NAMES and fkind not in ("env", "properties"):
                    base = basename_for(fkind, len(files))
                path = "%s/%s" % (d, base)
                while any(f["path"] == path for f in files):
                    path = "%s/%d/%s" % (d, len(files), base)
                files.append({"path": path, "kind": fkind, "branch": br, "items": chunk, "lines": []})
    # append operations, interleaved across a branch's files, grouped into commits
    ops_by_branch = collections.defaultdict(list)
    for fi, f in enumerate(files):
        its = f["items"]
        i = 0
        seq = []
        while i < len(its):
            k = rng.randrange(1, 12)
            seq.append((fi, its[i:i + k]))
            i += k
        f["pending"] = len(seq)
        ops_by_branch[f["branch"]].append(seq)

    def interleave(seqs):
        seqs = [list(s) for s in seqs]
        outl = []
        while any(seqs):
            live = [s for s in seqs if s]
            s = rng.choices(live, [len(x) for x in live])[0]
            outl.append(s.pop(0))
        return outl

    commits_by_branch = {}
    for br in branches:
        ops = interleave(ops_by_branch[br])
        target = args.commits if br == "main" else max(8, args.commits // 12)
        per = max(1, len(ops) // max(1, target))
        cs = []
        i = 0
        while i < len(ops):
            k = max(1, per + rng.randrange(-per // 2, per // 2 + 1)) if per > 1 else rng.choice([1, 1, 2])
            cs.append(ops[i:i + k])
            i += k
        commits_by_branch[br] = cs

    def fill_line(kind):
        return rng.choice(FILLER[filler_kind(kind)]).format(w=rng.choice(services).replace("-", "_"),
                                                            n=rng.randrange(1, 9000))

    author_pool = [("Ada Lovelace", "ada@acme.test"), ("Grace Hopper", "grace@acme.test"),
                   ("Linus Pauling", "linus@acme.test"), ("Barbara Liskov", "barbara@acme.test")]
    stream = []
    mark = [0]
    clock = [1600000000]
    tips = {}

    def blob_data(data):
        b = data.encode()
        return b"data %d\n" % len(b) + b + b"\n"

    def apply_ops(ops, commit_no, br):
        changed = set()
        for fi, chunk in ops:
            f = files[fi]
            if not f["lines"]:
                f["lines"] += [fill_line(f["kind"]) for _ in range(rng.randrange(1, 4))]
            for it in chunk:
                f["lines"] += [fill_line(f["kind"]) for _ in range(rng.randrange(1, 3))]
                it["path"] = f["path"]
                it["line"] = len(f["lines"]) + 1
                it["commit_no"] = commit_no
                it["branch"] = br
                f["lines"] += it["text"].split("\n")
            changed.add(fi)
            f["pending"] -= 1
        return changed

    def emit_commit(br, ref, msg, mods, parent=None, merge=None, deletes=()):
        mark[0] += 1
        clock[0] += rng.randrange(600, 40000)
        name, email = rng.choice(author_pool)
        s = b"commit %s\nmark :%d\n" % (ref.encode(), mark[0])
        s += b"author %s <%s> %d +0000\n" % (name.encode(), email.encode(), clock[0])
        s += b"committer %s <%s> %d +0000\n" % (name.encode(), email.encode(), clock[0])
        s += blob_data(msg)
        if parent:
            s += b"from :%d\n" % parent
        if merge:
            s += b"merge :%d\n" % merge
        for p in deletes:
            s += b"D %s\n" % p.encode()
        for fi in sorted(mods):
            f = files[fi]
            s += b"M 100644 inline %s\n" % f["path"].encode()
            s += blob_data("\n".join(f["lines"]) + "\n")
        stream.append(s)
        return mark[0]

    verbs = ["Add", "Update", "Tune", "Wire up", "Configure", "Refactor", "Document", "Fix"]
    main_cs = commits_by_branch["main"]
    nmain = len(main_cs)
    fork_at = {"feature/payments": int(nmain * 0.3), "feature/observability": int(nmain * 0.5),
               "wip/experiments": int(nmain * 0.7)}
    merge_at = {"feature/payments": int(nmain * 0.6), "feature/observability": int(nmain * 0.85)}
    main_marks = []
    deleted = set()
    commit_no = 0

    def run_branch(br):
        nonlocal commit_no
        parent = main_marks[fork_at[br]]
        for ops in commits_by_branch[br]:
            commit_no += 1
            ch = apply_ops(ops, commit_no, br)
            parent = emit_commit(br, "refs/heads/" + br, "%s %s (%s)" % (rng.choice(verbs), files[ops[0][0]]["path"].split("/")[-1], br), ch, parent)
        tips[br] = parent

    prev = None
    for ci in range(nmain + 1):
        for br, at in merge_at.items():
            if at == ci and br in tips:
                brfiles = {fi for fi, f in enumerate(files) if f["branch"] == br}
                prev = emit_commit("main", "refs/heads/main", "Merge branch '%s'" % br, brfiles, prev, tips[br])
        if ci == nmain:
            break
        ops = main_cs[ci]
        commit_no += 1
        ch = apply_ops(ops, commit_no, "main")
        dels = []
        if ci > nmain * 0.75 and rng.random() < 0.04:
            cands = [f["path"] for fi, f in enumerate(files) if f["branch"] == "main" and f["lines"]
                     and f["pending"] == 0 and fi not in ch and f["path"] not in deleted]
            if cands:
                dels = [rng.choice(cands)]
                deleted.update(dels)
        prev = emit_commit("main", "refs/heads/main", "%s %s" % (rng.choice(verbs), files[ops[0][0]]["path"]), ch, prev,
                           deletes=dels)
        main_marks.append(prev)
        if ci == nmain // 2:
            stream.append(b"tag v1.0\nfrom :%d\ntagger Release Bot <release@acme.test> %d +0000\n%s"
                          % (prev, clock[0], blob_data("Release 1.0")))
        for br, at in fork_at.items():
            if at == ci:
                run_branch(br)
    os.makedirs(repo)
    subprocess.run(["git", "init", "-q", "--bare", repo], check=True)
    subprocess.run(["git", "--git-dir", repo, "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    p = subprocess.run(["git", "--git-dir", repo, "fast-import", "--quiet"], input=b"".join(stream),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode:
        sys.exit("precision_gen: git fast-import failed: " + p.stderr.decode()[-2000:])
    ncommits = int(subprocess.run(["git", "--git-dir", repo, "rev-list", "--all", "--count"],
                                  stdout=subprocess.PIPE, check=True).stdout)

    # -- 7. ground truth -----------------------------------------------------------------
    secrets, decoys = [], []
    for it in items:
        if "path" not in it:
            continue
        base = {"item": it["id"], "path": it["path"], "branch": it["branch"], "commit_no": it["commit_no"],
                "file_kind": it["fkind"], "line_start": it["line"],
                "line_end": it["line"] + it["text"].count("\n")}
        if it["kind"] == "secret":
            for pl in it["planted"]:
                secrets.append(dict(base, rule=pl["rule"], owner=it["rule"], example=it["example"],
                                    primary=pl["primary"], line=it["line"] + pl["line"] - 1,
                                    secret=pl["secret"], alone_all=pl.get("alone_all"),
                                    text=it["text"][:300]))
            if it["extras"]:
                decoys.append(dict(base, kind="match-extra", rule=it["rule"], category="match-line extra",
                                   standalone=[dict(x, line=it["line"] + x["line"] - 1) for x in it["extras"]],
                                   text=it["text"][:300]))
        else:
            decoys.append(dict(base, kind=it["kind"], rule=it["rule"],
                               category=it.get("category") or "no_match",
                               example=it.get("example"), randomised=it.get("randomised", False),
                               standalone=[dict(x, line=it["line"] + x["line"] - 1) for x in it["standalone"]],
                               text=it["text"][:300]))
    summary = {}
    for rid in by_id:
        st = stats[rid]
        summary[rid] = {k: st[k] for k in sorted(st)}
    truth = {
        "meta": {"seed": seed, "variants": N, "rules": len(rules), "commits": ncommits,
                 "files": len(files), "deleted_files": len(deleted), "branches": branches,
                 "oracle_engines": dict(engines), "leakwalk": args.leakwalk,
                 "generated_in_s": round(time.time() - t0, 1)},
        "rule_stats": summary,
        "rule_entropy": {rid: by_id[rid].get("entropy") for rid in by_id},
        "discarded_samples": discarded_samples,
        "secrets": secrets,
        "decoys": decoys,
    }
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    if not args.keep_verify:
        shutil.rmtree(work)
    nprim = sum(1 for s in secrets if s["primary"])
    nd = sum(st["match_discarded"] for st in stats.values())
    log("repo %s: %d commits, %d files; %d planted secrets (%d primary), %d decoys; %d variants discarded; %.1fs"
        % (repo, ncommits, len(files), len(secrets), nprim, len(decoys), nd, time.time() - t0))


if __name__ == "__main__":
    main()
