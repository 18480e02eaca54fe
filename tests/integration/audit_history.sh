#!/bin/bash
# audit_history.sh - `leakwalk audit` over real repositories: where secrets
# hide in history (side branches, tags, merges, renames, messages), how each
# is attributed to its introducing commit, `present`, revision ranges,
# --since, bare repositories, worktrees, GIT_DIR, baselines, exit codes.
. "$LW_TESTS_DIR/lib.sh"

# aj NAME ARGS...: audit --format json; report in NAME.json, stderr in NAME.err,
# exit status in RC. Every run is bounded: a hang is a failure, not a stall.
aj() {
	local n=$1; shift
	timeout 60 "$LEAKWALK" audit --format json "$@" >"$LW_TMP/$n.json" 2>"$LW_TMP/$n.err"
	RC=$?
}
sha() { git -C "$1" rev-parse "${2:-HEAD}"; }
pw() { printf 'DB_PASSWORD="%s"\n' "$(rand_secret)"; }
akia() { printf 'AKIA%s' "$(rand_upper 16)"; }

# --- a secret only on a side branch ------------------------------------------
git init -q side && cd side
test_commit README "hello"
git checkout -q -b feature
test_commit app.env "$(pw)" "feature: add config"
S_FEATURE=$(sha .)
git checkout -q main
test_commit more.txt "more"
cd "$LW_TMP"
aj side side
check "side branch: exit 1 with a finding" test "$RC" = 1
check "side branch: one finding, at the feature commit, present only on feature" \
	json_ok side.json 'len(r)==1 and r[0]["path"]=="app.env" and r[0]["commit"]==a[0] and r[0]["present"]==["refs/heads/feature"]' "$S_FEATURE"
aj side_main side main
check "single branch name: main alone holds nothing (exit 0)" test "$RC" = 0
check "single branch name: main alone holds nothing (empty report)" json_ok side_main.json 'r==[]'
aj side_feature side feature
check "single branch name: feature finds its secret" json_ok side_feature.json 'len(r)==1 and r[0]["commit"]==a[0]' "$S_FEATURE"

# --- secrets reachable only from tags ----------------------------------------
git init -q tags && cd tags
test_commit README "hello"
git checkout -q --detach
test_commit light.env "$(pw)" "only under a lightweight tag"
S_LIGHT=$(sha .)
git tag light-only
git checkout -q main
git checkout -q --detach
test_commit annotated.env "$(pw)" "only under an annotated tag"
S_ANN=$(sha .)
git tag -a ann-only -m "release notes"
git checkout -q main
cd "$LW_TMP"
aj tags tags
check "tags: exit 1" test "$RC" = 1
check "lightweight tag: the secret is found at its commit" \
	json_ok tags.json '[x["commit"] for x in r if x["path"]=="light.env"]==[a[0]]' "$S_LIGHT"
check "annotated tag: the secret is found at its commit" \
	json_ok tags.json '[x["commit"] for x in r if x["path"]=="annotated.env"]==[a[0]]' "$S_ANN"
check "lightweight tag: present lists the tag" \
	json_ok tags.json '[x["present"] for x in r if x["path"]=="light.env"]==[["refs/tags/light-only"]]'
check "annotated tag: present lists the tag" \
	json_ok tags.json '[x["present"] for x in r if x["path"]=="annotated.env"]==[["refs/tags/ann-only"]]'

# --- added then deleted --------------------------------------------------------
git init -q deleted && cd deleted
test_commit README "hello"
test_commit secret.env "$(pw)" "oops"
S_DEL=$(sha .)
git rm -q secret.env && git commit -q -m "remove it"
cd "$LW_TMP"
aj deleted deleted
check "deleted: still found in history" json_ok deleted.json 'len(r)==1 and r[0]["commit"]==a[0]' "$S_DEL"
check "deleted: present is [] (only in history)" json_ok deleted.json 'r[0]["present"]==[]'

# --- only in a merge resolution ------------------------------------------------
git init -q merge && cd merge
test_commit conf.ini "mode=base"
git checkout -q -b other
test_commit conf.ini "mode=other"
git checkout -q main
test_commit conf.ini "mode=main"
git merge -q other >/dev/null 2>&1
{ echo "mode=merged"; pw; } >conf.ini
git add conf.ini && git commit -q --no-edit
S_MERGE=$(sha .)
cd "$LW_TMP"
check "merge: HEAD is a merge commit" test "$(git -C merge rev-list --parents -1 HEAD | wc -w)" = 3
aj merge merge
check "merge resolution: attributed to the merge commit" \
	json_ok merge.json 'len(r)==1 and r[0]["commit"]==a[0] and r[0]["path"]=="conf.ini"' "$S_MERGE"

# --- evil merge: a new file added by the merge itself ---------------------------
git init -q evil && cd evil
test_commit a.txt "a"
git checkout -q -b topic
test_commit b.txt "b"
git checkout -q main
test_commit c.txt "c"
git merge -q --no-commit topic >/dev/null 2>&1
pw >evil.env && git add evil.env && git commit -q --no-edit
S_EVIL=$(sha .)
cd "$LW_TMP"
aj evil evil
check "evil merge: a file added by the merge is attributed to it" \
	json_ok evil.json 'len(r)==1 and r[0]["commit"]==a[0]' "$S_EVIL"

# --- a renamed file: once per path, each at the commit that brought it there ------
# (one finding per rule, secret and path: the new path is a place the secret
# sits too; audit_paths.sh covers copies and shared blobs)
git init -q rename && cd rename
test_commit old/name.env "$(pw)" "add"
S_REN=$(sha .)
git mv old/name.env new.env && git commit -q -m "rename"
S_REN2=$(sha .)
cd "$LW_TMP"
aj rename rename
check "rename: the old path at the commit that added it, the new one at the rename" \
	json_ok rename.json 'sorted((f["path"], f["commit"]) for f in r)==[("new.env", a[1]), ("old/name.env", a[0])]' "$S_REN" "$S_REN2"
# README: `present` lists the refs whose tip still holds the secret; "[]: only in
# history". After a pure rename the tip still holds it (at new.env): [] would tell
# the security team the secret is gone when it is not.
check "rename: the secret is still at main's tip, so present is not []" \
	json_ok rename.json 'all(f["present"]==["refs/heads/main"] for f in r)'

# --- root commit --------------------------------------------------------------------
git init -q root && cd root
test_commit key.txt "aws_id = $(akia)" "root commit"
S_ROOT=$(sha .)
test_commit later.txt "later"
cd "$LW_TMP"
aj root root
check "root commit: attributed to the root" json_ok root.json \
	'len(r)==1 and r[0]["commit"]==a[0] and r[0]["rule"]=="aws-access-key-id"' "$S_ROOT"

# --- commit message and annotated tag message -------------------------------------
git init -q msg && cd msg
test_commit a.txt "a"
K_MSG=$(akia) K_TAG=$(akia)
echo b >b.txt && git add b.txt && git commit -q -m "deploy with key $K_MSG"
S_MSG=$(sha .)
git tag -a v1.0 -m "release key $K_TAG"
T_OBJ=$(sha . v1.0)
cd "$LW_TMP"
aj msg msg
check "commit message: path <commit message> at its commit" \
	json_ok msg.json '[x["commit"] for x in r if x["path"]=="<commit message>"]==[a[0]]' "$S_MSG"
check "tag message: path <tag message>" \
	json_ok msg.json 'len([x for x in r if x["path"]=="<tag message>"])==1'
check "tag message: attributed to the tag (or the tagged commit), tagger named" \
	json_ok msg.json '[(x["commit"] in a, bool(x["author"]), bool(x["date"])) for x in r if x["path"]=="<tag message>"]==[(True,True,True)]' "$T_OBJ" "$S_MSG"
check "messages: exactly the two findings" json_ok msg.json 'len(r)==2'
# Secure by default: redacted in every output. The finding's own `message`
# field (the first line of the commit/tag message) must not carry the secret.
for fmt in json text csv sarif jsonl; do
	timeout 60 "$LEAKWALK" audit --format "$fmt" msg >"msg.$fmt" 2>&1
	check_no_grep "message secrets are redacted in --format $fmt (commit message)" "$K_MSG" "msg.$fmt"
	check_no_grep "message secrets are redacted in --format $fmt (tag message)" "$K_TAG" "msg.$fmt"
done
timeout 60 "$LEAKWALK" audit --no-redact --format json msg >msg_noredact.json 2>/dev/null
check "--no-redact shows the message secret" json_ok msg_noredact.json \
	'sorted(x["secret"] for x in r)==sorted(a)' "$K_MSG" "$K_TAG"

# --- one blob shared by two paths: read once, reported at both ---------------------
git init -q shared && cd shared
SH=$(pw)
mkdir -p x y && printf '%s\n' "$SH" >x/one.env && printf '%s\n' "$SH" >y/two.env
git add . && git commit -q -m "same content twice"
cd "$LW_TMP"
aj shared shared
check "shared blob: one blob scanned" grep -q "audited 1 commits, 1 blobs" shared.err
check "shared blob: reported at each path" json_ok shared.json 'sorted(f["path"] for f in r)==["x/one.env","y/two.env"] and len(set(f["fingerprint"] for f in r))==2'

# --- attribution, commit by commit ------------------------------------------------------
git init -q attr && cd attr
GIT_AUTHOR_DATE="2021-03-04T05:06:07+02:00" git commit -q --allow-empty -m "start"
declare -a A_SHA A_PATH
for i in 1 2 3 4; do
	pw >"f$i.env"
	git add "f$i.env"
	GIT_AUTHOR_DATE="202$i-0$i-1$i T1$i:00:00+0$i:00" \
		git commit -q --author="Dev $i <dev$i@example.org>" -m "commit number $i" -m "body line"
	A_SHA[$i]=$(sha .)
	A_PATH[$i]="f$i.env"
	# an unrelated later commit must not steal the attribution
	echo "noise $i" >>noise.txt && git add noise.txt && git commit -q -m "noise $i"
done
cd "$LW_TMP"
aj attr attr
check "attribution: four findings" json_ok attr.json 'len(r)==4'
for i in 1 2 3 4; do
	want_date=$(git -C attr log -1 --format=%aI "${A_SHA[$i]}")
	check "attribution f$i: commit, author, email, date, first message line" \
		json_ok attr.json '[(x["commit"],x["author"],x["email"],x["date"],x["message"]) for x in r if x["path"]==a[0]]==[(a[1],a[2],a[3],a[4],a[5])]' \
		"${A_PATH[$i]}" "${A_SHA[$i]}" "Dev $i" "dev$i@example.org" "$want_date" "commit number $i"
done
check "attribution: blob is the introducing blob" \
	json_ok attr.json 'all(x["blob"] and len(x["blob"])==40 for x in r)'

# --- present: deleted on one branch, kept on another -----------------------------------
git init -q present && cd present
test_commit README "hello"
test_commit creds.env "$(pw)" "add creds"
S_PRES=$(sha .)
git branch keep
git rm -q creds.env && git commit -q -m "drop creds"
cd "$LW_TMP"
aj present present
check "present: only the branch that still holds it" \
	json_ok present.json 'len(r)==1 and r[0]["commit"]==a[0] and r[0]["present"]==["refs/heads/keep"]' "$S_PRES"

# --- a modified file keeping the same secret: once, at the oldest commit ---------------
git init -q modified && cd modified
MS=$(pw)
test_commit app.env "$MS" "first"
S_MOD=$(sha .)
printf '%s\nLOG_LEVEL=debug\n' "$MS" >app.env && git commit -q -am "second"
printf 'TOP=1\n%s\nLOG_LEVEL=info\n' "$MS" >app.env && git commit -q -am "third"
cd "$LW_TMP"
aj modified modified
check "modified file: reported once, at the first commit" \
	json_ok modified.json 'len(r)==1 and r[0]["commit"]==a[0]' "$S_MOD"
check "modified file: still present at main (tip blob differs)" \
	json_ok modified.json 'r[0]["present"]==["refs/heads/main"]'

# --- revision ranges and --since ----------------------------------------------------------
git init -q ranges && cd ranges
for i in 1 2 3; do
	pw >"r$i.env" && git add "r$i.env"
	GIT_COMMITTER_DATE="202$i-01-15T12:00:00Z" GIT_AUTHOR_DATE="202$i-01-15T12:00:00Z" \
		git commit -q -m "range $i"
	R[$i]=$(sha .)
done
git checkout -q -b topic
pw >topic.env && git add topic.env && git commit -q -m "topic"
R_TOPIC=$(sha .)
git checkout -q main
cd "$LW_TMP"
aj range_ab ranges "${R[1]}..${R[3]}"
check "A..B: only the commits after A" json_ok range_ab.json 'sorted(x["path"] for x in r)==["r2.env","r3.env"]'
aj range_hat ranges "^${R[2]}" main
check "^X main: only what X lacks" json_ok range_hat.json '[x["path"] for x in r]==["r3.env"]'
aj range_main ranges main
check "main: the three secrets, not the topic one" \
	json_ok range_main.json 'sorted(x["path"] for x in r)==["r1.env","r2.env","r3.env"]'
aj range_topic ranges main..topic
check "main..topic: only the topic commit" \
	json_ok range_topic.json 'len(r)==1 and r[0]["commit"]==a[0]' "$R_TOPIC"
aj range_sym ranges "${R[2]}...topic"
check "A...B: both sides since the merge base" \
	json_ok range_sym.json 'sorted(x["path"] for x in r)==["r3.env","topic.env"]'
aj since ranges --since 2022-06-01
check "--since: only newer commits" json_ok since.json 'sorted(x["path"] for x in r)==["r3.env","topic.env"]'
aj since_unix ranges --since "@$(date -d 2021-06-01 +%s)" main
check "--since @UNIX with a branch" json_ok since_unix.json 'sorted(x["path"] for x in r)==["r2.env","r3.env"]'
# a range names commits: an annotated tag outside it is not part of the audit
git -C ranges tag -a rel1 -m "release key $(akia)" "${R[1]}"
aj range_tag ranges main..topic
check "A..B: a tag message outside the range is not reported" \
	json_ok range_tag.json '[x["path"] for x in r]==["topic.env"]'
aj range_tag_all ranges
check "no revisions: the tag message is reported" \
	json_ok range_tag_all.json '"<tag message>" in [x["path"] for x in r]'
git -C ranges tag -d rel1 >/dev/null
aj badrev ranges no-such-branch
check "unknown revision: exit 2" test "$RC" = 2
check_grep "unknown revision: named" "no-such-branch" badrev.err

# --- a bare repository ------------------------------------------------------------------------
git clone -q --bare ranges ranges.git
aj bare ranges.git
check "bare repository: exit 1" test "$RC" = 1
check "bare repository: the same four findings" \
	json_ok bare.json 'sorted(x["path"] for x in r)==["r1.env","r2.env","r3.env","topic.env"]'
(cd ranges.git && timeout 60 "$LEAKWALK" audit --format json >"$LW_TMP/bare_cwd.json" 2>/dev/null)
check "bare repository: audit from inside it" json_ok bare_cwd.json 'len(r)==4'

# --- a linked worktree, and GIT_DIR -----------------------------------------------------------
git -C ranges worktree add -q "$LW_TMP/wt" -b wt-branch 2>/dev/null
(cd wt && pw >wt.env && git add wt.env && git commit -q -m "in the worktree")
S_WT=$(sha wt)
(cd wt && timeout 60 "$LEAKWALK" audit --format json >"$LW_TMP/wt.json" 2>"$LW_TMP/wt.err")
check "worktree: audit runs from a linked worktree" \
	json_ok wt.json 'len(r)==5 and [x["commit"] for x in r if x["path"]=="wt.env"]==[a[0]]' "$S_WT"
check "worktree: present names the worktree's branch" \
	json_ok wt.json '[x["present"] for x in r if x["path"]=="wt.env"]==[["refs/heads/wt-branch"]]'
mkdir -p elsewhere
(cd elsewhere && GIT_DIR="$LW_TMP/ranges/.git" timeout 60 "$LEAKWALK" audit --format json >"$LW_TMP/gitdir.json" 2>"$LW_TMP/gitdir.err")
check "GIT_DIR: audits the named repository" json_ok gitdir.json 'len(r)==5'
aj wtarg wt
check "worktree given as REPO" json_ok wtarg.json 'len(r)==5'

# --- --baseline of a previous JSON report -------------------------------------------------------
git init -q base && cd base
test_commit one.env "$(pw)" "one"
cd "$LW_TMP"
aj base_old base
cp base_old.json baseline.json
cd base && test_commit two.env "$(pw)" "two" && S_TWO=$(sha .) && cd "$LW_TMP"
aj base_new base --baseline baseline.json
check "baseline: exit 1 for a new finding" test "$RC" = 1
check "baseline: only the new finding" json_ok base_new.json 'len(r)==1 and r[0]["commit"]==a[0]' "$S_TWO"
aj base_same base --baseline base_new.json
check "baseline: the new report as baseline hides that one, reports the first" \
	json_ok base_same.json '[x["path"] for x in r]==["one.env"]'
aj base_all base
cp base_all.json baseline2.json
aj base_none base --baseline baseline2.json
check "baseline: nothing new: exit 0" test "$RC" = 0
check "baseline: nothing new: empty report" json_ok base_none.json 'r==[]'
"$LEAKWALK" audit --format jsonl base >base.jsonl 2>/dev/null
aj base_jsonl base --baseline base.jsonl
check "baseline: a JSONL report works too" json_ok base_jsonl.json 'r==[]'

# --- exit codes -------------------------------------------------------------------------------------
git init -q clean && cd clean
test_commit a.txt "nothing to see" && test_commit b.txt "DB_HOST=localhost"
cd "$LW_TMP"
aj clean clean
check "clean repository: exit 0" test "$RC" = 0
check "clean repository: empty JSON array" json_ok clean.json 'r==[]'
timeout 60 "$LEAKWALK" audit base >/dev/null 2>&1
check "findings: exit 1 (text)" test $? = 1
timeout 60 "$LEAKWALK" audit --exit-code 7 base >/dev/null 2>&1
check "--exit-code 7" test $? = 7
mkdir -p not-a-repo
timeout 60 "$LEAKWALK" audit "$LW_TMP/not-a-repo" >/dev/null 2>&1
RC=$?
check "a directory that is not a repository: exit 3 (input unreadable)" test "$RC" = 3

# --- an empty repository, an unborn HEAD ----------------------------------------------------------
git init -q empty
aj empty empty
check "empty repository: exit 0" test "$RC" = 0
check "empty repository: empty report" json_ok empty.json 'r==[]'
check_grep "empty repository: says there is nothing to scan" "nothing to scan|no commits" empty.err
git init -q --bare empty.git
aj empty_bare empty.git
check "empty bare repository: exit 0" test "$RC" = 0
(cd empty && timeout 30 "$LEAKWALK" audit >/dev/null 2>"$LW_TMP/empty_cwd.err")
check "empty repository, from inside: exit 0" test $? = 0
git init -q orphan && cd orphan
test_commit s.env "$(pw)" "on main"
git checkout -q --orphan fresh
git rm -rq --cached . && rm -f s.env
cd "$LW_TMP"
aj orphan orphan
check "unborn HEAD with another branch: that branch is still audited" \
	json_ok orphan.json 'len(r)==1 and r[0]["present"]==["refs/heads/main"]'
check "unborn HEAD with another branch: exit 1" test "$RC" = 1

finish
