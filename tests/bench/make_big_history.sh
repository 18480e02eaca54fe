#!/usr/bin/env bash
# make_big_history.sh OUT_DIR [COMMITS]
#
# Builds a bare repository of about 5 million objects with `git fast-import`
# (stream from gen_big_history.py: 10,000 paths, 4 small one-line edits per
# commit, ~9 objects per commit; default 560,000 commits), for measuring
# leakwalk's memory on a history larger than any in the test suite (issue
# 17: peak RSS must not grow with history). Not repacked: fast-import's pack
# already deltas each version against the last.
#
# Disk: about 1 GB for the default; check `df -h` first. Time: a few minutes
# on an idle 2-core machine. Then, e.g.:
#   /usr/bin/time -v leakwalk audit --format json --output /dev/null -q OUT_DIR
#   tests/bench/audit_bench.sh OUT_DIR
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 OUT_DIR [COMMITS]" >&2; exit 2; }
out=$1
commits=${2:-560000}
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
	echo "$0: $out exists and is not empty; remove it first" >&2
	exit 2
fi
export GIT_CONFIG_NOSYSTEM=1
git init -q --bare "$out"
t0=$(date +%s)
python3 "$here/gen_big_history.py" "$commits" |
	git -C "$out" fast-import --quiet --done --depth=50 --active-branches=1
objects=$(git -C "$out" count-objects -v | awk '/^in-pack:/ { print $2 }')
echo "make_big_history: $out: $commits commits, $objects objects, $(du -sh "$out" | cut -f1), $(( $(date +%s) - t0 )) s"
