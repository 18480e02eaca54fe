#!/bin/bash
# rel_coverage.sh - nothing may hide a secret behind exit 0 (issue 14): the
# candidate bound, regex limits (per rule and chunk, and user rules checked
# when a configuration is loaded), the one exit status of every command
# (1 found, else 3 when anything was not fully checked, else 0), and
# pre-receive's --on-incomplete. Real repositories, a real bare repository
# with its hook; tokens are made at run time.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"
export XDG_CACHE_HOME="$LW_TMP/cache"

# secs_lt NAME MAX: the last lw/lw_in run took less than MAX seconds
T0=0
timed() { T0=$EPOCHREALTIME; "$@"; TSECS=$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'); }
secs_lt() { awk -v s="$TSECS" -v m="$1" 'BEGIN { exit !(s < m) }'; }
# push_file SERVER NAME FILE...: a fresh clone commits FILEs and pushes; RC, $LW_TMP/NAME.out
push_files() {
	local srv=$1 n=$2; shift 2
	rm -rf "$LW_TMP/pc_$n" && git init -q "$LW_TMP/pc_$n" &&
		cp "$@" "$LW_TMP/pc_$n/" && git -C "$LW_TMP/pc_$n" add -A && git -C "$LW_TMP/pc_$n" commit -q -m "$n"
	timeout 120 git -C "$LW_TMP/pc_$n" push "$LW_TMP/$srv" HEAD:refs/heads/main >"$LW_TMP/$n.out" 2>&1
	RC=$?
}
AKIA_TOKEN="AKIA$(rand_upper 16)"

# ===================== the candidate bound =====================
# 100,001 documented-placeholder key ids, then a real one: placeholders are
# dropped as they are taken and never fill the bound
python3 -c "import sys; sys.stdout.write(('AKIA' + 'A' * 16 + ' ') * 100001 + '\n')" >"$LW_TMP/caps.txt"
echo "key = $AKIA_TOKEN" >>"$LW_TMP/caps.txt"
timed lw caps scan --no-config -f json "$LW_TMP/caps.txt"
rc_is "100,001 placeholders then a real key id: found (exit 1)" 1
check "100,001 placeholders: the real key on line 2" pyj "$LW_TMP/caps.out" \
	'[(x["rule"], x["line"]) for x in r] == [("aws-access-key-id", 2)]'
check "100,001 placeholders: quick (${TSECS}s < 15s)" secs_lt 15
check_no_grep "100,001 placeholders: no candidate bound reached" "too many candidates" "$LW_TMP/caps.err"
# the same staged for a commit
git init -q staged_caps && cp "$LW_TMP/caps.txt" staged_caps/ && git -C staged_caps add caps.txt
(cd staged_caps && lw staged_caps staged; echo "$RC" >"$LW_TMP/staged_caps.rc")
RC=$(cat "$LW_TMP/staged_caps.rc")
rc_is "staged: 100,001 placeholders then a real key id: blocked (exit 1)" 1
check_no_grep "staged: never 'no secrets'" "no secrets" "$LW_TMP/staged_caps.err"
# 150,000 lines of DB_PASSWORD="changeme" then a real one, pushed
python3 -c "import sys; sys.stdout.write('DB_PASSWORD=\"changeme\"\n' * 150000)" >"$LW_TMP/pw.env"
pwline >>"$LW_TMP/pw.env"
mk_server srv_caps.git --timeout 120  # the bound is under test, not time (ASan builds are slow)
push_files srv_caps.git push_caps "$LW_TMP/pw.env"
check "pre-receive: 150,000 placeholder passwords then a real one: rejected (exit $RC)" test "$RC" != 0
check_grep "pre-receive: the real one is named at its line" "pw.env:150001:" "$LW_TMP/push_caps.out"
check "pre-receive: main was not created" test -z "$(git --git-dir=srv_caps.git rev-parse -q --verify main)"
# a bound that is still reached (100,200 real-looking key ids, each marked
# leakwalk:allow, so nothing is reported): incomplete coverage, exit 3
python3 - "$LW_TMP/allowed.txt" <<'PY'
import random, sys
rnd = random.Random(14)
al = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
with open(sys.argv[1], "w") as f:
    for i in range(100200):
        f.write("AKIA%s # leakwalk:allow\n" % "".join(rnd.choice(al) for _ in range(16)))
PY
lw allowed scan --no-config "$LW_TMP/allowed.txt"
rc_is "the candidate bound reached, nothing reported: exit 3" 3
check_grep "the candidate bound reached: a warning says so" "too many candidates" "$LW_TMP/allowed.err"
check_grep "the candidate bound reached: the summary says coverage is incomplete" "coverage incomplete" "$LW_TMP/allowed.err"

# the decoding budget (4 MiB of encoded text per file) is a bound too
python3 -c 'import base64, random, sys
r = random.Random(14)
sys.stdout.write(base64.encodebytes(bytes(r.randrange(256) for _ in range(3500000))).decode())' >"$LW_TMP/enc.txt"
lw enc scan --no-config "$LW_TMP/enc.txt"
rc_is "over 4 MiB of base64, nothing found: exit 3" 3
check_grep "the decoding budget: a warning says so" "encoded text; the rest was not decoded" "$LW_TMP/enc.err"

# ===================== regex limits =====================
# (a+)+$ from a configuration: refused when it is loaded, naming the rule
cat >"$LW_TMP/redos.json" <<'EOF'
{ "rules": [ { "id": "user-redos-rule", "description": "backtracks", "regex": "(a+)+$",
  "keywords": ["a"], "severity": "high", "examples": { "match": [], "no_match": [] } } ] }
EOF
python3 -c "print('a' * 50000)" >"$LW_TMP/a50k.txt"
timed lw redos_scan scan --config "$LW_TMP/redos.json" "$LW_TMP/a50k.txt"
rc_is "scan --config with (a+)+\$: a configuration error (exit 2)" 2
check_grep "(a+)+\$: the error names the file and the rule" "redos.json: rule \"user-redos-rule\": regex backtracks" "$LW_TMP/redos_scan.err"
check "(a+)+\$: refused quickly (${TSECS}s < 5s)" secs_lt 5
mkdir -p redos_dir && cp "$LW_TMP/redos.json" redos_dir/.leakwalk.json && cp "$LW_TMP/a50k.txt" redos_dir/
lw redos_dot scan redos_dir
rc_is "(a+)+\$ in .leakwalk.json: exit 2" 2
check "no verdict is cached for a rule that failed" test ! -s "$XDG_CACHE_HOME/leakwalk/rule-checks"
# a rule the check lets through (it backtracks only on runs of b) still
# stops after three limit hits in one input, naming the rule
cat >"$LW_TMP/slow.json" <<'EOF'
{ "rules": [ { "id": "slow-user-rule", "description": "backtracks on runs of b", "regex": "aaa(?:b+b+)+y",
  "keywords": ["aaa"], "severity": "low", "examples": { "match": ["aaabby"], "no_match": ["b"] } } ],
  "defaults": true }
EOF
python3 -c "import sys; sys.stdout.write(('aaa' + 'b' * 3000 + '!y ') * 40 + '\n')" >"$LW_TMP/slow.txt"
timed lw slow scan --config "$LW_TMP/slow.json" "$LW_TMP/slow.txt"
rc_is "a rule hitting regex limits, nothing found: exit 3" 3
check "the rule stops after 3 limit hits ($(grep -c 'regex stopped' "$LW_TMP/slow.err") warnings)" \
	test "$(grep -c 'rule slow-user-rule: regex stopped' "$LW_TMP/slow.err")" = 3
check_grep "the last warning says the rule stopped for this input" \
	"slow-user-rule: regex stopped \(match limit exceeded\) 3 times; the rest of this input was not checked" "$LW_TMP/slow.err"
check "40 pathological hits cost three ($TSECS s < 5 s)" secs_lt 5
# the verdict is cached: mode 0600, one line per checked rule
check "the rule check's verdict is cached (mode 600)" test "$(stat -c %a "$XDG_CACHE_HOME/leakwalk/rule-checks")" = 600
check "the cache holds one verdict (the slow rule passed the check)" \
	test "$(grep -cE '^[0-9a-f]{64}$' "$XDG_CACHE_HOME/leakwalk/rule-checks")" = 1
lw slow2 scan --config "$LW_TMP/slow.json" "$LW_TMP/slow.txt"
rc_is "second run with the cached verdict: still exit 3" 3
check "the cache did not grow" test "$(wc -l <"$XDG_CACHE_HOME/leakwalk/rule-checks")" = 1
# a cache others may write is not trusted: the rule is checked again, and refused
chmod 666 "$XDG_CACHE_HOME/leakwalk/rule-checks"
lw redos_again scan --config "$LW_TMP/redos.json" "$LW_TMP/a50k.txt"
rc_is "a world-writable cache changes nothing: (a+)+\$ still refused" 2
# found beats incomplete: a secret with the limit hits is exit 1
{ cat "$LW_TMP/slow.txt"; pwline; } >"$LW_TMP/slow_found.txt"
lw slow_found scan --config "$LW_TMP/slow.json" "$LW_TMP/slow_found.txt"
rc_is "regex limits and a secret: exit 1" 1

# ===================== the same status everywhere =====================
git init -q lim && cp "$LW_TMP/slow.txt" lim/ && cp "$LW_TMP/slow.json" lim/.leakwalk.json
git -C lim add slow.txt && (cd lim && lw lim_staged staged; echo "$RC" >"$LW_TMP/lim.rc")
RC=$(cat "$LW_TMP/lim.rc")
rc_is "staged, regex limits, nothing found: exit 3 (blocked)" 3
check_grep "staged: says not everything was checked" "not everything was checked" "$LW_TMP/lim_staged.err"
git -C lim commit -q -m lim
lw lim_audit audit --config "$LW_TMP/slow.json" lim
rc_is "audit, regex limits, nothing found: exit 3" 3
check_grep "audit: the summary says coverage is incomplete" "coverage incomplete" "$LW_TMP/lim_audit.err"
mk_server srv_lim.git --config "$LW_TMP/slow.json"
push_files srv_lim.git push_lim "$LW_TMP/slow.txt"
check "pre-receive, regex limits, nothing found: rejected by default (exit $RC)" test "$RC" != 0
check_grep "pre-receive: says the scan was incomplete" "incomplete.*rejected by server policy \(--on-incomplete reject\)" "$LW_TMP/push_lim.out"
check_grep "pre-receive: the regex limit is a warning naming the rule" "leakwalk: warning: slow.txt:1: rule slow-user-rule: regex stopped" "$LW_TMP/push_lim.out"
check "pre-receive: main was not created" test -z "$(git --git-dir=srv_lim.git rev-parse -q --verify main)"
mk_server srv_lim_ok.git --config "$LW_TMP/slow.json" --on-incomplete accept
push_files srv_lim_ok.git push_lim_ok "$LW_TMP/slow.txt"
check "pre-receive --on-incomplete accept: accepted (exit $RC)" test "$RC" = 0
check_grep "pre-receive --on-incomplete accept: says so" "accepted by server policy \(--on-incomplete accept\)" "$LW_TMP/push_lim_ok.out"
lw badpolicy pre-receive --on-incomplete maybe </dev/null
rc_is "pre-receive --on-incomplete maybe: usage error" 2
# a damaged object and nothing found: 3
git init -q dmg && (cd dmg && test_commit a.txt "just text" && test_commit b.txt "more text")
rm -f "dmg/.git/objects/$(git -C dmg rev-parse HEAD:b.txt | sed 's|^..|&/|')"
lw dmg audit dmg
rc_is "audit, a missing blob, nothing found: exit 3" 3

# ===================== sizes that overflow =====================
for cmd in "scan --max-file-size 17179869184G ." "scan --max-file-size 18446744073709551616 ." \
	"audit --max-blob-size 17179869184G" "pre-push --max-file-size 17179869184G" \
	"pre-receive --max-blob-size 17179869184G"; do
	# shellcheck disable=SC2086
	lw size_overflow $cmd </dev/null
	rc_is "$cmd: a usage error (exit 2)" 2
	check_grep "$cmd: says what a size may be" "at most" "$LW_TMP/size_overflow.err"
done
lw size_ok scan --max-file-size 4G --no-config "$LW_TMP/caps.txt"
rc_is "a large size that fits (4G) still scans: exit 1" 1

finish
