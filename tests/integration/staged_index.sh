#!/bin/bash
# staged_index.sh - `leakwalk staged` over the indexes libgit2 cannot be
# trusted with or does not read: a cache-tree 100,000 levels deep (valid
# checksum; libgit2's recursive reader crashed with SIGSEGV), a split index
# (core.splitIndex) and a sparse index (sparse-checkout --sparse-index),
# with which staged exited 3 on every commit. The index libgit2 diffs is
# built from our own parse of the file (lib/src/odb/index_load.c).
. "$LW_TESTS_DIR/lib.sh"

pw() { printf 'DB_PASSWORD="%s"\n' "$(rand_secret)"; }
st() { (cd "$1" && timeout 60 "$LEAKWALK" staged >"$LW_TMP/$2.out" 2>"$LW_TMP/$2.err"); RC=$?; }

# --- a cache-tree 100,000 levels deep, checksum valid -------------------------
git init -q deep && (
	cd deep || exit 1
	test_commit README "hello" first
	pw >app.env && git add app.env
	# the TREE extension replaced by a chain of 100,000 nested directories
	python3 - .git/index <<'PY'
import hashlib, struct, sys
path = sys.argv[1]
data = open(path, "rb").read()[:-20]
n = struct.unpack(">I", data[8:12])[0]
# walk past the entries (v2: 62 bytes + NUL-padded path, to a multiple of 8)
pos = 12
for _ in range(n):
    nul = data.index(b"\0", pos + 62)
    pos += (62 + (nul - pos - 62) + 8) & ~7
tree = b"\0-1 1\n" + b"d\0-1 1\n" * 99999 + b"d\0-1 0\n"
out = data[:pos] + b"TREE" + struct.pack(">I", len(tree)) + tree
out += hashlib.sha1(out).digest()
open(path, "wb").write(out)
PY
)
# (git itself crashes on it: its reader is recursive too)
check "deep: the index's checksum is valid" python3 -c 'import hashlib, sys; d = open(sys.argv[1], "rb").read(); sys.exit(hashlib.sha1(d[:-20]).digest() != d[-20:])' deep/.git/index
st deep deep
check "deep: no crash; the staged secret is found (exit 1, was SIGSEGV)" test "$RC" = 1
check_grep "deep: the secret's file is named" "app.env" deep.out

# --- a split index -----------------------------------------------------------
git init -q split && (
	cd split || exit 1
	git config core.splitIndex true
	# enough entries that the bitmaps hold runs, not only literal words
	for i in $(seq 400); do echo "file $i" >"f$i.txt"; done
	git add . && git commit -q -m base
	git update-index --split-index
	# a change to a file of the shared index (a replacement), a deletion, a new file
	echo "file 3, edited" >f3.txt && git add f3.txt
	git rm -q f5.txt
	echo "no secret here" >clean.txt && git add clean.txt
)
check "split: the repository really has a split index" sh -c 'ls split/.git/sharedindex.* >/dev/null'
check "split: the index links its shared index" grep -q link split/.git/index
st split split-clean
check "split, nothing secret staged: exit 0 (was 3 on every commit)" test "$RC" = 0
( cd split && pw >>f10.txt && pw >>f99.txt && git add f10.txt f99.txt )
st split split-secret
check "split, a secret added to a base file: found (exit 1)" test "$RC" = 1
check_grep "split: named at f10.txt" "f10.txt" split-secret.out
check_grep "split: and at f99.txt (its replace bitmap: a literal, a run of 5 zero words, a literal)" "f99.txt" split-secret.out
( cd split && git commit -q -m "more" --no-verify && pw >new.env && git add new.env )
st split split-new
check "split, a secret in a new file: found (exit 1)" test "$RC" = 1
check_grep "split: named at new.env" "new.env" split-new.out
( cd split && git reset -q new.env && echo ok >ok.txt && git add ok.txt )
st split split-ok
check "split, the secret unstaged: exit 0" test "$RC" = 0

# --- a sparse index ----------------------------------------------------------
git init -q sparse && (
	cd sparse || exit 1
	mkdir -p in out/deep
	echo "inside" >in/a.txt
	echo "outside" >out/b.txt
	pw >out/deep/old.env   # an old secret outside the cone: committed long ago
	echo "top" >top.txt
	git add . && git commit -q -m base
	git sparse-checkout init --cone --sparse-index
	git sparse-checkout set in
)
check "sparse: the index is a sparse index" sh -c 'git -C sparse ls-files --sparse | grep -qx "out/"'
st sparse sparse-clean
check "sparse, nothing staged: exit 0 (was 3)" test "$RC" = 0
check_no_grep "sparse: the old secret outside the cone is not new" "old.env" sparse-clean.out
( cd sparse && pw >>in/a.txt && git add in/a.txt )
st sparse sparse-secret
check "sparse, a secret staged inside the cone: found (exit 1)" test "$RC" = 1
check_grep "sparse: named at in/a.txt" "in/a.txt" sparse-secret.out
check_no_grep "sparse: still not the old one" "old.env" sparse-secret.out
# --- clean directories skipped whole -----------------------------------------
# The cache-tree says a/s/ and zz/ are as HEAD has them: their entries are
# skipped at once (the index is sorted), and the entries right around them,
# whose paths share a prefix with them, are still read.
git init -q skip && (
	cd skip || exit 1
	mkdir -p a/s a/t zz
	for i in $(seq 50); do echo "s $i" >"a/s/f$i.txt"; echo "z $i" >"zz/f$i.txt"; done
	pw >a/s/old.env   # committed before: not new
	echo t >a/t/keep.txt
	git add . && git commit -q -m base
	mkdir -p a-b a0
	pw >a-b/y.env; pw >a.env; pw >a/s.env; pw >a/s0.env; pw >a/t/new.env; pw >a0/x.env
	git add .
)
check "skip: the index has a cache-tree" grep -q TREE skip/.git/index
st skip skip
check "skip: secrets staged around clean directories: found (exit 1)" test "$RC" = 1
for f in a-b/y.env a.env a/s.env a/s0.env a/t/new.env a0/x.env; do
	check_grep "skip: $f is named" "$f" skip.out
done
check_no_grep "skip: the committed one in the clean a/s/ is not new" "old.env" skip.out
finish
