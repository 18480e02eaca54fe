#!/usr/bin/env bash
# hooks_bench.sh - latency of the hooks, the numbers the README reports:
#   * pre-receive wall time for pushes of 1, 100 and 10,000 new commits into
#     a repository with a long history (default 20,000 commits), against
#     GitHub Enterprise's 5-second budget;
#   * `leakwalk staged` latency for a commit of 10 changed files in a
#     repository of 100,000 files (target: under 50 ms).
# Usage: tests/bench/hooks_bench.sh [LEAKWALK]   (env: LW_BENCH_DIR, HISTORY)
set -euo pipefail
LW=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build/leakwalk}
DIR=${LW_BENCH_DIR:-/tmp/lw-bench}/hooks
HISTORY=${HISTORY:-20000}
mkdir -p "$DIR"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@invalid GIT_COMMITTER_NAME=bench \
	GIT_COMMITTER_EMAIL=bench@invalid GIT_CONFIG_NOSYSTEM=1

now_ms() { date +%s%3N; }

# fast-import stream: COUNT commits on BRANCH, each changing 2 files of a
# tree of FILES files, the first one parented on FROM (or a root).
gen_commits() { # BRANCH COUNT FILES FROM START
	python3 - "$@" <<'PY'
import sys
branch, count, files, frm, start = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
out = sys.stdout
for i in range(count):
    n = start + i
    out.write(f"commit {branch}\nmark :{n+1}\ncommitter bench <bench@invalid> {1600000000+n} +0000\n")
    msg = f"change {n}"
    out.write(f"data {len(msg)}\n{msg}\n")
    if i == 0 and frm != "-":
        out.write(f"from {frm}\n")
    for k in (n % files, (n * 7 + 3) % files):
        body = f"file {k} revision {n}\nvalue_{k} = {n * 31 % 1000}\n"
        out.write(f"M 100644 inline src/d{k % 50}/f{k}.txt\ndata {len(body)}\n{body}\n")
PY
}

server=$DIR/server.git
if [ ! -d "$server" ]; then
	git init -q --bare -b main "$server"
	gen_commits refs/heads/main "$HISTORY" 2000 - 0 | git -C "$server" fast-import --quiet
	git -C "$server" repack -adq
fi
cat >"$server/hooks/pre-receive" <<HOOK
#!/bin/sh
exec "$LW" pre-receive --timeout 60
HOOK
chmod +x "$server/hooks/pre-receive"

echo "pre-receive: server history $(git -C "$server" rev-list --count main) commits"
printf '%-10s %10s %12s\n' commits "seconds" "budget 5s"
for n in 1 100 10000; do
	work=$DIR/work-$n
	rm -rf "$work"
	git clone -q "$server" "$work"
	tip=$(git -C "$work" rev-parse HEAD)
	gen_commits refs/heads/topic-$n "$n" 2000 "$tip" $((HISTORY + 100000)) |
		git -C "$work" fast-import --quiet
	t0=$(now_ms)
	git -C "$work" push -q origin "topic-$n" 2>/dev/null || { echo "push of $n commits was rejected"; }
	t1=$(now_ms)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
	ok=$(awk -v s="$secs" 'BEGIN { print (s <= 5.0) ? "within" : "OVER" }')
	printf '%-10s %10s %12s\n' "$n" "$secs" "$ok"
	git -C "$server" update-ref -d "refs/heads/topic-$n"
done
echo "(the push time includes git's own pack transfer and indexing)"

# staged latency
big=$DIR/staged-100k
if [ ! -d "$big" ]; then
	git init -q -b main "$big"
	python3 - <<'PY' | git -C "$big" fast-import --quiet
import sys
out = sys.stdout
out.write("commit refs/heads/main\ncommitter bench <bench@invalid> 1600000000 +0000\ndata 4\ninit\n")
for i in range(100000):
    body = f"line {i}\nvalue = {i * 7}\n"
    out.write(f"M 100644 inline d{i % 100}/s{i // 100 % 100}/f{i}.txt\ndata {len(body)}\n{body}\n")
PY
	git -C "$big" checkout -q main
fi
cd "$big"
git reset -q --hard
for i in $(seq 1 10); do echo "extra line $i" >>"d$i/s$i/f$((i * 100 + i)).txt"; done
git add -A
best=999999
for r in $(seq 1 10); do
	t0=$(date +%s%N)
	"$LW" staged -q >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	[ "$ms" -lt "$best" ] && best=$ms
done
echo "staged: 10 changed files in a repository of $(git ls-files | wc -l) files: best of 10 runs ${best} ms (target 50 ms)"
git reset -q --hard
