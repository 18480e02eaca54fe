#!/bin/bash
# action_steps.sh - the GitHub composite action (action.yml at the root)
# run here, step by step, by action_run.py (python3-yaml): in a scratch
# repository with a password committed (made at run time) the action builds
# leakwalk from this checkout, audits, writes a valid SARIF report, hands it
# to the upload step (github/codeql-action/upload-sarif, which cannot run
# here: its inputs are checked) and fails; a clean repository passes;
# fail-on-findings: false reports without failing. apt-get and sudo are
# stand-ins that record what they were asked (the packages are here
# already). The action has not been run on GitHub itself.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

python3 -c 'import yaml' 2>/dev/null || { echo "SKIP: python3-yaml is not installed"; exit 77; }
mkdir -p shim temp
printf '#!/bin/sh\nexec "$@"\n' >shim/sudo
printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt.log"\n' "$LW_TMP" >shim/apt-get
chmod +x shim/sudo shim/apt-get
export PATH="$LW_TMP/shim:$PATH"
# the runner's environment the steps read
export GITHUB_ACTIONS=true CI=true GITHUB_REPOSITORY=owner/app GITHUB_SHA=0000000000000000000000000000000000000000

# act NAME WORKSPACE [INPUT=VALUE...]: runs the action; JSON in NAME.json, log in NAME.log
act() {
	local n=$1 ws=$2
	shift 2
	timeout 900 python3 "$LW_TESTS_DIR/integration/action_run.py" "$LW_SOURCE_DIR/action.yml" \
		"$ws" "$LW_TMP/temp" "$LW_SOURCE_DIR" "$@" >"$LW_TMP/$n.json" 2>"$LW_TMP/$n.log"
	RC=$?
}
# step NAME ID FIELD: a field of one step in NAME.json
step() { json_val "$LW_TMP/$1.json" "[s for s in r['steps'] if s['id'] == a[0] or s['name'] == a[0]][0].get(a[1])" "$2" "$3"; }

git init -q dirty && (cd dirty && test_commit README hello && test_commit config/app.env "$(pwline)" "add config")
act dirty "$LW_TMP/dirty"
check "dirty: the job fails (exit 1)" test "$RC" = 1
check_grep "the dependencies step asked apt-get for the build dependencies" 'apt-get install .*libgit2-dev libpcre2-dev libcjson-dev' "$LW_TMP/apt.log"
check "dirty: the build step succeeded" test "$(step dirty 'Build leakwalk' status)" = success
check_grep "dirty: the built leakwalk ran" '^leakwalk [0-9]' "$LW_TMP/dirty.log"
check "dirty: the audit step succeeded and said exit 1" test "$(step dirty audit outputs)" = '{"exit-code": "1"}'
check "dirty: the SARIF report is written and holds the finding" pyj "$LW_TMP/dirty/leakwalk.sarif" '
r["version"] == "2.1.0" and len(r["runs"][0]["results"]) == 1 and
r["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "config/app.env"'
check "dirty: the upload step gets the SARIF file" test "$(step dirty 'Upload the SARIF report to code scanning' with)" = '{"sarif_file": "leakwalk.sarif", "category": "leakwalk"}'
check "dirty: the upload step is codeql-action/upload-sarif" test "$(step dirty 'Upload the SARIF report to code scanning' uses)" = 'github/codeql-action/upload-sarif@v3'
check "dirty: the last step fails the job" test "$(step dirty 'Fail when secrets were found' status)" = failure
check_grep "dirty: it says secrets were found" '::error::leakwalk found secrets' "$LW_TMP/dirty.log"
check "dirty: the action's output exit-code is 1" pyj "$LW_TMP/dirty.json" 'r["outputs"]["exit-code"] == "1"'

git init -q clean && (cd clean && test_commit README hello)
act clean "$LW_TMP/clean"
check "clean: the job passes" test "$RC" = 0
check "clean: exit-code 0" pyj "$LW_TMP/clean.json" 'r["outputs"]["exit-code"] == "0"'
check "clean: the SARIF report is still uploaded" test "$(step clean 'Upload the SARIF report to code scanning' status)" = uses
check "clean: the fail step is skipped" test "$(step clean 'Fail when secrets were found' status)" = skipped

act nofail "$LW_TMP/dirty" fail-on-findings=false sarif-file=out/report.sarif
check "fail-on-findings false: the job passes" test "$RC" = 0
check "fail-on-findings false: exit-code is still 1" pyj "$LW_TMP/nofail.json" 'r["outputs"]["exit-code"] == "1"'
check "sarif-file input: written there" test -s "$LW_TMP/dirty/out/report.sarif"

git clone -q --depth 1 "file://$LW_TMP/dirty" shallow 2>/dev/null
act shallow "$LW_TMP/shallow"
check_grep "a shallow checkout is warned about (fetch-depth: 0)" '::warning::.*fetch-depth: 0' "$LW_TMP/shallow.log"
act badargs "$LW_TMP/clean" args=--no-such-option
check "a usage error fails the job" test "$RC" = 1
check "a usage error: exit-code 2, no upload" pyj "$LW_TMP/badargs.json" '
r["outputs"]["exit-code"] == "2" and [s["status"] for s in r["steps"] if s["name"].startswith("Upload")] == ["skipped"]'
finish
