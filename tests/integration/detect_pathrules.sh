#!/bin/bash
# detect_pathrules.sh - files whose presence alone is a leak (private key
# files, keystores, Rails' master.key, KeePass databases) are reported by
# path, binary or too large to read, by scan, audit, staged and
# pre-receive: once per file, at line 1 column 1, with a fingerprint that
# depends on the rule and the path only.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

# binary content: random bytes with NULs, so the text pipeline skips it
bin() { mkdir -p "$(dirname "$1")" && { printf '\0\1\2'; head -c "${2:-300}" /dev/urandom; } >"$1"; }
rules_at() { python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(sorted("%s:%s:%s:%s" % (x["rule"], x["path"], x["line"], x["column"]) for x in r)))' "$1"; }

# ===================== scan: binary, too large, .pub =====================
mkdir t && cd t
bin home/.ssh/id_rsa
bin home/.ssh/id_ecdsa
printf 'ssh-ed25519 %s ops@corp\n' "$(rand_alnum 68)" >home/.ssh/id_ecdsa.pub
bin certs/client.pfx 5000
mkdir config && rand_hex 32 >config/master.key
bin vault/team.kdbx
printf 'release notes\n' >README
cd ..
lw scan1 scan --no-config --format json --max-file-size 1K t
rc_is "scan: exit 1" 1
check "scan: each file once, at 1:1, by its rule; the .pub and README not" test \
	"$(rules_at "$LW_TMP/scan1.out")" = \
	"keepass-database-file:t/vault/team.kdbx:1:1 pkcs12-keystore-file:t/certs/client.pfx:1:1 rails-master-key-file:t/config/master.key:1:1 ssh-private-key-file:t/home/.ssh/id_ecdsa:1:1 ssh-private-key-file:t/home/.ssh/id_rsa:1:1"
check "scan: the 5000-byte .pfx over --max-file-size is still reported" \
	pyj "$LW_TMP/scan1.out" 'any(x["path"] == "t/certs/client.pfx" for x in r)'
check_grep "scan: and still counted as too large" "1 too large" "$LW_TMP/scan1.err"
check "scan: the secret is the path (redacted by default)" \
	pyj "$LW_TMP/scan1.out" 'all(x["secret"] != "t/vault/team.kdbx" and x["line"] == 1 for x in r)'
lw scan1r scan --no-config --format json --no-redact t
check "scan --no-redact: the secret is the path, relative to the scan root" \
	pyj "$LW_TMP/scan1r.out" '"home/.ssh/id_rsa" in [x["secret"] for x in r]'
FP1=$(json_val "$LW_TMP/scan1r.out" '[x["fingerprint"] for x in r if x["path"] == "t/home/.ssh/id_rsa"][0]')
bin t/home/.ssh/id_rsa 999
lw scan2 scan --no-config --format json t
FP2=$(json_val "$LW_TMP/scan2.out" '[x["fingerprint"] for x in r if x["path"] == "t/home/.ssh/id_rsa"][0]')
check "the fingerprint stays when the file's content changes" test -n "$FP1" -a "$FP1" = "$FP2"
printf '{"allow":{"paths":["(^|/)vault/"]}}\n' >cfg.json
lw scan3 scan --config cfg.json --format json t
check "a path the configuration allows is not reported" \
	pyj "$LW_TMP/scan3.out" 'not any("vault/" in x["path"] for x in r) and len(r) > 0'

# ===================== audit: history, binary and oversized blobs =====================
git init -q r && cd r
test_commit README "hello" "initial"
bin deploy/id_ed25519
bin android/release.keystore 4000
git add -A && git commit -q -m "add deploy key and keystore"
ADD=$(git rev-parse HEAD)
bin deploy/id_ed25519 500
git add -A && git commit -q -m "rotate the deploy key"
git rm -q deploy/id_ed25519 android/release.keystore && git commit -q -m "remove the keys"
cd ..
lw audit1 audit --no-config --format json --max-blob-size 1K r
rc_is "audit: exit 1" 1
check "audit: each path once, by its rule, at 1:1" test "$(rules_at "$LW_TMP/audit1.out")" = \
	"java-keystore-file:android/release.keystore:1:1 ssh-private-key-file:deploy/id_ed25519:1:1"
check "audit: from the commit that added them (binary, and over --max-blob-size)" \
	pyj "$LW_TMP/audit1.out" 'all(x["commit"] == a[0] for x in r)' "$ADD"

# ===================== staged (pre-commit) =====================
git init -q s && cd s
test_commit README "hello" "initial"
bin keys/id_dsa
git add keys/id_dsa
lw staged1 staged --format json
rc_is "staged: a new key file is blocked" 1
check "staged: reported by path" test "$(rules_at "$LW_TMP/staged1.out")" = "ssh-private-key-file:keys/id_dsa:1:1"
git commit -q -m "add a key (bypassing the hook)"
bin keys/id_dsa 77 && git add keys/id_dsa
lw staged2 staged --format json
rc_is "staged: a change to a file already committed is not new" 0
printf 'notes\n' >notes.txt && git add notes.txt
lw staged3 staged --format json
rc_is "staged: an ordinary new file passes" 0
cd ..

# ===================== pre-receive =====================
git init -q --bare srv.git
{
	echo '#!/bin/bash'
	printf 'exec %q pre-receive\n' "$LEAKWALK"
} >srv.git/hooks/pre-receive
chmod +x srv.git/hooks/pre-receive
git clone -q "file://$LW_TMP/srv.git" c 2>/dev/null
cd c
test_commit README "hello" "initial"
git push -q origin main 2>/dev/null
bin secrets/team.kdbx && git add -A && git commit -q -m "add the team's password database"
timeout 120 git push origin main >"$LW_TMP/push.out" 2>&1
RC=$?
cd ..
check "pre-receive: the push is rejected" test "$RC" != 0
check_grep "pre-receive: names the file and the rule" "secrets/team\.kdbx:1:1: keepass-database-file" "$LW_TMP/push.out"

# ===================== a path rule of the user's own configuration =====================
# the configuration's rules are checked for catastrophic backtracking before
# a scan, keyed by their regex; a path rule has none (this crashed the scan)
mkdir u && printf 'x\n' >u/deploy.token && printf 'x\n' >u/notes.txt
printf '{"rules":[{"id":"deploy-token-file","description":"a deploy token file","paths":["\\\\.token$"]}]}\n' >u/.leakwalk.json
lw user1 scan --format json u
rc_is "scan: the user's path rule finds its file (exit 1)" 1
check "scan: by that rule, and nothing else" test "$(rules_at "$LW_TMP/user1.out")" = \
	"deploy-token-file:u/deploy.token:1:1"
lw user2 scan --format json u
rc_is "scan again (the check's verdicts cached): the same" 1

finish
