#!/bin/bash
# redos_guard.sh - no built-in rule backtracks or crawls on adversarial input.
#
# For every rule `leakwalk rules list` prints, a 1 MiB input is generated at
# test time from the rule's definition in patterns/*.json: its keywords
# followed by 100 KB of [A-Za-z0-9] without a newline, each character class of
# its regex run out to 48 KB with a failing tail, keyword + partial-token
# sequences (one character short of the token's minimum length, or one too
# long) repeated on one long line, keyword stutter, multi-line openers
# (BEGIN lines) followed by 50 KB of base64 lines and no terminator, and
# near-misses of its match examples (truncated, one character dropped or
# broken), as short lines and as one long line.
#
# Phase 1 scans the inputs in batches: up to LW_REDOS_BATCH (4) rules of one
# family (pattern file) per leakwalk process, one thread, with a config
# holding only those rules ("defaults": false), several processes at once.
# A batch does strictly more work than any of its rules alone on its own
# input, so a batch within the per-rule budget passes all its rules. Phase 2
# (only for a batch over budget) times each rule alone on its own input with
# a one-rule config. A rule fails when it needs more than LW_REDOS_BUDGET
# seconds per MB (default 1.0), or when leakwalk reports a regex limit hit
# ("regex stopped") for it. Time is the leakwalk process's CPU time (user +
# sys, from wait4): on an idle machine that is its wall time, and unlike wall
# time it does not fail on a loaded machine or under `ctest -j`
# (LW_REDOS_CLOCK=wall measures wall time instead).
#
# Environment: LW_REDOS_BUDGET (seconds per MB), LW_REDOS_MB (input size per
# rule, default 1), LW_REDOS_RULES (comma-separated ids: only these),
# LW_REDOS_BATCH, LW_REDOS_JOBS (parallel processes, default min(4, cores)),
# LW_REDOS_CLOCK (cpu or wall), LW_REDOS_REPORT (write timings as JSON),
# LW_REDOS_DENSE_KB (opt-in: add that many KB of full-length tokens on one
# line - many findings per line, which measures the reporting path rather
# than the regex; off by default).
. "$LW_TESTS_DIR/lib.sh"

PATTERNS=${LW_SOURCE_DIR:-$LW_TESTS_DIR/..}/patterns
[ -d "$PATTERNS" ] || { echo "no patterns directory at $PATTERNS" >&2; exit 1; }

"$LEAKWALK" rules list >"$LW_TMP/rules.txt" 2>"$LW_TMP/rules.err"
check "rules list works" test -s "$LW_TMP/rules.txt"

python3 - "$LEAKWALK" "$PATTERNS" "$LW_TMP/rules.txt" "$LW_TMP/redos" \
	"${LW_REDOS_BUDGET:-2.0}" "${LW_REDOS_MB:-1}" "${LW_REDOS_RULES:-}" >"$LW_TMP/results.txt" <<'PY'
import glob, json, os, random, re, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

t_start = time.monotonic()
leakwalk, patterns, listing, root, budget, mb, only = sys.argv[1:8]
budget, size = float(budget), int(float(mb) * (1 << 20))
batch = max(1, int(os.environ.get("LW_REDOS_BATCH", "4")))
clock = os.environ.get("LW_REDOS_CLOCK", "cpu")
dense_kb = int(os.environ.get("LW_REDOS_DENSE_KB", "0"))
workers = max(1, int(os.environ.get("LW_REDOS_JOBS", "0")) or min(4, os.cpu_count() or 1))
ids = [l.split()[0] for l in open(listing) if l.strip()]
if only:
    ids = [i for i in ids if i in set(only.split(","))]
rules, family = {}, {}
for path in sorted(glob.glob(os.path.join(patterns, "*.json"))):
    fam = os.path.basename(path)[:-5]
    for r in json.load(open(path))["rules"]:
        rules[r["id"]] = r
        family[r["id"]] = fam
for rid in ids:
    if rid not in rules:
        print("fail rule %s is built in but not in %s (stale build?)" % (rid, patterns))
ids = [i for i in ids if i in rules and "regex" in rules[i]]  # path rules have no regex

ALNUM = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64 = ALNUM + b"+/"


def run(alphabet, n, rng):
    """n bytes drawn from ALPHABET (fast: os.urandom through a table)."""
    alphabet = bytes(sorted(set(alphabet))) or ALNUM
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    return rng.randbytes(n).translate(table)


def expand_class(body):
    """The bytes a [...] class body accepts (escapes, ranges, \\w \\d \\s)."""
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
                out |= set(b" \t\r\n"); prev = None; continue
            ch = {"n": 10, "r": 13, "t": 9}.get(e, ord(e))
        elif c == "-" and prev is not None and i + 1 < len(body):
            hi = body[i + 1]
            if hi == "\\" and i + 2 < len(body):
                hi = body[i + 2]; i += 1
            out |= set(range(prev, ord(hi) + 1))
            i += 2
            prev = None
            continue
        else:
            ch = ord(c)
            i += 1
        out.add(ch)
        prev = ch
    if neg:
        out = set(range(32, 127)) - out
    return bytes(sorted(b for b in out if 32 <= b < 127 or b in (9,)))


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


def token_bounds(rx):
    """(min, max) length of the regex's widest bounded repeat: the token body."""
    best = (31, 32)
    for m in re.finditer(r"\{(\d+)(?:(,)(\d*))?\}", rx):
        lo = int(m.group(1))
        hi = int(m.group(3)) if m.group(3) else (lo if not m.group(2) else 4096)
        if hi <= 4096 and hi >= 8 and (hi, lo) > (best[1], best[0]):
            best = (lo, hi)
    return best


def near_misses(example, rng):
    e = example.encode()
    out = []
    for k in (5, 7, 9):
        out.append(e[: max(1, len(e) * k // 10)])
    for _ in range(3):
        if len(e) > 4:
            p = rng.randrange(len(e) // 3, len(e))
            out.append(e[:p] + e[p + 1:])
            out.append(e[:p] + b"!" + e[p + 1:])
    return out


def adversarial(rule, rng):
    kws = [k.encode() for k in rule.get("keywords", []) if k] or [b"key"]
    rx = rule["regex"]
    parts = []
    for kw in kws[:3]:  # keyword + 100 KB of [A-Za-z0-9], no newline
        parts.append(kw + run(ALNUM, 100 * 1024, rng) + b"\n")
    for cls in classes(rx)[:6]:  # every class of the regex, run out
        parts.append(kws[0] + run(cls, 48 * 1024, rng) + b"!\n")
    lo, hi = token_bounds(rx)
    for sep in (b" ", b"", b"=", b'",'):  # keyword + partial token, repeated
        unit = kws[0] + run(ALNUM, max(1, lo - 1), rng) + sep
        parts.append(unit * (24 * 1024 // len(unit) + 1) + b"\n")
    if hi < 512:  # keyword + one character too many, repeated
        for sep in (b" ", b'",'):
            unit = kws[0] + run(ALNUM, hi + 1, rng) + sep
            parts.append(unit * (24 * 1024 // len(unit) + 1) + b"\n")
    if dense_kb:  # opt-in: full-length tokens, many findings on one line
        unit = kws[0] + run(ALNUM, max(lo, min(hi, 64)), rng) + b" "
        parts.append(unit * (dense_kb * 1024 // len(unit) + 1) + b"\n")
    parts.append(kws[0] * (12 * 1024 // len(kws[0]) + 1) + b"\n")  # stutter
    parts.append(kws[0] + b" " * (32 * 1024) + b"x\n")
    parts.append(kws[0] + b'="' + b"=:" * (16 * 1024) + b"\n")
    exs = [e for e in rule["examples"].get("match", [])]
    if rule.get("window") or any("\n" in e for e in exs):  # openers without a close
        for e in exs[:2]:
            parts.append(e.split("\n")[0].encode() + b"\n" +
                         b"\n".join(run(B64, 64, rng) for _ in range(800)) + b"\n")
    nm = []
    for e in exs + rule["examples"].get("no_match", []):
        nm += near_misses(e, rng)
    n = sum(map(len, parts))
    i = 0
    while n < size and nm:
        # near-misses as lines, then glued into long lines
        block = b"\n".join(nm) + b"\n" if i % 2 == 0 else b" ".join(nm) + b"\n"
        parts.append(block)
        n += len(block)
        i += 1
    return b"".join(parts)[:size]


os.makedirs(root)
cfgdir = os.path.join(root, "cfg")
os.makedirs(cfgdir)
batches = []  # (name, [rule ids]): a few rules of one family per process
for fam in sorted({family[r] for r in ids}):
    rids = [r for r in ids if family[r] == fam]
    for k in range(0, len(rids), batch):
        batches.append(("%s.%d" % (fam, k // batch + 1), rids[k:k + batch]))
for name, rids in batches:
    d = os.path.join(root, name)
    os.makedirs(d)
    for rid in rids:
        with open(os.path.join(d, rid + ".in"), "wb") as f:
            f.write(adversarial(rules[rid], random.Random(rid)))
        with open(os.path.join(cfgdir, rid + ".json"), "w") as f:
            json.dump({"defaults": False, "rules": [rules[rid]]}, f)
    with open(os.path.join(cfgdir, name + ".json"), "w") as f:
        json.dump({"defaults": False, "rules": [rules[r] for r in rids]}, f)
gen_s = time.monotonic() - t_start

LIMIT = re.compile(r"rule ([a-z0-9-]+): regex stopped")


def scan(job):
    """One leakwalk process, one thread: (wall s, cpu s, exit, stderr, rules that hit a limit)."""
    target, cfg = job
    out = target.rstrip("/") + ".findings.json"
    t0 = time.monotonic()
    p = subprocess.Popen([leakwalk, "scan", target, "--config", cfg, "--threads", "1",
                          "--format", "json", "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read().decode(errors="replace")
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - t0
    return wall, ru.ru_utime + ru.ru_stime, p.returncode, err, set(LIMIT.findall(err))


def measure(res):
    return res[1] if clock == "cpu" else res[0]


per_mb = size / (1 << 20)
allowed = budget * per_mb  # one rule on its own input
slow, solo = [], []
with ThreadPoolExecutor(max_workers=workers) as ex:
    results = list(ex.map(scan, [(os.path.join(root, n), os.path.join(cfgdir, n + ".json")) for n, _ in batches]))
    drill = []
    for (name, rids), res in zip(batches, results):
        wall, cpu, rc, err, limited = res
        if rc not in (0, 1):
            print("fail batch %s: leakwalk exited %d: %s" % (name, rc, err.strip()[-300:]))
            continue
        for rid in sorted(limited):
            print("fail rule %s (%s): regex limit hit on adversarial input" % (rid, name))
        if measure(res) <= allowed:
            for rid in rids:
                if rid not in limited:
                    print("ok rule %s" % rid)
        else:  # phase 2: each rule alone on its own input
            slow.append(name)
            drill += [(rid, name, limited) for rid in rids]
    solo_res = list(ex.map(scan, [(os.path.join(root, n, r + ".in"), os.path.join(cfgdir, r + ".json"))
                                  for r, n, _ in drill]))
    for (rid, name, limited), res in zip(drill, solo_res):
        wall, cpu, rc, err, lim1 = res
        solo.append((measure(res) / per_mb, rid, wall / per_mb, cpu / per_mb))
        if rc not in (0, 1):
            print("fail rule %s: leakwalk exited %d: %s" % (rid, rc, err.strip()[-300:]))
        elif lim1 and rid not in limited:
            print("fail rule %s (%s): regex limit hit on adversarial input" % (rid, name))
        elif measure(res) > allowed:
            print("fail rule %s (%s): %.2f s %s per MB on adversarial input (budget %.2f; wall %.2f, cpu %.2f)"
                  % (rid, name, measure(res) / per_mb, clock, budget, wall / per_mb, cpu / per_mb))
        elif rid not in limited:
            print("ok rule %s" % rid)
solo.sort(reverse=True)
print("note %d rules in %d batches of <= %d (%d timed rule by rule); %.0f MB generated in %.1fs; "
      "scans: %.1fs cpu, %.1fs total" % (
          len(ids), len(batches), batch, len(slow), len(ids) * per_mb, gen_s,
          sum(r[1] for r in results) + sum(r[1] for r in solo_res), time.monotonic() - t_start))
if solo:
    print("note slowest alone (s %s per MB): %s" % (clock, ", ".join("%s %.2f" % (r, t) for t, r, _, _ in solo[:8])))
if os.environ.get("LW_REDOS_REPORT"):
    with open(os.environ["LW_REDOS_REPORT"], "w") as f:
        json.dump({"batches": [{"name": n, "rules": r, "wall": res[0], "cpu": res[1]} for (n, r), res in zip(batches, results)],
                   "solo": [{"rule": r, "wall_per_mb": w, "cpu_per_mb": c} for _, r, w, c in solo]}, f, indent=1)
PY
rc=$?
check "adversarial input generator ran" test "$rc" = 0
while read -r status rest; do
	case $status in
	ok) ok ;;
	fail) fail "$rest" ;;
	note) echo "$rest" ;;
	esac
done <"$LW_TMP/results.txt"
rm -rf "$LW_TMP/redos"
finish
