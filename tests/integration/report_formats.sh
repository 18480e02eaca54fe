#!/bin/bash
# report_formats.sh - the CI report formats: junit is well-formed XML with one
# failing test case per finding (and a passing one when there is none), with
# hostile paths and messages escaped; gitlab is GitLab's secret-detection
# report with every field the schema requires; neither holds a secret unless
# --no-redact.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

S1=$(secret)
S2=$(secret)
S3=$(secret)
git init -q repo
cd repo || exit 1
test_commit app.env "DB_PASSWORD=\"$S1\"" 'add app.env </failure> ]]> & "quotes"'
HOSTILE='we<i>rd & "odd" '\''name'\''.yml'
test_commit "$HOSTILE" "client_secret: \"$S2\"" "add a hostile path"
printf 'nothing here\n' >app.env
git commit -q -am "remove the password"
test_commit conf/db.yml "password: \"$S3\"" "add db.yml"
cd "$LW_TMP" || exit 1

# the reference: what the JSON report holds
lw json audit -f json repo
rc_is "json: exit 1" 1
N=$(json_val "$LW_TMP/json.out" 'len(r)')
check "json: three findings to compare with" test "$N" = 3

# --- junit ---------------------------------------------------------------------------
lw junit audit -f junit repo
rc_is "junit: exit 1 when secrets are found" 1
check "junit: well-formed, one suite leakwalk, one failing case per finding" python3 - "$LW_TMP/junit.out" "$LW_TMP/json.out" <<'PY'
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ref = json.load(open(sys.argv[2]))
suites = root.findall("testsuite") if root.tag == "testsuites" else [root]
assert len(suites) == 1 and suites[0].get("name") == "leakwalk", suites
s = suites[0]
cases = s.findall("testcase")
failing = [c for c in cases if c.find("failure") is not None]
assert len(failing) == len(ref) == int(s.get("failures")) == int(s.get("tests")), (len(failing), len(ref))
for c in failing:
    f = c.find("failure")
    assert c.get("classname", "").startswith("leakwalk.") and f.get("type") and f.get("message"), c.attrib
    assert c.get("file") and int(c.get("line")) >= 1, c.attrib
want = sorted((x["path"], x["line"], x["rule"]) for x in ref)
got = sorted((c.get("file"), int(c.get("line")), c.find("failure").get("type")) for c in failing)
assert want == got, (want, got)
PY
check "junit: the hostile path survives escaping" python3 - "$LW_TMP/junit.out" "$HOSTILE" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert any(c.get("file") == sys.argv[2] for c in root.iter("testcase"))
PY
check "junit: the commit message is escaped text" python3 - "$LW_TMP/junit.out" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert any("</failure> ]]> & \"quotes\"" in (f.text or "") for f in root.iter("failure"))
PY
for s in "$S1" "$S2" "$S3"; do not_in_file "junit: redacted" "$s" "$LW_TMP/junit.out"; done
lw junit_nr audit -f junit --no-redact repo
in_file "junit --no-redact: the secret is shown" "$S3" "$LW_TMP/junit_nr.out"

git init -q clean
(cd clean && test_commit README "nothing to see")
lw junit_clean audit -f junit clean
rc_is "junit: exit 0 when nothing is found" 0
check "junit: no findings is one passing test case" python3 - "$LW_TMP/junit_clean.out" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = list(root.iter("testcase"))
assert len(cases) == 1 and cases[0].find("failure") is None and cases[0].find("error") is None
assert root.find("testsuite").get("failures") == "0"
PY

# --- gitlab ---------------------------------------------------------------------------
lw gitlab audit --format gitlab repo
rc_is "gitlab: exit 1" 1
check "gitlab: valid JSON" json_valid "$LW_TMP/gitlab.out"
check "gitlab: schema 15.0.7 with vulnerabilities and scan" pyj "$LW_TMP/gitlab.out" '
r["version"] == "15.0.7" and isinstance(r["vulnerabilities"], list) and len(r["vulnerabilities"]) == 3'
check "gitlab: every vulnerability has the required fields" pyj "$LW_TMP/gitlab.out" '
all(isinstance(v["id"], str) and v["id"] and not {"category", "scanner", "cve", "confidence", "message"} & set(v) and v["name"] and
    v["description"] and v["severity"] in ("Critical", "High", "Medium", "Low", "Info", "Unknown") and
    v["location"]["file"] and v["location"]["start_line"] >= 1 and
    v["location"].get("end_line", v["location"]["start_line"]) >= v["location"]["start_line"] and
    len(v["location"]["commit"]["sha"]) == 40 and v["location"]["commit"]["author"] and
    v["location"]["commit"]["date"] and "message" in v["location"]["commit"] and
    v["identifiers"][0]["type"] == "leakwalk_rule_id" and v["identifiers"][0]["name"] and
    v["identifiers"][0]["value"] for v in r["vulnerabilities"])'
check "gitlab: ids are unique" pyj "$LW_TMP/gitlab.out" 'len(set(v["id"] for v in r["vulnerabilities"])) == 3'
check "gitlab: the same findings as the JSON report" python3 - "$LW_TMP/gitlab.out" "$LW_TMP/json.out" <<'PY'
import json, sys
g, j = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
a = sorted((v["location"]["file"], v["location"]["start_line"], v["identifiers"][0]["value"],
            v["location"]["commit"]["sha"]) for v in g["vulnerabilities"])
b = sorted((x["path"], x["line"], x["rule"], x["commit"]) for x in j)
assert a == b, (a, b)
PY
check "gitlab: scan has analyzer, scanner, type, times and status" pyj "$LW_TMP/gitlab.out" '
__import__("re").match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", r["scan"]["start_time"]) and
__import__("re").match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", r["scan"]["end_time"]) and
r["scan"]["start_time"] <= r["scan"]["end_time"] and r["scan"]["type"] == "secret_detection" and
r["scan"]["status"] == "success" and
all(r["scan"][k]["id"] == "leakwalk" and r["scan"][k]["name"] and r["scan"][k]["vendor"]["name"] and
    r["scan"][k]["version"] for k in ("analyzer", "scanner"))'
check "gitlab: stable ids across runs" bash -c 'diff <(python3 -c "import json,sys;print(sorted(v[\"id\"] for v in json.load(open(sys.argv[1]))[\"vulnerabilities\"]))" "$1") <("$2" audit -q -f gitlab "$3" | python3 -c "import json,sys;print(sorted(v[\"id\"] for v in json.load(sys.stdin)[\"vulnerabilities\"]))")' _ "$LW_TMP/gitlab.out" "$LEAKWALK" repo
for s in "$S1" "$S2" "$S3"; do not_in_file "gitlab: redacted" "$s" "$LW_TMP/gitlab.out"; done
lw gitlab_scan scan -f gitlab repo/conf
rc_is "gitlab scan: exit 1" 1
check "gitlab: outside git the commit is the placeholder the schema needs" pyj "$LW_TMP/gitlab_scan.out" '
len(r["vulnerabilities"]) == 1 and r["vulnerabilities"][0]["location"]["commit"] == {"sha": "0000000"}'
lw gitlab_clean audit -f gitlab clean
rc_is "gitlab: exit 0 when nothing is found" 0
check "gitlab: no findings is an empty list and a successful scan" pyj "$LW_TMP/gitlab_clean.out" '
r["vulnerabilities"] == [] and r["scan"]["status"] == "success"'

# --- option handling --------------------------------------------------------------------
lw badfmt scan -f yaml repo
rc_is "an unknown format is a usage error" 2
check_grep "the error lists the new formats" 'junit, gitlab or html' "$LW_TMP/badfmt.err"
lw help scan --help
check_grep "--help lists the new formats" 'junit, gitlab or html' "$LW_TMP/help.out"
lw junit_file audit -f junit -o "$LW_TMP/report.xml" repo
check "junit -o: the report file is 0600" test "$(stat -c %a "$LW_TMP/report.xml")" = 600

finish
