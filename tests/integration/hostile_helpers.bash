# hostile_helpers.bash - shared by the hostile_*.sh integration tests
# (sourced after lib.sh and scan_helpers.bash; not a test itself: the test
# glob is *.sh).
#
# Every leakwalk call goes through hrun, which bounds it with `timeout 120`
# and measures its time to exit. With LW_FIGURES=FILE set, each measured
# call appends "NAME<TAB>SECONDS<TAB>EXIT[<TAB>PEAK_RSS_KB]" to FILE
# (tests/bench/fault_figures.sh collects them for the README).

# hrun NAME ARGS...: leakwalk ARGS with stdout in $LW_TMP/NAME.out, stderr in
# $LW_TMP/NAME.err; sets RC (124: killed by the 120 s bound) and SECS.
hrun() {
	local n=$1 t0
	shift
	t0=$EPOCHREALTIME
	timeout 120 "$LEAKWALK" "$@" >"$LW_TMP/$n.out" 2>"$LW_TMP/$n.err" </dev/null
	RC=$?
	SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	figure "$n" "$SECS" "$RC"
	no_sanitizer_report "$n"
}

# no_sanitizer_report NAME: with a sanitizer build (-DLW_SANITIZE=ON), a
# report on NAME.err (a leak, an overflow, undefined behaviour) is a failure
no_sanitizer_report() {
	if grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$LW_TMP/$1.err" 2>/dev/null; then
		fail "$1: sanitizer report on stderr: $(grep -m1 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$LW_TMP/$1.err" | cut -c1-160)"
		grep -m3 -A3 'Direct leak\|ERROR: AddressSanitizer\|runtime error:' "$LW_TMP/$1.err" | head -12 | sed 's/^/    | /' >&2
	fi
}

# hrun_rss NAME ARGS...: hrun, also measuring the peak RSS (KB) into RSS
# with GNU time (RSS stays empty when /usr/bin/time is missing).
hrun_rss() {
	local n=$1 t0
	shift
	RSS=
	t0=$EPOCHREALTIME
	if [ -x /usr/bin/time ]; then
		timeout 120 /usr/bin/time -f %M -o "$LW_TMP/$n.rss" "$LEAKWALK" "$@" \
			>"$LW_TMP/$n.out" 2>"$LW_TMP/$n.err" </dev/null
		RC=$?
		RSS=$(tail -n 1 "$LW_TMP/$n.rss" 2>/dev/null)
		case $RSS in *[!0-9]* | '') RSS= ;; esac
	else
		timeout 120 "$LEAKWALK" "$@" >"$LW_TMP/$n.out" 2>"$LW_TMP/$n.err" </dev/null
		RC=$?
	fi
	SECS=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	figure "$n" "$SECS" "$RC" "$RSS"
	no_sanitizer_report "$n"
}

# figure NAME SECONDS EXIT [RSS_KB]: prints the measure, and records it
figure() {
	echo "  time to exit: $1: $2 s (exit $3${4:+, peak RSS $4 KB})"
	if [ -n "${LW_FIGURES:-}" ]; then
		printf '%s\t%s\t%s\t%s\n' "${LW_FIGURES_PREFIX:-}$1" "$2" "$3" "${4:-}" >>"$LW_FIGURES"
	fi
}

# secs_le SECONDS LIMIT: a float comparison
secs_le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }

# not_crashed: RC is neither a signal death, nor a sanitizer abort, nor the
# 120 s bound
not_crashed() { [ "$RC" -lt 124 ] && ! grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$LW_TMP/$1.err"; }

# no_raw_controls FILE: no raw ESC, C1 control (as UTF-8 or as a raw byte),
# U+202E or other bidi override, nor invalid UTF-8 lead byte 0xff/0xfe in
# FILE (text output must carry these escaped)
no_raw_controls() {
	"$LW_PY" - "$1" <<'PY'
import re, sys
d = open(sys.argv[1], "rb").read()
bad = re.search(rb"\x1b|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]|[\xfe\xff]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", d)
if bad:
    i = bad.start()
    print("raw control bytes at %d: %r" % (i, d[max(0, i - 30):i + 30]), file=sys.stderr)
    sys.exit(1)
PY
}

# valid_json FILE [jsonl]: FILE parses with python's json (jsonl: each line)
valid_json() {
	"$LW_PY" - "$@" <<'PY'
import json, sys
d = open(sys.argv[1], encoding="utf-8", errors="strict").read()
if len(sys.argv) > 2:
    for l in d.splitlines():
        if l.strip():
            json.loads(l)
else:
    json.loads(d)
PY
}

# csv_neutral FILE: no CSV field starts with = + - @ (formula injection)
csv_neutral() {
	"$LW_PY" - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", errors="replace", newline="")))
bad = [(i, f) for i, r in enumerate(rows) for f in r if f[:1] in ("=", "+", "-", "@")]
for i, f in bad[:5]:
    print("row %d: field starts with %r: %r" % (i, f[:1], f[:60]), file=sys.stderr)
sys.exit(1 if bad or len(rows) < 2 else 0)
PY
}

# absent_in DESC STRING FILE...: a secret must not occur in any of the files
absent_in() {
	local d=$1 s=$2 f hit=
	shift 2
	for f in "$@"; do
		if grep -aqF -- "$s" "$f"; then hit="$hit $f"; fi
	done
	if [ -z "$hit" ]; then ok; else
		fail "$d (the secret ${s:0:3}... appears in:$hit)"
		grep -aF -- "$s" "$@" | head -5 | cut -c1-300 | sed 's/^/    | /' >&2
	fi
}

# pyc CODE ARGS...: python3 code with argv
pyc() { local c=$1; shift; "$LW_PY" -c "$c" "$@"; }
