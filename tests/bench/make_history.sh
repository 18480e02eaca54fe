#!/usr/bin/env bash
# make_history.sh OUT_DIR [COMMITS] [FILES_PER_COMMIT]
#
# Builds a large, realistic (bare) git repository at OUT_DIR from text that
# exists on any Debian machine (/usr/include, /usr/share/doc, Perl, Python,
# Vim, CMake, Node modules), with `git fast-import`, then packs it like a
# real repository. The structure is reproducible (seeded RNG, sorted corpus);
# the planted secrets are random per run and listed in
# OUT_DIR/lw-bench/planted.tsv.
#
# Environment:
#   LW_BENCH_SCALE   small | medium | full (default full)
#                      small : ~2k commits,  ~8k blobs,  ~0.2 GB of blobs, < 1 min
#                      medium: ~10k commits, ~40k blobs, ~1 GB,  a few minutes
#                      full  : ~40k commits, ~150k blobs, a few GB, see README.md
#                    COMMITS / FILES_PER_COMMIT on the command line override it.
#   LW_BENCH_CORPUS_FILES  how many corpus files to use (0: all; default per scale)
#   LW_BENCH_SECRETS       planted secret sets (default 12)
#   LW_BENCH_SEED          structure seed (default leakwalk-bench-1)
#   LW_BENCH_SECRET_SEED   make the planted secrets reproducible too
#   LW_BENCH_WINDOW        delta window of the final `git repack -adf` (default 10;
#                          250 packs tighter but takes many times longer)
#   LW_BENCH_DEPTH         delta depth (default 50)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() { echo "usage: $0 OUT_DIR [COMMITS] [FILES_PER_COMMIT]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 3 ] || usage
out=$1

scale=${LW_BENCH_SCALE:-full}
case $scale in
small)  d_commits=2000;  d_fpc=3;   d_corpus=2500 ;;
medium) d_commits=10000; d_fpc=3.5; d_corpus=8000 ;;
full)   d_commits=40000; d_fpc=3.5; d_corpus=0 ;;
*) echo "$0: LW_BENCH_SCALE must be small, medium or full" >&2; exit 2 ;;
esac
commits=${2:-$d_commits}
fpc=${3:-$d_fpc}
corpus=${LW_BENCH_CORPUS_FILES:-$d_corpus}
window=${LW_BENCH_WINDOW:-10}
depth=${LW_BENCH_DEPTH:-50}

if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
	echo "$0: $out exists and is not empty; remove it first" >&2
	exit 2
fi
command -v python3 >/dev/null || { echo "$0: python3 is required" >&2; exit 2; }

tmp="$out.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$(dirname "$out")"

now() { date +%s.%N; }
t0=$(now)

export GIT_CONFIG_NOSYSTEM=1
git init -q --bare "$tmp"
git -C "$tmp" config gc.auto 0
git -C "$tmp" config core.logAllRefUpdates false
mkdir -p "$tmp/lw-bench"

echo "make_history: scale=$scale commits=$commits files/commit=$fpc corpus_files=$corpus -> $out" >&2
python3 "$here/gen_history.py" --commits "$commits" --files-per-commit "$fpc" \
	--corpus-files "$corpus" --secrets "${LW_BENCH_SECRETS:-12}" \
	--seed "${LW_BENCH_SEED:-leakwalk-bench-1}" \
	--manifest "$tmp/lw-bench/planted.tsv" |
	git -C "$tmp" fast-import --quiet --done --depth="$depth"
git -C "$tmp" symbolic-ref HEAD refs/heads/main
t1=$(now)

echo "make_history: fast-import done in $(printf '%.0f' "$(echo "$t1 - $t0" | bc)")s; repacking (-adf --window=$window --depth=$depth)" >&2
git -C "$tmp" repack -q -adf --window="$window" --depth="$depth"
git -C "$tmp" prune-packed
t2=$(now)

# statistics
ncommits=$(git -C "$tmp" rev-list --all --count)
read -r nblobs blob_bytes < <(git -C "$tmp" cat-file --batch-all-objects --batch-check='%(objecttype) %(objectsize)' |
	awk '$1 == "blob" { n++; s += $2 } END { printf "%d %.0f\n", n, s }')
nrefs=$(git -C "$tmp" for-each-ref | wc -l)
pack_bytes=$(du -sb "$tmp/objects/pack" | cut -f1)
{
	echo "scale=$scale"
	echo "commits_arg=$commits"
	echo "files_per_commit=$fpc"
	echo "corpus_files=$corpus"
	echo "commits=$ncommits"
	echo "blobs=$nblobs"
	echo "blob_bytes=$blob_bytes"
	echo "refs=$nrefs"
	echo "pack_bytes=$pack_bytes"
	printf 'seconds_import=%.1f\n' "$(echo "$t1 - $t0" | bc)"
	printf 'seconds_repack=%.1f\n' "$(echo "$t2 - $t1" | bc)"
} >"$tmp/lw-bench/stats"
date -u +%FT%TZ >"$tmp/lw-bench/complete"

mv "$tmp" "$out"
trap - EXIT
printf 'make_history: %s: %d commits, %d refs, %d unique blobs, %.1f MiB of blobs, pack %.1f MiB; import %.0fs, repack %.0fs\n' \
	"$out" "$ncommits" "$nrefs" "$nblobs" "$(echo "$blob_bytes / 1048576" | bc -l)" \
	"$(echo "$pack_bytes / 1048576" | bc -l)" "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)" >&2
