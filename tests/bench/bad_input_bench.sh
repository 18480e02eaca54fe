#!/bin/bash
# bad_input_bench.sh - `leakwalk scan` on hostile inputs (issue 13 "Bad input"):
# a value a megabyte long, a line of a million '=', 100k levels of XML/JSON
# nesting, a 100 MB minified JS-like file on one line, and a few more
# pathological lines. Prints seconds, MB/s, peak RSS and the exit status of
# each scan. Every scan runs under a time bound (LW_BAD_TIMEOUT, default 300 s).
#
# usage: tests/bench/bad_input_bench.sh
#   LEAKWALK           binary (default build/leakwalk of this checkout)
#   LW_BAD_MINIFIED_MB size of the minified file (default 100)
# Exit 0 when every scan ended by itself with 0 or 1; 1 when one crashed
# (signal) or hit the time bound; 2 when the bench itself failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
LW=${LEAKWALK:-$src/build/leakwalk}
[ -x "$LW" ] || { echo "bad_input_bench: no binary at $LW" >&2; exit 2; }
out=${LW_BENCH_DIR:-/tmp/lw-bench}/bad-input
limit=${LW_BAD_TIMEOUT:-300}
mkdir -p "$out" || exit 2
python3 "$here/bad_input_gen.py" "$out/in" --minified-mb "${LW_BAD_MINIFIED_MB:-100}" ||
	{ echo "bad_input_bench: generator failed" >&2; exit 2; }
have_time=0
[ -x /usr/bin/time ] && have_time=1
echo "leakwalk: $LW ($("$LW" version 2>/dev/null | head -1)), time bound ${limit}s"
printf '%-22s %9s %9s %9s %9s %5s %9s\n' input MB seconds MB/s RSS_MB exit findings
bad=0
for f in long-value.env long-base64.yaml equals.txt password-repeat.txt quotes.json deep.xml \
	deep-array.json deep-object.json minified.js; do
	in="$out/in/$f"
	bytes=$(stat -c %s "$in")
	rm -f "$out/report.json" "$out/time.txt"
	start=$(date +%s.%N)
	if [ $have_time = 1 ]; then
		timeout -k 5 "$limit" /usr/bin/time -o "$out/time.txt" -f '%M' "$LW" scan --no-config --format json -q \
			--max-file-size 1G -o "$out/report.json" "$in"
	else
		timeout -k 5 "$limit" "$LW" scan --no-config --format json -q --max-file-size 1G -o "$out/report.json" "$in"
	fi
	rc=$?
	end=$(date +%s.%N)
	secs=$(echo "$end - $start" | bc)
	rss=-
	[ -s "$out/time.txt" ] && rss=$(($(tail -1 "$out/time.txt" | grep -o '^[0-9]*' || echo 0) / 1024))
	n=-
	[ -s "$out/report.json" ] && n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out/report.json")
	state=$rc
	case $rc in
	0 | 1) ;;
	124 | 137) state="TIMEOUT"; bad=1 ;;
	*) if [ "$rc" -gt 128 ]; then state="CRASH($rc)"; bad=1; fi ;;
	esac
	printf '%-22s %9.1f %9.2f %9.1f %9s %5s %9s\n' "$f" "$(echo "$bytes / 1048576" | bc -l)" "$secs" \
		"$(echo "$bytes / 1048576 / ($secs + 0.0001)" | bc -l)" "$rss" "$state" "$n"
done
[ $bad = 0 ] || echo "bad_input_bench: a scan crashed or hit the time bound" >&2
exit $bad
