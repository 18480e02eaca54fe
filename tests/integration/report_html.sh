#!/bin/bash
# report_html.sh - the HTML report: one self-contained page (no network, inline
# CSS and JS), every hostile string escaped, the embedded JSON unable to close
# its <script> element, secrets redacted unless --no-redact; rendered in
# headless Chromium, the DOM holds one row per finding, the summaries and the
# timeline, and filters from the URL work. Without chromium the browser part
# is skipped (with a message) and the static checks still run.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

# A history over several months: secrets added, one removed, hostile names.
git init -q repo
cd repo || exit 1
SECRETS=()
month=0
for m in 2023-11 2024-01 2024-01 2024-03 2024-06; do
	month=$((month + 1))
	s=$(secret)
	SECRETS+=("$s")
	export GIT_AUTHOR_DATE="${m}-15T12:00:00Z" GIT_COMMITTER_DATE="${m}-15T12:00:00Z"
	test_commit "svc$month/app.env" "DB_PASSWORD=\"$s\"" "add service $month"
done
s=$(secret)
SECRETS+=("$s")
export GIT_AUTHOR_DATE="2024-07-01T12:00:00Z" GIT_COMMITTER_DATE="2024-07-01T12:00:00Z"
GIT_AUTHOR_NAME='<img src=x onerror=document.title="PWNED">' \
	test_commit 'odd<b>&"path.yml' "client_secret: \"$s\"" \
	"$(printf 'x </script><script>document.title="PWNED"</script> <!-- \xe2\x80\xa8 -->')"
git rm -q svc2/app.env
git commit -q -m "remove service 2's password"
unset GIT_AUTHOR_DATE GIT_COMMITTER_DATE
cd "$LW_TMP" || exit 1

lw json audit -f json repo
N=$(json_val "$LW_TMP/json.out" 'len(r)')
check "six findings to render" test "$N" = 6
lw html audit -f html -o "$LW_TMP/report.html" repo
rc_is "html: exit 1" 1
H=$LW_TMP/report.html
check "html: the report file is 0600" test "$(stat -c %a "$H")" = 600

# --- static checks -------------------------------------------------------------------
for s in "${SECRETS[@]}"; do not_in_file "html: redacted by default" "$s" "$H"; done
check_grep "html: a document" '^<!DOCTYPE html>' "$H"
check_grep "html: a CSP forbids every network request" "Content-Security-Policy\" content=\"default-src 'none'" "$H"
check_no_grep "html: no external resource" '(src|href|action)=["'\'']?(https?:)?//|<link|@import|url\(' "$H"
check_no_grep "html: the injected script is not in the page" '<script>document\.title' "$H"
check_no_grep "html: the injected tag is not in the page" '<img' "$H"
check_no_grep "html: the hostile path is escaped" 'odd<b>' "$H"
check "html: the embedded JSON parses, holds every finding, and cannot end its element" \
	python3 - "$H" "$N" <<'PY'
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<script type="application/json" id="lw-data">(.*?)</script>', page, re.S)
raw = m.group(1)
assert "<" not in raw and ">" not in raw and "&" not in raw, "raw < > & in the data"
assert "\u2028" not in raw and "\u2029" not in raw
data = json.loads(raw)
assert len(data) == int(sys.argv[2]), len(data)
assert any("</script>" in (d["message"] or "") for d in data), "the message lost its text"
assert any("\u2028" in (d["message"] or "") or "\\u2028" in (d["message"] or "") for d in data)
assert sum(1 for d in data if d["present"] == []) == 1, [d["present"] for d in data]
PY
check "html: one server-rendered row per finding" test "$(grep -c '<tr data-i=' "$H")" = "$N"
lw html_nr audit -f html --no-redact -o "$LW_TMP/noredact.html" repo
for s in "${SECRETS[@]}"; do in_file "html --no-redact: the secret is shown" "$s" "$LW_TMP/noredact.html"; done
git init -q clean
(cd clean && test_commit README "nothing to see")
lw html_clean audit -f html -o "$LW_TMP/clean.html" clean
rc_is "html: exit 0 when nothing is found" 0
check_grep "html: says so when nothing is found" 'No secrets found' "$LW_TMP/clean.html"

# --- in a browser --------------------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROMIUM" ]; then
	skip_case "chromium is not installed: the page was not rendered in a browser (apt-get install chromium)"
	finish
	exit
fi
browse() { # browse OUT URL [FLAGS...]
	local out=$1 url=$2
	shift 2
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --disable-extensions \
		--host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$(mktemp -d "$LW_TMP/chr.XXXXXX")" \
		"$@" "$url" >"$out" 2>"$out.err"
}
browse "$LW_TMP/dom.html" "file://$H" --dump-dom
check "chromium: the page renders" test -s "$LW_TMP/dom.html"
check_grep "chromium: the script ran to the end" 'data-ready="1"' "$LW_TMP/dom.html"
check "chromium: one row per finding in the DOM" test "$(grep -o '<tr data-i="[0-9]*"' "$LW_TMP/dom.html" | wc -l)" = "$N"
check_grep "chromium: every row shown" "id=\"lw-shown\">showing $N of $N<" "$LW_TMP/dom.html"
check_grep "chromium: the title is ours, no injected script ran" "<title>leakwalk report: $N findings</title>" "$LW_TMP/dom.html"
check_no_grep "chromium: no injected element" '<img' "$LW_TMP/dom.html"
check "chromium: counts by severity and by rule" python3 - "$LW_TMP/dom.html" <<'PY'
import re, sys
d = open(sys.argv[1], encoding="utf-8").read()
sev = re.search(r'id="lw-by-sev">(.*?)</table>', d, re.S).group(1)
rule = re.search(r'id="lw-by-rule">(.*?)</table>', d, re.S).group(1)
assert sev.count("<tr") >= 1 and rule.count("<tr") >= 2, (sev, rule)
assert "database-password-variable" in rule
PY
check "chromium: a timeline bar per month from 2023-11 to 2024-07" python3 - "$LW_TMP/dom.html" <<'PY'
import re, sys
d = open(sys.argv[1], encoding="utf-8").read()
cols = re.findall(r'<div class="tcol" title="([^"]*)"', d)
assert len(cols) == 9, cols
assert cols[0].startswith("2023-11: 1 introduced") and cols[-1].startswith("2024-07: 1 introduced"), cols
assert any("2024-01: 2 introduced (1 still present, 1 only in history" in c for c in cols), cols
assert 't-gone' in d and 't-present' in d
PY
for s in "${SECRETS[@]}"; do not_in_file "chromium: the rendered page holds no secret" "$s" "$LW_TMP/dom.html"; done
browse "$LW_TMP/filtered.html" "file://$H#q=odd&sort=date&dir=desc" --dump-dom
check_grep "chromium: a filter in the URL hides the other rows" "id=\"lw-shown\">showing 1 of $N<" "$LW_TMP/filtered.html"
check "chromium: sorted by date, newest first" python3 - "$LW_TMP/filtered.html" <<'PY'
import re, sys
d = open(sys.argv[1], encoding="utf-8").read()
assert 'data-key="date" tabindex="0" aria-sort="descending"' in d or \
       re.search(r'<th data-key="date"[^>]*aria-sort="descending"', d), "not sorted"
dates = re.findall(r'<td class="mono nw" title="(\d{4}-\d\d-\d\d)', d)
assert dates == sorted(dates, reverse=True) and len(dates) == 6, dates
PY
browse "$LW_TMP/shot.out" "file://$H" --hide-scrollbars --window-size=1280,1600 \
	--screenshot="$LW_TMP/report.png"
check "chromium: a screenshot" test "$(stat -c %s "$LW_TMP/report.png" 2>/dev/null || echo 0)" -gt 20000
if [ -n "${LW_KEEP_SCREENSHOT:-}" ]; then cp "$LW_TMP/report.png" "$LW_KEEP_SCREENSHOT"; fi

finish
