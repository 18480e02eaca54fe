#!/bin/bash
# audit_parallel.sh - with --threads N the walk is cut into N ranges of
# commits walked side by side; what it reports must not depend on N.
# A 900-commit history (git fast-import) where secrets come back in newer
# ranges: a file deleted then restored with the same content, a directory
# (the same tree) deleted then restored, a secret first added late and then
# copied, the copy's original deleted, the directory renamed; the newer
# commits are heavier, so ranges are cut again while walking. The
# introducing commits are checked, and the reports for 1, 2, 3 and 4
# threads are compared, `present` included: a tag every 50 commits gives
# 19 tips. Without revisions `present` follows the paths the walk noted
# (the renamed directory is a tree met again elsewhere); with a revision
# it searches whole tip trees, with up to 4 threads; both must agree.
. "$LW_TESTS_DIR/lib.sh"

N=900
SA=$(rand_secret) SB=$(rand_secret) SC=$(rand_secret)
# stream COMMITS: a fast-import stream; commit i changes f$((i % 40)).txt
stream() {
	local i
	for ((i = 1; i <= N; i++)); do
		printf 'commit refs/heads/main\nmark :%d\n' "$i"
		printf 'committer T <t@example.invalid> %d +0000\n' $((1700000000 + i * 60))
		printf 'data <<EOM\nc%d\nEOM\n' "$i"
		[ "$i" -gt 1 ] && printf 'from :%d\n' $((i - 1))
		printf 'M 100644 inline f%d.txt\ndata <<EOD\nline %d of file %d\nEOD\n' $((i % 40)) "$i" $((i % 40))
		# the newer commits are heavier: a thread done early takes half of another's range
		[ "$i" -gt 600 ] && for ((j = 0; j < 30; j++)); do
			printf 'M 100644 inline heavy/d%d/h%d.txt\ndata <<EOD\nversion %d of %d\nEOD\n' $((j % 5)) "$j" "$i" "$j"
		done
		case $i in
		10 | 700) printf 'M 100644 inline a.env\ndata <<EOD\nDB_PASSWORD="%s"\nEOD\n' "$SA" ;;
		20) printf 'D a.env\n' ;;
		30 | 650)
			printf 'M 100644 inline d/x.env\ndata <<EOD\nDB_PASSWORD="%s"\nEOD\n' "$SC"
			printf 'M 100644 inline d/y.txt\ndata <<EOD\nplain\nEOD\n' ;;
		40) printf 'D d\n' ;;
		600) printf 'M 100644 inline b.env\ndata <<EOD\nDB_PASSWORD="%s"\nEOD\n' "$SB" ;;
		800) printf 'M 100644 inline c.env\ndata <<EOD\nDB_PASSWORD="%s"\nEOD\n' "$SB" ;;
		820) printf 'R d e\n' ;;
		840) printf 'D b.env\n' ;;
		esac
		[ $((i % 50)) = 0 ] && printf 'reset refs/tags/t%d\nfrom :%d\n\n' "$i" "$i"
	done
}
git init -q hist && stream | git -C hist fast-import --quiet && git -C hist checkout -q main
check "history: $N commits" test "$(git -C hist rev-list --count main)" = "$N"
nth() { git -C hist rev-list --reverse main | sed -n "${1}p"; }

for t in 1 2 3 4; do
	timeout 120 "$LEAKWALK" audit --threads "$t" --format json hist >"$LW_TMP/t$t.json" 2>"$LW_TMP/t$t.err"
	RC=$?
	check "threads $t: exit 1 (got $RC)" test "$RC" = 1
	check "threads $t: a.env is attributed to commit 10, where it first appeared" \
		json_ok "$LW_TMP/t$t.json" '[x["commit"] for x in r if x["path"]=="a.env"]==[a[0]]' "$(nth 10)"
	check "threads $t: d/x.env (its tree restored at 650) is attributed to commit 30" \
		json_ok "$LW_TMP/t$t.json" '[x["commit"] for x in r if x["path"]=="d/x.env"]==[a[0]]' "$(nth 30)"
	check "threads $t: b.env is attributed to commit 600" \
		json_ok "$LW_TMP/t$t.json" '[x["commit"] for x in r if x["path"]=="b.env"]==[a[0]]' "$(nth 600)"
	# present: the tips whose tree holds the secret, wherever it is
	tags_from() { printf 'refs/heads/main'; for ((k = $1; k <= N; k += 50)); do printf ' refs/tags/t%d' "$k"; done; }
	check "threads $t: a.env (deleted at 20, restored at 700) is present at main and the tags from t700" \
		json_ok "$LW_TMP/t$t.json" '[sorted(x["present"]) for x in r if x["path"]=="a.env"]==[sorted(a[0].split())]' "$(tags_from 700)"
	check "threads $t: d/x.env (renamed to e/ at 820) is present at main and the tags from t650" \
		json_ok "$LW_TMP/t$t.json" '[sorted(x["present"]) for x in r if x["path"]=="d/x.env"]==[sorted(a[0].split())]' "$(tags_from 650)"
	check "threads $t: b.env (copied to c.env at 800, deleted at 840) is present at main and the tags from t600" \
		json_ok "$LW_TMP/t$t.json" '[sorted(x["present"]) for x in r if x["path"]=="b.env"]==[sorted(a[0].split())]' "$(tags_from 600)"
done
# with a revision, the tips' whole trees are searched: the same answers
for t in 1 3; do
	timeout 120 "$LEAKWALK" audit --threads "$t" --format json hist main >"$LW_TMP/r$t.json" 2>"$LW_TMP/r$t.err"
	check "revision main, threads $t: present as without revisions" python3 -c 'import json, sys
p = lambda f: sorted((x["path"], sorted(x["present"])) for x in json.load(open(f)))
sys.exit(p(sys.argv[1]) != p(sys.argv[2]))' "$LW_TMP/t1.json" "$LW_TMP/r$t.json"
done
# the whole reports agree, finding for finding
summary() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
for x in sorted(r, key=lambda x: (x["path"], x["rule"], x["commit"])):
    print(x["rule"], x["path"], x["line"], x["commit"], x.get("present"), x["fingerprint"])' "$1"
}
summary "$LW_TMP/t1.json" >"$LW_TMP/t1.sum"
for t in 2 3 4; do
	summary "$LW_TMP/t$t.json" >"$LW_TMP/t$t.sum"
	check "threads $t: the same findings as one thread" cmp -s "$LW_TMP/t1.sum" "$LW_TMP/t$t.sum"
done
check "the reports are not empty" test -s "$LW_TMP/t1.sum"
finish
