#!/bin/bash
# detect_corpus.sh - the detection bench's own machinery works (issue 13):
# the corpus generator writes a corpus and its labels (deterministic from
# the seed, broad enough), leakwalk's JSON report of it parses, and the
# scorer counts what it must: a private key and an AWS key pair that
# today's rules report are found, a missing finding is a miss, a finding on
# a not-secret line is a false alarm, a finding inside a PEM block finds the
# key, a report of another tree is refused, and no secret is printed.
# Not a gate on the numbers: those are measured by tests/bench/detect_bench.sh.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

bench="$LW_TESTS_DIR/bench"
gen() { python3 "$bench/detect_corpus_gen.py" --out "$1" --seed "${2:-13}" >"$1.counts"; }
check "the generator runs" gen "$LW_TMP/dc"
D="$LW_TMP/dc"
check "labels written" test -s "$D/labels.jsonl"
labels_ok() {
	python3 - "$D" <<'PY'
import collections, json, os, sys
d = sys.argv[1]
labs = [json.loads(x) for x in open(os.path.join(d, "labels.jsonl"))]
n = collections.Counter(l["label"] for l in labs)
cats = {l["category"] for l in labs}
want = {"credential-files", "frameworks", "password-hashes", "generic-assignments",
        "private-keys", "provider-tokens", "negatives"}
bad = [l for l in labs if not os.path.isfile(os.path.join(d, "corpus", l["path"]))
       or l["line"] > sum(1 for _ in open(os.path.join(d, "corpus", l["path"]), errors="replace"))]
ok = n["secret"] >= 300 and n["not-secret"] >= 300 and want <= cats and not bad and all(l.get("doc") for l in labs)
if not ok:
    print("labels: %s cats=%s bad=%s" % (dict(n), sorted(cats), bad[:3]), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
check "labels: 300+ secret and 300+ not-secret lines, every category, every label inside its file, every case names its doc" labels_ok
# the same seed gives the same labels (keys differ, their labels do not)
gen "$LW_TMP/dc2"
check "the generator is deterministic for a seed" cmp -s "$D/labels.jsonl" "$LW_TMP/dc2/labels.jsonl"
check "... and the corpus files too, but for generated keys and certificates" \
	cmp -s "$D/corpus/credential-files/netrc-multiline-0/.netrc" "$LW_TMP/dc2/corpus/credential-files/netrc-multiline-0/.netrc"
# another seed gives other values (checked on the value makers: a third
# full corpus would cost its key generation again)
seeds_differ() {
	python3 - "$bench" "$LW_TMP/seeds" <<'PY'
import random, sys
sys.path.insert(0, sys.argv[1])
from detect_corpus_lib import Corpus
def draw(seed):
    c = Corpus(sys.argv[2], random.Random("leakwalk-detect-corpus:" + seed))
    return [c.pick(i) for i in range(8)] + [c.b62_checksummed("ghp_")]
sys.exit(0 if draw("13") == draw("13") and draw("13") != draw("14") else 1)
PY
}
check "another seed gives other values, the same seed the same" seeds_differ

# the files are what their formats' parsers accept (a corpus of broken
# files would measure nothing): JSON (but Sublime's JSON with comments),
# XML, TOML, and YAML when PyYAML is there
formats_parse() {
	python3 - "$D/corpus" <<'PY'
import glob, json, os, sys, xml.dom.minidom
root, bad = sys.argv[1], []
def each(*pats):
    for pat in pats:
        yield from glob.glob(os.path.join(root, "**", pat), recursive=True)
for f in each("*.json", ".*.json", ".ftpconfig", ".dockercfg"):
    if not f.endswith("sftp-config.json"):
        try: json.load(open(f))
        except ValueError as e: bad.append((f, e))
for f in each("*.xml", "*.config"):
    try: xml.dom.minidom.parse(f)
    except Exception as e: bad.append((f, e))
try:
    import tomllib
    for f in each("*.toml"):
        try: tomllib.load(open(f, "rb"))
        except ValueError as e: bad.append((f, e))
except ImportError:
    pass
try:
    import yaml
    for f in each("*.yml", "*.yaml", ".*.yml"):
        try: list(yaml.safe_load_all(open(f)))
        except yaml.YAMLError as e: bad.append((f, e))
except ImportError:
    pass
for f, e in bad[:5]:
    print("does not parse: %s: %s" % (os.path.relpath(f, root), str(e).split("\n")[0]), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "the corpus' JSON, XML, TOML (and YAML) files parse" formats_parse

lw scan scan --no-config --format json --no-redact -q -o "$LW_TMP/report.json" "$D/corpus"
rc_is "scan of the corpus: findings, exit 1" 1
check "the report is a JSON list" pyj "$LW_TMP/report.json" 'isinstance(r, list) and len(r) > 0'

score() { python3 "$bench/detect_score.py" --labels "$D/labels.jsonl" --root "$D/corpus" "$@"; }
check "the scorer runs" score --report "$LW_TMP/report.json" --json-out "$LW_TMP/sum.json" --kinds >"$LW_TMP/score.txt"
S="$LW_TMP/sum.json"
check "a PEM private key (tls/server.key) is counted as found" \
	pyj "$S" 'not [m for m in r["misses"] if m["path"] == "private-keys/tls/server.key"]'
check "an AWS key pair (.aws/credentials) is counted as found" \
	pyj "$S" 'not [m for m in r["misses"] if m["path"] == "provider-tokens/aws/.aws/credentials"]'
check "every PEM/OpenSSH key block is found (today's rules find them all)" \
	pyj "$S" 'not [m for m in r["misses"] if m["path"].startswith("private-keys/") and m["line"] > 0]'
check "totals add up" pyj "$S" 'r["categories"]["total"]["found"] + len(r["misses"]) == r["categories"]["total"]["secret_lines"]'
check_cats() { for c in credential-files frameworks password-hashes generic-assignments private-keys provider-tokens negatives total; do grep -q "^$c " "$1" || return 1; done; }
check "the printed table has every category" check_cats "$LW_TMP/score.txt"
no_secret_printed() {
	python3 - "$D/labels.jsonl" "$1" <<'PY'
import json, sys
out = open(sys.argv[2]).read()
leaked = [l["path"] for l in map(json.loads, open(sys.argv[1]))
          if len(l.get("secret") or "") >= 8 and l["secret"] in out]
if leaked:
    print("secrets printed for %s" % leaked[:5], file=sys.stderr)
sys.exit(1 if leaked else 0)
PY
}
check "the scorer prints no secret value (misses and false alarms are path:line)" no_secret_printed "$LW_TMP/score.txt"

# hand-made reports: the scorer counts each case as documented
mk() { python3 -c 'import json,sys; print(json.dumps([dict(path=sys.argv[1]+"/"+p, line=int(l), end_line=int(e), rule="t") for p,l,e in (x.split(":") for x in sys.argv[2:])]))' "$D/corpus" "$@"; }
echo '[]' >"$LW_TMP/empty.json"
check "an empty report scores" score --report "$LW_TMP/empty.json" --json-out "$LW_TMP/e.json" >/dev/null
check "... with recall 0 and the AWS lines among the misses" pyj "$LW_TMP/e.json" \
	'r["categories"]["total"]["found"] == 0 and sum(m["path"] == "provider-tokens/aws/.aws/credentials" for m in r["misses"]) == 4'
# credentials line 2 is a secret; negatives/documented/.env.test line 1 is
# not-secret; server.key line 5 is inside the key (and the file is a key
# file: a line-0 label); server.p12 is a binary keystore (line-0 label only,
# found by a path rule's finding); the Secret's username line is ambiguous
mk provider-tokens/aws/.aws/credentials:2:2 negatives/documented/.env.test:1:1 private-keys/tls/server.key:5:5 \
	credential-files/netrc-multiline-0/.netrc:1:1 private-keys/tls/server.p12:1:1 \
	frameworks/k8s-0/deploy/secret.yaml:8:8 >"$LW_TMP/hand.json"
check "a hand-made report scores" score --report "$LW_TMP/hand.json" --json-out "$LW_TMP/h.json" >"$LW_TMP/hand.txt"
check "... a secret line found, a key found by a finding inside its block, key files and a keystore by any finding" \
	pyj "$LW_TMP/h.json" 'r["categories"]["total"]["found"] == 4 and r["categories"]["private-keys"]["found"] == 3'
check "... a finding on an ambiguous line is neither a hit nor a false alarm" pyj "$LW_TMP/h.json" \
	'r["categories"]["total"]["ambiguous_flagged"] == 1 and r["categories"]["frameworks"]["flagged"] == 0'
check "... a finding on a not-secret line is a false alarm of that kind" pyj "$LW_TMP/h.json" \
	'{"path": "negatives/documented/.env.test", "line": 1, "rules": ["t"], "kind": "aws-example"} in r["false_alarms"]'
check "... a finding on an unlabelled line is a false alarm too" pyj "$LW_TMP/h.json" \
	'[f for f in r["false_alarms"] if f["path"].endswith("netrc-multiline-0/.netrc") and f["kind"] == "unlabelled"]'
check "... precision counts them" pyj "$LW_TMP/h.json" \
	'r["categories"]["total"]["flagged"] == 5 and r["categories"]["total"]["false_alarms"] == 2'
python3 -c 'import json; print(json.dumps([{"path": "/elsewhere/x.env", "line": 1, "rule": "t"}]))' >"$LW_TMP/other.json"
fails() { ! "$@" >/dev/null 2>&1; }
check "a report of another tree is refused" fails score --report "$LW_TMP/other.json"
echo '{"not": "a list"}' >"$LW_TMP/bad.json"
check "a report that is not a list is refused" fails score --report "$LW_TMP/bad.json"
finish
