#!/bin/bash
# scan_filters.sh - what is not a secret is not reported: tokens whose
# checksum fails (unless --report-invalid-checksums), values providers
# publish as examples (patterns/known), AWS SigV4 credential scopes; and the
# options that shape a report: --min-confidence, --max-decode-depth.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"
KNOWN="$LW_TESTS_DIR/../patterns/known/documented-examples.json"

# ghtoken PREFIX [bad]: a GitHub-style token (prefix_, 30 random base62,
# CRC32 of those in base62, 6 characters: GitHub's published format),
# with a checksum that fails when "bad" is given
ghtoken() {
	python3 - "$1" "${2:-}" <<'PY'
import random, sys, zlib
b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
body = "".join(random.SystemRandom().choice(b62) for _ in range(30))
c, enc = zlib.crc32(body.encode()), ""
for _ in range(6):
    enc = b62[c % 62] + enc
    c //= 62
if sys.argv[2]:
    enc = enc[:-1] + ("a" if enc[-1] != "a" else "b")
print(sys.argv[1] + "_" + body + enc)
PY
}

# ---- checksums ----------------------------------------------------------
mkdir ck
good=$(ghtoken ghp) bad=$(ghtoken ghp bad)
printf 'GITHUB_TOKEN=%s\n' "$good" >ck/good.env
printf 'GITHUB_TOKEN=%s\n' "$bad" >ck/bad.env
lw ck_good scan --no-config --format json ck/good.env
rc_is "a valid checksum: reported" 1
check "valid checksum: github-pat, checksum valid, confidence high" pyj "$LW_TMP/ck_good.out" \
	'len(r) == 1 and r[0]["rule"] == "github-pat" and r[0]["checksum"] == "valid" and r[0]["confidence"] == "high"'
lw ck_bad scan --no-config --format json ck/bad.env
rc_is "a failing checksum: not a secret, exit 0" 0
check "failing checksum: no generic finding takes its place" pyj "$LW_TMP/ck_bad.out" 'r == []'
lw ck_bad_shown scan --no-config --format json --report-invalid-checksums ck/bad.env
rc_is "--report-invalid-checksums: reported" 1
check "--report-invalid-checksums: checksum invalid, confidence low" pyj "$LW_TMP/ck_bad_shown.out" \
	'len(r) == 1 and r[0]["checksum"] == "invalid" and r[0]["confidence"] == "low"'
# the same in history
mkdir ckrepo && (cd ckrepo && git init -q && test_commit t.env "GITHUB_TOKEN=$bad")
lw ck_audit audit --format json ckrepo
rc_is "audit: a failing checksum is not reported" 0
lw ck_audit2 audit --format json --report-invalid-checksums ckrepo
rc_is "audit --report-invalid-checksums: reported" 1

# ---- documented examples ------------------------------------------------
# Every value of the curated list, assigned where a rule would take it, is
# not reported; the same value changed by one character is.
mkdir known mutated
python3 - "$KNOWN" known/values.env mutated/values.env <<'PY'
import json, sys
vals = [e["value"] for e in json.load(open(sys.argv[1]))["examples"]]
def mutate(v):
    i = len(v) // 2
    while not v[i].isalnum():
        i += 1
    c = "Q" if v[i] != "Q" else "R"
    return v[:i] + c + v[i + 1:]
with open(sys.argv[2], "w") as f, open(sys.argv[3], "w") as g:
    for n, v in enumerate(vals):
        f.write('api_secret_%d = "%s"\n' % (n, v))
        g.write('api_secret_%d = "%s"\n' % (n, mutate(v)))
PY
check "the list has entries with a source each" pyj "$KNOWN" \
	'len(r["examples"]) >= 10 and all(e["source"].startswith("http") and e["value"] for e in r["examples"])'
lw known scan --no-config --format json known
rc_is "documented example values: nothing reported" 0
lw mutated scan --no-config --format json mutated
rc_is "one character changed: reported" 1
check "one character changed: most are reported (exact match, not substring)" pyj "$LW_TMP/mutated.out" \
	'len(r) >= 10'
# the Azurite connection string as its docs print it
python3 - "$KNOWN" known/azurite.config <<'PY'
import json, sys
k = [e["value"] for e in json.load(open(sys.argv[1]))["examples"] if "Azurite" in e["what"]][0]
open(sys.argv[2], "w").write("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=%s;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n" % k)
PY
lw azurite scan --no-config known/azurite.config
rc_is "the Azurite connection string: not reported" 0

# ---- AWS SigV4 scopes ---------------------------------------------------
mkdir sigv4
kid="AKIA$(rand_upper 16)"
sig=$(rand_hex 64)
{
	printf 'Authorization: AWS4-HMAC-SHA256 Credential=%s/20240101/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-date, Signature=%s\n' "$kid" "$sig"
	printf 'GET /obj?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s%%2F20240101%%2Feu-west-1%%2Fs3%%2Faws4_request&X-Amz-SignedHeaders=host&X-Amz-Signature=%s\n' "$kid" "$sig"
	printf 'credential = "AKID/20240101/us-east-1/iam/aws4_request"\n'
	printf 'credential: %s/20240101/us-east-1/sts/aws4_request\n' "$(rand_alnum 20)"
} >sigv4/signing.md
lw sigv4 scan --no-config --format json sigv4
rc_is "SigV4 credential scopes, signed headers, signatures: nothing reported" 0
check "SigV4: empty report" pyj "$LW_TMP/sigv4.out" 'r == []'
# controls: the same key ID alone, and a secret beside the scope, are reported
printf 'aws_access_key_id = %s\n' "$kid" >sigv4/alone.env
printf 'credential = "%s/20240101/us-east-1/s3/aws4_request"\npassword = "%s"\n' "$kid" "$(secret)" >sigv4/beside.env
lw sigv4_alone scan --no-config --format json sigv4/alone.env
check "control: the key ID outside a scope is reported" pyj "$LW_TMP/sigv4_alone.out" \
	'[f["rule"] for f in r] == ["aws-access-key-id"]'
lw sigv4_beside scan --no-config --format json sigv4/beside.env
check "control: a password beside a scope is reported, the scope is not" pyj "$LW_TMP/sigv4_beside.out" \
	'len(r) == 1 and r[0]["line"] == 2'

# ---- public identifiers --------------------------------------------------
# A Twilio account SID, a Stripe publishable key, a Google OAuth client ID
# are public: never reported alone (nor by a generic rule under another
# name), shown as the context of a secret beside them.
mkdir ids
sid="AC$(rand_hex 32)" pk="pk_live_$(rand_alnum 40)"
cid="$(printf '%s' "$(date +%N)123456" | head -c 12)-$(LC_ALL=C tr -dc 'a-z0-9' </dev/urandom | head -c 32).apps.googleusercontent.com"
printf 'TWILIO_ACCOUNT_SID=%s\n' "$sid" >ids/sid.env
printf 'STRIPE_PUBLISHABLE_KEY=%s\napi_key = "%s"\n' "$pk" "$pk" >ids/pk.env
printf 'GOOGLE_CLIENT_ID=%s\noauth_client_id: "%s"\n' "$cid" "$cid" >ids/client.yml
acct=$(LC_ALL=C tr -dc '0-9' </dev/urandom | head -c 12)
printf 'aws_account_id = %s\nrole_arn = arn:aws:iam::%s:role/deploy\n' "$acct" "$acct" >ids/aws.ini
lw ids_alone scan --no-config --format json ids
rc_is "identifiers alone: nothing reported" 0
tok=$(rand_hex 32)
printf 'TWILIO_ACCOUNT_SID=%s\nTWILIO_AUTH_TOKEN=%s\n' "$sid" "$tok" >ids/pair.env
lw ids_pair scan --no-config --format json ids/pair.env
check "a secret beside an identifier: reported, the identifier as its context (redacted)" pyj "$LW_TMP/ids_pair.out" \
	'len(r) == 1 and r[0]["rule"] == "twilio-auth-token" and [c["rule"] for c in r[0]["context"]] == ["twilio-account-sid"] and r[0]["context"][0]["value"] != a[0] and a[0].startswith(r[0]["context"][0]["value"].rstrip("*"))' "$sid"
lw ids_pair_nr scan --no-config --format json --no-redact ids/pair.env
check "--no-redact: the identifier in full" pyj "$LW_TMP/ids_pair_nr.out" \
	'r[0]["context"][0]["value"] == a[0]' "$sid"
lw ids_text scan --no-config ids/pair.env
check_grep "text output: the identifier beside the finding" 'beside twilio-account-sid: AC' "$LW_TMP/ids_text.out"
# a secret far away (more than 512 bytes) gets no context
{ printf 'TWILIO_ACCOUNT_SID=%s\n' "$sid"; for i in $(seq 1 40); do echo "# filler line $i of the configuration file"; done
  printf 'TWILIO_AUTH_TOKEN=%s\n' "$tok"; } >ids/far.env
lw ids_far scan --no-config --format json ids/far.env
check "a secret far from the identifier: no context" pyj "$LW_TMP/ids_far.out" \
	'len(r) == 1 and "context" not in r[0]'
# an AWS secret key beside the account ID: the account as context
printf 'aws_account_id = %s\naws_secret_access_key = %s\n' "$acct" "$(rand_alnum 40)" >ids/awskey.ini
lw ids_aws scan --no-config --format json ids/awskey.ini
check "an AWS secret key beside an account ID: the account as context" pyj "$LW_TMP/ids_aws.out" \
	'len(r) == 1 and [c["rule"] for c in r[0]["context"]] == ["aws-account-id"]'
# rules test still proves the identifier rules' own examples
lw ids_rules rules test
rc_is "rules test: the identifier rules' examples pass" 0

# ---- --min-confidence ---------------------------------------------------
mkdir -p conf/docs conf/app
pwline DB_PASSWORD >conf/app/app.env
pwline DB_PASSWORD >conf/docs/setup.md
printf 'GITHUB_TOKEN=%s\n' "$(ghtoken ghp)" >conf/app/ci.env
lw conf_all scan --no-config --format json conf
check "confidence: a checksummed token high, a password medium, one in docs low" pyj "$LW_TMP/conf_all.out" \
	'sorted((f["path"].split("/")[-1], f["confidence"]) for f in r) == [("app.env", "medium"), ("ci.env", "high"), ("setup.md", "low")]'
lw conf_med scan --no-config --format json --min-confidence medium conf
check "--min-confidence medium: the docs finding is left out" pyj "$LW_TMP/conf_med.out" \
	'sorted(f["path"].split("/")[-1] for f in r) == ["app.env", "ci.env"]'
lw conf_high scan --no-config --format json --min-confidence high conf
check "--min-confidence high: only the checksummed token" pyj "$LW_TMP/conf_high.out" \
	'[f["path"].split("/")[-1] for f in r] == ["ci.env"]'
lw conf_high_docs scan --no-config --min-confidence high conf/docs
rc_is "--min-confidence high, nothing that sure: exit 0" 0
lw conf_text scan --no-config --min-confidence low conf/app/app.env
check_grep "text output shows the confidence" 'confidence medium' "$LW_TMP/conf_text.out"
lw conf_sarif scan --no-config --format sarif conf/app/ci.env
check "SARIF: rank from the confidence" pyj "$LW_TMP/conf_sarif.out" \
	'r["runs"][0]["results"][0]["rank"] == 90'
lw conf_html scan --no-config --format html conf
check_grep "HTML: a minimum-confidence filter" 'id="lw-conf"' "$LW_TMP/conf_html.out"
check "HTML: each finding's confidence in the embedded data" python3 -c '
import re, sys
t = open(sys.argv[1]).read()
sys.exit(0 if sorted(re.findall(r"\"confidence\":\"(\w+)\",\"conf\":(\d)", t)) == [("high", "2"), ("low", "0"), ("medium", "1")] else 1)' "$LW_TMP/conf_html.out"
for bad_level in bogus HIGH 2 ""; do
	lw conf_bad scan --no-config --min-confidence "$bad_level" conf
	rc_is "--min-confidence '$bad_level': exit 2" 2
done
mkdir confrepo && (cd confrepo && git init -q && test_commit docs/a.md "$(pwline)")
lw conf_audit audit --format json --min-confidence medium confrepo
rc_is "audit --min-confidence medium: the docs finding is left out, exit 0" 0
lw conf_audit_all audit --format json confrepo
rc_is "audit: the docs finding is reported by default" 1

# ---- --max-decode-depth -------------------------------------------------
mkdir dec
tok=$(ghtoken ghp)
once=$(printf 'GITHUB_TOKEN=%s\n' "$tok" | base64 -w0)
twice=$(printf 'blob: %s\n' "$once" | base64 -w0)
printf 'data: %s\n' "$once" >dec/once.txt
printf 'data: %s\n' "$twice" >dec/twice.txt
lw dec_default scan --no-config --format json dec
check "default depth 2: found once and twice encoded" pyj "$LW_TMP/dec_default.out" \
	'sorted(f["path"].split("/")[-1] for f in r) == ["once.txt", "twice.txt"] and all(f.get("decoded") for f in r)'
lw dec_1 scan --no-config --format json --max-decode-depth 1 dec
check "--max-decode-depth 1: only the once-encoded one" pyj "$LW_TMP/dec_1.out" \
	'[f["path"].split("/")[-1] for f in r] == ["once.txt"]'
lw dec_0 scan --no-config --format json --max-decode-depth 0 dec
rc_is "--max-decode-depth 0: nothing decoded, nothing found" 0
lw dec_8 scan --no-config --max-decode-depth 8 dec
rc_is "--max-decode-depth 8 (the bound): accepted" 1
for bad_depth in 9 -1 x 100000000000 ""; do
	lw dec_bad scan --no-config --max-decode-depth "$bad_depth" dec
	rc_is "--max-decode-depth '$bad_depth': exit 2" 2
done
mkdir decrepo && cp dec/twice.txt decrepo/ && (cd decrepo && git init -q && git add . && git commit -qm t)
lw dec_audit audit --format json --max-decode-depth 1 decrepo
rc_is "audit --max-decode-depth 1: the twice-encoded token is not decoded" 0
lw dec_audit2 audit --format json decrepo
rc_is "audit, default depth: found" 1

# help, man page and completions name the new options
"$LEAKWALK" scan --help >help.txt
for o in --min-confidence --max-decode-depth --report-invalid-checksums; do
	check_grep "scan --help names $o" "$o" help.txt
	check_grep "the man page names $o" "$(printf %s "$o" | sed "s/-/[\\\\]-/g")" "$LW_TESTS_DIR/../cmd/leakwalk.1"
	check_grep "bash completion names $o" "$o" "$LW_TESTS_DIR/../cmd/completions/leakwalk.bash"
	check_grep "zsh completion names $o" "$o" "$LW_TESTS_DIR/../cmd/completions/_leakwalk"
done

finish
