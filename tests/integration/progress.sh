#!/bin/bash
# progress.sh - --progress where stderr is not a terminal (a CI log): plain
# "leakwalk: progress:" lines, never "commits 0/0", the blob phase with its
# total and no "ETA 0s", and a last line whose findings count is the
# report's: findings after deduplication (the same secret in 40 versions of
# a file is one finding), not raw matches. scan --progress counts files and
# bytes. -q silences it.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

git init -q repo && cd repo || exit 1
s=$(secret)
for i in $(seq 1 40); do
	printf 'DB_PASSWORD="%s"\nrevision=%d\n' "$s" "$i" >app.env
	printf 'other=%d\n' "$i" >"f$i.txt"
	git add . && git commit -qm "change $i"
done
test_commit second.env "$(pwline API_SECRET)" "another"
cd "$LW_TMP" || exit 1

# last_count FILE: the findings count of the last progress line
last_count() { grep '^leakwalk: progress:' "$1" | tail -n 1 | sed -n 's/.*findings \([0-9][0-9]*\).*/\1/p'; }

lw audit audit --progress -f json repo
rc_is "audit: exit 1" 1
N=$(json_val "$LW_TMP/audit.out" 'len(r)')
check "audit: two findings in the report ($N)" test "$N" = 2
check_grep "audit --progress: progress lines on a non-terminal" '^leakwalk: progress: ' "$LW_TMP/audit.err"
check "audit --progress: the last count is the report's ($(last_count "$LW_TMP/audit.err") vs $N)" \
	test "$(last_count "$LW_TMP/audit.err")" = "$N"
check_no_grep "audit --progress: never commits 0/0" 'commits 0/0' "$LW_TMP/audit.err"
check_no_grep "audit --progress: never ETA 0s" 'ETA 0s' "$LW_TMP/audit.err"
check_grep "audit --progress: the blob phase shows its total" 'blobs [0-9]+/[1-9][0-9]*' "$LW_TMP/audit.err"
check "audit --progress: the last line has every blob read" python3 - "$LW_TMP/audit.err" <<'PY'
import re, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("leakwalk: progress:")]
m = re.search(r"commits (\d+)/(\d+), blobs (\d+)/(\d+)", lines[-1])
assert m and m.group(1) == m.group(2) and m.group(3) == m.group(4), lines[-1]
PY
check_no_grep "audit --progress: no terminal escapes in a log" $'\033' "$LW_TMP/audit.err"
lw quiet audit -q --progress repo
check_no_grep "audit -q: no progress" 'progress' "$LW_TMP/quiet.err"
lw noprog audit repo
check_no_grep "audit without --progress on a non-terminal: no progress" 'progress' "$LW_TMP/noprog.err"

mkdir -p tree/a tree/b
for i in $(seq 1 30); do printf 'line %d\n' "$i" >"tree/a/$i.txt"; done
pwline >tree/b/one.env
pwline >tree/b/two.env
lw scan scan --progress -f json tree
rc_is "scan: exit 1" 1
SN=$(json_val "$LW_TMP/scan.out" 'len(r)')
check_grep "scan --progress: files and bytes" '^leakwalk: progress: files [0-9]+, [0-9.]+ MB' "$LW_TMP/scan.err"
check "scan --progress: the last count is the report's" test "$(last_count "$LW_TMP/scan.err")" = "$SN"
check_grep "scan --progress: every file counted at the end" '^leakwalk: progress: files 32,' "$LW_TMP/scan.err"
finish
