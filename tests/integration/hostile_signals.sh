#!/bin/bash
# hostile_signals.sh - SIGTERM, SIGINT (and SIGHUP) while `leakwalk scan` and
# `leakwalk audit` run with --output FILE: the process exits promptly (within
# 5 s of the signal) with status 128+signal or a clean non-zero status; no
# temporary report (FILE.tmp-*) is left behind, and an existing FILE is
# never replaced by a partial report. Signals are sent after ~1 s of work,
# and (for scan) again at the moment the temporary report exists, while it
# is being written.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"
. "$LW_TESTS_DIR/integration/hostile_helpers.bash"

# Input: N files of 100 password lines each (every line a finding), so that
# scanning, rendering and writing the report each take a while. The same
# files committed in one commit for the audit.
N=${LW_SIGNAL_FILES:-2000}
"$LW_PY" - "$N" <<'PY'
import math, os, random, re, string, sys
rnd = random.Random(20261124)  # the same values every run
al = string.ascii_letters + string.digits
# words the rules treat as placeholders or stopwords (as scan_helpers' secret())
bad = re.compile("pass|secret|example|sample|changeit|test|dummy|fake|demo|mock|invalid|undefined|default|admin|token|null|none|localhost|your|xxx|todo|fixme|foo|bar|baz|insert|qwerty|abcd|redacted|replace|key", re.I)
def value():
    while True:
        v = "".join(rnd.choice(al) for _ in range(22))
        h = -sum(v.count(c) / len(v) * math.log2(v.count(c) / len(v)) for c in set(v))
        if h >= 3.9 and not bad.search(v):  # over every rule's entropy floor
            return v
os.makedirs("in")
for f in range(int(sys.argv[1])):
    with open("in/f%05d.env" % f, "w") as fh:
        for j in range(100):
            fh.write('DB_PASSWORD_%d="%s%d"\n' % (j, value(), j))
PY
git init -q repo && cp -r in repo/ && (cd repo && git add . && git commit -q -m "many secrets")

# interrupt NAME SIGNAL WHEN ARGS...: runs leakwalk ARGS in the background,
# sends SIGNAL after ~1 s (WHEN=1s) or as soon as a temporary report exists
# (WHEN=tmp), and measures how long the process takes to exit after that.
# Sets RC, LATE (seconds from the signal to the exit), SENT (1 when the
# process was still running when signalled).
interrupt() {
	local n=$1 sig=$2 when=$3 pid t0 i
	shift 3
	"${DFL[@]}" "$LEAKWALK" "$@" >"$LW_TMP/$n.out" 2>"$LW_TMP/$n.err" </dev/null &
	pid=$!
	SENT=0
	if [ "$when" = 1s ]; then
		sleep 1
	else
		# poll (every 2 ms, at most 100 s) until the temporary report appears
		for ((i = 0; i < 50000; i++)); do
			compgen -G "$OUTF.tmp-*" >/dev/null && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.002
		done
	fi
	if kill -0 "$pid" 2>/dev/null; then
		SENT=1
		t0=$EPOCHREALTIME
		kill "-$sig" "$pid"
		# wait at most 120 s for the exit
		for ((i = 0; i < 1200; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	fi
	wait "$pid"
	RC=$?
	LATE=$(awk -v a="${t0:-$EPOCHREALTIME}" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	figure "$n" "$LATE" "$RC"
}

declare -A NUM=([TERM]=15 [INT]=2 [HUP]=1)
# A background job of a non-interactive shell starts with SIGINT ignored;
# `env --default-signal` (coreutils 8.31+) gives leakwalk the disposition a
# process started from a terminal has.
DFL=()
env --default-signal=INT true 2>/dev/null && DFL=(env --default-signal=INT,TERM,HUP)
for cmd in scan audit; do
	if [ "$cmd" = scan ]; then args=(scan --format json in); else args=(audit --format json repo); fi
	for sig in TERM INT; do
		OUTF=$LW_TMP/$cmd-$sig.json
		echo "an older report" >"$OUTF"
		interrupt "signal_${cmd}_$sig" "$sig" 1s "${args[@]}" -o "$OUTF"
		check "$cmd, SIG$sig after 1 s: the process was still running (else make LW_SIGNAL_FILES bigger)" test "$SENT" = 1
		check "$cmd, SIG$sig: exits within 5 s of the signal (${LATE}s)" secs_le "$LATE" 5
		check "$cmd, SIG$sig: status 128+${NUM[$sig]} or a clean non-zero status (got $RC)" \
			test "$RC" = $((128 + NUM[$sig])) -o "$RC" = 3 -o "$RC" = 2
		check "$cmd, SIG$sig: no temporary report left behind" test -z "$(compgen -G "$OUTF.tmp-*")"
		check "$cmd, SIG$sig: the older report is not replaced by a partial one" \
			test "$(cat "$OUTF")" = "an older report"
	done
	# the signal while the temporary report is being written (scan: its
	# 80 MB report takes long enough to write that the window can be hit)
	[ "$cmd" = scan ] || continue
	for sig in TERM INT HUP; do
		OUTF=$LW_TMP/$cmd-tmp-$sig.json
		rm -f "$OUTF"
		interrupt "signal_${cmd}_writing_$sig" "$sig" tmp "${args[@]}" -o "$OUTF"
		if [ "$SENT" = 1 ]; then
			ok
			check "$cmd, SIG$sig while the report is written: exits within 5 s (${LATE}s)" secs_le "$LATE" 5
			check "$cmd, SIG$sig while the report is written: status 128+${NUM[$sig]} or clean non-zero (got $RC)" \
				test "$RC" = $((128 + NUM[$sig])) -o "$RC" = 3 -o "$RC" = 2
			check "$cmd, SIG$sig while the report is written: no temporary report left ($(compgen -G "$OUTF.tmp-*" | xargs -r -n1 basename))" \
				test -z "$(compgen -G "$OUTF.tmp-*")"
			check "$cmd, SIG$sig while the report is written: no partial report either" \
				test ! -e "$OUTF" -o "$RC" = 0 -o "$RC" = 1
		else
			# the report was written before the temporary file could be seen:
			# then it must be complete
			check "$cmd, SIG$sig: the run finished first; its report is complete (exit $RC)" \
				json_ok "$OUTF" 'len(r) > 0'
		fi
	done
done
# a control: the same runs, uninterrupted, write a complete report
OUTF=$LW_TMP/full.json
hrun signal_control scan --format json -o "$OUTF" in
check "control: uninterrupted scan exit 1 (got $RC)" test "$RC" = 1
GOT=$(pyc 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$OUTF" 2>&1 | tail -n 1)
check "control: the report holds every finding ($((N * 100)), got $GOT)" test "$GOT" = $((N * 100))
finish
