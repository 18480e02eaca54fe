#!/usr/bin/env bash
# store_bench.sh - the store and the fleet, timed (wall and CPU: the CPU of
# `fleet run` includes its worker processes):
#   1. N generated small repositories (default 1000; store_gen_repos.py)
#      through `fleet run` with 1, 2 and 4 workers into a private
#      PostgreSQL, a fresh database each: repositories/s;
#   2. a second pass with no new commit, on PostgreSQL (1 and 4 workers) and
#      on SQLite (1 worker): milliseconds per repository;
#   3. an incremental `audit --store` after 100 new commits (10 with a new
#      secret) against a full `audit --store` of the same history, best of
#      3 each, into SQLite and into PostgreSQL. The history is a clone of
#      LW_BENCH_HISTORY (e.g. a bare clone of curl) if set, else
#      make_history.sh's (LW_BENCH_SCALE, default small).
#
# Environment: LEAKWALK (default <source>/build/leakwalk), LW_BENCH_REPOS
# (default 1000), LW_BENCH_HISTORY, LW_BENCH_SCALE (small|medium|full),
# LW_BENCH_DIR (cache, default /tmp/lw-bench), LW_BENCH_PARTS (default
# "fleet incr"). The PostgreSQL server is started as the tests start it
# (tests/integration/store_helpers.bash).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
export LEAKWALK=${LEAKWALK:-$src/build/leakwalk}
export LW_TESTS_DIR=$src/tests
nrepos=${LW_BENCH_REPOS:-1000}
parts=${LW_BENCH_PARTS:-fleet incr}
. "$src/tests/lib.sh"
. "$src/tests/integration/store_helpers.bash"
pg_start || { echo "PostgreSQL's server binaries are missing" >&2; exit 2; }
trap 'pg_stop; rm -rf "$LW_TMP"' EXIT

# timed OUT CMD...: runs CMD, appends "wall user+sys" to OUT
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$out.t" "$@"
	# GNU time writes "Command exited with non-zero status N" first when N != 0
	tail -1 "$out.t" | awk '{ printf "%s %.3f\n", $1, $2 + $3 }' >>"$out"
}
loadavg() { cut -d' ' -f1 /proc/loadavg; }

if [[ " $parts " == *" fleet "* ]]; then
	echo "== $nrepos small repositories (3 commits, 2 files, one secret each)"
	python3 "$here/store_gen_repos.py" repos "$nrepos" >list.txt
	for w in 1 2 4; do
		db=$(pg_newdb "fleet$w")
		$LEAKWALK fleet add --store "$db" --from list.txt 2>/dev/null
		l0=$(loadavg)
		timed "first$w" $LEAKWALK fleet run --store "$db" --workers "$w" -q -j 1
		read -r wall cpu <"first$w"
		python3 -c 'import sys; w,c,n=float(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print("first pass, PostgreSQL, %s worker(s): %.1f s wall, %.1f repositories/s; CPU %.1f s (%.1f ms a repository); load average %s" % (sys.argv[4], w, n/w, c, 1000*c/n, sys.argv[5]))' \
			"$wall" "$cpu" "$nrepos" "$w" "$l0"
	done
	for w in 1 4; do
		$LEAKWALK fleet add --store "$db" --from list.txt 2>/dev/null
		l0=$(loadavg)
		timed "second$w" $LEAKWALK fleet run --store "$db" --workers "$w" -q -j 1
		read -r wall cpu <"second$w"
		python3 -c 'import sys; w,c,n=float(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print("second pass, no new commit, PostgreSQL, %s worker(s): %.1f s wall, %.1f ms a repository; CPU %.1f ms a repository; load average %s" % (sys.argv[4], w, 1000*w/n, 1000*c/n, sys.argv[5]))' \
			"$wall" "$cpu" "$nrepos" "$w" "$l0"
	done
	$LEAKWALK report --store "$db" --status all --format json -q >all.json
	python3 -c 'import json,sys; r=json.load(open("all.json")); k=set((x["repo"],x["fingerprint"]) for x in r); print("findings in the store: %d, distinct %d (want %s)" % (len(r), len(k), sys.argv[1]))' "$nrepos"
	sq=$LW_TMP/fleet.db
	$LEAKWALK fleet add --store "$sq" --from list.txt 2>/dev/null
	timed sqfirst $LEAKWALK fleet run --store "$sq" --workers 1 -q -j 1
	$LEAKWALK fleet add --store "$sq" --from list.txt 2>/dev/null
	l0=$(loadavg)
	timed sqsecond $LEAKWALK fleet run --store "$sq" --workers 1 -q -j 1
	read -r wall cpu <sqfirst
	python3 -c 'import sys; w,c,n=float(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print("first pass, SQLite, 1 worker: %.1f repositories/s; CPU %.1f ms a repository" % (n/w, 1000*c/n))' "$wall" "$cpu" "$nrepos"
	read -r wall cpu <sqsecond
	python3 -c 'import sys; w,c,n=float(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print("second pass, no new commit, SQLite, 1 worker: %.1f ms a repository; CPU %.1f ms a repository; load average %s" % (1000*w/n, 1000*c/n, sys.argv[4]))' \
		"$wall" "$cpu" "$nrepos" "$l0"
fi

if [[ " $parts " == *" incr "* ]]; then
	echo "== incremental audit after 100 commits, against a full audit (best of 3)"
	if [ -n "${LW_BENCH_HISTORY:-}" ]; then
		big=$LW_BENCH_HISTORY
	else
		scale=${LW_BENCH_SCALE:-small}
		big=${LW_BENCH_DIR:-/tmp/lw-bench}/history-$scale.git
		[ -d "$big" ] || LW_BENCH_SCALE=$scale "$here/make_history.sh" "$big" >/dev/null
	fi
	git clone -q "$big" big
	echo "history: $(git -C big rev-list --all | wc -l) commits, $(git -C big for-each-ref | wc -l) refs"
	# one store per run of the full audit: each then takes the incremental
	for k in 1 2 3; do
		pg[$k]=$(pg_newdb "incr$k")
		timed full-sqlite $LEAKWALK audit big --store "$LW_TMP/incr$k.db" -q >/dev/null
		timed full-pg $LEAKWALK audit big --store "${pg[$k]}" -q >/dev/null
	done
	for ((i = 0; i < 100; i++)); do
		echo "change $i" >>big/CHANGES.bench
		[ $((i % 10)) = 0 ] && printf 'API_PASSWORD="%s"\n' "$(rand_secret 20)" >"big/new$i.env"
		git -C big add -A && git -C big commit -qm "change $i"
	done
	for k in 1 2 3; do
		timed incr-sqlite $LEAKWALK audit big --store "$LW_TMP/incr$k.db" 2>"incr$k.err" >/dev/null
		timed incr-pg $LEAKWALK audit big --store "${pg[$k]}" -q >/dev/null
	done
	timed plain $LEAKWALK audit big -q >/dev/null
	cat incr1.err
	for s in sqlite pg; do
		python3 - "full-$s" "incr-$s" "$s" <<'EOF'
import sys
def best(f):
    rows = [tuple(map(float, l.split())) for l in open(f)]
    return min(r[0] for r in rows), min(r[1] for r in rows), rows
fw, fc, fr = best(sys.argv[1])
iw, ic, ir = best(sys.argv[2])
print("%s: full audit --store %.2f s wall, %.2f s CPU (runs %s); incremental %.3f s wall, %.3f s CPU (runs %s): %.2f %% of the full audit's wall, %.2f %% of its CPU"
      % (sys.argv[3], fw, fc, " ".join("%.2f/%.2f" % r for r in fr), iw, ic,
         " ".join("%.3f/%.3f" % r for r in ir), 100 * iw / fw, 100 * ic / fc))
EOF
	done
	read -r wall cpu <plain
	echo "audit without a store: $wall s wall, $cpu s CPU; load average $(loadavg)"
fi
