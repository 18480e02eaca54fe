#!/bin/bash
# scan_config.sh - what changes what `leakwalk scan` reports: .leakwalk.json
# at the root (a new rule, a disabled rule, allowlists, "defaults"),
# --config, --no-config, the .leakwalkignore file of fingerprints,
# --baseline, and inline `leakwalk:allow` comments.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

ACME="acme_$(rand_hex 24)"
G1=$(secret)
G2=$(secret)
G3=$(secret)
mkdir -p proj/src proj/vendor/lib proj/src/vendor
printf 'app_secret = "%s"\n' "$G1" >proj/src/settings.py
printf 'app_secret = "%s"\n' "$G2" >proj/vendor/lib/conf.py
printf 'app_secret = "%s"\n' "$G3" >proj/src/vendor/conf.py
printf 'ACME = "%s"\n' "$ACME" >proj/src/acme.txt

lw base scan -f json --no-redact proj
check "without configuration: the three generic findings" pyj "$LW_TMP/base.out" \
	'sorted(x["secret"] for x in r) == sorted(a)' "$G1" "$G2" "$G3"

# --- .leakwalk.json at the root: a rule, an allowlist ---------------------------------
cat >proj/.leakwalk.json <<'EOF'
{
  "rules": [
    {
      "id": "acme-api-key",
      "description": "ACME API key",
      "regex": "\\b(acme_[0-9a-f]{24})\\b",
      "secret_group": 1,
      "keywords": ["acme_"],
      "severity": "high"
    }
  ],
  "allow": { "paths": ["^vendor/"] }
}
EOF
lw cfg scan -f json --no-redact proj
rc_is "with .leakwalk.json: exit 1" 1
check ".leakwalk.json adds a rule: the ACME key is found" \
	pyj "$LW_TMP/cfg.out" '[x["path"] for x in r if x["rule"] == "acme-api-key" and x["secret"] == a[0]] == ["proj/src/acme.txt"]' "$ACME"
check ".leakwalk.json allowlists vendor/ (relative to the root)" \
	pyj "$LW_TMP/cfg.out" 'not any(x["path"] == "proj/vendor/lib/conf.py" for x in r)'
check "the allowlist is anchored: src/vendor/ is still reported" \
	pyj "$LW_TMP/cfg.out" 'any(x["path"] == "proj/src/vendor/conf.py" for x in r)'
check "other findings stay" pyj "$LW_TMP/cfg.out" 'any(x["path"] == "proj/src/settings.py" for x in r)'
(cd proj && timeout 60 "$LEAKWALK" scan -f json . >"$LW_TMP/cfg_dot.out" 2>/dev/null)
check "the same from inside the root" pyj "$LW_TMP/cfg_dot.out" \
	'sorted(x["path"] for x in r) == ["src/acme.txt", "src/settings.py", "src/vendor/conf.py"]'
lw nocfg scan -f json --no-config proj
check "--no-config ignores .leakwalk.json" pyj "$LW_TMP/nocfg.out" \
	'not any(x["rule"] == "acme-api-key" for x in r) and any(x["path"] == "proj/vendor/lib/conf.py" for x in r)'
lw rules_list rules list --config proj/.leakwalk.json
check "rules list --config shows the new rule" grep -q '^acme-api-key ' "$LW_TMP/rules_list.out"

# --- disabling a rule -------------------------------------------------------------------
cat >proj/.leakwalk.json <<'EOF'
{ "disable": ["generic-secret-assignment"] }
EOF
lw disabled scan -f json proj
check ".leakwalk.json disables a built-in rule" \
	pyj "$LW_TMP/disabled.out" 'not any(x["rule"] == "generic-secret-assignment" for x in r)'
check "disabling one rule leaves the others" \
	pyj "$LW_TMP/disabled.out" 'not any(x["path"].endswith(".py") for x in r)'
echo '{ "disable": ["no-such-rule"] }' >proj/.leakwalk.json
lw disable_unknown scan proj
rc_is "disabling an unknown rule: exit 2" 2
check "disabling an unknown rule: the error names it" grep -q 'no-such-rule' "$LW_TMP/disable_unknown.err"

# --- allow regexes and stopwords ----------------------------------------------------------
printf '{ "allow": { "regexes": ["^%s$"], "stopwords": ["%s"] } }\n' "$G1" "${G2:2:6}" >proj/.leakwalk.json
lw allow_rx scan -f json --no-redact proj
check "allow.regexes drops a secret" pyj "$LW_TMP/allow_rx.out" 'not any(x["secret"] == a[0] for x in r)' "$G1"
check "allow.stopwords: a word inside a random secret does not drop it" pyj "$LW_TMP/allow_rx.out" 'any(x["secret"] == a[0] for x in r)' "$G2"
check "allowlists leave other secrets" pyj "$LW_TMP/allow_rx.out" 'any(x["secret"] == a[0] for x in r)' "$G3"
printf '{ "allow": { "stopwords": ["%s"] } }\n' "$G2" >proj/.leakwalk.json
lw allow_sw scan -f json --no-redact proj
check "allow.stopwords drops a secret that is the whole word" pyj "$LW_TMP/allow_sw.out" 'not any(x["secret"] == a[0] for x in r)' "$G2"
check "allow.stopwords leave other secrets" pyj "$LW_TMP/allow_sw.out" 'any(x["secret"] == a[0] for x in r)' "$G3"

# --- --config: replaces the root's file; "defaults": false ---------------------------------
echo '{ "allow": { "paths": [".*"] } }' >proj/.leakwalk.json
cat >"$LW_TMP/only-acme.json" <<'EOF'
{
  "defaults": false,
  "rules": [
    { "id": "acme-api-key", "description": "ACME API key", "regex": "\\b(acme_[0-9a-f]{24})\\b",
      "secret_group": 1, "keywords": ["acme_"] }
  ]
}
EOF
lw rootall scan -f json proj
rc_is "a root config that allows every path: exit 0" 0
lw only scan -f json --no-redact --config "$LW_TMP/only-acme.json" proj
rc_is "--config: exit 1" 1
check "--config with defaults:false: only its own rule, and the root file is not read" \
	pyj "$LW_TMP/only.out" '[(x["rule"], x["secret"]) for x in r] == [("acme-api-key", a[0])]' "$ACME"
rm proj/.leakwalk.json
# a .leakwalk.json that is a symlink is not followed out of the tree
echo '{ "allow": { "paths": [".*"] } }' >"$LW_TMP/outside-cfg.json"
ln -s "$LW_TMP/outside-cfg.json" proj/.leakwalk.json
lw cfglink scan -f json proj
check "a symlinked .leakwalk.json does not silence the scan" test "$RC" != 0
rm proj/.leakwalk.json

# --- the ignore file ---------------------------------------------------------------------
lw fp scan -f json proj
FP=$(python3 -c 'import json,sys; print([x["fingerprint"] for x in json.load(open(sys.argv[1])) if x["path"] == "proj/src/settings.py"][0])' "$LW_TMP/fp.out")
printf '# reviewed: not a real password\n\n  %s  # settings.py\n' "$FP" >proj/.leakwalkignore
lw ignored scan -f json proj
check ".leakwalkignore suppresses the listed finding" pyj "$LW_TMP/ignored.out" 'not any(x["fingerprint"] == a[0] for x in r)' "$FP"
check ".leakwalkignore leaves the others" pyj "$LW_TMP/ignored.out" 'len(r) == 2'
(cd proj && timeout 60 "$LEAKWALK" scan -f json . >"$LW_TMP/ignored_dot.out" 2>/dev/null)
check ".leakwalkignore fingerprints hold when scanning from inside the root" \
	pyj "$LW_TMP/ignored_dot.out" 'len(r) == 2 and not any(x["path"] == "src/settings.py" for x in r)'
mv proj/.leakwalkignore "$LW_TMP/elsewhere.ignore"
lw ignore_file scan -f json --ignore-file "$LW_TMP/elsewhere.ignore" proj
check "--ignore-file FILE works the same" pyj "$LW_TMP/ignore_file.out" 'len(r) == 2 and not any(x["fingerprint"] == a[0] for x in r)' "$FP"
# the fingerprint is tied to rule, path and secret: moving the file re-reports it
mkdir proj/moved
cp proj/src/settings.py proj/moved/settings.py
lw ignore_moved scan -f json --ignore-file "$LW_TMP/elsewhere.ignore" proj
check "the same secret at another path is not ignored" pyj "$LW_TMP/ignore_moved.out" 'any(x["path"] == "proj/moved/settings.py" for x in r)'
rm -r proj/moved

# a finding suppressed by the ignore file (or the baseline) keeps its secret
# redacted when another finding's line shows it
mkdir shared
P1=$(secret)
P2=$(secret)
printf 'DB_PASSWORD="%s" API_SECRET="%s"\n' "$P1" "$P2" >shared/both.env
lw shared_all scan -f json shared
check "two findings on one line" pyj "$LW_TMP/shared_all.out" 'len(r) == 2'
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["fingerprint"])' "$LW_TMP/shared_all.out" >"$LW_TMP/shared.ignore"
python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))[:1], open(sys.argv[2], "w"))' "$LW_TMP/shared_all.out" "$LW_TMP/shared-baseline.json"
for f in text sarif json csv; do
	lw "shared_ign_$f" scan -f "$f" --ignore-file "$LW_TMP/shared.ignore" shared
	not_in_file "$f: an ignored secret stays redacted on another finding's line" "$P1" "$LW_TMP/shared_ign_$f.out"
	not_in_file "$f: the remaining secret is redacted" "$P2" "$LW_TMP/shared_ign_$f.out"
	lw "shared_base_$f" scan -f "$f" --baseline "$LW_TMP/shared-baseline.json" shared
	not_in_file "$f: a baselined secret stays redacted on another finding's line" "$P1" "$LW_TMP/shared_base_$f.out"
done
check "the ignore file left one finding" pyj "$LW_TMP/shared_ign_json.out" 'len(r) == 1'

# --- the baseline --------------------------------------------------------------------------
lw baseline_make scan -f json -o "$LW_TMP/baseline.json" proj
lw baseline_same scan -f json --baseline "$LW_TMP/baseline.json" proj
rc_is "--baseline, nothing new: exit 0" 0
check "--baseline, nothing new: empty report" pyj "$LW_TMP/baseline_same.out" 'r == []'
N1=$(secret)
printf 'new_secret = "%s"\n' "$N1" >proj/src/new.py
lw baseline_new scan -f json --no-redact --baseline "$LW_TMP/baseline.json" proj
rc_is "--baseline, one new secret: exit 1" 1
check "--baseline: only the new secret is reported" pyj "$LW_TMP/baseline_new.out" '[x["secret"] for x in r] == [a[0]]' "$N1"
lw baseline_jsonl_make scan -f jsonl -o "$LW_TMP/baseline.jsonl" proj
lw baseline_jsonl scan -f json --baseline "$LW_TMP/baseline.jsonl" proj
rc_is "--baseline in jsonl: nothing new, exit 0" 0
rm proj/src/new.py
# a clean scan's jsonl report is an empty file: still a valid baseline
mkdir cleanproj
echo "nothing here" >cleanproj/readme.txt
lw empty_jsonl_make scan -f jsonl -o "$LW_TMP/empty.jsonl" cleanproj
check "a clean jsonl report is empty" test ! -s "$LW_TMP/empty.jsonl"
lw empty_jsonl scan -f json --baseline "$LW_TMP/empty.jsonl" cleanproj
rc_is "--baseline with an empty jsonl report (a clean scan's): exit 0" 0
lw empty_json_make scan -f json -o "$LW_TMP/empty.json" cleanproj
lw empty_json scan -f json --baseline "$LW_TMP/empty.json" cleanproj
rc_is "--baseline with an empty json report: exit 0" 0

# --- inline allow ------------------------------------------------------------------------
mkdir inline
A1=$(secret)
A2=$(secret)
{
	printf 'db_secret = "%s"  # leakwalk:allow (test fixture)\n' "$A1"
	printf 'other_secret = "%s"\n' "$A2"
	printf '// LEAKWALK:ALLOW on its own line does not cover the next\n'
} >inline/a.py
lw inline scan -f json --no-redact inline
check "leakwalk:allow on the line suppresses it" pyj "$LW_TMP/inline.out" '[x["secret"] for x in r] == [a[0]]' "$A2"
lw inline_off scan -f json --no-redact --no-inline-allow inline
check "--no-inline-allow reports it anyway" pyj "$LW_TMP/inline_off.out" 'sorted(x["secret"] for x in r) == sorted(a)' "$A1" "$A2"
printf 'x = 1\r\ndb_secret = "%s"\r\n# leakwalk:allow\r\n' "$A1" >inline/crlf.py
lw inline_crlf scan -f json --no-redact inline/crlf.py
check "the marker on the next CRLF line does not count" pyj "$LW_TMP/inline_crlf.out" 'len(r) == 1 and r[0]["line"] == 2'

# --- built-in rules: a list of variable names holds no value ----------------------------
mkdir names
# (assembled here, so this script itself does not hold such a line)
v=PASSWORD
{
	printf 'ENV_NAMES = ("REDIS_%s", "DATADOG_API_KEY")\n' "$v"
	printf 'REQUIRED = ["DB_%s", "SENTRY_AUTH_TOKEN", "JWT_SECRET"]\n' "$v"
	printf 'env = {"POSTGRES_%s": "", "MYSQL_%s": None}\n' "$v" "$v"
} >names/settings.py
lw names scan -f json names
rc_is "tuples and lists of environment variable names: nothing reported" 0

finish
