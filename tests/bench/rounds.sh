#!/usr/bin/env bash
# rounds.sh REPO [ROUNDS]
#
# The floor and leakwalk audit, alternately, ROUNDS times (default 5): on a
# shared machine the floor's own time moves by 10-20 % from minute to
# minute, so each leakwalk run is set against the floor of its own round.
# Per round: wall, CPU (user + sys) and peak RSS of
#   floor     git cat-file --batch-all-objects --batch --unordered
#   lw        leakwalk audit --format json -o FILE -q REPO
#   lw-t1     the same with --threads 1
# and leakwalk's CPU and wall as ratios to the round's floor; then the median
# ratio of each. REPO: a clean bare copy of branches and tags (see
# audit_bench.sh). LEAKWALK: the binary (default /tmp/build-bench/leakwalk if
# present, else <source>/build/leakwalk). Needs GNU time.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
if [ -z "${LEAKWALK:-}" ]; then
	if [ -x /tmp/build-bench/leakwalk ]; then LEAKWALK=/tmp/build-bench/leakwalk; else LEAKWALK=$src/build/leakwalk; fi
fi
repo=${1:?usage: rounds.sh REPO [ROUNDS]}
n=${2:-5}
[ -x "$LEAKWALK" ] || { echo "$0: no leakwalk binary at $LEAKWALK (set LEAKWALK)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time (GNU time) is required" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C

# one: NAME CMD... -> "NAME wall cpu rss_kib" into $work/t
one() {
	local name=$1
	shift
	/usr/bin/time -f "$name %e %U %S %M" -o "$work/t" "$@" >/dev/null 2>&1
	# the last line: GNU time puts "Command exited with non-zero status"
	# before it when leakwalk found secrets (exit 1)
	tail -n 1 "$work/t" | awk '{ printf "%s %s %.2f %d\n", $1, $2, $3 + $4, $5 }'
}

echo "# $(date -u '+%F %T') UTC, load average $(cut -d' ' -f1-3 /proc/loadavg), $LEAKWALK, $repo"
printf '%-6s %6s %6s %8s %8s %9s\n' round what wall cpu rss_MiB "× floor"
for r in $(seq "$n"); do
	read -r _ fw fc fm < <(one floor git -C "$repo" cat-file --batch-all-objects --batch --unordered)
	printf '%-6s %6s %6s %8s %8d %9s\n' "$r" floor "$fw" "$fc" $((fm / 1024)) ""
	for t in lw lw-t1; do
		extra=()
		[ "$t" = lw-t1 ] && extra=(--threads 1)
		read -r _ w c m < <(one "$t" "$LEAKWALK" audit "$repo" -q --format json -o "$work/r.json" "${extra[@]}")
		cr=$(awk -v a="$c" -v b="$fc" 'BEGIN { printf "%.2f", a / b }')
		wr=$(awk -v a="$w" -v b="$fw" 'BEGIN { printf "%.2f", a / b }')
		printf '%-6s %6s %6s %8s %8d %9s\n' "$r" "$t" "$w" "$c" $((m / 1024)) "cpu $cr wall $wr"
		echo "$t $cr $wr" >>"$work/ratios"
	done
done
# median (and range) of a column of ratios
median() {
	sort -n | awk '{ v[NR] = $1 } END { printf "%s (%s-%s)", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
for t in lw lw-t1; do
	echo "median $t: cpu × floor $(awk -v t="$t" '$1 == t { print $2 }' "$work/ratios" | median)," \
		"wall × floor $(awk -v t="$t" '$1 == t { print $3 }' "$work/ratios" | median)"
done
