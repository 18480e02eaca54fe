#!/bin/bash
# hooks_precommit_framework.sh - the repository's .pre-commit-hooks.yaml as
# the pre-commit framework (Debian's package; 3.0.4 on Debian 12) runs it: a
# scratch project refers to a file:// clone holding the hooks file, with
# leakwalk on PATH (`language: system`); a clean commit passes and a commit
# adding a token made here is blocked. Without pre-commit the test is skipped
# (exit 77, which ctest reports as a skip).
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

if ! command -v pre-commit >/dev/null 2>&1; then
	echo "SKIP: pre-commit is not installed (apt-get install pre-commit)"
	exit 77
fi
echo "pre-commit $(pre-commit --version)"
export PRE_COMMIT_HOME="$LW_TMP/pc-cache"
# run NAME CMD...: stdout+stderr in NAME.out, exit status in RC
run() { local n=$1; shift; timeout 120 "$@" >"$LW_TMP/$n.out" 2>&1; RC=$?; }
mkdir -p bin
ln -s "$LEAKWALK" bin/leakwalk
export PATH="$LW_TMP/bin:$PATH"

# the hooks repository: the checkout's hooks file at a commit of its own
git init -q hooks
cp "$LW_SOURCE_DIR/.pre-commit-hooks.yaml" hooks/
(cd hooks && git add . && git commit -qm hooks) || exit 1
rev=$(git -C hooks rev-parse HEAD)

git init -q project
cd project || exit 1
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: file://$LW_TMP/hooks
    rev: $rev
    hooks:
      - id: leakwalk
YAML
git add .pre-commit-config.yaml && git commit -qm config
run install pre-commit install
rc_is "pre-commit install" 0

printf 'hello\n' >README
git add README
run clean git commit -qm clean
rc_is "a clean commit passes" 0
check "the clean commit was made" test "$(git log --format=%s -1)" = clean
check_grep "the leakwalk hook ran and passed" 'leakwalk.*Passed' "$LW_TMP/clean.out"

pwline >app.env
git add app.env
run dirty git commit -qm secret
check "a commit adding a secret is blocked" test "$RC" != 0
check "no commit was made" test "$(git log --format=%s -1)" = clean
check_grep "the hook failed" 'leakwalk.*Failed' "$LW_TMP/dirty.out"
check_grep "leakwalk named the file" 'app\.env:1' "$LW_TMP/dirty.out"
check_no_grep "no pre-commit configuration error" 'InvalidManifestError|InvalidConfigError|is not valid' "$LW_TMP/dirty.out"
finish
