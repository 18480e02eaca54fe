#!/bin/bash
# archive_git.sh - archives committed to git (built at test time by
# archive_make.py): `audit` reports their members at archive!member with
# the commit that brought them, at every path the blob sits at; `staged`
# blocks a commit adding one; `pre-push` and a bare repository's
# `pre-receive` hook refuse a push holding one; --max-archive-depth reaches
# every command; a damaged archive in history is incomplete coverage.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"
mk() { python3 "$LW_TESTS_DIR/integration/archive_make.py" "$@"; }
# nested OUT: a tar.gz holding a zip holding a fresh secret assignment
nested() {
	pwline >"$LW_TMP/settings.py"
	mk zip "$LW_TMP/inner.zip" "conf/settings.py=$LW_TMP/settings.py"
	mkdir -p "$(dirname "$1")"
	mk tar.gz "$1" "lib/inner.zip=$LW_TMP/inner.zip"
}
CHAIN='bundle.tar.gz!lib/inner.zip!conf/settings.py'

# ===================== audit =====================
git init -q hist && cd hist
test_commit README "hello" "initial"
nested dist/bundle.tar.gz
git add dist && git commit -q -m "add the bundle"
ADD=$(git rev-parse HEAD)
mkdir -p copy && cp dist/bundle.tar.gz copy/ && git add copy && git commit -q -m "a copy of the bundle"
cd "$LW_TMP"
lw audit audit -f json hist
rc_is "audit: findings, exit 1" 1
check "audit: the member at its chain, at both paths of the blob" pyj "$LW_TMP/audit.out" \
	'sorted(x["path"] for x in r) == ["copy/" + a[0], "dist/" + a[0]]' "$CHAIN"
check "audit: the chain's finding is attributed to the commit that added the archive" pyj "$LW_TMP/audit.out" \
	'[x["commit"] for x in r if x["path"] == "dist/" + a[0]] == [a[1]]' "$CHAIN" "$ADD"
check "audit: main still holds it (present)" pyj "$LW_TMP/audit.out" \
	'all("refs/heads/main" in (x.get("present") or []) for x in r)'
lw audit0 audit -f json --max-archive-depth 0 hist
rc_is "audit --max-archive-depth 0: the deflated member is not seen, exit 0" 0
lw audit1 audit -f json --max-archive-depth 1 hist
rc_is "audit --max-archive-depth 1: the inner zip is not opened, exit 3" 3
check_grep "audit --max-archive-depth 1: the inner zip is named" 'dist/bundle.tar.gz!lib/inner.zip: an archive nested deeper' "$LW_TMP/audit1.err"

# a damaged archive in history: not everything was checked
git init -q dmg && cd dmg
printf 'just notes\n' >"$LW_TMP/notes.txt"
mk zip "$LW_TMP/ok.zip" "notes.txt=$LW_TMP/notes.txt"
head -c 40 "$LW_TMP/ok.zip" >cut.zip && git add cut.zip && git commit -q -m "a cut zip"
cd "$LW_TMP"
lw dmg audit dmg
rc_is "audit of a damaged archive: exit 3" 3
check_grep "audit of a damaged archive: named" 'cut.zip' "$LW_TMP/dmg.err"

# ===================== staged =====================
git init -q st && cd st
test_commit README "hello" "initial"
nested vendor/bundle.tar.gz
git add vendor
timeout 60 "$LEAKWALK" staged -f json >"$LW_TMP/staged.json" 2>"$LW_TMP/staged.err"
check "staged: an archive with a secret is reported (exit 1)" test $? = 1
check "staged: at its chain" pyj "$LW_TMP/staged.json" '[x["path"] for x in r] == ["vendor/" + a[0]]' "$CHAIN"
timeout 60 "$LEAKWALK" staged --max-archive-depth 0 >/dev/null 2>&1
check "staged --max-archive-depth 0: not opened, exit 0" test $? = 0
"$LEAKWALK" install-hook pre-commit >/dev/null
git commit -q -m "vendor the bundle" >"$LW_TMP/commit.out" 2>&1
check "pre-commit hook: the commit is blocked" test $? != 0
check "pre-commit hook: no commit made" test "$(git log -1 --format=%s)" = "initial"
check_grep "pre-commit hook: names the chain" "vendor/bundle.tar.gz!lib/inner.zip!conf/settings.py:1:" "$LW_TMP/commit.out"
cd "$LW_TMP"

# ===================== pre-push =====================
git init -q --bare remote.git
git clone -q "file://$LW_TMP/remote.git" work 2>/dev/null
cd work
"$LEAKWALK" install-hook pre-push >/dev/null
test_commit README "hello" "initial"
git push -q origin main >"$LW_TMP/push0.out" 2>&1
check "pre-push: a clean first push is accepted" test $? = 0
nested dist/bundle.tar.gz && git add dist && git commit -q -m "bundle"
git push -q origin main >"$LW_TMP/push1.out" 2>&1
check "pre-push: a push holding a secret in an archive is stopped" test $? != 0
check_grep "pre-push: names the chain" "dist/bundle.tar.gz!lib/inner.zip!conf/settings.py:1:" "$LW_TMP/push1.out"
timeout 60 "$LEAKWALK" pre-push --max-archive-depth 0 origin "file://$LW_TMP/remote.git" \
	<<<"refs/heads/main $(git rev-parse HEAD) refs/heads/main $(git -C "$LW_TMP/remote.git" rev-parse main)" \
	>/dev/null 2>&1
check "pre-push --max-archive-depth 0: not opened, exit 0" test $? = 0
cd "$LW_TMP"

# ===================== pre-receive on a bare repository =====================
git init -q --bare srv.git
set_hook srv.git
git clone -q "file://$LW_TMP/srv.git" c 2>/dev/null
cd c
test_commit README "hello" "initial"
timeout 120 git push origin main >"$LW_TMP/r0.out" 2>&1
check "pre-receive: a clean push is accepted" test $? = 0
BEFORE=$(git -C ../srv.git rev-parse main)
nested dist/bundle.tar.gz && git add dist && git commit -q -m "bundle"
timeout 120 git push origin main >"$LW_TMP/r1.out" 2>&1
check "pre-receive: a push with a secret in a nested archive is rejected" test $? != 0
check "pre-receive: the server's main did not move" test "$(git -C ../srv.git rev-parse main)" = "$BEFORE"
check_grep "pre-receive: names the chain" "^remote: +dist/bundle.tar.gz!lib/inner.zip!conf/settings.py:1:" "$LW_TMP/r1.out"
# an archive whose member cannot be read: rejected as incomplete
printf 'just notes\n' >"$LW_TMP/n.txt"
mk zip-encrypted "$LW_TMP/locked.zip" "n.txt=$LW_TMP/n.txt"
git reset -q --hard HEAD~1
cp "$LW_TMP/locked.zip" locked.zip && git add locked.zip && git commit -q -m "locked"
timeout 120 git push origin main >"$LW_TMP/r2.out" 2>&1
check "pre-receive: an encrypted member makes the scan incomplete: rejected" test $? != 0
check_grep "pre-receive: the encrypted member is named" "locked.zip!n.txt: not scanned: encrypted" "$LW_TMP/r2.out"
set_hook ../srv.git --max-archive-depth 0
timeout 120 git push origin main >"$LW_TMP/r3.out" 2>&1
check "pre-receive --max-archive-depth 0: archives not opened, the push is accepted" test $? = 0

finish
