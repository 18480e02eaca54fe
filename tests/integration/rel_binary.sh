#!/bin/bash
# rel_binary.sh - binary content is no blind spot (issue 14): a file with a
# leading NUL, random bytes and a compiled object holding a token are found
# by scan, staged, audit and pre-receive through their printable runs, with
# the run's byte offset ("decoded": "strings@N"). Then the smaller points:
# a closed pipe and a full disk, -o naming the input, `rules test`
# redaction, install-hook from a path with a quote and a space.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"
export XDG_CACHE_HOME="$LW_TMP/cache"

# bytes_at FILE OFFSET TEXT: the file holds TEXT at byte OFFSET
bytes_at() { python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); o = int(sys.argv[2])
sys.exit(d[o:o + len(sys.argv[3])] != sys.argv[3].encode())' "$@"; }

# ===================== a leading NUL =====================
S1=$(secret)
mkdir nul && { printf '\0'; printf 'DB_PASSWORD="%s"\n' "$S1"; } >nul/app.env
lw nul_scan scan -f json nul
rc_is "scan: a leading NUL and a password: found (exit 1)" 1
check "scan: line 1, column 15, from the printable run at byte 1" pyj "$LW_TMP/nul_scan.out" \
	'[(x["path"], x["line"], x["column"], x["decoded"]) for x in r] == [("nul/app.env", 1, 15, "strings@1")]'
absent() { ! grep -qF -- "$1" "$2"; }
check "scan: the secret is redacted" absent "$S1" "$LW_TMP/nul_scan.out"
# staged
git init -q srepo && (cd srepo && test_commit README "hello") && cp nul/app.env srepo/
git -C srepo add app.env
(cd srepo && lw nul_staged staged -f json; echo "$RC" >"$LW_TMP/nul_staged.rc")
RC=$(cat "$LW_TMP/nul_staged.rc")
rc_is "staged: a leading NUL and a password: blocked (exit 1)" 1
check "staged: reported at app.env:1 from its printable run" pyj "$LW_TMP/nul_staged.out" \
	'[(x["path"], x["line"], x["decoded"]) for x in r] == [("app.env", 1, "strings@1")]'
# audit
git -C srepo commit -q -m "binary config"
lw nul_audit audit -f json srepo
rc_is "audit: a leading NUL and a password: found (exit 1)" 1
check "audit: reported with its commit" pyj "$LW_TMP/nul_audit.out" \
	'[(x["path"], x["decoded"], bool(x["commit"])) for x in r] == [("app.env", "strings@1", True)]'
# pre-receive
mk_server srv.git
git -C srepo push -q "$LW_TMP/srv.git" HEAD~1:refs/heads/main 2>/dev/null
timeout 120 git -C srepo push "$LW_TMP/srv.git" HEAD:refs/heads/main >"$LW_TMP/nul_push.out" 2>&1
RC=$?
check "pre-receive: a leading NUL and a password: rejected (exit $RC)" test "$RC" != 0
check_grep "pre-receive: names the file and line" "app.env:1:15: database-password-variable" "$LW_TMP/nul_push.out"
check "pre-receive: main is unchanged" \
	test "$(git --git-dir=srv.git rev-parse main)" = "$(git -C srepo rev-parse HEAD~1)"

# rules that only guess from a key name do not run on binary content's
# printable runs: those are string tables (compiled code's names and
# messages, e.g. a .pyc's "password" parameters), not assignments; a rule
# that knows the value's own shape (DB_PASSWORD above) still does
S3=$(secret)
mkdir keyname && { printf '\0\1\2'; printf 'user_password = "%s"\n' "$S3"; } >keyname/app.bin
{ printf 'user_password = "%s"\n' "$S3"; } >keyname/app.txt
lw keyname scan -f json keyname
check "key-name rules: the text file's assignment is found, the binary's run is not" pyj \
	"$LW_TMP/keyname.out" '[x["path"] for x in r] == ["keyname/app.txt"]'

# ===================== random bytes, and a compiled object =====================
S2=$(secret)
python3 - "$LW_TMP/rnd.bin" "$S2" <<'PY'
import random, sys
rnd = random.Random(14)
# bytes with no printable run of 8: each is followed by a control byte
noise = bytes(b for _ in range(2500) for b in (rnd.randrange(256), rnd.randrange(0, 8)))
open(sys.argv[1], "wb").write(noise + b'\nDB_PASSWORD="' + sys.argv[2].encode() + b'"\0' + noise)
PY
lw rnd scan -f json "$LW_TMP/rnd.bin"
rc_is "random bytes with a password inside: found (exit 1)" 1
OFF=$(json_val "$LW_TMP/rnd.out" 'r[0]["decoded"].split("@")[1]' 2>/dev/null)
check "random bytes: the run's offset (${OFF:-none}) is 5001" test "${OFF:-}" = 5001
check "random bytes: the file holds the assignment at that offset" bytes_at "$LW_TMP/rnd.bin" "${OFF:-0}" 'DB_PASSWORD="'
AK="AKIA$(rand_upper 16)"
printf 'const char *deploy_key_id = "%s";\nint main(void) { return deploy_key_id[0] == 0; }\n' "$AK" >"$LW_TMP/tok.c"
if cc -O0 -o "$LW_TMP/tok.bin" "$LW_TMP/tok.c" 2>"$LW_TMP/cc.err"; then
	lw elf scan -f json "$LW_TMP/tok.bin"
	rc_is "a compiled program holding a key id: found (exit 1)" 1
	OFF=$(json_val "$LW_TMP/elf.out" '[x for x in r if x["rule"]=="aws-access-key-id"][0]["decoded"].split("@")[1]' 2>/dev/null)
	check "the program: the run's offset (${OFF:-none}) holds the key id" bytes_at "$LW_TMP/tok.bin" "${OFF:-0}" "$AK"
	absent_ak() { ! grep -qF "$AK" "$LW_TMP/elf.out"; }
	check "the program: the key id is redacted" absent_ak
else
	fail "cc could not build the test program: $(head -3 "$LW_TMP/cc.err")"
fi
# history: two versions of a binary, the second a git delta of the first;
# both secrets are found, and --full-scan agrees
S3=$(secret)
git init -q brepo
cp "$LW_TMP/rnd.bin" brepo/data.bin && git -C brepo add data.bin && git -C brepo commit -q -m v1
{ cat "$LW_TMP/rnd.bin"; printf '\0\nDB_PASSWORD="%s"\n' "$S3"; } >brepo/data.bin
git -C brepo commit -qam v2 && git -C brepo repack -adq --depth=10 --window=10
lw bhist audit -f json brepo
rc_is "audit: two versions of a binary: found (exit 1)" 1
OFF2=$(($(stat -c %s "$LW_TMP/rnd.bin") + 2))
check "audit: both secrets, each from its printable run (5001 and $OFF2)" pyj "$LW_TMP/bhist.out" \
	'sorted(x["decoded"] for x in r) == sorted(["strings@5001", "strings@" + a[0]])' "$OFF2"
lw bhist_full audit -f json --full-scan brepo
rc_is "audit --full-scan: exit 1" 1
check "audit --full-scan: the same findings" python3 -c 'import json, sys
f = lambda p: sorted((x["fingerprint"], x["line"], x["column"]) for x in json.load(open(p)))
sys.exit(f(sys.argv[1]) != f(sys.argv[2]))' "$LW_TMP/bhist.out" "$LW_TMP/bhist_full.out"
# text files are reported as before: no decoding chain
pwline >plain.env
lw plain scan -f json plain.env
check "a text file's finding has no decoding chain" pyj "$LW_TMP/plain.out" '"decoded" not in r[0]'

# ===================== a closed pipe, a full disk =====================
# the report cannot be delivered: one line on stderr and exit 3, both ways
python3 -c 'import sys
print("\n".join("DB_PASSWORD=\"%sQ%d\"" % (sys.argv[1], i) for i in range(3000)))' "$(secret)" >many.env
python3 - "$LEAKWALK" "$LW_TMP/many.env" "$LW_TMP/pipe.err" <<'PY'
import subprocess, sys
with open(sys.argv[3], "wb") as err:
    p = subprocess.Popen([sys.argv[1], "scan", "--no-config", sys.argv[2]], stdout=subprocess.PIPE, stderr=err)
    p.stdout.close()  # the reader is gone before the report is written
    sys.exit(p.wait())
PY
RC=$?
rc_is "a closed pipe: exit 3" 3
check "a closed pipe: one error line on stderr" test "$(grep -c 'error: cannot write the report' "$LW_TMP/pipe.err")" = 1
if [ -w /dev/full ]; then
	timeout 60 "$LEAKWALK" scan --no-config many.env >/dev/full 2>"$LW_TMP/full.err"
	RC=$?
	rc_is "/dev/full: exit 3" 3
	check_grep "/dev/full: one error line" "error: cannot write the report" "$LW_TMP/full.err"
else
	fail "/dev/full is not writable here"
fi

# ===================== -o naming the input =====================
cp many.env keep.env
lw o_same scan -o keep.env keep.env
rc_is "-o FILE where FILE is the input: exit 2" 2
check "-o FILE: the input is unchanged" cmp -s keep.env many.env
check_grep "-o FILE: says why" "is the input" "$LW_TMP/o_same.err"
lw_in o_stdin keep.env scan -o keep.env -
rc_is "-o FILE where stdin reads FILE: exit 2" 2
check "-o FILE (stdin): the input is unchanged" cmp -s keep.env many.env
ln keep.env hard.env
lw o_hard scan -o hard.env keep.env
rc_is "-o a hard link of the input: exit 2" 2
lw o_other scan --no-config -o report.txt keep.env
rc_is "-o another file: the report is written (exit 1)" 1
check "-o another file: written" test -s report.txt

# ===================== rules test redacts failing examples =====================
AK2="AKIA$(rand_upper 16)"
cat >rt.json <<EOF
{ "rules": [ { "id": "strict-user-rule", "description": "d", "regex": "(zzz_[a-z]{8})",
  "secret_group": 1, "keywords": ["zzz_"], "severity": "low",
  "examples": { "match": ["id = $AK2 and more", "zzz_abcdefgh"], "no_match": ["a", "b"] } } ] }
EOF
lw rtest rules test rt.json
rc_is "rules test with a failing example: exit 1" 1
check_grep "rules test: the failing example is shown, redacted" "match example 1 was not found: id = AKIA\*\*\*\*\* and more" "$LW_TMP/rtest.out"
check "rules test: the key id never appears" eval "! grep -qF '$AK2' '$LW_TMP/rtest.out' '$LW_TMP/rtest.err'"

# ===================== install-hook from a path with a quote and a space =====================
BIN="$LW_TMP/it's a dir"
mkdir -p "$BIN" && cp "$LEAKWALK" "$BIN/leakwalk"
git init -q hrepo && (cd hrepo && test_commit README hello)
(cd hrepo && env PATH=/usr/bin:/bin "$BIN/leakwalk" install-hook pre-commit >"$LW_TMP/ih.out" 2>&1)
check "install-hook from a path with ' and a space: exit 0" test $? = 0
check_grep "install-hook: the path is quoted for the shell" "^exec '.*/it'\\\\''s a dir/leakwalk' staged$" hrepo/.git/hooks/pre-commit
check "install-hook: the hook is valid sh" sh -n hrepo/.git/hooks/pre-commit
# the hook runs that binary, with no leakwalk on PATH
pwline >hrepo/app.env && git -C hrepo add app.env
(cd hrepo && env PATH=/usr/bin:/bin git commit -q -m secret >"$LW_TMP/ih_commit.out" 2>&1)
check "the installed hook blocks a secret (no leakwalk on PATH)" test $? != 0
check_grep "the installed hook ran leakwalk" "commit blocked" "$LW_TMP/ih_commit.out"
git -C hrepo rm -q --cached app.env && echo "plain" >hrepo/ok.txt && git -C hrepo add ok.txt
(cd hrepo && env PATH=/usr/bin:/bin git commit -q -m ok >"$LW_TMP/ih_ok.out" 2>&1)
check "the installed hook lets a clean commit through" test $? = 0

finish
