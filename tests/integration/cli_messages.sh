#!/bin/bash
# cli_messages.sh - what a new user reads: a missing repository is named as
# one (not as an unknown revision), `version --help` and `help COMMAND` print
# help and exit 0, and a push blocked by pre-push says how to amend or
# rebase the commit (not pre-commit's "stage again").
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

git init -q repo && cd repo && test_commit README hello
# inside a repository: a path that does not exist is a missing repository
lw missing audit /nonexistent/repo
rc_is "audit of a missing path: usage error" 2
check_grep "audit of a missing path: named as a missing repository" \
	'/nonexistent/repo: no such repository' "$LW_TMP/missing.err"
check_no_grep "audit of a missing path: not called a revision" 'revision' "$LW_TMP/missing.err"
lw missing_rel audit ../no-such-dir
rc_is "audit ../missing: usage error" 2
check_grep "audit ../missing: named as a missing repository" 'no such repository' "$LW_TMP/missing_rel.err"
printf 'x\n' >"$LW_TMP/afile"
lw notdir audit "$LW_TMP/afile"
rc_is "audit of a file: usage error" 2
check_grep "audit of a file: not a repository" 'not a repository' "$LW_TMP/notdir.err"
# a real unknown revision is still called one
lw badrev audit no-such-branch
rc_is "an unknown revision: usage error" 2
check_grep "an unknown revision is named as one" 'unknown revision "no-such-branch"' "$LW_TMP/badrev.err"
cd "$LW_TMP" || exit 1

lw vhelp version --help
rc_is "version --help: exit 0" 0
check_grep "version --help: usage on stdout" '^usage: leakwalk version' "$LW_TMP/vhelp.out"
lw vbad version --bogus
rc_is "version --bogus: still a usage error" 2

for c in scan audit staged pre-push pre-receive rules version install-hook import-ignore; do
	lw "help_$c" help "$c"
	rc_is "help $c: exit 0" 0
	check_grep "help $c: the command's own usage" "^usage: leakwalk $c" "$LW_TMP/help_$c.out"
done
check "help scan equals scan --help" bash -c 'diff <("$1" help scan) <("$1" scan --help)' _ "$LEAKWALK"
lw help_none help nosuch
rc_is "help of an unknown command: exit 2" 2
lw help_top help
rc_is "help: exit 0" 0
check_grep "help: the command list" '^commands:' "$LW_TMP/help_top.out"

# pre-push: the block message for a commit already made
git init -q --bare remote.git
git clone -q remote.git work 2>/dev/null && cd work || exit 1
test_commit README hello && git push -q origin main 2>/dev/null
"$LEAKWALK" install-hook pre-push >/dev/null
pwline >app.env && git add app.env && git commit -qm "add config"
git push origin main >"$LW_TMP/push.out" 2>&1
check "a push adding a secret is refused" test $? != 0
check_grep "pre-push says how to amend" 'git commit --amend' "$LW_TMP/push.out"
check_grep "pre-push says how to rebase an older commit" 'git rebase -i' "$LW_TMP/push.out"
check_grep "pre-push says how to allow a false positive" '\.leakwalkignore' "$LW_TMP/push.out"
check_no_grep "pre-push does not say stage again" 'stage again' "$LW_TMP/push.out"
# staged keeps its own advice
git reset -q --soft HEAD~1
"$LEAKWALK" staged >"$LW_TMP/staged.out" 2>&1
check_grep "staged still says stage again" 'stage again' "$LW_TMP/staged.out"
finish
