#!/bin/bash
# scan_exit.sh - the exit status contract of `leakwalk scan`: 0 nothing
# found, 1 secrets found (--exit-code N changes it), 2 usage or
# configuration error, 3 input that could not be read.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

mkdir clean dirty
echo "nothing to see" >clean/readme.txt
pwline >dirty/app.env

lw clean scan clean
rc_is "clean tree: exit 0" 0
check "clean tree: nothing on stdout" test ! -s "$LW_TMP/clean.out"
check "clean tree: a summary on stderr" grep -q 'scanned 1 files' "$LW_TMP/clean.err"
not_grep_scanned() { ! grep -q 'leakwalk: scanned' "$1"; }
lw clean_q scan -q clean
check "--quiet: no summary" not_grep_scanned "$LW_TMP/clean_q.err"
lw dirty scan dirty
rc_is "findings: exit 1" 1
lw dirty7 scan --exit-code 7 dirty
rc_is "--exit-code 7 with findings: exit 7" 7
lw clean7 scan --exit-code 7 clean
rc_is "--exit-code 7 without findings: exit 0" 0
lw dirty0 scan --exit-code 0 dirty
rc_is "--exit-code 0 with findings: exit 0" 0
lw dirty255 scan --exit-code 255 dirty
rc_is "--exit-code 255: exit 255" 255
lw after scan dirty --exit-code 5
rc_is "options after the path are honoured" 5

# usage errors: 2
for args in "--exit-code 256" "--exit-code -1" "--exit-code x" "--threads 100000" "--threads x" \
	"--format nope" "--color sometimes" "--bogus" "--max-file-size lots"; do
	# shellcheck disable=SC2086
	lw usage scan $args dirty
	rc_is "scan $args: exit 2" 2
done
lw nocmd nosuchcommand
rc_is "an unknown command: exit 2" 2
timeout 10 "$LEAKWALK" >/dev/null 2>&1
RC=$?
rc_is "no command: exit 2" 2
lw help scan --help
rc_is "scan --help: exit 0" 0
check "scan --help prints usage" grep -q 'usage: leakwalk scan' "$LW_TMP/help.out"
lw version --version
rc_is "--version: exit 0" 0

# configuration errors: 2
echo '{"rules": [' >"$LW_TMP/broken.json"
lw badcfg scan --config "$LW_TMP/broken.json" dirty
rc_is "a broken --config: exit 2" 2
check "a broken --config: the error names the file" grep -q 'broken.json' "$LW_TMP/badcfg.err"
lw missingcfg scan --config "$LW_TMP/missing.json" dirty
rc_is "a missing --config: exit 2" 2
mkdir badroot
pwline >badroot/a.env
printf '{"rules": [], "colour": "red"}\n' >badroot/.leakwalk.json
lw badroot scan badroot
rc_is "a broken .leakwalk.json at the root: exit 2" 2
check "a broken .leakwalk.json: the error names the file" grep -q '\.leakwalk\.json' "$LW_TMP/badroot.err"
check "a broken .leakwalk.json: the error names the key" grep -q 'colour' "$LW_TMP/badroot.err"
check "a broken .leakwalk.json: no report" test ! -s "$LW_TMP/badroot.out"
lw badroot_nocfg scan --no-config badroot
rc_is "--no-config skips the broken .leakwalk.json (exit 1)" 1
printf 'not a fingerprint\n' >"$LW_TMP/bad.ignore"
lw badignore scan --ignore-file "$LW_TMP/bad.ignore" dirty
rc_is "a malformed ignore file: exit 2" 2
check "a malformed ignore file: the error names file and line" grep -q 'bad.ignore:1' "$LW_TMP/badignore.err"
lw missingignore scan --ignore-file "$LW_TMP/none.ignore" dirty
rc_is "a missing --ignore-file: exit 2" 2
echo '[{"rule": "x"}]' >"$LW_TMP/bad-baseline.json"
lw badbase scan --baseline "$LW_TMP/bad-baseline.json" dirty
rc_is "a baseline without fingerprints: exit 2" 2
echo 'garbage' >"$LW_TMP/garbage.json"
lw garbase scan --baseline "$LW_TMP/garbage.json" dirty
rc_is "a baseline that is not JSON: exit 2" 2

# unreadable input: 3
lw missing scan "$LW_TMP/does-not-exist"
rc_is "a missing path: exit 3" 3
check "a missing path: a warning names it" grep -q 'does-not-exist' "$LW_TMP/missing.err"
lw missing_and_dirty scan -f json dirty "$LW_TMP/does-not-exist"
rc_is "a missing path and findings: exit 1 (found beats incomplete)" 1
check "a missing path and findings: the findings are still reported" pyj "$LW_TMP/missing_and_dirty.out" 'len(r) == 1'
lw missing_sarif scan -f sarif "$LW_TMP/does-not-exist"
check "an incomplete scan is not a successful SARIF invocation" pyj "$LW_TMP/missing_sarif.out" \
	'r["runs"][0]["invocations"][0]["executionSuccessful"] is False'

finish
