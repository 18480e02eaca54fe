#!/bin/bash
# audit_tree_diff.sh - audit compares each commit's trees with its parents'
# and skips the entries that are the parent's byte for byte in one compare
# (history_trees.c). Whatever differs between two long runs of unchanged
# entries must still be met: a changed file in the middle of a large
# directory, one added between two unchanged names, the first and the last
# entry, a mode change, a merge's changes from either side, a deep change,
# and a malformed tree whose valid part is mostly its parent's.
. "$LW_TESTS_DIR/lib.sh"

git init -q -b main repo
cd repo || exit 1
git config user.name T && git config user.email t@example.com
mkdir -p d e/sub
for i in $(seq -w 0 199); do printf 'plain file %s\n' "$i" >"d/f$i"; done
for i in $(seq -w 0 99); do printf 'deep file %s\n' "$i" >"e/sub/g$i"; done
git add -A && git commit -q -m base

S1=$(rand_secret) S2=$(rand_secret) S3=$(rand_secret) S4=$(rand_secret) S5=$(rand_secret) S6=$(rand_secret)
printf 'db_password = "%s"\n' "$S1" >d/f100      # changed, in the middle
printf 'db_password = "%s"\n' "$S2" >d/f050b     # added between f050 and f051
rm d/f150                                        # removed
chmod +x d/f120                                  # only the mode changes
git add -A && git commit -q -m middle && B=$(git rev-parse HEAD)

git checkout -q -b side HEAD~1
printf 'db_password = "%s"\n' "$S3" >d/f199      # the last entry, on a side branch
git add -A && git commit -q -m last && C=$(git rev-parse HEAD)
git checkout -q main
git merge -q --no-edit side && M=$(git rev-parse HEAD)

printf 'db_password = "%s"\n' "$S4" >d/f000      # the first entry
printf 'db_password = "%s"\n' "$S5" >e/sub/g057  # deep
git add -A && git commit -q -m first-and-deep && D=$(git rev-parse HEAD)
cd ..

# a malformed tree: the parent's first eleven entries of d/, byte for byte,
# a new entry holding a secret, then damage
NEWBLOB=$(printf 'db_password = "%s"\n' "$S6" | git -C repo hash-object -w --stdin)
DTREE=$(git -C repo rev-parse "$D:d")
BAD=$(git -C repo cat-file tree "$DTREE" | python3 -c '
import sys
raw, new = sys.stdin.buffer.read(), bytes.fromhex(sys.argv[1])
p = 0
for _ in range(11):
    p = raw.index(b"\0", p) + 21
sys.stdout.buffer.write(raw[:p] + b"100644 f010z\0" + new + b"100644 broken-no-nul")
' "$NEWBLOB" | git -C repo hash-object -w --literally -t tree --stdin)
ROOT=$( { git -C repo ls-tree "$D" | grep -v '	d$'; printf '040000 tree %s\td\n' "$BAD"; } | git -C repo mktree --missing)
X=$(git -C repo commit-tree "$ROOT" -p "$D" -m damaged </dev/null)
git -C repo update-ref refs/heads/damaged "$X"

"$LEAKWALK" audit --format json -o out.json repo 2>err.txt
RC=$?
check "audit exit 1: secrets found, the damage said on stderr (exit $RC)" test "$RC" = 1
check_grep "the malformed tree is reported" "tree $BAD is malformed" err.txt
# expected: path commit, one per secret, from the commits above, not from the code
printf '%s %s\n' d/f000 "$D" d/f010z "$X" d/f050b "$B" d/f100 "$B" d/f199 "$C" e/sub/g057 "$D" | sort >want.txt
json_val out.json '"\n".join(sorted("%s %s" % (x["path"], x["commit"]) for x in r))' >got.txt
if cmp -s want.txt got.txt; then ok; else
	fail "every change between unchanged entries is found, at its commit"
	diff want.txt got.txt | sed 's/^/    | /' >&2
fi
check "the merge adds nothing new (its changes are its parents')" \
	json_ok out.json 'not any(x["commit"] == a[0] for x in r)' "$M"
finish
