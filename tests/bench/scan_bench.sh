#!/usr/bin/env bash
# scan_bench.sh [DIR]
#
# `leakwalk scan` throughput on a large tree of text, side by side with
# ripgrep running the SAME regexes (every built-in rule of patterns/*.json,
# through `rg --pcre2 -f`), and leakwalk's start-up time on one small file.
#
# Without DIR, a tree of $LW_BENCH_TREE_MB MB is generated with gen_tree.py
# from /usr text plus planted secrets, cached in $LW_BENCH_DIR.
#
# Environment:
#   LEAKWALK           leakwalk binary (default /tmp/build-bench/leakwalk if
#                      present, else <source>/build/leakwalk)
#   LW_BENCH_DIR       cache directory (default /tmp/lw-bench)
#   LW_BENCH_TREE_MB   size of the generated tree in MB (default 400)
#   LW_BENCH_RUNS      runs per measurement; the fastest is reported (default 1)
#   LW_BENCH_TIMEOUT   per-measurement limit in seconds (default 900)
#   LW_BENCH_STARTUP_RUNS  runs of the start-up measurement (default 20)
#   LW_BENCH_RG_MB     ripgrep with every rule runs at ~1 MB/s, so the ripgrep
#                      rows (and a leakwalk row for comparison) use an evenly
#                      spread subset of the tree of about this many MB
#                      (default 25; 0 = the whole tree)
#   LW_BENCH_RG_J1     also run ripgrep with -j1 (default 1)
#   LW_BENCH_PATTERNS  rule files for ripgrep (default <source>/patterns: keep it
#                      in step with the rules the binary embeds)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
if [ -z "${LEAKWALK:-}" ]; then
	if [ -x /tmp/build-bench/leakwalk ]; then LEAKWALK=/tmp/build-bench/leakwalk; else LEAKWALK=$src/build/leakwalk; fi
fi
[ -x "$LEAKWALK" ] || { echo "$0: no leakwalk binary at $LEAKWALK (set LEAKWALK)" >&2; exit 2; }
benchdir=${LW_BENCH_DIR:-/tmp/lw-bench}
mb=${LW_BENCH_TREE_MB:-400}
runs=${LW_BENCH_RUNS:-1}
tlimit=${LW_BENCH_TIMEOUT:-900}
sruns=${LW_BENCH_STARTUP_RUNS:-20}
export LC_ALL=C

apt_install() {
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "scan_bench: installing $1 with apt-get" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null 2>&1; }
	fi
}
[ -x /usr/bin/time ] || apt_install time
[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time (GNU time) is required" >&2; exit 2; }
command -v rg >/dev/null || apt_install ripgrep
command -v rg >/dev/null || { echo "$0: ripgrep (rg) is required" >&2; exit 2; }
command -v hyperfine >/dev/null || apt_install hyperfine

# ---------------------------------------------------------------- the tree
tree=${1:-}
manifest=
if [ -z "$tree" ]; then
	tree=$benchdir/scan-tree-${mb}MB
	manifest=$tree.planted.tsv
	if [ ! -f "$tree.complete" ]; then
		rm -rf "$tree" "$tree.complete" "$manifest"
		mkdir -p "$tree"
		python3 "$here/gen_tree.py" "$tree" "$mb" "$manifest" || exit 1
		date -u +%FT%TZ >"$tree.complete"
	fi
fi
tree=$(cd "$tree" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/lw-scan-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

read -r nfiles nbytes < <(find "$tree" -type f -printf '%s\n' | awk '{ n++; s += $1 } END { printf "%d %.0f\n", n, s }')
nrules=$("$LEAKWALK" rules list 2>/dev/null | grep -c .)
rgver=$(rg --version | head -n 1)
echo "scan_bench: $tree: $nfiles files, $nbytes bytes; leakwalk $LEAKWALK ($nrules rules); $rgver" >&2

# ripgrep pattern files from the same rule files leakwalk embeds
patterns=${LW_BENCH_PATTERNS:-$src/patterns}
python3 "$here/rg_patterns.py" "$patterns" "$work/rg" >"$work/rg.counts" || exit 1
read -r _ rg_all rg_all_chunks < <(grep '^all ' "$work/rg.counts")
read -r _ rg_pre rg_pre_chunks < <(grep '^prefixed ' "$work/rg.counts")
cat >"$work/rg.sh" <<'EOF'
#!/usr/bin/env bash
# rg.sh PREFIX DIR OUT [RG OPTIONS...]: every chunk of PREFIX-*.txt over DIR, one after the other
p=$1 d=$2 o=$3; shift 3
: >"$o"
rc=1
for f in "$p"-*.txt; do
	rg --pcre2 --no-ignore --hidden --no-messages --no-config --count-matches "$@" -f "$f" "$d" >>"$o"
	r=$?; [ $r = 2 ] && exit 2; [ $r = 0 ] && rc=0
done
exit $rc
EOF

# the subset of the tree ripgrep runs on (hard links, evenly spread files)
rg_mb=${LW_BENCH_RG_MB:-25}
rgtree=$tree
if [ "$rg_mb" != 0 ] && [ "$(awk -v b="$nbytes" -v m="$rg_mb" 'BEGIN { print (b > m * 1e6 * 1.2) }')" = 1 ]; then
	rgtree=$work/subset
	python3 - "$tree" "$rgtree" "$rg_mb" <<'PY'
import os, sys
src, dst, mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
files = []
for dp, dn, fn in os.walk(src):
    dn.sort()
    for f in sorted(fn):
        p = os.path.join(dp, f)
        files.append((p, os.path.getsize(p)))
total = sum(s for _, s in files)
step = total / (mb * 1e6)
acc, nxt = 0, 0.0
for p, s in files:
    # take the file under every step-th megabyte mark
    if acc >= nxt:
        q = os.path.join(dst, os.path.relpath(p, src))
        os.makedirs(os.path.dirname(q), exist_ok=True)
        try:
            os.link(p, q)
        except OSError:
            import shutil
            shutil.copyfile(p, q)
        nxt += step * s
    acc += s
PY
fi
read -r rg_nfiles rg_nbytes < <(find "$rgtree" -type f -printf '%s\n' | awk '{ n++; s += $1 } END { printf "%d %.0f\n", n, s }')

# warm the page cache
rg --no-ignore --hidden --no-config -c -F 'lw-bench-warm-up-no-such-string' "$tree" >/dev/null 2>&1

# ---------------------------------------------------------------- measuring
declare -a T_NAME T_SEC T_RSS T_RC T_CMD T_BYTES T_REF T_CPU
run() {   # run NAME BYTES REF CMD...: best of $runs; REF: the leakwalk row to compare with
	local name=$1 bytes=$2 ref=$3; shift 3
	local best='' bestrss='' bestcpu='' rc='' i
	echo "scan_bench: running $name: $*" >&2
	for ((i = 0; i < runs; i++)); do
		/usr/bin/time -f '%e %M %U %S' -o "$work/t" timeout -k 10 "$tlimit" "$@" >"$work/$name.out" 2>"$work/$name.err"
		rc=$?
		local s m u y
		read -r s m u y < <(tail -n 1 "$work/t")
		if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$s bestrss=$m bestcpu=$(awk -v u="$u" -v y="$y" 'BEGIN { printf "%.1f", u + y }')
		fi
	done
	[ "$rc" = 124 ] || [ "$rc" = 137 ] && best=">$tlimit"
	T_NAME+=("$name"); T_SEC+=("$best"); T_RSS+=("$bestrss"); T_RC+=("$rc"); T_CMD+=("$*")
	T_BYTES+=("$bytes"); T_REF+=("$ref"); T_CPU+=("$bestcpu")
	echo "scan_bench:   $name: ${best}s, exit $rc" >&2
}

load0=$(cut -d" " -f1-3 /proc/loadavg)
ncpu=$(nproc)
run rg-read-floor "$nbytes" leakwalk rg --no-ignore --hidden --no-config --count-matches -F 'lw-bench-no-such-string-Q7' "$tree"
run leakwalk "$nbytes" leakwalk "$LEAKWALK" scan --format json --output "$work/lw.json" -q "$tree"
run leakwalk-j1 "$nbytes" leakwalk-j1 "$LEAKWALK" scan --threads 1 --format json --output "$work/lw1.json" -q "$tree"
sub=leakwalk sub1=leakwalk-j1 subjson=$work/lw.json
if [ "$rgtree" != "$tree" ]; then
	sub=leakwalk-subset sub1=leakwalk-subset-j1 subjson=$work/lwsub.json
	run leakwalk-subset "$rg_nbytes" "$sub" "$LEAKWALK" scan --format json --output "$work/lwsub.json" -q "$rgtree"
	run leakwalk-subset-j1 "$rg_nbytes" "$sub1" "$LEAKWALK" scan --threads 1 --format json --output "$work/lwsub1.json" -q "$rgtree"
fi
run rg-all-rules "$rg_nbytes" "$sub" bash "$work/rg.sh" "$work/rg/all" "$rgtree" "$work/rg-all.txt"
[ "${LW_BENCH_RG_J1:-1}" = 1 ] && run rg-all-rules-j1 "$rg_nbytes" "$sub1" bash "$work/rg.sh" "$work/rg/all" "$rgtree" "$work/rg-all1.txt" -j1
run rg-prefixed "$rg_nbytes" "$sub" bash "$work/rg.sh" "$work/rg/prefixed" "$rgtree" "$work/rg-pre.txt"
[ "${LW_BENCH_RG_J1:-1}" = 1 ] && run rg-prefixed-j1 "$rg_nbytes" "$sub1" bash "$work/rg.sh" "$work/rg/prefixed" "$rgtree" "$work/rg-pre1.txt" -j1

# ---------------------------------------------------------------- start-up
printf '#include <stdio.h>\n\nint main(void)\n{\n\tputs("hello");\n\treturn 0;\n}\n' >"$work/small.c"
printf 'region = eu-west-1\naws_access_key_id = %s\n' \
	"$(python3 -c 'import random, sys; sys.dont_write_bytecode = True; sys.path.insert(0, sys.argv[1]); import bench_corpus as bc; print(bc.aws_key_id(random.SystemRandom()))' "$here")" \
	>"$work/small-secret.ini"
startup() {   # startup FILE: median seconds of $sruns runs of `leakwalk scan -q FILE`
	local f=$1
	if command -v hyperfine >/dev/null; then
		hyperfine -N -i --warmup 3 --runs "$sruns" --export-json "$work/hf.json" \
			"$LEAKWALK scan -q $f" >/dev/null 2>&1 &&
			python3 -c 'import json,sys; print("%.4f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/hf.json" &&
			return 0
	fi
	local i t0 t1
	for ((i = 0; i < 3; i++)); do "$LEAKWALK" scan -q "$f" >/dev/null 2>&1; done
	for ((i = 0; i < sruns; i++)); do
		t0=$(date +%s%N); "$LEAKWALK" scan -q "$f" >/dev/null 2>&1; t1=$(date +%s%N)
		echo $(( t1 - t0 ))
	done | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.4f\n", m / 1e9 }'
}
su_clean=$(startup "$work/small.c")
su_secret=$(startup "$work/small-secret.ini")
su_tool=$(command -v hyperfine >/dev/null && echo "hyperfine -N, $sruns runs, median" || echo "loop with date +%s%N, $sruns runs, median")

# ---------------------------------------------------------------- report
echo
echo "## leakwalk scan benchmark ($(date -u +%F), $(uname -m), $ncpu cores; $rgver)"
echo "load average before the runs: $load0; after: $(cut -d" " -f1-3 /proc/loadavg)"
echo
echo "tree: $tree: $nfiles files, $nbytes bytes ($(awk -v b="$nbytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB)"
[ "$nrules" != "$rg_all" ] && echo "WARNING: leakwalk has $nrules built-in rules but $patterns holds $rg_all: the binary was built from other rule files"
echo "rules: $nrules built-in rules in leakwalk; ripgrep runs $rg_all of them in $rg_all_chunks chunk(s) (rg-all-rules)"
echo "       and the $rg_pre literal-prefixed token rules in $rg_pre_chunks chunk(s) (rg-prefixed), one chunk after the other"
echo
printf '| %-19s | %8s | %8s | %8s | %10s | %8s | %8s | %4s |\n' tool MB seconds "MB/s" "x leakwalk" "cpu s" "RSS MiB" exit
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' --------------------- ---------- ---------- ---------- ------------ ---------- ---------- ------
for i in "${!T_NAME[@]}"; do
	ref=
	for j in "${!T_NAME[@]}"; do [ "${T_NAME[$j]}" = "${T_REF[$i]}" ] && ref=${T_SEC[$j]}; done
	awk -v n="${T_NAME[$i]}" -v s="${T_SEC[$i]}" -v b="${T_BYTES[$i]}" -v l="$ref" -v m="${T_RSS[$i]}" -v rc="${T_RC[$i]}" -v c="${T_CPU[$i]}" 'BEGIN {
		ok = (s ~ /^[0-9.]+$/ && s > 0)
		mbs = ok ? sprintf("%.1f", b / 1e6 / s) : "-"
		r = (ok && l > 0) ? sprintf("%.2f", s / l) : "-"
		printf "| %-19s | %8.1f | %8s | %8s | %10s | %8s | %8.1f | %4s |\n", n, b / 1e6, s, mbs, r, c, m / 1024, rc }'
done
echo
echo "(x leakwalk = seconds / seconds of leakwalk on the same bytes with the same threads"
echo " (rg-read-floor: leakwalk on the whole tree); above 1 means leakwalk is faster)"
[ "$rgtree" != "$tree" ] && echo "(ripgrep rows run on an evenly spread subset of the tree: $rg_nfiles files, $rg_nbytes bytes; LW_BENCH_RG_MB=0 for all of it)"
echo
echo "commands:"
for i in "${!T_NAME[@]}"; do
	c=${T_CMD[$i]//$work/\$WORK}
	echo "  ${T_NAME[$i]}: $c"
done
echo "  \$WORK/rg.sh runs, for each chunk: rg --pcre2 --no-ignore --hidden --no-messages --no-config --count-matches [-j1] -f CHUNK TREE"
echo
echo "start-up ($su_tool): leakwalk scan -q on a 7-line C file: ${su_clean}s; on a 2-line file with an AWS key id: ${su_secret}s"
if [ -n "$manifest" ] && [ -f "$manifest" ]; then
	echo
	echo "planted secrets found by leakwalk scan:"
	python3 "$here/count_planted.py" "$manifest" --tree "$tree" "leakwalk=leakwalk:$work/lw.json" "lw-j1=leakwalk:$work/lw1.json" | tail -n 2
	echo "  leakwalk: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/lw.json" 2>/dev/null) findings in total; on the ripgrep subset, leakwalk $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$subjson" 2>/dev/null) findings, rg-all-rules $(awk -F: '{ s += $NF } END { print s + 0 }' "$work/rg-all.txt") matches, rg-prefixed $(awk -F: '{ s += $NF } END { print s + 0 }' "$work/rg-pre.txt") matches"
fi
for n in leakwalk leakwalk-j1; do
	[ -s "$work/$n.err" ] && { echo "  stderr of $n:"; head -n 5 "$work/$n.err" | sed 's/^/    /'; }
done
exit 0
