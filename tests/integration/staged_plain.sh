#!/bin/bash
# staged_plain.sh - `leakwalk staged` finds the repository, HEAD and its
# trees without libgit2 in the plain cases (lib/src/odb/repo_find.c: a
# working tree with .git, GIT_DIR, a linked worktree, HEAD on a loose or
# packed branch or detached, objects loose or packed); anything else goes
# through libgit2 as before. Both paths must give the same report: each case
# is run as is and with GIT_CEILING_DIRECTORIES set, which the plain path
# leaves to libgit2 (it does not change which repository is found here).
. "$LW_TESTS_DIR/lib.sh"

pw() { printf 'DB_PASSWORD="%s"\n' "$(rand_secret)"; }
# both DIR NAME [ENV...]: runs staged both ways in DIR; RC is the plain
# path's exit status; the reports and statuses must be equal
both() {
	local dir=$1 name=$2
	shift 2
	(cd "$dir" && env "$@" "$LEAKWALK" staged --format json >"$LW_TMP/$name.plain" 2>"$LW_TMP/$name.plain.err")
	RC=$?
	(cd "$dir" && env "$@" GIT_CEILING_DIRECTORIES=/lw-none "$LEAKWALK" staged --format json \
		>"$LW_TMP/$name.git" 2>"$LW_TMP/$name.git.err")
	local rc2=$?
	check "$name: the same exit status both ways ($RC, $rc2)" test "$RC" = "$rc2"
	check "$name: the same report both ways" cmp -s "$LW_TMP/$name.plain" "$LW_TMP/$name.git"
}

git init -q r && (
	cd r
	for d in a b c; do for i in 1 2 3; do test_commit "$d/sub/f$i.txt" "line $d $i" >/dev/null; done; done
	printf 'keep 1\nkeep 2\n' >a/moved.txt && git add a/moved.txt && git commit -qm moved
)
both r clean
check "nothing staged: exit 0" test "$RC" = 0

( cd r && pw >>b/sub/f2.txt && echo "no secret here" >>a/sub/f1.txt && mkdir -p c/new &&
	pw >c/new/cfg.env && git mv a/moved.txt c/moved.txt && git add -A )
both r loose
check "loose objects, a secret appended and one in a new file: exit 1" test "$RC" = 1
check "both secrets are reported" json_ok "$LW_TMP/loose.plain" \
	'sorted(f["path"] for f in r) == ["b/sub/f2.txt", "c/new/cfg.env"]'

( cd r && mkdir -p sub2 )
both r/b/sub subdir
check "from a subdirectory: found (exit 1)" test "$RC" = 1
both r gitdir GIT_DIR=.git
check "GIT_DIR=.git, as git sets it for hooks: found (exit 1)" test "$RC" = 1

( cd r && git stash -q && git gc -q --prune=now && git pack-refs --all && git stash pop -q && git add -A )
check "the branch is packed" test ! -e r/.git/refs/heads/main
both r packed
check "packed objects and a packed branch: found (exit 1)" test "$RC" = 1

( cd r && git checkout -q --detach && git add -A )
both r detached
check "a detached HEAD: found (exit 1)" test "$RC" = 1
( cd r && git checkout -q main && git reset -q --hard )

( cd r && git worktree add -q "$LW_TMP/wt" -b side 2>/dev/null )
( cd wt && pw >>c/sub/f3.txt && git add -A )
both wt worktree
check "a linked worktree (its own HEAD and index): found (exit 1)" test "$RC" = 1
check "the worktree's file is reported" json_ok "$LW_TMP/worktree.plain" \
	'[f["path"] for f in r] == ["c/sub/f3.txt"]'

# GIT_DIR given as an absolute path, and GIT_WORK_TREE (left to libgit2)
both r gitdir-abs GIT_DIR="$LW_TMP/r/.git"
( cd r && pw >>a/sub/f3.txt && git add -A )
both r worktree-env GIT_WORK_TREE="$LW_TMP/r"
# libgit2 1.5 refuses GIT_WORK_TREE ("unimplemented"); the plain path does
# not change that answer
check "GIT_WORK_TREE: libgit2's answer, as before (exit 3)" test "$RC" = 3

# a working tree another user owns: libgit2 refuses it (safe.directory),
# and so does the plain path, by leaving it to libgit2
if [ "$(id -u)" = 0 ]; then
	cp -a r other && chown -R 65534 other
	both other other-owner
	check "another user's repository: refused as libgit2 refuses it (exit 3)" test "$RC" = 3
else
	skip_case "another user's repository (needs root to chown)"
fi

# an unborn HEAD: left to libgit2, which compares with the empty tree
git init -q u && ( cd u && pw >x.env && git add x.env )
both u unborn
check "an unborn HEAD: found (exit 1)" test "$RC" = 1

finish
