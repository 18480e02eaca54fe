#!/bin/bash
# audit_packed_refs.sh - a damaged packed-refs file (a garbage, NUL,
# non-hex or orphan-peel line, CRLF line ends, a last line without LF).
# libgit2 lists no ref at all past such a line, and git refuses the file;
# audit names the file and line, still walks the refs of the good lines,
# and never exits 0: with a secret found on what could be walked, 1 (or 3
# where unreadable input outranks findings: the exit status is defined
# elsewhere), else 3.
. "$LW_TESTS_DIR/lib.sh"

git init -q -b main r && (
	cd r || exit 1
	test_commit README.md "hello" first
	git checkout -qb feature
	printf 'DB_PASSWORD="%s"\n' "$(rand_secret)" >k.env
	git add k.env && git commit -qm "keys"
	git checkout -q main
	git tag -a -m "release" v1
	git pack-refs --all
)
ORIG="$LW_TMP/packed-refs.orig"
cp r/.git/packed-refs "$ORIG"
check "the packed-refs file holds every ref" test "$(grep -c ' refs/' "$ORIG")" = 3
check "no loose branch is left" test -z "$(ls r/.git/refs/heads)"
MAIN=$(git -C r rev-parse main)

# shape NAME: rewrites packed-refs from the original
shape() {
	case $1 in
	garbage) sed '2i this is not a ref' "$ORIG" ;;
	nul) { head -n 1 "$ORIG"; printf '%s\0 refs/heads/x\n' "$MAIN"; tail -n +2 "$ORIG"; } ;;
	nonhex) { head -n 1 "$ORIG"; printf '%s refs/heads/x\n' "$(printf 'z%.0s' $(seq 40))"; tail -n +2 "$ORIG"; } ;;
	orphan) sed "2i ^$MAIN" "$ORIG" ;;
	badheader) { echo "# packed by hand"; tail -n +2 "$ORIG"; } ;;
	crlf) sed 's/$/\r/' "$ORIG" ;;
	unterminated) { cat "$ORIG"; printf '%s refs/heads/late' "$MAIN"; } ;;
	feature) sed '/refs\/heads\/feature/s/^./g/' "$ORIG" ;;
	esac >r/.git/packed-refs
}

for s in garbage nul nonhex orphan badheader; do
	shape "$s"
	check "$s: git itself refuses the file" sh -c '! git -C r for-each-ref >/dev/null 2>&1'
	timeout 60 "$LEAKWALK" audit --format json r >"$s.json" 2>"$s.err"
	rc=$?
	check "$s: the feature branch (a good line) is still walked: exit 1 or 3 ($rc)" test "$rc" = 1 -o "$rc" = 3
	check "$s: its secret is found" json_ok "$s.json" 'len(r)==1 and r[0]["path"]=="k.env"'
	line=2
	[ "$s" = badheader ] && line=1
	check_grep "$s: the file and line are named" "packed-refs:$line: unexpected line" "$s.err"
	check_grep "$s: counted as unreadable" "unreadable" "$s.err"
done

# every line is damaged: never exit 0; 1 when what could be walked holds
# the secret (found outranks incomplete), else 3
shape crlf
timeout 60 "$LEAKWALK" audit --format json r >crlf.json 2>crlf.err
rc=$?
if json_ok crlf.json 'len(r)>0'; then want=1; else want=3; fi
check "crlf: exit $want (got $rc)" test "$rc" = "$want"
check_grep "crlf: CR named" "packed-refs:2: unexpected line \(CR" crlf.err

shape unterminated
timeout 60 "$LEAKWALK" audit --format json r >unterm.json 2>unterm.err
rc=$?
check "unterminated: exit 1 or 3 ($rc), the good lines walked" test "$rc" = 1 -o "$rc" = 3
check "unterminated: the secret is found" json_ok unterm.json 'len(r)==1' 
check_grep "unterminated: the last line is named" "packed-refs:6: unexpected line \(unterminated" unterm.err

# the line of the branch with the secret is itself damaged: incomplete
shape feature
timeout 60 "$LEAKWALK" audit r >feature.out 2>feature.err
check "feature line damaged: exit 3, never 0" test $? = 3
check_grep "feature line damaged: named" "packed-refs:2: unexpected line" feature.err

# the original file is sound: no diagnostic, the secret found
cp "$ORIG" r/.git/packed-refs
timeout 60 "$LEAKWALK" audit r >sound.out 2>sound.err
check "sound file: exit 1" test $? = 1
check_no_grep "sound file: no packed-refs diagnostic" "packed-refs|cannot list" sound.err

finish
