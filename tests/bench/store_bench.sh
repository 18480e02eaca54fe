#!/usr/bin/env bash
# store_bench.sh - the store and the fleet, timed:
#   1. N generated small repositories (default 1000) through `fleet run`
#      with 1, 2 and 4 workers into a private PostgreSQL: repositories/s;
#   2. a second pass with no new commit: milliseconds per repository;
#   3. an incremental `audit --store` after 100 new commits on a large
#      history (make_history.sh, LW_BENCH_SCALE, default small), against a
#      full audit of the same history.
#
# Environment: LEAKWALK (default <source>/build/leakwalk), LW_BENCH_REPOS
# (default 1000), LW_BENCH_SCALE (small|medium|full), LW_BENCH_DIR (cache,
# default /tmp/lw-bench). The PostgreSQL server is started as the tests
# start it (tests/integration/store_helpers.bash).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
export LEAKWALK=${LEAKWALK:-$src/build/leakwalk}
export LW_TESTS_DIR=$src/tests
nrepos=${LW_BENCH_REPOS:-1000}
. "$src/tests/lib.sh"
. "$src/tests/integration/store_helpers.bash"
pg_start || { echo "PostgreSQL's server binaries are missing" >&2; exit 2; }
trap 'pg_stop; rm -rf "$LW_TMP"' EXIT
now() { date +%s.%N; }

echo "== $nrepos small repositories (3 commits, 2 files, one secret each)"
for ((i = 0; i < nrepos; i++)); do
	r=repos/r$i
	git init -q "$r"
	printf 'name: r%d\n' "$i" >"$r/README"
	printf 'DB_PASSWORD="%s"\n' "$(rand_secret 20)" >"$r/app.env"
	git -C "$r" add -A && git -C "$r" commit -qm one
	echo "more $i" >>"$r/README" && git -C "$r" commit -qam two
	echo "again" >>"$r/README" && git -C "$r" commit -qam three
	echo "$LW_TMP/$r" >>list.txt
done
for w in 1 2 4; do
	db=$(pg_newdb "fleet$w")
	$LEAKWALK fleet add --store "$db" --from list.txt 2>/dev/null
	t0=$(now)
	$LEAKWALK fleet run --store "$db" --workers "$w" -q -j 1
	t1=$(now)
	python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); print('first pass, %s worker(s): %.1f s, %.1f repositories/s' % (sys.argv[3], t, int(sys.argv[4])/t))" "$t0" "$t1" "$w" "$nrepos"
done
$LEAKWALK fleet add --store "$db" --from list.txt 2>/dev/null
t0=$(now)
$LEAKWALK fleet run --store "$db" --workers 4 -q -j 1
t1=$(now)
python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); print('second pass, no new commit, 4 workers: %.1f s, %.1f ms per repository (%.1f ms of worker time)' % (t, 1000*t/int(sys.argv[3]), 4000*t/int(sys.argv[3])))" "$t0" "$t1" "$nrepos"
$LEAKWALK report --store "$db" --status all --format json -q >all.json
python3 -c "import json,sys; r=json.load(open('all.json')); print('findings in the store: %d (want %s)' % (len(r), sys.argv[1]))" "$nrepos"

echo "== incremental audit after 100 commits, against a full audit"
bdir=${LW_BENCH_DIR:-/tmp/lw-bench}
scale=${LW_BENCH_SCALE:-small}
big=$bdir/history-$scale.git
[ -d "$big" ] || LW_BENCH_SCALE=$scale "$here/make_history.sh" "$big" >/dev/null
git clone -q "$big" big
db=$(pg_newdb incr)
t0=$(now); $LEAKWALK audit big --store "$db" -q >/dev/null; t1=$(now)
for ((i = 0; i < 100; i++)); do
	echo "change $i" >>big/CHANGES.txt
	[ $((i % 10)) = 0 ] && printf 'API_PASSWORD="%s"\n' "$(rand_secret 20)" >"big/new$i.env"
	git -C big add -A && git -C big commit -qm "change $i"
done
t2=$(now); $LEAKWALK audit big --store "$db" 2>incr.err >/dev/null; t3=$(now)
t4=$(now); $LEAKWALK audit big -q >/dev/null; t5=$(now)
cat incr.err
python3 -c "import sys; a,b,c,d,e,f=map(float,sys.argv[1:7]); print('first audit into the store %.2f s; full audit %.2f s; incremental after 100 commits %.3f s = %.2f %% of the full audit' % (b-a, f-e, d-c, 100*(d-c)/(f-e)))" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5"
