#!/bin/bash
# audit_refs.sh - refs that name a tree or a blob (lightweight tags, any
# ref, annotated tags pointing at them): no commit holds what they name, yet
# `git clone` transfers such tags. audit scans them: a blob under the ref's
# name, a tree's entries as REF:PATH.
. "$LW_TESTS_DIR/lib.sh"

aj() {
	local n=$1; shift
	timeout 60 "$LEAKWALK" audit --format json "$@" >"$LW_TMP/$n.json" 2>"$LW_TMP/$n.err"
	RC=$?
}
pw() { printf 'DB_PASSWORD="%s"\n' "$(rand_secret)"; }

git init -q r && (
	cd r || exit 1
	test_commit README.md "hello" first
	test_commit plain.txt "nothing to see" second
)
blob() { git -C r hash-object -w --stdin; }

# a lightweight tag straight at a blob
B1=$(pw | blob)
git -C r tag blob-tag "$B1"
aj lw-blob r
check "lightweight tag to a blob: found (exit 1)" test "$RC" = 1
check "lightweight tag to a blob: path is the ref, no commit" \
	json_ok lw-blob.json 'len(r)==1 and r[0]["path"]=="refs/tags/blob-tag" and r[0]["commit"] is None and r[0]["blob"]==a[0]' "$B1"
check "lightweight tag to a blob: the tag still holds it (present)" \
	json_ok lw-blob.json 'r[0]["present"]==["refs/tags/blob-tag"]'
git -C r tag -d blob-tag >/dev/null

# a tree tag, holding a subdirectory
B2=$(pw | blob)
SUB=$(printf '100644 blob %s\tapp.env\n' "$B2" | git -C r mktree)
T=$(printf '040000 tree %s\tconfig\n100644 blob %s\tREADME\n' "$SUB" "$(echo hi | blob)" | git -C r mktree)
git -C r tag tree-tag "$T"
aj lw-tree r
check "lightweight tag to a tree: found (exit 1)" test "$RC" = 1
check "lightweight tag to a tree: path is REF:PATH" \
	json_ok lw-tree.json 'len(r)==1 and r[0]["path"]=="refs/tags/tree-tag:config/app.env"'
check "lightweight tag to a tree: the tag still holds it (present)" \
	json_ok lw-tree.json 'r[0]["present"]==["refs/tags/tree-tag"]'
git -C r tag -d tree-tag >/dev/null

# any ref, outside refs/tags
B3=$(pw | blob)
git -C r update-ref refs/hidden/stash-of-keys "$B3"
aj other-ref r
check "a non-tag ref to a blob: found" \
	json_ok other-ref.json 'len(r)==1 and r[0]["path"]=="refs/hidden/stash-of-keys"'
git -C r update-ref -d refs/hidden/stash-of-keys

# an annotated tag at a blob, and a tag of that tag at a tree: the tag is
# the provenance (its tagger and message)
B4=$(pw | blob)
git -C r tag -a -m "keys for later" ann-blob "$B4"
git -C r tag -a -m "a tree, tagged" ann-tree "$T"
git -C r tag -a -m "tag of a tag" ann-tag-tag ann-tree
aj annotated r
check "annotated tags to a blob and (through a tag) a tree: both found" \
	json_ok annotated.json 'sorted(x["path"] for x in r)==["refs/tags/ann-blob","refs/tags/ann-tag-tag:config/app.env"] or sorted(x["path"] for x in r)==["refs/tags/ann-blob","refs/tags/ann-tree:config/app.env"]'
check "annotated tag to a blob: attributed to the tag (tagger, message)" \
	json_ok annotated.json '[x for x in r if x["path"]=="refs/tags/ann-blob"][0]["commit"]==a[0] and [x for x in r if x["path"]=="refs/tags/ann-blob"][0]["message"]=="keys for later"' \
	"$(git -C r rev-parse ann-blob)"
check_no_grep "annotated tags: no read error" "cannot read" annotated.err

# the tags travel with git clone, and are found there too
git clone -q --mirror "file://$LW_TMP/r" mirror
aj clone mirror
check "a clone carries the blob and tree tags: found there (exit 1)" test "$RC" = 1
check "a clone: the same two findings" json_ok clone.json 'len(r)==2'

# a blob that a commit also holds: reported at the commit's path, and at the
# tag's name too (once per rule, secret and path: deleting the file from the
# branch leaves the tag holding it)
(cd r && git tag -d ann-blob ann-tree ann-tag-tag >/dev/null && pw >k.env && git add k.env && git commit -qm keys)
KB=$(git -C r rev-parse HEAD:k.env)
git -C r tag dup-blob "$KB"
aj dup r
check "a tagged blob a commit also holds: at the commit's path, introduced there" \
	json_ok dup.json 'len([x for x in r if x["path"]=="k.env" and x["commit"]==a[0]])==1' "$(git -C r rev-parse HEAD)"
check "a tagged blob a commit also holds: and at the tag's name" \
	json_ok dup.json 'len(r)==2 and len([x for x in r if x["path"]=="refs/tags/dup-blob"])==1'

# named on the command line
aj named r refs/tags/dup-blob
check "a revision naming a blob: scanned (exit 1)" test "$RC" = 1
check "a revision naming a blob: its finding" json_ok named.json 'len(r)==1 and r[0]["path"]=="refs/tags/dup-blob"'
aj named-tree r "$T"
check "a revision naming a tree: its entries scanned" \
	json_ok named-tree.json 'len(r)==1 and r[0]["path"].endswith(":config/app.env")'

# pre-receive: a pushed tag naming a blob or a tree with a secret is rejected
git init -q --bare srv.git
{
	echo '#!/bin/bash'
	printf 'exec %q pre-receive\n' "$LEAKWALK"
} >srv.git/hooks/pre-receive
chmod +x srv.git/hooks/pre-receive
timeout 120 git -C r push -q "file://$LW_TMP/srv.git" main~1:refs/heads/main >push-main.out 2>&1
check "pre-receive: the clean history (before the keys commit) is accepted" test $? = 0
PB=$(pw | blob)
git -C r tag push-blob "$PB"
timeout 120 git -C r push "file://$LW_TMP/srv.git" refs/tags/push-blob >push-blob.out 2>&1
check "pre-receive: a pushed tag to a blob with a secret is rejected" test $? != 0
check_grep "pre-receive: the tag's blob is the reason" "push rejected: 1 secret" push-blob.out
PT=$(printf '100644 blob %s\tk.env\n' "$(pw | blob)" | git -C r mktree)
git -C r tag push-tree "$PT"
timeout 120 git -C r push "file://$LW_TMP/srv.git" refs/tags/push-tree >push-tree.out 2>&1
check "pre-receive: a pushed tag to a tree with a secret is rejected" test $? != 0
check "pre-receive: neither tag reached the server" \
	test -z "$(git --git-dir=srv.git tag -l 'push-*')"
finish
