#!/bin/bash
# report_html_view.sh - the HTML report as a person meets it, in headless
# Chromium driven over the DevTools protocol (html_cdp.py): the findings
# table starts on the first screen even with many rules, its rows come most
# severe first and, within a severity, still present before history-only,
# each row has the fingerprint to copy into .leakwalkignore, and typing in
# the filter (and choosing a severity, sorting) updates the URL fragment.
# Without chromium: exit 77.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 77
fi
cdp() { timeout 120 python3 "$LW_TESTS_DIR/integration/html_cdp.py" "$CHROMIUM" "$@"; }

# history in commit order: medium, high (later removed), high, critical
git init -q repo && cd repo || exit 1
test_commit a.env "$(pwline)" "medium first"
test_commit gone.env "GROQ_API_KEY=gsk_$(rand_alnum 52)" "a high one, removed below"
git rm -q gone.env && git commit -qm "remove it"
test_commit b.env "GROQ_API_KEY=gsk_$(rand_alnum 52)" "a high one that stays"
test_commit c.env "ANTHROPIC_ADMIN_KEY=sk-ant-admin01-$(rand_alnum 80)-$(rand_alnum 12)AA" "critical last"
cd "$LW_TMP" || exit 1
"$LEAKWALK" audit -q --no-config -f json -o "$LW_TMP/r.json" repo
"$LEAKWALK" audit -q --no-config -f html -o "$LW_TMP/r.html" repo
check "four findings" pyj "$LW_TMP/r.json" 'len(r) == 4'
check "the report itself is in commit order (so the table's order is the page's own)" \
	pyj "$LW_TMP/r.json" '[x["severity"] for x in r][0] == "medium"'

cdp "$LW_TMP/r.html" 1366 768 gsk >"$LW_TMP/m.json"
check "chromium measured the page" pyj "$LW_TMP/m.json" 'r["rows"]'
check "rows: most severe first, then still present before history only" pyj "$LW_TMP/m.json" '
[(x[0], x[1]) for x in r["rows"]] == [(4, "present"), (3, "present"), (3, "gone"), (2, "present")]'
check "rows: the last cell is the finding's fingerprint" python3 - "$LW_TMP/m.json" "$LW_TMP/r.json" <<'PY'
import json, sys
m, j = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert all(row[3] == row[2] for row in m["rows"]), m["rows"]
assert sorted(row[2] for row in m["rows"]) == sorted(x["fingerprint"] for x in j)
PY
check_grep "the fingerprint column is in the static page" '<th data-key="fingerprint"' "$LW_TMP/r.html"
check "no fragment before typing" pyj "$LW_TMP/m.json" 'r["hash_before"] == ""'
check "typing in the filter writes it into the fragment" pyj "$LW_TMP/m.json" 'r["hash_after_typing"] == "#q=gsk"'
check "typing in the filter filters" pyj "$LW_TMP/m.json" 'r["shown_after_typing"] == "showing 2 of 4"'
check "choosing a severity adds it to the fragment" pyj "$LW_TMP/m.json" 'r["hash_after_severity"] == "#q=gsk&sev=3"'
check "sorting adds it to the fragment" pyj "$LW_TMP/m.json" 'r["hash_after_sort"] == "#q=gsk&sev=3&sort=date"'

# many rules: a saved report with fourteen (made here, secrets redacted)
python3 - "$LW_TMP/many.json" <<'PY'
import json, random, sys
rnd = random.Random(7)
out = []
for i in range(28):
    out.append({"rule": "rule-number-%02d" % (i % 14), "description": "rule %d" % (i % 14),
                "severity": ["low", "medium", "high", "critical"][i % 4], "path": "dir/file%d.env" % i,
                "line": 1, "column": 5, "end_line": 1, "end_column": 20, "secret": "ab*****",
                "match": "k=ab*****", "line_text": "k=ab*****", "entropy": 3.5,
                "commit": "%040x" % rnd.getrandbits(160), "author": "A", "email": "a@example.com",
                "date": "2024-%02d-01T00:00:00+00:00" % (1 + i % 12), "message": "m", "blob": None,
                "fingerprint": "%032x" % rnd.getrandbits(128), "present": [] if i % 3 else ["refs/heads/main"]})
json.dump(out, open(sys.argv[1], "w"))
PY
"$LEAKWALK" report -q -f html -o "$LW_TMP/many.html" "$LW_TMP/many.json"
cdp "$LW_TMP/many.html" 1366 768 x >"$LW_TMP/many.m.json"
check "many rules: the table starts on the first screen (1366x768)" pyj "$LW_TMP/many.m.json" '
r["table_top"] < r["viewport_height"] - 100'
check "many rules: its first row is on the first screen" pyj "$LW_TMP/many.m.json" '
r["first_row_bottom"] <= r["viewport_height"]'
finish
