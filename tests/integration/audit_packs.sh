#!/bin/bash
# audit_packs.sh - packs with version 1 indexes and hostile entries, written
# by tests/integration/pack_helpers.py (git index-pack refuses them):
#  - a REF_DELTA that is its own base, behind a v1 index (libgit2, which
#    used to read v1 packs for us, looped for ever at 100 % CPU) and a v2 one;
#  - a delta declaring a 1 TiB result, and a blob entry declaring 1 TiB:
#    corrupt objects (exit 3), not "over --max-blob-size" (were exit 0);
#  - an ordinary history repacked with a v1 index: read, and its secret found.
. "$LW_TESTS_DIR/lib.sh"

HELPER="$LW_TESTS_DIR/integration/pack_helpers.py"

# hostile DIR KIND IDXVER: a repository whose one commit holds, at
# secret.env, the object under test (its tree written literally: git's own
# tools choke on such objects)
hostile() {
	git init -q "$1" && (
		cd "$1" || exit 1
		id=$(python3 "$HELPER" "$2" .git/objects "$3") || exit 1
		t=$(python3 -c 'import sys; sys.stdout.buffer.write(b"100644 secret.env\0" + bytes.fromhex(sys.argv[1]))' "$id" |
			git hash-object -w -t tree --literally --stdin)
		git update-ref refs/heads/main "$(git commit-tree "$t" -m hostile)"
	)
}

for v in 1 2; do
	hostile "self$v" selfref "$v"
	check "selfref v$v: the index is version $v" \
		test "$(od -An -tx1 -N4 self$v/.git/objects/pack/*.idx | tr -d ' ')" "$([ $v = 1 ] && echo '!=' || echo '=')" ff744f63
	SECONDS=0
	timeout 60 "$LEAKWALK" audit "self$v" >"self$v.out" 2>"self$v.err"
	rc=$?
	check "selfref v$v: no hang (exit $rc within ${SECONDS}s)" test "$rc" != 124 -a "$SECONDS" -lt 20
	check "selfref v$v: exit 3 (an object could not be read)" test "$rc" = 3
	check_grep "selfref v$v: the delta is named as its own base" "is its own base" "self$v.err"

	hostile "hdelta$v" hugedelta "$v"
	timeout 60 "$LEAKWALK" audit "hdelta$v" >"hdelta$v.out" 2>"hdelta$v.err"
	check "huge delta v$v: exit 3, not a skip" test $? = 3
	check_grep "huge delta v$v: called corrupt" "corrupt delta: it declares a 1099511627776-byte result" "hdelta$v.err"
	check_no_grep "huge delta v$v: not 'over --max-blob-size'" "max-blob-size" "hdelta$v.err"

	hostile "hblob$v" hugeblob "$v"
	timeout 60 "$LEAKWALK" audit "hblob$v" >"hblob$v.out" 2>"hblob$v.err"
	check "huge blob entry v$v: exit 3, not a skip" test $? = 3
	check_grep "huge blob entry v$v: called corrupt" "corrupt: it declares 1099511627776 bytes" "hblob$v.err"

	hostile "plain$v" plain "$v"
	timeout 60 "$LEAKWALK" audit "plain$v" >"plain$v.out" 2>"plain$v.err"
	check "a sound hand-written v$v pack: exit 0" test $? = 0
done

# An ordinary history, repacked, its index rewritten as version 1 by git
git init -q hist && (
	cd hist || exit 1
	test_commit README.md "hello" first
	printf 'DB_PASSWORD="%s"\n' "$(rand_secret)" >app.env
	for i in $(seq 1 50); do echo "line $i $(rand_alnum 30)"; done >>app.env
	git add app.env && git commit -qm "config"
	for i in 1 2 3; do echo "more $i" >>app.env; git commit -qam "edit $i"; done
	git repack -qad
	for p in .git/objects/pack/*.pack; do
		rm -f "${p%.pack}.idx"
		git index-pack --index-version=1 -o "${p%.pack}.idx" "$p" >/dev/null
	done
)
check "hist: only packed objects are left" test -z "$(find hist/.git/objects -path '*/objects/??/*' -type f)"
check "hist: the index is version 1" test "$(od -An -tx1 -N4 hist/.git/objects/pack/*.idx | tr -d ' ')" != ff744f63
timeout 60 "$LEAKWALK" audit --format json hist >hist.json 2>hist.err
check "hist (v1 index): the secret is found (exit 1)" test $? = 1
check "hist (v1 index): one finding, in app.env" json_ok hist.json 'len(r)==1 and r[0]["path"]=="app.env"'

# A real object over --max-blob-size is still a listed skip, not corruption
git init -q big && (
	cd big || exit 1
	head -c 3000000 /dev/urandom | base64 >big.txt
	git add big.txt && git commit -qm big && git repack -qad
)
timeout 60 "$LEAKWALK" audit --max-blob-size 1M big >big.out 2>big.err
check_grep "a real 4 MB blob over --max-blob-size 1M: listed as over the bound" "over --max-blob-size" big.err
check_no_grep "a real 4 MB blob: not called corrupt" "corrupt" big.err

# Two versions over the bound, one stored as a delta of the other: the
# read refuses both, and both are listed as over the bound with their own
# sizes (a delta's size is in its header), neither called unreadable
git init -q bigd && (
	cd bigd || exit 1
	head -c 900000 /dev/urandom | base64 -w 76 >f.txt
	git add f.txt && git commit -qm v1
	printf 'one more line\n' >>f.txt
	git add f.txt && git commit -qm v2 && git repack -qad --depth=10
)
DELTAS=$(git verify-pack -v bigd/.git/objects/pack/*.idx 2>/dev/null | awk '$2 == "blob" && NF == 7' | wc -l)
check "bigd: one version is a delta ($DELTAS)" test "$DELTAS" = 1
S1=$(git -C bigd cat-file -s HEAD~1:f.txt) S2=$(git -C bigd cat-file -s HEAD:f.txt)
timeout 60 "$LEAKWALK" audit --max-blob-size 1000000 bigd >bigd.out 2>bigd.err
check_grep "bigd: v1 is listed over the bound, with its size" "is $S1 bytes, over --max-blob-size" bigd.err
check_grep "bigd: v2 is listed over the bound, with its size" "is $S2 bytes, over --max-blob-size" bigd.err
check_no_grep "bigd: not called corrupt or unreadable" "corrupt|cannot read" bigd.err

# the watchdog: on by default (documented), off with 0
check_grep "audit --help documents the default watchdog" "default 21600" <("$LEAKWALK" audit --help)
timeout 60 "$LEAKWALK" audit --timeout 0 hist >/dev/null 2>&1
check "--timeout 0 (no watchdog) is accepted" test $? = 1
finish
