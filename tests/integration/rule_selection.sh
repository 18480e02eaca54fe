#!/bin/bash
# rule_selection.sh - --enable-rule ID (repeatable: only these rules) and
# --disable-rule ID (repeatable) on scan, audit, staged, pre-push and
# pre-receive; an id that no rule has is a usage error (exit 2).
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

# two findings by two different rules: a password and a Groq API key
mk_files() {
	pwline >"$1/app.env"
	printf 'GROQ_API_KEY=gsk_%s\n' "$(rand_alnum 52)" >"$1/ai.env"
}
rules_of() { python3 -c 'import json,sys; print(" ".join(sorted(set(x["rule"] for x in json.load(open(sys.argv[1]))))))' "$1"; }

mkdir plain && mk_files plain
lw all scan --no-config -f json plain
rc_is "scan: both found" 1
ALL=$(rules_of "$LW_TMP/all.out")
read -r R1 R2 rest <<<"$ALL"
check "scan: two rules report ($ALL)" test -n "$R1" -a -n "$R2" -a -z "$rest"

lw en scan --no-config -f json --enable-rule "$R1" plain
rc_is "scan --enable-rule: exit 1" 1
check "scan --enable-rule $R1: only $R1" test "$(rules_of "$LW_TMP/en.out")" = "$R1"
lw en2 scan --no-config -f json --enable-rule "$R1" --enable-rule "$R2" plain
check "scan --enable-rule twice: both" test "$(rules_of "$LW_TMP/en2.out")" = "$ALL"
lw dis scan --no-config -f json --disable-rule "$R2" plain
check "scan --disable-rule $R2: $R2 is not reported" bash -c '! grep -qw "$1" <<<"$2"' _ "$R2" "$(rules_of "$LW_TMP/dis.out")"
lw none scan --no-config -f json --enable-rule "$R1" --disable-rule "$R1" plain
rc_is "scan: enabling and disabling the same rule leaves nothing" 0
lw bad scan --no-config --enable-rule no-such-rule plain
rc_is "scan --enable-rule unknown: exit 2" 2
check_grep "scan --enable-rule unknown: names it" 'enable-rule: no rule has the id "no-such-rule"' "$LW_TMP/bad.err"
lw bad2 scan --no-config --disable-rule no-such-rule plain
rc_is "scan --disable-rule unknown: exit 2" 2
check_grep "scan --disable-rule unknown: names it" 'disable-rule: no rule has the id "no-such-rule"' "$LW_TMP/bad2.err"

# audit
git init -q repo && mk_files repo && (cd repo && git add . && git commit -qm both)
lw a_en audit --no-config -f json --enable-rule "$R2" repo
rc_is "audit --enable-rule: exit 1" 1
check "audit --enable-rule $R2: only $R2" test "$(rules_of "$LW_TMP/a_en.out")" = "$R2"
lw a_dis audit --no-config -f json --enable-rule "$R1" --disable-rule "$R1" repo
rc_is "audit with the only enabled rule disabled: exit 0" 0
lw a_bad audit --no-config --disable-rule nope repo
rc_is "audit --disable-rule unknown: exit 2" 2

# staged
git init -q st && mk_files st
cd st && git add . || exit 1
lw s_en staged --no-config -f json --enable-rule "$R1"
rc_is "staged --enable-rule: exit 1" 1
check "staged --enable-rule $R1: only $R1" test "$(rules_of "$LW_TMP/s_en.out")" = "$R1"
lw s_bad staged --no-config --enable-rule nope
rc_is "staged --enable-rule unknown: exit 2" 2
cd "$LW_TMP" || exit 1

# pre-push, with git's hook input
git init -q pp && mk_files pp && (cd pp && git add . && git commit -qm both)
tip=$(git -C pp rev-parse HEAD)
printf 'refs/heads/main %s refs/heads/main %040d\n' "$tip" 0 >push.in
cd pp || exit 1
lw_in p_en "$LW_TMP/push.in" pre-push --no-config -f json --enable-rule "$R2" origin
rc_is "pre-push --enable-rule: exit 1" 1
check "pre-push --enable-rule $R2: only $R2" test "$(rules_of "$LW_TMP/p_en.out")" = "$R2"
lw_in p_dis "$LW_TMP/push.in" pre-push --no-config --enable-rule "$R1" --disable-rule "$R1" origin
rc_is "pre-push with the only enabled rule disabled: exit 0" 0
lw_in p_bad "$LW_TMP/push.in" pre-push --no-config --enable-rule nope origin
rc_is "pre-push --enable-rule unknown: exit 2" 2
cd "$LW_TMP" || exit 1

# pre-receive, as a server hook
srv() { # srv DIR OPTIONS...: a bare repository whose hook runs leakwalk pre-receive
	local d=$1; shift
	git init -q --bare "$d"
	{ echo '#!/bin/sh'; printf 'exec %q pre-receive' "$LEAKWALK"; printf ' %q' "$@"; echo; } >"$d/hooks/pre-receive"
	chmod +x "$d/hooks/pre-receive"
}
srv only1.git --enable-rule "$R1"
git -C pp push -q "$LW_TMP/only1.git" main >"$LW_TMP/r1.out" 2>&1
check "pre-receive --enable-rule $R1: the push is rejected" test $? != 0
check_grep "pre-receive --enable-rule $R1: names $R1" "$R1" "$LW_TMP/r1.out"
check_no_grep "pre-receive --enable-rule $R1: not $R2" ":[0-9]+:[0-9]+: $R2 " "$LW_TMP/r1.out"
srv off.git --enable-rule "$R1" --disable-rule "$R1"
git -C pp push -q "$LW_TMP/off.git" main >"$LW_TMP/r2.out" 2>&1
check "pre-receive with the only enabled rule disabled: the push is accepted" test $? = 0
srv badsrv.git --enable-rule nope
git -C pp push -q "$LW_TMP/badsrv.git" main >"$LW_TMP/r3.out" 2>&1
check "pre-receive --enable-rule unknown: the push is rejected" test $? != 0
check_grep "pre-receive --enable-rule unknown: names it" 'no rule has the id "nope"' "$LW_TMP/r3.out"
finish
