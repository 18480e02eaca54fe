#!/bin/bash
# report_schemas.sh - real reports against their schemas: SARIF (scan and
# audit, with findings and without) against the official SARIF 2.1.0 schema
# that GitHub's upload applies (tests/fixtures/schemas/, from the npm package
# @microsoft/jest-sarif), and the GitLab report against our transcription of
# GitLab's documented model-15 constraints (see tests/fixtures/schemas/README.md).
# Validated with Debian's python3-jsonschema; skipped (77) without it.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	echo "SKIP: python3-jsonschema is not installed"
	exit 77
fi
SCHEMAS=$LW_TESTS_DIR/fixtures/schemas

# validate SCHEMA REPORT: every error is printed, with where it is
validate() {
	python3 - "$1" "$2" <<'PY'
import json, sys, jsonschema  # noqa
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errs = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errs[:20]:
    print("  %s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:200]), file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}
# refuses DESC SCHEMA DOC: passes when validation fails
refuses() { if validate "$2" "$3" 2>/dev/null; then fail "$1"; else ok; fi; }

git init -q repo
cd repo || exit 1
test_commit app.env "$(pwline)" "add the app config"
test_commit conf/db.yml "password: \"$(secret)\"" "add db"
printf 'k: 1\n' >conf/db.yml
git commit -qam "remove the password"
cd "$LW_TMP" || exit 1
mkdir plain && pwline >plain/settings.env && cp repo/conf/db.yml plain/
git init -q clean && (cd clean && test_commit README "nothing here")

lw sarif_audit audit -f sarif repo
rc_is "sarif audit: exit 1" 1
check "sarif audit: results to validate" pyj "$LW_TMP/sarif_audit.out" 'len(r["runs"][0]["results"]) == 2'
check "sarif audit: valid against the SARIF 2.1.0 schema" validate "$SCHEMAS/sarif-2.1.0-rtm.5.json" "$LW_TMP/sarif_audit.out"
check "sarif: no rule repeats a tag" pyj "$LW_TMP/sarif_audit.out" '
all(len(t) == len(set(t)) and t[:2] == ["security", "secret"]
    for t in (x["properties"]["tags"] for x in r["runs"][0]["tool"]["driver"]["rules"]))'
check "sarif: a rule's own tags are kept" pyj "$LW_TMP/sarif_audit.out" '
any(len(x["properties"]["tags"]) > 2 for x in r["runs"][0]["tool"]["driver"]["rules"])'
lw sarif_nr audit -f sarif --no-redact repo
check "sarif audit --no-redact: valid" validate "$SCHEMAS/sarif-2.1.0-rtm.5.json" "$LW_TMP/sarif_nr.out"
lw sarif_scan scan -f sarif plain
rc_is "sarif scan: exit 1" 1
check "sarif scan: valid" validate "$SCHEMAS/sarif-2.1.0-rtm.5.json" "$LW_TMP/sarif_scan.out"
lw sarif_clean audit -f sarif clean
rc_is "sarif clean: exit 0" 0
check "sarif with no result: valid" validate "$SCHEMAS/sarif-2.1.0-rtm.5.json" "$LW_TMP/sarif_clean.out"
# the check can fail: a duplicate tag is refused
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["runs"][0]["tool"]["driver"]["rules"][0]["properties"]["tags"].append("secret"); json.dump(d, open(sys.argv[2], "w"))' \
	"$LW_TMP/sarif_audit.out" "$LW_TMP/dup.sarif"
refuses "the validator refuses a duplicate tag" "$SCHEMAS/sarif-2.1.0-rtm.5.json" "$LW_TMP/dup.sarif"

G=$SCHEMAS/gitlab-secret-detection-15.json
lw gl_audit audit -f gitlab repo
rc_is "gitlab audit: exit 1" 1
check "gitlab audit: vulnerabilities to validate" pyj "$LW_TMP/gl_audit.out" 'len(r["vulnerabilities"]) == 2'
check "gitlab audit: valid against the model-15 field list" validate "$G" "$LW_TMP/gl_audit.out"
check "gitlab: no field that schema 15 removed" pyj "$LW_TMP/gl_audit.out" '
not any({"category", "scanner", "cve", "confidence", "message"} & set(v) for v in r["vulnerabilities"])'
lw gl_scan scan -f gitlab plain
check "gitlab scan: valid" validate "$G" "$LW_TMP/gl_scan.out"
lw gl_clean audit -f gitlab clean
check "gitlab with nothing found: valid" validate "$G" "$LW_TMP/gl_clean.out"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["vulnerabilities"][0]["category"]="secret_detection"; json.dump(d, open(sys.argv[2], "w"))' \
	"$LW_TMP/gl_audit.out" "$LW_TMP/cat.json"
refuses "the validator refuses vulnerabilities[].category" "$G" "$LW_TMP/cat.json"
finish
