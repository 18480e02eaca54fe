#!/bin/bash
# audit_long_paths.sh - paths longer than 65,536 bytes: one 70,000-byte
# tree entry name, and 300 nested directories of 240-byte names (each name
# valid on a filesystem). They were skipped with a warning and exit 0, and
# a push holding them was accepted. Now paths up to 1 MiB are kept whole;
# past that a blob is still scanned (its content does not depend on its
# path) under a shortened path, and a tree that deep is not walked and
# counts as incomplete (exit 3, the push rejected).
. "$LW_TESTS_DIR/lib.sh"

pw() { printf 'DB_PASSWORD="%s"\n' "$(rand_secret)"; }
# longtree OBJDIR BLOB SHAPE: python writes the trees as loose objects (one
# process: 300 trees through git hash-object took a minute) and prints the
# root tree's id
longtree() {
	python3 - "$@" <<'PY'
import hashlib, os, sys, zlib
objdir, blob, shape = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3]
def put(body):
    raw = b"tree %d\0" % len(body) + body
    h = hashlib.sha1(raw).hexdigest()
    d = os.path.join(objdir, h[:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, h[2:]), "wb") as f:
        f.write(zlib.compress(raw))
    return bytes.fromhex(h)
def tree(name, oid, mode):
    return put(mode + b" " + name + b"\0" + oid)
if shape == "wide":    # one entry name of 70,000 bytes
    t = tree(b"x" * 69996 + b".env", blob, b"100644")
elif shape == "deep":  # 300 directories of 240-byte names: 72,307 bytes
    t = tree(b"app.env", blob, b"100644")
    for _ in range(300):
        t = tree(b"d" * 240, t, b"40000")
elif shape == "huge":  # one name of 1.1 MiB: past every bound
    t = tree(b"k" * 1153430 + b".env", blob, b"100644")
elif shape == "hugedir":  # a directory whose path is past 1 MiB
    t = tree(b"app.env", blob, b"100644")
    t = tree(b"b" * 600000, t, b"40000")
    t = tree(b"a" * 600000, t, b"40000")
print(t.hex())
PY
}

# repo DIR SHAPE: one commit whose tree holds a secret at a long path
repo() {
	git init -q "$1" && (
		cd "$1" || exit 1
		b=$(pw | git hash-object -w --stdin)
		t=$(longtree .git/objects "$b" "$2")
		git update-ref refs/heads/main "$(git commit-tree "$t" -m "long path")"
	)
}

for s in wide deep huge; do
	repo "$s" "$s"
	timeout 60 "$LEAKWALK" audit --format json "$s" >"$s.json" 2>"$s.err"
	check "$s: the secret is found (exit 1)" test $? = 1
	check "$s: one finding" json_ok "$s.json" 'len(r)==1'
done
check "wide: the whole 70,000-byte path is reported" json_ok wide.json 'len(r[0]["path"])==70000'
check "deep: the whole 72,307-byte path is reported" json_ok deep.json 'len(r[0]["path"])==300*241+7 and r[0]["path"].endswith("/app.env")'
check "huge: shown shortened, its end kept" json_ok huge.json '"bytes..." in r[0]["path"] and r[0]["path"].endswith("k.env") and len(r[0]["path"])<4096'
check_grep "huge: the shortening is said" "longer than 1048576 bytes: scanned, shown shortened" huge.err

repo hugedir hugedir
timeout 60 "$LEAKWALK" audit hugedir >hugedir.out 2>hugedir.err
check "hugedir: what could not be walked is incomplete: exit 3" test $? = 3
check_grep "hugedir: said" "a tree at a path longer than 1048576 bytes" hugedir.err

# pre-receive, as the hook of a real bare repository
git init -q --bare srv.git
{
	echo '#!/bin/bash'
	printf 'exec %q pre-receive\n' "$LEAKWALK"
} >srv.git/hooks/pre-receive
chmod +x srv.git/hooks/pre-receive
for s in wide deep; do
	timeout 120 git -C "$s" push "file://$LW_TMP/srv.git" "main:refs/heads/$s" >"push-$s.out" 2>&1
	check "pre-receive, $s: the push is rejected" test $? != 0
	check "pre-receive, $s: the branch is not created" \
		test -z "$(git --git-dir=srv.git rev-parse -q --verify "refs/heads/$s" 2>/dev/null)"
	check_grep "pre-receive, $s: the secret is the reason" "push rejected: 1 secret" "push-$s.out"
done
timeout 120 git -C hugedir push "file://$LW_TMP/srv.git" "main:refs/heads/hugedir" >push-hugedir.out 2>&1
check "pre-receive, hugedir: incomplete, so rejected" test $? != 0
finish
