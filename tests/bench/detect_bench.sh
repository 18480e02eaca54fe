#!/bin/bash
# detect_bench.sh - per-category recall and precision of `leakwalk scan` on
# the labelled detection corpus (issue 13). A measurement, not a gate: exits
# 0 whatever the numbers, 2 when the bench itself failed (generator, scan or
# scorer).
#
# usage: tests/bench/detect_bench.sh [SCORER OPTIONS...]   (e.g. --kinds, --max-list 50)
#
# Binary: $LEAKWALK, else build/leakwalk of this checkout (built with cmake
# when missing): the rules compiled into it are what is measured.
# Writes under ${LW_BENCH_DIR:-/tmp/lw-bench}/detect: corpus/, labels.jsonl,
# report.json (unredacted findings on generated values), summary.json.
# LW_DETECT_SEED picks another corpus (default 13). LW_DETECT_SEEDS="1 2 3"
# scores several corpora (detect/seed-N/ each) and adds min/mean/max per
# category: the values are random, and whether a weak password passes an
# entropy floor depends on the draw (one seed moves the generic recall by
# several points). LW_DETECT_SCAN_ARGS adds scan options (e.g. a future
# --min-confidence).
# The printed lists name path:line, kind and rule, never a secret.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
LW=${LEAKWALK:-$src/build/leakwalk}
if [ ! -x "$LW" ]; then
	echo "detect_bench: building $LW" >&2
	if ! { cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
		cmake --build "$src/build" -j2 --target leakwalk >/dev/null; }; then
		echo "detect_bench: build failed" >&2
		exit 2
	fi
fi
base=${LW_BENCH_DIR:-/tmp/lw-bench}/detect
read -r -a seeds <<<"${LW_DETECT_SEEDS:-${LW_DETECT_SEED:-13}}"
echo "leakwalk: $LW ($("$LW" version 2>/dev/null | head -1))"
summaries=()
for seed in "${seeds[@]}"; do
	out=$base
	[ ${#seeds[@]} -gt 1 ] && out=$base/seed-$seed
	mkdir -p "$out" || exit 2
	python3 "$here/detect_corpus_gen.py" --out "$out" --seed "$seed" >"$out/counts.txt" ||
		{ echo "detect_bench: corpus generator failed (seed $seed)" >&2; exit 2; }
	rm -f "$out/report.json"
	start=$(date +%s.%N)
	# shellcheck disable=SC2086 # LW_DETECT_SCAN_ARGS is a list of options
	"$LW" scan --no-config --format json --no-redact -q ${LW_DETECT_SCAN_ARGS:-} -o "$out/report.json" "$out/corpus"
	rc=$?
	end=$(date +%s.%N)
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		echo "detect_bench: leakwalk scan exited $rc (seed $seed)" >&2
		exit 2
	fi
	echo
	echo "corpus:   $out/corpus (seed $seed; $(tail -1 "$out/counts.txt" | sed 's/  */ /g'))"
	printf 'scan:     exit %s in %.2f s\n\n' "$rc" "$(echo "$end - $start" | bc)"
	python3 "$here/detect_score.py" --labels "$out/labels.jsonl" --report "$out/report.json" \
		--root "$out/corpus" --json-out "$out/summary.json" "$@" ||
		{ echo "detect_bench: scorer failed" >&2; exit 2; }
	summaries+=("$out/summary.json")
done
[ ${#seeds[@]} -gt 1 ] || exit 0
python3 - "${summaries[@]}" <<'PY' || { echo "detect_bench: aggregation failed" >&2; exit 2; }
import json, sys
runs = [json.load(open(f))["categories"] for f in sys.argv[1:]]
print("\nover %d seeds: recall min/mean/max, precision min/mean/max, false alarms mean" % len(runs))
for cat in runs[0]:
    rec = [r[cat]["recall"] for r in runs if r[cat]["recall"] is not None]
    pre = [r[cat]["precision"] for r in runs if r[cat]["precision"] is not None]
    fa = sum(r[cat]["false_alarms"] for r in runs) / len(runs)
    f = lambda v: "%.3f/%.3f/%.3f" % (min(v), sum(v) / len(v), max(v)) if v else "      -      "
    print("%-20s recall %s  precision %s  false %.1f" % (cat, f(rec), f(pre), fa))
PY
exit 0
