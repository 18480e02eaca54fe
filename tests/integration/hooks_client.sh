#!/bin/bash
# hooks_client.sh - the client hooks in real repositories: `install-hook
# pre-commit` / `pre-push`, `leakwalk staged` driven by `git commit`, and
# `leakwalk pre-push` driven by `git push` to a bare repository over file://.
. "$LW_TESTS_DIR/lib.sh"

pw() { printf 'DB_PASSWORD="%s"\n' "$(rand_secret)"; }
hook_sum() { sha256sum "$1" | cut -d' ' -f1; }

# ===================== install-hook pre-commit =====================
git init -q inst && cd inst
"$LEAKWALK" install-hook pre-commit >../inst.out 2>&1
check "install-hook pre-commit: exit 0" test $? = 0
check "install-hook: the hook is executable" test -x .git/hooks/pre-commit
check_grep "install-hook: the hook runs leakwalk staged" "staged" .git/hooks/pre-commit
check_grep "install-hook: says where it wrote the hook" "hooks/pre-commit" ../inst.out
SUM1=$(hook_sum .git/hooks/pre-commit)
"$LEAKWALK" install-hook pre-commit >/dev/null 2>&1
check "install-hook twice: exit 0" test $? = 0
check "install-hook twice: the hook is unchanged" test "$(hook_sum .git/hooks/pre-commit)" = "$SUM1"
check "install-hook twice: no stray temporary files" test -z "$(find .git/hooks -name '*leakwalk-*')"
printf '#!/bin/sh\necho mine\n' >.git/hooks/pre-push && chmod +x .git/hooks/pre-push
MINE=$(hook_sum .git/hooks/pre-push)
"$LEAKWALK" install-hook pre-push >../inst2.out 2>&1
RC=$?
check "install-hook over a different hook: refused (exit 2)" test "$RC" = 2
check "install-hook over a different hook: the existing hook is kept" test "$(hook_sum .git/hooks/pre-push)" = "$MINE"
check_grep "install-hook over a different hook: says --force" "\-\-force" ../inst2.out
"$LEAKWALK" install-hook --force pre-push >/dev/null 2>&1
check "install-hook --force: exit 0" test $? = 0
check_grep "install-hook --force: replaced by leakwalk's hook" "pre-push" .git/hooks/pre-push
check "install-hook --force: executable" test -x .git/hooks/pre-push
"$LEAKWALK" install-hook pre-receive >/dev/null 2>&1
check "install-hook with an unknown kind: exit 2" test $? = 2
cd "$LW_TMP"
# REPO given on the command line
git init -q inst_arg
"$LEAKWALK" install-hook pre-commit inst_arg >/dev/null 2>&1
check "install-hook pre-commit REPO: written into REPO" test -x inst_arg/.git/hooks/pre-commit

# core.hooksPath, relative (to the working tree) and absolute
git init -q hp && cd hp
git config core.hooksPath .githooks
"$LEAKWALK" install-hook pre-commit >/dev/null 2>&1
check "core.hooksPath (relative): hook written there" test -x .githooks/pre-commit
check "core.hooksPath (relative): not in .git/hooks" test ! -e .git/hooks/pre-commit
mkdir -p sub && cd sub
pw >../h.env && git add ../h.env
git commit -q -m "through hooksPath" >/dev/null 2>"$LW_TMP/hp.err"
check "core.hooksPath (relative): git runs the hook, the commit is blocked" test $? != 0
cd "$LW_TMP"
git init -q hpa && git -C hpa config core.hooksPath "$LW_TMP/abs hooks"
"$LEAKWALK" install-hook pre-commit hpa >/dev/null 2>&1
check "core.hooksPath (absolute, with a space): hook written there" test -x "$LW_TMP/abs hooks/pre-commit"

# ===================== pre-commit with real commits =====================
git init -q pc && cd pc
"$LEAKWALK" install-hook pre-commit >/dev/null
# unborn HEAD: the very first commit
{ echo "# settings"; echo "HOST=db"; pw; } >first.env
git add first.env
git commit -q -m "first" >"$LW_TMP/first.out" 2>&1
check "first commit (unborn HEAD) with a secret: blocked" test $? != 0
check "first commit blocked: no commit made" test -z "$(git rev-parse -q --verify HEAD)"
check_grep "first commit blocked: names path:line and rule" "first.env:3:[0-9]+: database-password-variable" "$LW_TMP/first.out"
check_grep "first commit blocked: says how to fix it" "leakwalk:allow|\.leakwalkignore" "$LW_TMP/first.out"
{ echo "# settings"; echo "HOST=db"; } >first.env && git add first.env
git commit -q -m "first, clean" >"$LW_TMP/first_clean.out" 2>&1
check "first commit, clean: passes" test $? = 0
# a commit adding a secret to an existing file, at line 4
{ echo "# settings"; echo "HOST=db"; echo "PORT=5432"; pw; } >first.env && git add first.env
git commit -q -m "add password" >"$LW_TMP/add.out" 2>&1
check "commit adding a secret: blocked" test $? != 0
check_grep "blocked: path:line and rule" "first.env:4:[0-9]+: database-password-variable" "$LW_TMP/add.out"
check_no_grep "blocked: the secret is redacted" "$(sed -n 's/.*="\(.*\)"/\1/p' first.env)" "$LW_TMP/add.out"
git checkout -q -- . 2>/dev/null; git reset -q --hard
# a clean commit passes
test_commit notes.txt "just notes" "clean commit" >/dev/null 2>"$LW_TMP/clean.out"
check "clean commit: passes" test $? = 0
# git commit -a: git runs the hook with GIT_INDEX_FILE set to its temporary index
pw >>notes.txt
git commit -q -a -m "commit -a" >"$LW_TMP/commit_a.out" 2>&1
check "git commit -a with a secret: blocked" test $? != 0
check_grep "git commit -a: names the file" "notes.txt:2:" "$LW_TMP/commit_a.out"
check "git commit -a: nothing was committed" test "$(git log -1 --format=%s)" = "clean commit"
# git commit PATH (a partial commit: another temporary index)
git commit -q -m "partial" -- notes.txt >"$LW_TMP/partial.out" 2>&1
check "git commit -- PATH with a secret: blocked" test $? != 0
git checkout -q -- notes.txt
# the index is what is committed, not the working tree
pw >staged.env && git add staged.env && echo "DB_HOST=db" >staged.env
git commit -q -m "staged secret, clean working tree" >"$LW_TMP/idx1.out" 2>&1
check "a staged secret, removed only from the working tree: blocked" test $? != 0
echo "DB_HOST=db" >staged.env && git add staged.env && pw >>staged.env
git commit -q -m "clean index, secret only in the working tree" >"$LW_TMP/idx2.out" 2>&1
check "a secret only in the working tree (not staged): the commit passes" test $? = 0
git checkout -q -- staged.env
# nothing staged
"$LEAKWALK" staged >"$LW_TMP/none.out" 2>&1
check "nothing staged: exit 0" test $? = 0
check_grep "nothing staged: says nothing was scanned" "nothing was scanned|nothing staged" "$LW_TMP/none.out"
# the JSON report is a contract: with nothing to scan it is still a JSON array
"$LEAKWALK" staged --format json >"$LW_TMP/none.json" 2>/dev/null
check "nothing staged, --format json: exit 0" test $? = 0
check "nothing staged, --format json: prints an empty JSON array" json_ok "$LW_TMP/none.json" 'r==[]'
# only deletions staged
git rm -q notes.txt
"$LEAKWALK" staged >"$LW_TMP/del.out" 2>&1
check "only a deletion staged: exit 0" test $? = 0
git reset -q --hard
# only added lines: an old secret (committed with --no-verify) is not reported again
pw >old.env && git add old.env && git commit -q --no-verify -m "old secret, hook skipped"
echo "LOG_LEVEL=info" >>old.env && git add old.env
"$LEAKWALK" staged --format json >"$LW_TMP/added.json" 2>/dev/null
check "added line next to an old secret: exit 0" test $? = 0
check "added line next to an old secret: empty report" json_ok "$LW_TMP/added.json" 'r==[]'
git commit -q -m "add a line" >/dev/null 2>&1
check "added line next to an old secret: the commit passes" test $? = 0
# a line inserted above the old secret shifts it, and still is not reported
{ echo "# header"; cat old.env; } >old.tmp && mv old.tmp old.env && git add old.env
"$LEAKWALK" staged --format json >"$LW_TMP/shift.json" 2>/dev/null
check "line inserted above an old secret: not reported" json_ok "$LW_TMP/shift.json" 'r==[]'
git commit -q -m "header" >/dev/null 2>&1
# the old secret's line changed to a new secret: reported at its new line number
sed -i 's/^DB_PASSWORD=.*/DB_PASSWORD="'"$(rand_secret)"'"/' old.env && git add old.env
"$LEAKWALK" staged --format json >"$LW_TMP/changed.json" 2>/dev/null
check "a changed secret line: exit 1" test $? = 1
check "a changed secret line: reported at line 2" \
	json_ok "$LW_TMP/changed.json" '[(x["path"],x["line"]) for x in r]==[("old.env",2)]'
git reset -q --hard
# a rename of a file holding an old secret is not reported
git mv old.env renamed.env
"$LEAKWALK" staged --format json >"$LW_TMP/rename.json" 2>/dev/null
check "rename of a file with an old secret: exit 0" test $? = 0
check "rename of a file with an old secret: no finding" \
	eval 'test ! -s "$LW_TMP/rename.json" || json_ok "$LW_TMP/rename.json" "r==[]"'
git commit -q -m "rename" >/dev/null 2>&1
check "rename: the commit passes" test $? = 0
git mv renamed.env moved.env && echo "EXTRA=1" >>moved.env && git add moved.env
"$LEAKWALK" staged --format json >"$LW_TMP/rename2.json" 2>/dev/null
check "rename with a small edit: only the edit is scanned" json_ok "$LW_TMP/rename2.json" 'r==[]'
git reset -q --hard
# a PEM private key added whole: one finding
if openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out key.pem 2>/dev/null; then
	git add key.pem
	"$LEAKWALK" staged --format json >"$LW_TMP/pem.json" 2>/dev/null
	check "PEM key: exit 1" test $? = 1
	check "PEM key: reported once" json_ok "$LW_TMP/pem.json" 'len(r)==1 and r[0]["rule"].startswith("private-key") and r[0]["path"]=="key.pem"'
	git commit -q -m "key" >/dev/null 2>&1
	check "PEM key: the commit is blocked" test $? != 0
	git rm -q --cached key.pem && rm -f key.pem
else
	fail "openssl genpkey is not available"
fi
if ssh-keygen -q -t ed25519 -N '' -f id_test >/dev/null 2>&1; then
	git add id_test id_test.pub
	"$LEAKWALK" staged --format json >"$LW_TMP/ssh.json" 2>/dev/null
	check "OpenSSH key: reported once (the public key is not a finding)" \
		json_ok "$LW_TMP/ssh.json" 'len(r)==1 and r[0]["rule"]=="private-key-openssh" and r[0]["path"]=="id_test"'
	git rm -q --cached id_test id_test.pub && rm -f id_test id_test.pub
else
	fail "ssh-keygen is not available"
fi
# a linked worktree: the hook works there too (its own index)
git worktree add -q "$LW_TMP/pcwt" -b wtb 2>/dev/null
(cd "$LW_TMP/pcwt" && pw >wt.env && git add wt.env && git commit -q -m "wt secret" >/dev/null 2>&1)
check "linked worktree: a commit with a secret is blocked" test $? != 0
(cd "$LW_TMP/pcwt" && git reset -q --hard && echo fine >ok.txt && git add ok.txt && git commit -q -m "wt ok" >/dev/null 2>&1)
check "linked worktree: a clean commit passes" test $? = 0
cd "$LW_TMP"

# ===================== pre-push with real pushes =====================
git init -q --bare remote.git
git clone -q "file://$LW_TMP/remote.git" work 2>/dev/null
cd work
"$LEAKWALK" install-hook pre-push >/dev/null
check "install-hook pre-push: executable" test -x .git/hooks/pre-push
rtip() { git -C "$LW_TMP/remote.git" rev-parse -q --verify "refs/heads/$1"; }

test_commit README "hello" "initial"
git push -q origin main >"$LW_TMP/push0.out" 2>&1
check "first push, clean: accepted" test $? = 0
check "first push: the remote has main" test "$(rtip main)" = "$(git rev-parse HEAD)"
BEFORE=$(rtip main)
test_commit creds.env "$(pw)" "add creds"
git push -q origin main >"$LW_TMP/push1.out" 2>&1
check "push with a new secret: stopped" test $? != 0
check "push stopped: the remote's main is unchanged" test "$(rtip main)" = "$BEFORE"
check_grep "push stopped: names path:line and rule" "creds.env:1:[0-9]+: database-password-variable" "$LW_TMP/push1.out"
check_grep "push stopped: says it was blocked" "push blocked" "$LW_TMP/push1.out"
git reset -q --hard HEAD~1
test_commit docs.txt "documentation" "docs"
git push -q origin main >"$LW_TMP/push2.out" 2>&1
check "clean push: accepted" test $? = 0
check "clean push: the remote's main moved" test "$(rtip main)" = "$(git rev-parse HEAD)"

# a secret already on the remote (pushed with --no-verify) ...
test_commit known.env "$(pw)" "known secret"
git push -q --no-verify origin main 2>/dev/null
KNOWN=$(git rev-parse HEAD)
# ... is not reported when a new branch adds a clean commit on top
git checkout -q -b feature
test_commit feature.txt "feature work" "feature"
git push -q origin feature >"$LW_TMP/push3.out" 2>&1
check "new branch: only the commits the remote lacks are scanned (accepted)" test $? = 0
check_no_grep "new branch: the known secret is not reported" "known.env" "$LW_TMP/push3.out"
# ... nor when main gets a clean commit
git checkout -q main
test_commit more.txt "more" "more"
git push -q origin main >"$LW_TMP/push4.out" 2>&1
check "update on top of a known secret: accepted" test $? = 0
# a new branch adding a new secret is stopped
git checkout -q -b leaky
test_commit leak.env "$(pw)" "leak"
git push -q origin leaky >"$LW_TMP/push5.out" 2>&1
check "new branch with a new secret: stopped" test $? != 0
check "new branch with a new secret: not created on the remote" test -z "$(rtip leaky)"
check_grep "new branch with a new secret: names the file" "leak.env" "$LW_TMP/push5.out"
check_no_grep "new branch with a new secret: the known secret is not reported again" "known.env" "$LW_TMP/push5.out"
git checkout -q main
# deleting a branch scans nothing (the branch holds a secret, pushed with --no-verify)
git push -q --no-verify origin leaky 2>/dev/null
check "setup: leaky is on the remote" test -n "$(rtip leaky)"
git push origin :leaky >"$LW_TMP/push6.out" 2>&1
check "deleting a branch: accepted" test $? = 0
check "deleting a branch: gone from the remote" test -z "$(rtip leaky)"
check_grep "deleting a branch: nothing was scanned" "nothing was scanned|adds no commits" "$LW_TMP/push6.out"
printf 'refs/heads/x %s refs/heads/x %s\n' "$(printf '0%.0s' $(seq 40))" "$KNOWN" |
	"$LEAKWALK" pre-push --format json origin >"$LW_TMP/del.json" 2>/dev/null
check "pre-push deletion, --format json: exit 0" test $? = 0
check "pre-push deletion, --format json: prints an empty JSON array" json_ok "$LW_TMP/del.json" 'r==[]'
# force push: a rewritten feature that adds a secret is stopped, a clean rewrite passes
git checkout -q feature
FBEFORE=$(rtip feature)
pw >>feature.txt && git commit -q -a --amend -m "feature, rewritten" --no-verify
git push -q -f origin feature >"$LW_TMP/push7.out" 2>&1
check "force push adding a secret: stopped" test $? != 0
check "force push stopped: the remote's feature is unchanged" test "$(rtip feature)" = "$FBEFORE"
git reset -q --hard "$KNOWN"
test_commit feature2.txt "clean rewrite" "feature, clean rewrite"
git push -q -f origin feature >"$LW_TMP/push8.out" 2>&1
check "force push, clean rewrite: accepted" test $? = 0
check "force push: the remote's feature was rewritten" test "$(rtip feature)" = "$(git rev-parse HEAD)"
# an annotated tag whose message holds a secret
git tag -a v1 -m "release token AKIA$(rand_upper 16)"
git push -q origin v1 >"$LW_TMP/push9.out" 2>&1
check "tag with a secret in its message: stopped" test $? != 0
check "tag with a secret: not on the remote" test -z "$(git -C "$LW_TMP/remote.git" rev-parse -q --verify refs/tags/v1)"
check_grep "tag with a secret: names the tag message" "<tag message>" "$LW_TMP/push9.out"
git tag -d v1 >/dev/null
# an annotated tag with a secret in its message, already on the remote, does not
# block later pushes of unrelated commits
git checkout -q main
git tag -a old-tag -m "old release, key AKIA$(rand_upper 16)"
git push -q --no-verify origin old-tag 2>/dev/null
test_commit after-tag.txt "after" "after the tag"
git push -q origin main >"$LW_TMP/push_tag2.out" 2>&1
check "an old tag's message (already on the remote) does not stop a later push" test $? = 0
check_no_grep "an old tag's message is not reported again" "<tag message>" "$LW_TMP/push_tag2.out"
git tag -d old-tag >/dev/null
git push -q --no-verify origin :refs/tags/old-tag 2>/dev/null
# several refs in one push: one with a secret stops the whole push
git checkout -q -b b1 main && test_commit b1.txt "b1" "b1"
git checkout -q -b b2 main && test_commit b2.env "$(pw)" "b2"
git push -q origin b1 b2 >"$LW_TMP/push10.out" 2>&1
check "two refs, one with a secret: stopped" test $? != 0
check "two refs: neither created" test -z "$(rtip b1)$(rtip b2)"
cd "$LW_TMP"

finish
