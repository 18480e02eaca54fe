#!/bin/bash
# fault_figures.sh - the fault-handling figures of the README:
#
#  1. peak RSS of `leakwalk audit` over a repository holding one huge packed
#     blob (2 GiB by default, LW_FIG_BLOB_MB to change it), at the default
#     --max-blob-size (the blob is never inflated), next to a blob just under
#     the limit (90 MB, inflated and scanned) for contrast;
#  2. the time to exit of every hostile case of tests/integration/
#     hostile_repos.sh, hostile_files.sh and hostile_signals.sh (they are run
#     with LW_FIGURES set, and their pass/fail counts are shown);
#  3. the worst-case seconds per MB over all built-in rules on adversarial
#     input: every rule of patterns/*.json alone (a one-rule config,
#     "defaults": false, one thread) on LW_FIG_MB (default 1) MB generated
#     from its definition - the inputs of tests/integration/redos_guard.sh
#     (keyword + 100 KB of [A-Za-z0-9], each character class run out with a
#     failing tail, keyword + partial tokens, keyword stutter, openers
#     without their end) plus long single lines of the keyword repeated and
#     of each keyword character repeated (128 KiB each); then all built-in
#     rules together on the worst rule's input. Time is CPU time (user+sys,
#     from wait4) and wall time.
#
# Usage: tests/bench/fault_figures.sh [all|rss|exit|rules]   (default: all)
# The binary is $LEAKWALK, else /tmp/build-bench/leakwalk, else
# build/leakwalk (a Release build gives the README's numbers). Everything is
# written under a private mktemp -d directory, removed at exit. Nothing in
# the source tree is modified. Needs git, python3, GNU time (/usr/bin/time).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
if [ -n "${LEAKWALK:-}" ]; then :
elif [ -x /tmp/build-bench/leakwalk ]; then LEAKWALK=/tmp/build-bench/leakwalk
else LEAKWALK=$SRC/build/leakwalk; fi
[ -x "$LEAKWALK" ] || { echo "no leakwalk binary at $LEAKWALK (set LEAKWALK)" >&2; exit 2; }
LEAKWALK=$(cd "$(dirname "$LEAKWALK")" && pwd)/$(basename "$LEAKWALK")
export LEAKWALK
WHAT=${1:-all}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lw-faults.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK/home" GIT_AUTHOR_NAME="A U Thor" \
	GIT_AUTHOR_EMAIL="author@example.com" GIT_COMMITTER_NAME="C O Mitter" \
	GIT_COMMITTER_EMAIL="committer@example.com"
mkdir -p "$HOME"
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=$(command -v python3); fi
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

echo "leakwalk fault figures: $("$LEAKWALK" version 2>/dev/null | head -1), $(nproc) cores, $(uname -m)"
echo "binary: $LEAKWALK"
echo

# ---------------------------------------------------------------------------
# 1. peak RSS with a huge packed blob
# ---------------------------------------------------------------------------
# make_blob_repo DIR BYTES: one commit, a packed blob of BYTES bytes (a
# secret line then newlines) and a small file with a secret
make_blob_repo() {
	local dir=$1 bytes=$2
	git init -q "$dir"
	{
		printf 'blob\nmark :1\ndata %d\n' "$bytes"
		{ printf 'DB_PASSWORD="Zq8%s"\n' "$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 20)"
			head -c "$bytes" /dev/zero | tr '\0' '\n'; } | head -c "$bytes"
		printf '\nblob\nmark :2\ndata <<EOF\nDB_PASSWORD="Rt5%s"\nEOF\n\n' "$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 20)"
		printf 'commit refs/heads/main\ncommitter A <a@example.com> 1700000000 +0000\ndata 4\nblob\nM 100644 :1 huge.txt\nM 100644 :2 small.env\n\n'
	} | git -C "$dir" -c fastimport.unpackLimit=1 fast-import --quiet
}
# rss_run LABEL ARGS...: wall seconds, peak RSS and exit of one leakwalk run
rss_run() {
	local label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$WORK/rss" "$LEAKWALK" "$@" >"$WORK/rss.out" 2>"$WORK/rss.err"
	local rc=$? e m
	read -r e m <"$WORK/rss"
	[ "$e" = Command ] && read -r e m < <(tail -n 1 "$WORK/rss")
	printf '  %-58s %8s s %10s KB (%s MB)  exit %s\n' "$label" "$e" "$m" "$((m / 1024))" "$rc"
}
if [ "$WHAT" = all ] || [ "$WHAT" = rss ]; then
	MB=${LW_FIG_BLOB_MB:-2048}
	echo "== 1. peak RSS, audit at the default --max-blob-size (100M)"
	t0=$(now)
	make_blob_repo "$WORK/blob-huge" $((MB << 20))
	echo "  built a ${MB} MiB packed blob with git fast-import in $(since "$t0") s" \
		"(pack: $(du -m "$WORK"/blob-huge/.git/objects/pack/*.pack | cut -f1) MB on disk)"
	rss_run "audit, ${MB} MiB blob (skipped: header read only)" audit --format json "$WORK/blob-huge"
	grep -m1 'over --max-blob-size' "$WORK/rss.err" | sed 's/^/    stderr: /'
	rm -rf "$WORK/blob-huge"
	make_blob_repo "$WORK/blob-90" $((90 << 20))
	rss_run "audit, 90 MiB blob (under the limit: inflated, scanned)" audit --format json "$WORK/blob-90"
	rss_run "audit, 90 MiB blob, --max-blob-size 10M (skipped)" audit --format json --max-blob-size 10M "$WORK/blob-90"
	rm -rf "$WORK/blob-90"
	echo
fi

# ---------------------------------------------------------------------------
# 2. time to exit of each hostile case
# ---------------------------------------------------------------------------
if [ "$WHAT" = all ] || [ "$WHAT" = exit ]; then
	echo "== 2. time to exit of each fault (tests/integration/hostile_*.sh)"
	: >"$WORK/figures.tsv"
	for t in hostile_repos hostile_files hostile_signals; do
		t0=$(now)
		LW_FIGURES="$WORK/figures.tsv" LW_FIGURES_PREFIX="$t:" LW_TESTS_DIR="$SRC/tests" \
			LW_SOURCE_DIR="$SRC" bash "$SRC/tests/integration/$t.sh" >"$WORK/$t.log" 2>&1
		echo "  $t.sh: $(grep -E '^[0-9]+ passed' "$WORK/$t.log") in $(since "$t0") s"
		grep '^FAIL' "$WORK/$t.log" | sed 's/^/    /'
	done
	echo
	printf '  %-48s %9s %5s %s\n' "case" "seconds" "exit" "peak RSS"
	while IFS=$'\t' read -r name secs rc rss; do
		printf '  %-48s %9s %5s %s\n' "$name" "$secs" "$rc" "${rss:+$rss KB}"
	done <"$WORK/figures.tsv"
	echo
fi

# ---------------------------------------------------------------------------
# 3. worst-case seconds per MB over all built-in rules, adversarial input
# ---------------------------------------------------------------------------
if [ "$WHAT" = all ] || [ "$WHAT" = rules ]; then
	echo "== 3. adversarial input, every built-in rule alone (${LW_FIG_MB:-1} MB each, one thread)"
	"$PY" - "$LEAKWALK" "$SRC/patterns" "$WORK/rules" "${LW_FIG_MB:-1}" <<'PY'
import glob, json, os, random, re, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

leakwalk, patterns, root, mb = sys.argv[1:5]
size = int(float(mb) * (1 << 20))
os.makedirs(root)
ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64 = ALNUM + b"+/"
rules = []
for p in sorted(glob.glob(os.path.join(patterns, "*.json"))):
    for r in json.load(open(p))["rules"]:
        rules.append(r)
listed = subprocess.run([leakwalk, "rules", "list"], capture_output=True, text=True).stdout.split("\n")
listed = {l.split()[0] for l in listed if l.strip()}
rules = [r for r in rules if r["id"] in listed and "regex" in r]  # path rules have no regex


def run(alphabet, n, rng):
    alphabet = bytes(sorted(set(alphabet))) or ALNUM
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    return rng.randbytes(n).translate(table)


def expand_class(body):
    out, i = set(), 0
    neg = body.startswith("^")
    if neg:
        body = body[1:]
    prev = None
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            e = body[i + 1]
            i += 2
            if e == "w":
                out |= set(ALNUM + b"_"); prev = None; continue
            if e == "d":
                out |= set(b"0123456789"); prev = None; continue
            if e == "s":
                out |= set(b" \t"); prev = None; continue
            ch = {"n": 10, "r": 13, "t": 9}.get(e, ord(e) if ord(e) < 128 else 63)
        elif c == "-" and prev is not None and i + 1 < len(body):
            hi = body[i + 1]
            if hi == "\\" and i + 2 < len(body):
                hi = body[i + 2]; i += 1
            out |= set(range(prev, min(ord(hi), 126) + 1))
            i += 2
            prev = None
            continue
        else:
            ch = ord(c) if ord(c) < 128 else 63
            i += 1
        out.add(ch)
        prev = ch
    if neg:
        out = set(range(32, 127)) - out
    return bytes(sorted(b for b in out if 32 <= b < 127 or b == 9))


def classes(rx):
    found, i = [], 0
    while i < len(rx):
        if rx[i] == "\\":
            i += 2
            continue
        if rx[i] == "[":
            j = i + 1
            if j < len(rx) and rx[j] == "^":
                j += 1
            if j < len(rx) and rx[j] == "]":
                j += 1
            while j < len(rx) and rx[j] != "]":
                j += 2 if rx[j] == "\\" else 1
            cls = expand_class(rx[i + 1:j])
            if cls and cls not in found:
                found.append(cls)
            i = j + 1
            continue
        i += 1
    return found


def adversarial(rule, rng):
    kws = [k.encode() for k in rule.get("keywords", []) if k] or [b"key"]
    rx = rule["regex"]
    q = [int(m.group(2) or m.group(1)) for m in re.finditer(r"\{(\d+)(?:,(\d*))?\}", rx) if (m.group(2) or m.group(1)).isdigit()]
    L = max([x for x in q if x <= 400] or [32])
    parts = []
    # the new shapes first: a 128 KiB line of the keyword repeated, and of each
    # of its characters repeated (a keyword that is a run of one character
    # then hits at every byte), each with a match-shaped tail
    kw = kws[0]
    tail = b"=" + run(ALNUM, L, rng) + b"\n"
    parts.append((kw * (128 * 1024 // len(kw) + 1))[:128 * 1024] + tail)
    for ch in sorted(set(kw.lower()) | set(kw.upper()))[:4]:
        parts.append(bytes([ch]) * (128 * 1024) + tail)
    # redos_guard.sh's shapes
    for k in kws[:3]:
        parts.append(k + run(ALNUM, 100 * 1024, rng) + b"\n")
    for cls in classes(rx)[:6]:
        parts.append(kw + run(cls, 48 * 1024, rng) + b"!\n")
    for sep in (b" ", b"", b"=", b'",'):
        unit = kw + run(ALNUM, max(1, L - 1), rng) + sep
        parts.append(unit * (24 * 1024 // len(unit) + 1) + b"\n")
    parts.append(kw + b" " * (32 * 1024) + b"x\n")
    parts.append(kw + b'="' + b"=:" * (16 * 1024) + b"\n")
    exs = rule.get("examples", {}).get("match", [])
    if rule.get("window") or any("\n" in e for e in exs):
        for e in exs[:2]:
            parts.append(e.split("\n")[0].encode() + b"\n" + b"\n".join(run(B64, 64, rng) for _ in range(800)) + b"\n")
    data = b"".join(parts)
    nm = []  # the rest, up to the size: near-misses of the examples, as lines
    for e in exs + rule.get("examples", {}).get("no_match", []):
        e = e.encode()
        nm += [e[: max(1, len(e) * k // 10)] for k in (5, 7, 9)]
        if len(e) > 4:
            p = rng.randrange(len(e) // 3, len(e))
            nm += [e[:p] + e[p + 1:], e[:p] + b"!" + e[p + 1:]]
    block = b"\n".join(nm or [b"x"]) + b"\n"
    if len(data) < size:
        data += (block * ((size - len(data)) // len(block) + 1))[: size - len(data)]
    return data


def timed(args):
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    return time.monotonic() - t0, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status), err


def one(rule):
    d = os.path.join(root, rule["id"])
    os.makedirs(d)
    inp, cfg = os.path.join(d, "in.txt"), os.path.join(d, "rule.json")
    with open(inp, "wb") as f:
        f.write(adversarial(rule, random.Random(rule["id"])))
    with open(cfg, "w") as f:
        json.dump({"defaults": False, "rules": [rule]}, f)
    wall, cpu, rc, err = timed([leakwalk, "scan", "-q", "--threads", "1", "--config", cfg,
                                "--format", "json", "-o", os.path.join(d, "out.json"), inp])
    n = os.path.getsize(inp) / 1e6
    limited = "regex stopped" in err
    if cpu / n < 0.5:
        os.unlink(inp)  # keep only the slow ones' inputs
    return cpu / n, wall / n, rule["id"], rc, limited


t0 = time.monotonic()
with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as ex:  # one per core
    res = sorted(ex.map(one, rules), reverse=True)
print("  %d rules, %.0f MB of adversarial input in all, %.0f s" % (len(res), len(res) * size / 1e6, time.monotonic() - t0))
print("  slowest rules alone (CPU s per MB, wall s per MB):")
for cpu, wall, rid, rc, lim in res[:10]:
    print("    %-44s %8.2f %8.2f%s%s" % (rid, cpu, wall, "" if rc in (0, 1) else "  exit %d" % rc,
                                      "  (regex limit hit)" if lim else ""))
med = res[len(res) // 2]
print("  median rule: %.3f CPU s per MB; worst: %s at %.2f CPU s per MB (%.2f wall)" % (med[0], res[0][2], res[0][0], res[0][1]))
print("  rules with a regex limit hit: %d; rules over 1 s per MB: %d" % (sum(1 for r in res if r[4]), sum(1 for r in res if r[0] > 1)))
worst = os.path.join(root, res[0][2], "in.txt")
if os.path.exists(worst):
    wall, cpu, rc, err = timed([leakwalk, "scan", "-q", "--threads", "1", "--format", "json",
                                "-o", os.path.join(root, "all.json"), worst])
    n = os.path.getsize(worst) / 1e6
    print("  all %d built-in rules on the worst rule's input: %.2f CPU s per MB (%.2f wall), exit %d" % (len(rules), cpu / n, wall / n, rc))
worst_all = (res[0][0], "%s alone, on its adversarial input" % res[0][2])
for ch in (b"A", b"a", b"0", b"="):
    p = os.path.join(root, "run.txt")
    with open(p, "wb") as f:
        f.write(ch * (1 << 20) + b"\n")
    wall, cpu, rc, err = timed([leakwalk, "scan", "-q", "--threads", "1", "-o", os.path.join(root, "run.out"), p])
    print("  all built-in rules, one 1 MiB line of %r: %.2f CPU s (%.2f wall), exit %d" % (ch.decode(), cpu, wall, rc))
    if cpu / 1.048576 > worst_all[0]:
        worst_all = (cpu / 1.048576, "all rules, one 1 MiB line of %r" % ch.decode())
print("  worst case: %.2f CPU s per MB (%s)" % worst_all)
PY
fi
