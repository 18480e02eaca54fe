#!/usr/bin/env bash
# audit_bench.sh [REPO]
#
# Full-history audit, side by side on the same repository, with wall time,
# CPU seconds (user + sys) and peak RSS (GNU time's %e %U %S %M), each also as
# a ratio to the floor's:
#   floor        git cat-file --batch-all-objects --batch --unordered
#   git-log-p    git log -p -U0 --full-history --all --diff-filter=tuxdb (gitleaks' input)
#   git-secrets  git secrets --scan-history (AWS patterns, --register-aws)
#   leakwalk     leakwalk audit (default threads, then --threads 1)
#   and on a checkout of HEAD's tree (no history): secretlint vs leakwalk scan.
#
# REPO is any repository, bare or not (for a fair floor, a clean bare copy
# of branches and tags: `git clone --bare --no-local URL-or-path copy.git`,
# so that "every object" and "every object reachable from a ref" agree).
# Without REPO, a repository is built with make_history.sh and cached in
# $LW_BENCH_DIR (default /tmp/lw-bench) as history-$LW_BENCH_SCALE.git.
#
# Environment:
#   LEAKWALK            leakwalk binary (default /tmp/build-bench/leakwalk if
#                       present, else <source>/build/leakwalk)
#   LW_BENCH_SCALE      small | medium | full (default full), see make_history.sh
#   LW_BENCH_COMMITS, LW_BENCH_FPC   passed to make_history.sh as COMMITS, FILES_PER_COMMIT
#   LW_BENCH_DIR        cache directory (default /tmp/lw-bench)
#   LW_BENCH_TIMEOUT    per-tool limit in seconds (default 900); a tool that
#                       runs longer is killed and reported as "timeout"
#   LW_BENCH_THREADS    extra leakwalk --threads values (default "1")
#   LW_BENCH_SECRETLINT_TIMEOUT  limit for secretlint (default 300; it is slow:
#                       ~75 ms a file on the small tree)
#   LW_BENCH_SKIP       space-separated tool names to skip (git-secrets secretlint git-log-p ...)
#   LW_BENCH_SECRETLINT directory of the npm install (default /tmp/lw-secretlint);
#                       installed there on first use if npm exists
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
if [ -z "${LEAKWALK:-}" ]; then
	if [ -x /tmp/build-bench/leakwalk ]; then LEAKWALK=/tmp/build-bench/leakwalk; else LEAKWALK=$src/build/leakwalk; fi
fi
[ -x "$LEAKWALK" ] || { echo "$0: no leakwalk binary at $LEAKWALK (set LEAKWALK)" >&2; exit 2; }
scale=${LW_BENCH_SCALE:-full}
benchdir=${LW_BENCH_DIR:-/tmp/lw-bench}
tlimit=${LW_BENCH_TIMEOUT:-900}
threads_extra=${LW_BENCH_THREADS-1}
skip=" ${LW_BENCH_SKIP:-} "
sl_dir=${LW_BENCH_SECRETLINT:-/tmp/lw-secretlint}
export GIT_CONFIG_NOSYSTEM=1 LC_ALL=C

# ---------------------------------------------------------------- tools
apt_install() {     # apt_install PACKAGE: only as root, only if apt-get exists
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "audit_bench: installing $1 with apt-get" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >/dev/null 2>&1; }
	fi
}
[ -x /usr/bin/time ] || apt_install time
[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time (GNU time) is required" >&2; exit 2; }
command -v git-secrets >/dev/null || apt_install git-secrets

# ---------------------------------------------------------------- repository
repo=${1:-}
if [ -z "$repo" ]; then
	name=history-$scale
	[ -n "${LW_BENCH_COMMITS:-}${LW_BENCH_FPC:-}" ] && name=$name-${LW_BENCH_COMMITS:-d}-${LW_BENCH_FPC:-d}
	repo=$benchdir/$name.git
	if [ ! -f "$repo/lw-bench/complete" ]; then
		if [ -e "$repo" ]; then
			[ -d "$repo/lw-bench" ] || { echo "$0: $repo exists and is not a benchmark repository" >&2; exit 2; }
			rm -rf "$repo"
		fi
		mkdir -p "$benchdir"
		LW_BENCH_SCALE=$scale bash "$here/make_history.sh" "$repo" ${LW_BENCH_COMMITS:-} ${LW_BENCH_COMMITS:+${LW_BENCH_FPC:-}} || exit 1
	fi
fi
repo=$(cd "$repo" && pwd)
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || { echo "$0: $repo is not a git repository" >&2; exit 2; }
manifest=
[ -f "$repo/lw-bench/planted.tsv" ] && manifest=$repo/lw-bench/planted.tsv
[ -f "$repo/.git/lw-bench/planted.tsv" ] && manifest=$repo/.git/lw-bench/planted.tsv

work=$(mktemp -d "${TMPDIR:-/tmp}/lw-audit-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---------------------------------------------------------------- measuring
declare -a T_NAME T_SEC T_RSS T_RC T_NOTE T_CPU
# run NAME STDOUT STDERR CMD...: time CMD; appends a row
run() {
	local name=$1 out=$2 err=$3; shift 3
	local tf=$work/time.$RANDOM
	case $skip in *" $name "*) return 0 ;; esac
	echo "audit_bench: running $name: $*" >&2
	/usr/bin/time -f '%e %M %U %S' -o "$tf" timeout -k 10 "$tlimit" "$@" >"$out" 2>"$err"
	local rc=$?
	local e m u s
	read -r e m u s < <(tail -n 1 "$tf" 2>/dev/null)
	T_NAME+=("$name")
	T_SEC+=("$e")
	T_RSS+=("$m")
	T_CPU+=("$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')")
	T_RC+=("$rc")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then T_NOTE+=("TIMEOUT >${tlimit}s"); else T_NOTE+=(""); fi
	echo "audit_bench:   $name: ${e}s, cpu ${T_CPU[-1]}s, $(( m / 1024 )) MiB, exit $rc" >&2
}

load0=$(cut -d" " -f1-3 /proc/loadavg)
ncpu=$(nproc)
echo "audit_bench: repository $repo; leakwalk $LEAKWALK ($("$LEAKWALK" version 2>/dev/null | head -n 1)); $ncpu cores" >&2

# repository statistics (also warms the page cache before anything is timed)
ncommits=$(git -C "$repo" rev-list --all --count)
nrefs=$(git -C "$repo" for-each-ref | wc -l)
read -r nblobs blob_bytes < <(git -C "$repo" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
	awk '$1 == "blob" { n++; s += $2 } END { printf "%d %.0f\n", n, s }')
pack_bytes=$(du -sb "$(git -C "$repo" rev-parse --path-format=absolute --git-path objects/pack)" | cut -f1)
git -C "$repo" cat-file --batch-all-objects --batch --unordered >/dev/null

# 1. the floor: inflate every object once
run floor /dev/null "$work/floor.err" git -C "$repo" cat-file --batch-all-objects --batch --unordered

# 2. gitleaks' input: every commit's patch
run git-log-p /dev/null "$work/log.err" git -C "$repo" log -p -U0 --full-history --all --diff-filter=tuxdb

# 3. leakwalk audit
run leakwalk "$work/lw.out" "$work/lw.err" "$LEAKWALK" audit --format json --output "$work/lw.json" -q "$repo"
for t in $threads_extra; do
	run "leakwalk-j$t" "$work/lw$t.out" "$work/lw$t.err" "$LEAKWALK" audit --threads "$t" --format json --output "$work/lw$t.json" -q "$repo"
done

# 4. git secrets --scan-history, AWS patterns in a private global config
#    (the benchmark repository's own config is never touched)
if command -v git-secrets >/dev/null; then
	export GIT_CONFIG_GLOBAL=$work/gitsecrets.gitconfig
	: >"$GIT_CONFIG_GLOBAL"
	git secrets --register-aws --global >/dev/null
	run git-secrets "$work/gs.out" "$work/gs.err" env -C "$repo" git secrets --scan-history
	unset GIT_CONFIG_GLOBAL
else
	echo "audit_bench: git-secrets not installed; skipped" >&2
fi

# ---------------------------------------------------------------- HEAD tree
tree=$work/head
mkdir -p "$tree"
git -C "$repo" archive --format=tar HEAD | tar -x -C "$tree"
tree_files=$(find "$tree" -type f | wc -l)
tree_bytes=$(du -sb "$tree" | cut -f1)
sl=
case $skip in *" secretlint "*) ;; *)
	if [ ! -x "$sl_dir/node_modules/.bin/secretlint" ] && command -v npm >/dev/null; then
		echo "audit_bench: installing secretlint into $sl_dir" >&2
		npm install --silent --prefix "$sl_dir" secretlint @secretlint/secretlint-rule-preset-recommend >/dev/null 2>&1
	fi
	[ -x "$sl_dir/node_modules/.bin/secretlint" ] && sl=$sl_dir/node_modules/.bin/secretlint ;;
esac
n_hist=${#T_NAME[@]}
run leakwalk-scan "$work/lws.out" "$work/lws.err" "$LEAKWALK" scan --format json --output "$work/lws.json" -q "$tree"
if [ -n "$sl" ]; then
	echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' >"$work/secretlintrc.json"
	tlimit=${LW_BENCH_SECRETLINT_TIMEOUT:-300} run secretlint "$work/sl.out" "$work/sl.err" env -C "$tree" "$sl" --secretlintrc "$work/secretlintrc.json" \
		--format compact --no-color --output "$work/sl.txt" "**/*"
else
	echo "audit_bench: secretlint not available; skipped" >&2
fi

# ---------------------------------------------------------------- report
mib() { echo "$1" | awk '{ printf "%.1f", $1 / 1048576 }'; }
floor_s= floor_cpu=
for i in "${!T_NAME[@]}"; do [ "${T_NAME[$i]}" = floor ] && floor_s=${T_SEC[$i]} floor_cpu=${T_CPU[$i]}; done
ratio() {  # ratio A B: A / B with two decimals, "-" when either is missing
	awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b + 0 > 0) printf "%.2f", a / b; else print "-" }'
}
row() {  # row I BASE [BASE_CPU]
	local i=$1 base=$2 base_cpu=${3:-}
	printf '| %-14s | %9s | %8s | %9s | %8s | %9s | %4s | %s\n' "${T_NAME[$i]}" "${T_SEC[$i]}" \
		"$(ratio "${T_SEC[$i]}" "$base")" "${T_CPU[$i]}" "$(ratio "${T_CPU[$i]}" "$base_cpu")" \
		"$(awk -v k="${T_RSS[$i]}" 'BEGIN { printf "%.1f", k / 1024 }')" "${T_RC[$i]}" "${T_NOTE[$i]}"
}

echo
echo "## leakwalk audit benchmark ($(date -u +%F), $(uname -m), $ncpu cores, git $(git --version | awk '{print $3}'))"
echo "load average before the runs: $load0; after: $(cut -d" " -f1-3 /proc/loadavg)"
echo
echo "repository: $repo"
echo "  commits (all refs): $ncommits; refs: $nrefs"
echo "  unique blobs: $nblobs; total blob bytes: $blob_bytes ($(mib "$blob_bytes") MiB); pack: $(mib "$pack_bytes") MiB"
[ -f "$repo/lw-bench/stats" ] && echo "  built by make_history.sh: $(tr '\n' ' ' <"$repo/lw-bench/stats")"
echo
echo "history (each tool once, warm page cache; x floor = wall seconds / floor wall seconds;"
echo "cpu s = user + sys seconds of the whole process tree; cpu x = cpu s / floor cpu s;"
echo "RSS = peak resident set, mapped pack pages included):"
echo
printf '| %-14s | %9s | %8s | %9s | %8s | %9s | %4s | %s\n' tool seconds "x floor" "cpu s" "cpu x" "RSS MiB" exit note
printf '|%s|%s|%s|%s|%s|%s|%s|%s\n' ---------------- ----------- ---------- ----------- ---------- ----------- ------ ------
for ((i = 0; i < n_hist; i++)); do row "$i" "$floor_s" "$floor_cpu"; done
echo
echo "commands:"
echo "  floor       git -C REPO cat-file --batch-all-objects --batch --unordered >/dev/null"
echo "  git-log-p   git -C REPO log -p -U0 --full-history --all --diff-filter=tuxdb >/dev/null"
echo "  leakwalk    $LEAKWALK audit --format json --output OUT.json -q REPO   (default threads = $ncpu)"
for t in $threads_extra; do echo "  leakwalk-j$t  $LEAKWALK audit --threads $t --format json --output OUT.json -q REPO"; done
echo "  git-secrets cd REPO && git secrets --scan-history   (patterns from git secrets --register-aws)"
if [ "${#T_NAME[@]}" -gt "$n_hist" ]; then
	echo
	echo "HEAD tree only ($tree_files files, $(mib "$tree_bytes") MiB; ratio = seconds / leakwalk scan seconds):"
	echo
	lws_s=${T_SEC[$n_hist]}
	lws_cpu=${T_CPU[$n_hist]}
	printf '| %-14s | %9s | %8s | %9s | %8s | %9s | %4s | %s\n' tool seconds "x lw" "cpu s" "cpu x" "RSS MiB" exit note
	printf '|%s|%s|%s|%s|%s|%s|%s|%s\n' ---------------- ----------- ---------- ----------- ---------- ----------- ------ ------
	for ((i = n_hist; i < ${#T_NAME[@]}; i++)); do row "$i" "$lws_s" "$lws_cpu"; done
	echo
	echo "  leakwalk-scan  $LEAKWALK scan --format json --output OUT.json -q TREE"
	[ -n "$sl" ] && echo "  secretlint     cd TREE && secretlint --secretlintrc RC --format compact --output OUT '**/*'   (preset-recommend)"
fi

if [ -n "$manifest" ]; then
	echo
	echo "planted secrets found in history (x found, - missed; fate: kept / removed later / only on a branch / in a commit message):"
	args=()
	[ -f "$work/lw.json" ] && args+=("leakwalk=leakwalk:$work/lw.json")
	for t in $threads_extra; do [ -f "$work/lw$t.json" ] && args+=("lw-j$t=leakwalk:$work/lw$t.json"); done
	[ -f "$work/gs.err" ] && args+=("git-secrets=grep:$work/gs.err")
	python3 "$here/count_planted.py" "$manifest" "${args[@]}"
	echo
	echo "planted secrets found in the HEAD tree:"
	args=()
	[ -f "$work/lws.json" ] && args+=("lw-scan=leakwalk:$work/lws.json")
	[ -f "$work/sl.txt" ] && args+=("secretlint=secretlint:$work/sl.txt")
	python3 "$here/count_planted.py" "$manifest" --tree "$tree" "${args[@]}"
fi
for f in lw lws; do
	[ -f "$work/$f.json" ] && echo "  $f: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/$f.json") findings in total"
done
for e in "$work"/lw*.err; do
	[ -s "$e" ] && { echo "  stderr of $(basename "$e" .err):"; head -n 5 "$e" | sed 's/^/    /'; }
done
exit 0
