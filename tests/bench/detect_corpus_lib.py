"""detect_corpus_lib.py - the pieces detect_corpus_gen.py's case modules share:
the corpus writer with its labels, and secret makers.

Every value is drawn from one seeded random.Random, so a seed gives the same
corpus byte for byte (except the private keys and certificates that openssl
and ssh-keygen make: their labels are the same, their bytes are not). No
secret-shaped literal lives in this source: values are made at run time, and
the few documented example keys (negatives) are joined from pieces.
"""
import base64
import hashlib
import json
import os
import string
import subprocess
import urllib.parse
import zlib

B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
CRYPT64 = "./" + string.digits + string.ascii_uppercase + string.ascii_lowercase
# characters a YAML plain (unquoted) scalar cannot start with or hold as written
YAML_PLAIN = "\"'\\#:{}[],&*!|>%@`?-"
# every printable punctuation a password may hold (issue 13: `; % ] > , : < ( ) { } [ ] ! = ^ $ #`)
PUNCT = "!#$%&()*+,-./:;<=>?@[]^_{|}~"

# Words people build weak passwords from (common-practice lists of leaked
# passwords: a word, a season, a name, then digits and a symbol).
WORDS = ("hunter", "dragon", "monkey", "sunshine", "shadow", "master", "football",
         "tigger", "charlie", "buster", "soccer", "jordan", "pepper", "ginger",
         "maverick", "cookie", "orange", "banana", "falcon", "rainbow", "michael",
         "jessica", "princess", "starwars", "liverpool", "chelsea", "thunder",
         "matrix", "phoenix", "yankees", "dolphin", "mustang", "corvette", "hockey")
SEASONS = ("Summer", "Winter", "Autumn", "Spring", "Welcome", "Company", "Berlin", "London")
LEET = ("P@ssw0rd", "P@55word", "Adm1n", "S3cur1ty", "Qwerty", "Passw0rd", "L3tM3In")


class P:
    """A line that holds a secret (label "secret"). span: how many of the
    following lines belong to the same secret (a PEM block's body): a
    finding anywhere on line..line+span finds it."""
    def __init__(self, text, kind, secret=None, span=0):
        self.text, self.kind, self.secret, self.span = text, kind, secret, span


class N:
    """A line that looks like one but holds no secret (label "not-secret")."""
    def __init__(self, text, kind):
        self.text, self.kind = text, kind


class A:
    """A line reasonable people label either way (label "ambiguous"): a
    finding there is neither a hit nor a false alarm, and it is not counted
    in recall."""
    def __init__(self, text, kind):
        self.text, self.kind = text, kind


class Corpus:
    def __init__(self, out, rng):
        self.out = out
        self.root = os.path.join(out, "corpus")
        self.r = rng
        self.labels = []
        self.paths = set()
        self.tmp = os.path.join(out, "scratch")
        os.makedirs(self.tmp, exist_ok=True)

    # ---------------------------------------------------------------- files
    def file(self, category, path, doc, items, mode=0o644, whole=None):
        """Writes corpus/<category>/<path>. items: strings (several lines
        allowed, unlabelled), P, N and A objects (one line each). doc names
        the format's documentation or the practice the case comes from.
        whole: a kind when the file's presence alone is a leak (a private
        key file, master.key, credentials.xml): a line-0 label that any
        finding in the file (a path rule's too) finds."""
        rel = "%s/%s" % (category, path)
        if rel in self.paths:
            raise SystemExit("duplicate corpus path " + rel)
        self.paths.add(rel)
        lines = []
        if whole:
            self.labels.append({"path": rel, "line": 0, "category": category, "label": "secret",
                                "kind": whole, "doc": doc})
        for it in items:
            if isinstance(it, (P, N, A)):
                if "\n" in it.text:
                    raise SystemExit("labelled item with a newline in " + rel)
                lines.append(it.text)
                lab = {"path": rel, "line": len(lines), "category": category,
                       "label": {P: "secret", N: "not-secret", A: "ambiguous"}[type(it)],
                       "kind": it.kind, "doc": doc}
                if isinstance(it, P) and it.secret is not None:
                    lab["secret"] = it.secret
                if isinstance(it, P) and it.span:
                    lab["end_line"] = len(lines) + it.span
                self.labels.append(lab)
            else:
                lines.extend(it.split("\n"))
        full = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(full, mode)

    def raw(self, category, path, data, doc, whole):
        """Writes a binary file whose presence alone is a leak (a keystore):
        only a line-0 label of kind whole."""
        rel = "%s/%s" % (category, path)
        self.paths.add(rel)
        full = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        self.labels.append({"path": rel, "line": 0, "category": category, "label": "secret",
                            "kind": whole, "doc": doc})

    def write_labels(self):
        with open(os.path.join(self.out, "labels.jsonl"), "w") as f:
            for lab in self.labels:
                f.write(json.dumps(lab, sort_keys=True) + "\n")

    # -------------------------------------------------------------- secrets
    def rnd(self, n, alphabet=ALNUM):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def weak(self):
        """A weak password as people choose them: hunter22, Summer2024!,
        P@ssw0rd;%]>, Falcon1987."""
        r = self.r
        k = r.randrange(5)
        if k == 0:
            return r.choice(WORDS) + str(r.randint(1, 99))
        if k == 1:
            return r.choice(SEASONS) + str(r.randint(2015, 2026)) + r.choice("!#$.@")
        if k == 2:
            return r.choice(LEET) + "".join(r.choice(";%]>!#^") for _ in range(r.randint(1, 4)))
        if k == 3:
            return r.choice(WORDS).capitalize() + str(r.randint(1960, 2010))
        return r.choice(WORDS) + r.choice("!@#$_.") + r.choice(WORDS) + str(r.randint(0, 9))

    def strong(self, n=None, avoid=""):
        """A random password with punctuation (a password manager's kind),
        leaving out the characters in avoid (the syntax's quotes or separators)."""
        n = n or self.r.randint(14, 24)
        punct = "".join(c for c in PUNCT if c not in avoid)
        al = ALNUM + punct
        while True:
            s = "".join(self.r.choice(al) for _ in range(n))
            if any(c in punct for c in s) and any(c.isdigit() for c in s):
                return s

    def pw(self, avoid=""):
        """Half weak, half random; avoid as in strong()."""
        if self.r.random() < 0.5:
            w = self.weak()
            if not any(c in avoid for c in w):
                return w
        return self.strong(avoid=avoid)

    def pick(self, i, avoid=""):
        """Variant i of a case: 0 a weak password, 1 a random one."""
        if i % 2 == 0:
            for _ in range(20):
                w = self.weak()
                if not any(c in avoid for c in w):
                    return w
        return self.strong(avoid=avoid)

    def b62_checksummed(self, prefix):
        """GitHub's token format (GitHub blog, 2021-04-05 "Behind GitHub's new
        authentication token formats"), also npm's (GitHub changelog
        2021-09-23): prefix + 30 base62 + CRC32 of those 30, 6 base62 digits."""
        body = self.rnd(30, B62)
        return prefix + body + b62_crc(body)

    # ----------------------------------------------------- hashes via openssl
    def crypt(self, scheme, password, salt=None):
        """openssl passwd: -1 md5-crypt, -5 sha256-crypt, -6 sha512-crypt,
        -apr1 Apache's md5 (crypt(5), Apache "Password Formats")."""
        salt = salt or self.rnd(8 if scheme != "-1" else 8, CRYPT64)
        # the password on stdin: one that starts with '-' is not an option there
        out = subprocess.run(["openssl", "passwd", scheme, "-salt", salt, "-stdin"], input=password + "\n",
                             check=True, capture_output=True, text=True).stdout
        return out.strip()

    def bcrypt_shaped(self, cost=None, variant="2b"):
        """$2b$ cost $ 22 salt + 31 hash in bcrypt's base64 (no bcrypt in
        Python's standard library; the shape is what a dump holds)."""
        cost = cost or self.r.choice((10, 10, 12, 11, 13))
        return "$%s$%02d$%s" % (variant, cost, self.rnd(53, CRYPT64))

    def ssha(self, password):
        """RFC 2307 style {SSHA}: base64(sha1(password + salt) + salt)."""
        salt = bytes(self.r.randrange(256) for _ in range(8))
        d = hashlib.sha1(password.encode() + salt).digest()
        return "{SSHA}" + base64.b64encode(d + salt).decode()

    def run(self, *argv):
        return subprocess.run(list(argv), check=True, capture_output=True, text=True,
                              cwd=self.tmp).stdout


def b62_crc(body):
    crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
    enc = ""
    for _ in range(6):
        enc = B62[crc % 62] + enc
        crc //= 62
    return enc


def b64(s):
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


def urlq(s):
    """Percent-encodes what RFC 3986 does not allow in userinfo."""
    return urllib.parse.quote(s, safe="!$&'()*+,;=-._~")


def xml_esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def json_str(s):
    return json.dumps(s)
