#!/bin/bash
# audit_deep_delta.sh - reading a large file's history stays linear in the
# pack whatever the thread count. Each version of a file over a quarter of
# the per-worker cache (64 MiB / threads, at least 16 MiB: 4 MiB at -j4)
# was handed out uncached, so every version resolved its whole delta chain
# again: quadratic (a 6.3 MB file edited 300 times took 0.44 s of CPU at
# -j1 and 14 s at -j4). The reader now keeps the last large objects apart.
# Counted, not timed: LEAKWALK_DEBUG_STATS=1 makes audit print the deltas
# its blob readers applied. The history comes from tests/bench/deep_delta.sh.
. "$LW_TESTS_DIR/lib.sh"

GEN="$LW_TESTS_DIR/bench/deep_delta.sh"
N=16
# deltas [ARGS...]: audit's count of deltas applied
deltas() {
	LEAKWALK_DEBUG_STATS=1 timeout 120 "$LEAKWALK" audit "$@" 2>&1 >/dev/null |
		sed -n 's/.*; \([0-9]*\) deltas applied.*/\1/p'
}

for layout in fastimport; do
	"$GEN" "$LW_TMP/$layout.git" 4300 "$N" "$layout" >/dev/null
	check "$layout: $N versions" test "$(git --git-dir="$layout.git" rev-list --count main)" = "$N"
	check "$layout: the versions are deltas in the pack" \
		test "$(git verify-pack -v "$layout.git"/objects/pack/*.idx | awk '$2 == "blob" && NF == 7' | wc -l)" -ge $((N - 2))
	for j in 1 4; do
		d=$(deltas -j "$j" "$layout.git")
		# one application per version, plus at most one chain per worker's
		# first stretch; quadratic would be N*(N-1)/2 = 120
		check "$layout -j$j: deltas applied linear in the versions ($d <= $((2 * N)))" \
			test -n "$d" -a "${d:-999}" -le $((2 * N))
	done
done
finish
