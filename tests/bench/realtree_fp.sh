#!/bin/bash
# realtree_fp.sh - findings of `leakwalk scan` on large real text trees that
# Debian packages install (documentation, C headers, Python/Perl/Ruby/Node
# modules, the Vim and CMake runtimes). These trees hold no live secret, so
# every finding is a candidate false alarm (a few may be test keys or
# documented examples: read the list). Issue 13: "findings that are not
# secrets on real trees, before and after".
#
# usage: tests/bench/realtree_fp.sh [ROOT...]      (default: the trees below that exist)
#   LEAKWALK            binary (default build/leakwalk of this checkout)
#   LW_REALTREE_EXTRA   more roots, space-separated (e.g. /usr/lib/google-cloud-sdk)
#   LW_REALTREE_APT=1   first `apt-get install -y` a few source-heavy packages (root only):
#                       python3-botocore python3-django golang-go (AWS example keys,
#                       Django test settings, Go crypto test data); absent ones are skipped
#   LW_REALTREE_LIST=N  print at most N findings (default 400)
#   LW_REALTREE_BEFORE=FILE  an earlier run's summary.json (e.g. of main's binary):
#                       prints per-rule counts before -> after, and the findings that
#                       are new or gone (path:line rule)
# Prints findings per rule and per tree, then path:line rule, never the
# secret (the scan runs redacted). Exit 0 unless the bench itself failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
LW=${LEAKWALK:-$src/build/leakwalk}
[ -x "$LW" ] || { echo "realtree_fp: no binary at $LW (build first or set LEAKWALK)" >&2; exit 2; }
out=${LW_BENCH_DIR:-/tmp/lw-bench}/realtree
mkdir -p "$out" || exit 2
if [ "${LW_REALTREE_APT:-0}" = 1 ] && [ "$(id -u)" = 0 ]; then
	for p in python3-botocore python3-django golang-go; do
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$p" >/dev/null 2>&1 &&
			echo "realtree_fp: installed $p" || echo "realtree_fp: could not install $p" >&2
	done
fi
roots=()
if [ $# -gt 0 ]; then
	roots=("$@")
else
	for d in /usr/share/doc /usr/include /usr/lib/python3 /usr/lib/python3.[0-9]* /usr/share/perl5 \
		/usr/share/perl /usr/lib/x86_64-linux-gnu/perl5 /usr/share/vim /usr/share/cmake-* \
		/usr/lib/node_modules /usr/share/nodejs /usr/lib/ruby /usr/share/php /usr/share/javascript \
		/usr/lib/go-*/src /usr/share/gocode ${LW_REALTREE_EXTRA:-}; do
		[ -d "$d" ] && roots+=("$d")
	done
fi
[ ${#roots[@]} -gt 0 ] || { echo "realtree_fp: no tree to scan" >&2; exit 2; }
reports=()
total_mb=0
echo "leakwalk: $LW ($("$LW" version 2>/dev/null | head -1))"
printf '%-40s %8s %8s %9s %8s\n' tree files MB seconds findings
for d in "${roots[@]}"; do
	name=$(echo "$d" | tr '/' '_')
	rep="$out/report$name.json"
	start=$(date +%s.%N)
	"$LW" scan --no-config --format json -q -o "$rep" "$d"
	rc=$?
	end=$(date +%s.%N)
	if [ "$rc" != 0 ] && [ "$rc" != 1 ] && [ "$rc" != 3 ]; then
		echo "realtree_fp: scan of $d exited $rc" >&2
		exit 2
	fi
	mb=$(du -sm "$d/" 2>/dev/null | cut -f1)
	total_mb=$((total_mb + mb))
	printf '%-40s %8s %8s %9.1f %8s\n' "$d" "$(find "$d/" -type f 2>/dev/null | wc -l)" "$mb" \
		"$(echo "$end - $start" | bc)" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$rep")"
	reports+=("$rep")
done
LW_RT_ROOTS=$(printf '%s\n' "${roots[@]}") python3 - "${LW_REALTREE_LIST:-400}" "$out/summary.json" "${LW_REALTREE_BEFORE:-}" "${reports[@]}" <<'PY'
import collections, json, sys
limit, summary, before, reports = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
found = []
for rep in reports:
    found += json.load(open(rep))
per_rule = collections.Counter(f["rule"] for f in found)
print("\nfindings per rule (%d in all):" % len(found))
for rule, n in per_rule.most_common():
    print("  %6d  %s" % (n, rule))
print("\nfindings (path:line rule):")
for f in sorted(found, key=lambda f: (f["rule"], f["path"], f["line"]))[:limit]:
    print("  %s:%s %s" % (f["path"], f["line"], f["rule"]))
if len(found) > limit:
    print("  ... %d more" % (len(found) - limit))
if before:
    # only the trees scanned now: a run over fewer trees loses nothing
    import os
    roots = [os.path.normpath(r) + "/" for r in os.environ["LW_RT_ROOTS"].split("\n") if r]
    old = json.load(open(before))
    old["findings"] = [f for f in old["findings"] if any(f["path"].startswith(r) for r in roots)]
    old["total"] = len(old["findings"])
    old["per_rule"] = collections.Counter(f["rule"] for f in old["findings"])
    print("\nbefore -> after (%s): %d -> %d" % (before, old["total"], len(found)))
    for rule in sorted(set(old["per_rule"]) | set(per_rule)):
        print("  %6d -> %-6d %s" % (old["per_rule"].get(rule, 0), per_rule.get(rule, 0), rule))
    key = lambda f: (f["path"], f["line"], f["rule"])
    was, now = {key(f) for f in old["findings"]}, {key(f) for f in found}
    for tag, keys in (("new", now - was), ("gone", was - now)):
        print("\n%s (%d):" % (tag, len(keys)))
        for p, ln, rule in sorted(keys)[:limit]:
            print("  %s:%s %s" % (p, ln, rule))
json.dump({"total": len(found), "per_rule": dict(per_rule),
           "findings": [{"path": f["path"], "line": f["line"], "rule": f["rule"]} for f in found]},
          open(summary, "w"), indent=1, sort_keys=True)
PY
