#!/bin/bash
# audit_paths.sh - one secret at several paths. The walk reads each blob
# once, yet the audit reports once per (rule, secret, path): a blob held at
# two paths in one commit, copied in a later commit, moved, or inside a
# directory copied on a side branch, is reported at every path, each at the
# commit that brought it there, each with its own fingerprint and `present`;
# once the secret is gone from every tip, `present` is [] for every path.
. "$LW_TESTS_DIR/lib.sh"

aj() {
	local n=$1; shift
	timeout 120 "$LEAKWALK" audit --format json "$@" >"$LW_TMP/$n.json" 2>"$LW_TMP/$n.err"
	RC=$?
}
sha() { git -C "$1" rev-parse "${2:-HEAD}"; }
# paths FILE: "path commit present..." per finding, sorted, for comparing
paths() {
	python3 - "$1" <<'PY'
import json, sys
for f in sorted(json.load(open(sys.argv[1])), key=lambda f: f["path"]):
    print(f["path"], f["commit"], " ".join(sorted(f.get("present") or [])))
PY
}

S=$(rand_secret 22)
git init -q r && cd r
mkdir a b
printf 'DB_PASSWORD="%s"\n' "$S" >a/x.env
cp a/x.env b/x.env
git add . && git commit -q -m "one blob, two paths"
C1=$(sha .)
mkdir c && cp a/x.env c/x.env && git add . && git commit -q -m "a copy"
C2=$(sha .)
git mv b d && git commit -q -m "a move"
C3=$(sha .)
git checkout -q -b side
mkdir -p e && cp -r a e/ && git add . && git commit -q -m "a directory copied on a side branch"
C4=$(sha .)
git checkout -q main
git rm -q -r c && git commit -q -m "the copy removed on main"
cd "$LW_TMP"

aj all r
check "exit 1" test "$RC" = 1
check "one blob read" grep -q ", 1 blobs" all.err
check "every path, at the commit that brought the blob there" json_ok all.json \
	'sorted((f["path"], f["commit"]) for f in r) == sorted([("a/x.env", a[0]), ("b/x.env", a[0]), ("c/x.env", a[1]), ("d/x.env", a[2]), ("e/a/x.env", a[3])])' \
	"$C1" "$C2" "$C3" "$C4"
check "one fingerprint per path" json_ok all.json 'len(set(f["fingerprint"] for f in r)) == len(r) == 5'
# `present` keeps its meaning (README): the refs whose tip still holds the
# secret, at this path or elsewhere; both tips do
check "present: both tips, for every path" json_ok all.json \
	'all(sorted(f["present"]) == ["refs/heads/main", "refs/heads/side"] for f in r)'

# the same answers when every blob is matched whole, and with revisions
# (then `present` searches whole tip trees)
aj full r --full-scan
check "--full-scan: the same report" test "$(paths all.json)" = "$(paths full.json)"
aj revs r main side
check "revisions main side: the same report" test "$(paths all.json)" = "$(paths revs.json)"
# the secret removed from both tips: [] everywhere
git -C r checkout -q side && git -C r rm -q -r a c d e && git -C r commit -q -m "gone from side"
git -C r checkout -q main && git -C r rm -q -r a d && git -C r commit -q -m "gone from main"
aj gone r
check "gone from every tip: present [] for every path, the paths unchanged" json_ok gone.json \
	'len(r) == 5 and all(f["present"] == [] for f in r)'
aj main_only r main
check "main alone: the side branch's copy is not there" json_ok main_only.json \
	'sorted(f["path"] for f in r) == ["a/x.env", "b/x.env", "c/x.env", "d/x.env"]'

# an ignored fingerprint hides that path only
python3 - all.json <<'PY' >ignore
import json, sys
print([f["fingerprint"] for f in json.load(open(sys.argv[1])) if f["path"] == "c/x.env"][0])
PY
aj ignored r --ignore-file "$LW_TMP/ignore"
check "an ignored fingerprint: that path only" json_ok ignored.json \
	'sorted(f["path"] for f in r) == ["a/x.env", "b/x.env", "d/x.env", "e/a/x.env"]'

# a path the configuration allows is not reported, the others are, even
# when the allowed path is where the blob was first met (and scanned)
printf '{"allow": {"paths": ["^a/"]}}\n' >allow.json
aj allowed r --config "$LW_TMP/allow.json"
check "allow.paths ^a/: the other paths are reported" json_ok allowed.json \
	'sorted((f["path"], f["commit"]) for f in r) == sorted([("b/x.env", a[0]), ("c/x.env", a[1]), ("d/x.env", a[2]), ("e/a/x.env", a[3])])' \
	"$C1" "$C2" "$C3" "$C4"

# --- ranges: a blob first met in an older range, met again in a newer one ---------
# (600 commits, so --threads cuts the walk into ranges walked side by side)
N=600
SP=$(rand_secret)
stream() {
	local i
	for ((i = 1; i <= N; i++)); do
		printf 'commit refs/heads/main\nmark :%d\n' "$i"
		printf 'committer T <t@example.invalid> %d +0000\n' $((1700000000 + i * 60))
		printf 'data <<EOM\nc%d\nEOM\n' "$i"
		[ "$i" -gt 1 ] && printf 'from :%d\n' $((i - 1))
		printf 'M 100644 inline f%d.txt\ndata <<EOD\nline %d\nEOD\n' $((i % 30)) "$i"
		case $i in
		5) printf 'M 100644 inline old.env\ndata <<EOD\nDB_PASSWORD="%s"\nEOD\n' "$SP" ;;
		7) printf 'D old.env\n' ;;
		550)
			printf 'M 100644 inline new/one.env\ndata <<EOD\nDB_PASSWORD="%s"\nEOD\n' "$SP"
			printf 'M 100644 inline new/two.env\ndata <<EOD\nDB_PASSWORD="%s"\nEOD\n' "$SP" ;;
		esac
	done
}
git init -q ranges && stream | git -C ranges fast-import --quiet && git -C ranges checkout -q main
nth() { git -C ranges rev-list --reverse main | sed -n "${1}p"; }
for t in 1 2 3; do
	aj "ranges$t" ranges --threads "$t"
	check "threads $t: the old path at commit 5, the two new ones at 550" json_ok "ranges$t.json" \
		'sorted((f["path"], f["commit"]) for f in r) == [("new/one.env", a[1]), ("new/two.env", a[1]), ("old.env", a[0])]' \
		"$(nth 5)" "$(nth 550)"
	check "threads $t: present at main for every path (the secret is in its tip)" json_ok "ranges$t.json" \
		'all((f["present"] == ["refs/heads/main"]) for f in r)'
done

finish
