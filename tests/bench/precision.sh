#!/usr/bin/env bash
# precision.sh [OUT_DIR]
#
# Detection quality of the built-in rules: precision_gen.py plants variants of
# every rule's match examples (re-randomised secrets) and many decoys (every
# rule's no_match examples, placeholders, lock-file hashes, public keys, ...)
# into a fresh git history; `leakwalk audit --format json --no-redact` scans
# it; precision_score.py compares the report with the ground truth and prints
# precision, recall, the misses and the false positives grouped by rule.
#
# Targets: recall >= 0.98 and precision >= 0.98. Exit status: 0 both met,
# 1 a target missed, 2 the bench itself failed.
#
# Without OUT_DIR a temporary directory is used (on /dev/shm when writable)
# and removed afterwards, unless LW_PREC_KEEP=1.
#
# Environment:
#   LEAKWALK            binary to measure (default: build <source> into
#                       $LW_PREC_BUILD, default /tmp/build-prec, Release, no tests;
#                       the rule files are compiled in, so this rebuilds them)
#   LW_PREC_VARIANTS    variants per example (default 20)
#   LW_PREC_SEED        generator seed (default fixed; 'random' for a fresh one)
#   LW_PREC_COMMITS     approximate commits on main (default 300)
#   LW_PREC_TOP         rules listed per section (default 30)
#   LW_PREC_SUMMARY     machine-readable summary (default
#                       ${TMPDIR:-/tmp}/leakwalk-precision-summary.json)
#   LW_PREC_MIN_RECALL, LW_PREC_MIN_PRECISION   targets (default 0.98)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)

if [ -z "${LEAKWALK:-}" ]; then
	build=${LW_PREC_BUILD:-/tmp/build-prec}
	echo "precision: building $build" >&2
	if ! { cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLW_BUILD_TESTS=OFF >"$build.log" 2>&1 &&
		cmake --build "$build" -j2 >>"$build.log" 2>&1; }; then
		echo "precision: build failed, see $build.log" >&2
		exit 2
	fi
	LEAKWALK=$build/leakwalk
fi
[ -x "$LEAKWALK" ] || { echo "precision: no leakwalk binary at $LEAKWALK" >&2; exit 2; }

if [ $# -ge 1 ]; then
	out=$1
	mkdir -p "$out" || exit 2
else
	base=${TMPDIR:-/tmp}
	[ -w /dev/shm ] && base=/dev/shm
	out=$(mktemp -d "$base/lw-precision.XXXXXX") || exit 2
	[ "${LW_PREC_KEEP:-0}" = 1 ] || trap 'rm -rf "$out"' EXIT
fi
summary=${LW_PREC_SUMMARY:-${TMPDIR:-/tmp}/leakwalk-precision-summary.json}

t0=$(date +%s.%N)
python3 "$here/precision_gen.py" --out "$out" --leakwalk "$LEAKWALK" \
	--patterns "$src/patterns" --variants "${LW_PREC_VARIANTS:-20}" \
	--seed "${LW_PREC_SEED:-leakwalk-precision-1}" --commits "${LW_PREC_COMMITS:-300}" ||
	{ echo "precision: generator failed" >&2; exit 2; }
t1=$(date +%s.%N)

"$LEAKWALK" audit "$out/repo" --format json --no-redact -o "$out/out.json" 2>"$out/audit.log"
rc=$?
t2=$(date +%s.%N)
if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
	echo "precision: leakwalk audit exited $rc" >&2
	cat "$out/audit.log" >&2
	exit 2
fi
grep -v '^$' "$out/audit.log" | tail -3 | sed 's/^/precision: /' >&2

python3 "$here/precision_score.py" "$out/truth.json" "$out/out.json" --summary "$summary" \
	--top "${LW_PREC_TOP:-30}" --min-recall "${LW_PREC_MIN_RECALL:-0.98}" \
	--min-precision "${LW_PREC_MIN_PRECISION:-0.98}"
status=$?
python3 - "$summary" "$t0" "$t1" "$t2" "$LEAKWALK" <<'PY'
import json, sys
path, t0, t1, t2, lw = sys.argv[1], *map(float, sys.argv[2:5]), sys.argv[5]
s = json.load(open(path))
s["timing"] = {"generate_s": round(t1 - t0, 1), "audit_s": round(t2 - t1, 2)}
s["leakwalk"] = lw
json.dump(s, open(path, "w"), indent=1)
PY
awk -v a="$t0" -v b="$t1" -v c="$t2" -v s="$summary" \
	'BEGIN { printf "precision: generated in %.0fs, audited in %.1fs; summary: %s\n", b - a, c - b, s }' >&2
[ "$status" -le 1 ] || exit 2
exit "$status"
