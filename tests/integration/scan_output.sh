#!/bin/bash
# scan_output.sh - what `leakwalk scan` writes: every format is valid, the
# report file is 0600 and never written through a planted symlink, secrets
# are redacted unless --no-redact, hostile paths are escaped, line numbers
# hold under CRLF and lone CR, and stdin works.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

S1=$(secret)
S2=$(secret)
mkdir tree
printf 'DB_PASSWORD="%s"\n' "$S1" >tree/app.env
printf '# config\nclient_secret: "%s"\n' "$S2" >tree/conf.yml

# --- every format parses ----------------------------------------------------------
lw text scan tree
rc_is "text: exit 1" 1
check "text: one line per finding names path:line:column" grep -Eq '^tree/app\.env:1:[0-9]+: ' "$LW_TMP/text.out"
check "text: the second file is reported on line 2" grep -Eq '^tree/conf\.yml:2:[0-9]+: ' "$LW_TMP/text.out"
lw json scan -f json tree
check "json: valid (json.tool)" json_valid "$LW_TMP/json.out"
check "json: two findings with every contract field" pyj "$LW_TMP/json.out" '
len(r) == 2 and all(set(["rule","description","severity","path","line","column","end_line","end_column",
  "secret","match","entropy","commit","author","email","date","message","blob","fingerprint"]) <= set(x)
  for x in r)'
check "json: outside git, commit and blob are null" pyj "$LW_TMP/json.out" 'all(x["commit"] is None and x["blob"] is None for x in r)'
check "json: fingerprints are 32 hex digits" pyj "$LW_TMP/json.out" \
	'all(len(x["fingerprint"]) == 32 and all(c in "0123456789abcdef" for c in x["fingerprint"]) for x in r)'
lw jsonl scan --format jsonl tree
mv "$LW_TMP/jsonl.out" "$LW_TMP/report.jsonl"
check "jsonl: one JSON object per line" pyj "$LW_TMP/report.jsonl" 'len(r) == 2 and all(isinstance(x, dict) for x in r)'
check "jsonl: each line alone is valid" bash -c 'while IFS= read -r l; do printf "%s" "$l" | "$LW_PY" -m json.tool >/dev/null || exit 1; done <"$1"' _ "$LW_TMP/report.jsonl"
lw sarif scan --format sarif tree
check "sarif: valid (json.tool)" json_valid "$LW_TMP/sarif.out"
check "sarif: 2.1.0 with rules, results, locations, fingerprints" pyj "$LW_TMP/sarif.out" '
r["version"] == "2.1.0" and len(r["runs"]) == 1 and
len(r["runs"][0]["tool"]["driver"]["rules"]) > 0 and len(r["runs"][0]["results"]) == 2 and
all(x["ruleId"] and x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("tree/")
    and x["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    and x["partialFingerprints"] for x in r["runs"][0]["results"])'
check "sarif: every ruleIndex names its ruleId" pyj "$LW_TMP/sarif.out" '
all("ruleIndex" not in x or r["runs"][0]["tool"]["driver"]["rules"][x["ruleIndex"]]["id"] == x["ruleId"]
    for x in r["runs"][0]["results"])'
lw csv scan --format csv tree
check "csv: a header and two records, all the same width" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
sys.exit(not (len(rows) == 3 and rows[0][0] == "rule" and len(set(map(len, rows))) == 1))' "$LW_TMP/csv.out"
lw badfmt scan --format yaml tree
rc_is "an unknown format is a usage error" 2
mkdir clean && echo "hello" >clean/readme.txt
lw clean_json scan -f json clean
check "json: no finding is an empty array" pyj "$LW_TMP/clean_json.out" 'r == []'
lw clean_sarif scan -f sarif clean
check "sarif: no finding is still valid SARIF" pyj "$LW_TMP/clean_sarif.out" 'r["runs"][0]["results"] == []'

# --- redaction ---------------------------------------------------------------------
for f in text json jsonl sarif csv; do
	lw "red_$f" scan -f "$f" tree
	not_in_file "$f: the first secret is redacted by default" "$S1" "$LW_TMP/red_$f.out"
	not_in_file "$f: the second secret is redacted by default" "$S2" "$LW_TMP/red_$f.out"
	not_in_file "$f: nothing on stderr shows a secret" "$S1" "$LW_TMP/red_$f.err"
done
k=$((${#S1} / 5))
[ "$k" -gt 4 ] && k=4
check "text: the redacted form keeps a short prefix (a fifth, at most 4) and stars" grep -qF "\"${S1:0:k}*****\"" "$LW_TMP/red_text.out"
for f in text json jsonl csv; do
	lw "nored_$f" scan -f "$f" --no-redact tree
	in_file "$f --no-redact: the secret is shown" "$S1" "$LW_TMP/nored_$f.out"
done
check "json --no-redact: the secret field is the secret" pyj "$LW_TMP/nored_json.out" \
	'sorted(x["secret"] for x in r) == sorted(a)' "$S1" "$S2"
# two secrets on one line: neither shows when redacted
mkdir twoline
T1=$(secret)
T2=$(secret)
printf 'DB_PASSWORD="%s" API_SECRET="%s"\n' "$T1" "$T2" >twoline/both.env
for f in text json sarif csv; do
	lw "two_$f" scan -f "$f" twoline
	not_in_file "$f: two secrets on one line: the first stays redacted" "$T1" "$LW_TMP/two_$f.out"
	not_in_file "$f: two secrets on one line: the second stays redacted" "$T2" "$LW_TMP/two_$f.out"
done

# --- --output -------------------------------------------------------------------------
lw out scan -f json -o "$LW_TMP/report.json" tree
rc_is "--output: exit 1 (findings)" 1
check "--output: nothing on stdout" test ! -s "$LW_TMP/out.out"
check "--output: the report is valid JSON" json_valid "$LW_TMP/report.json"
check "--output: mode 0600" test "$(stat -c %a "$LW_TMP/report.json")" = 600
# an existing world-readable report is replaced by a 0600 one
echo old >"$LW_TMP/old.json"
chmod 644 "$LW_TMP/old.json"
lw out2 scan -f json -o "$LW_TMP/old.json" tree
check "--output over an existing 0644 file: now 0600" test "$(stat -c %a "$LW_TMP/old.json")" = 600
check "--output over an existing file: replaced" json_valid "$LW_TMP/old.json"
check "--output: no temporary file is left behind" test -z "$(ls "$LW_TMP" | grep -F '.tmp-')"
# a symlink planted where the report goes is refused, and its target untouched
echo precious >"$LW_TMP/victim"
ln -s "$LW_TMP/victim" "$LW_TMP/planted.json"
lw planted scan -f json -o "$LW_TMP/planted.json" tree
rc_is "--output onto a symlink: refused (exit 2)" 2
check "--output onto a symlink: the target is untouched" test "$(cat "$LW_TMP/victim")" = precious
check "--output onto a symlink: the link is still a link" test -L "$LW_TMP/planted.json"
check "--output onto a symlink: the error names the path" grep -q 'planted.json' "$LW_TMP/planted.err"
ln -s "$LW_TMP/nowhere/new" "$LW_TMP/dangling.json"
lw dangling scan -f json -o "$LW_TMP/dangling.json" tree
rc_is "--output onto a dangling symlink: refused (exit 2)" 2
check "--output onto a dangling symlink: nothing created at its target" test ! -e "$LW_TMP/nowhere/new"
mkdir "$LW_TMP/adir"
lw outdir scan -f json -o "$LW_TMP/adir" tree
rc_is "--output onto a directory: refused (exit 2)" 2
lw outmissing scan -f json -o "$LW_TMP/no/such/dir/r.json" tree
check "--output into a missing directory fails (exit 2 or 3)" test "$RC" = 2 -o "$RC" = 3

# --- hostile file names -----------------------------------------------------------
mkdir hostile
H=$(printf 'hostile/evil\033[2J\033]0;x\007\342\200\256vne.txt\302\205.env')
pwline >"$H"
lw hostile_text scan hostile
check "text: no raw ESC, BEL, U+202E or U+0085 reaches the terminal" \
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(b in d for b in (b"\x1b", b"\x07", b"\xe2\x80\xae", b"\xc2\x85")))' "$LW_TMP/hostile_text.out"
in_file "text: ESC is shown as \\x1b" 'evil\x1b[2J\x1b]0;x\x07\u202evne.txt\u0085.env' "$LW_TMP/hostile_text.out"
check "stderr: no raw ESC either" python3 -c 'import sys; sys.exit(b"\x1b" in open(sys.argv[1], "rb").read())' "$LW_TMP/hostile_text.err"
lw hostile_json scan -f json hostile
check "json: valid with a hostile path" json_valid "$LW_TMP/hostile_json.out"
check "json: the path comes back exactly" pyj "$LW_TMP/hostile_json.out" 'len(r) == 1 and r[0]["path"] == a[0]' "$H"
check "json: no raw control byte in the file" python3 -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.exit(any(c < 32 and c != 10 for c in d))' "$LW_TMP/hostile_json.out"
lw hostile_sarif scan -f sarif hostile
check "sarif: valid with a hostile path" json_valid "$LW_TMP/hostile_sarif.out"
lw hostile_csv scan -f csv hostile
check "csv: no raw ESC" python3 -c 'import sys; sys.exit(b"\x1b" in open(sys.argv[1], "rb").read())' "$LW_TMP/hostile_csv.out"
# a path that starts with a formula character is neutralised in CSV
mkdir formula
pwline >"formula/=cmd|' calc'!A0.env"
(cd formula && timeout 60 "$LEAKWALK" scan -f csv . >"$LW_TMP/formula.csv" 2>/dev/null)
check "csv: a path starting with = is not a formula" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
sys.exit(not (len(rows) == 2 and rows[1][2][0] not in "=+-@"))' "$LW_TMP/formula.csv"

# --- line numbers under every line ending ------------------------------------------
mkdir eol
L1=$(secret)
L2=$(secret)
L3=$(secret)
printf 'a\r\nb\r\nDB_PASSWORD="%s"\r\n' "$L1" >eol/crlf.env
printf 'a\rb\rc\rDB_PASSWORD="%s"\r' "$L2" >eol/cr.env
printf '\n\r\n\r\n  DB_PASSWORD="%s"' "$L3" >eol/mixed.env
lw eol scan -f json --no-redact eol
check "CRLF: line 3" pyj "$LW_TMP/eol.out" '[(x["line"], x["end_line"]) for x in r if x["secret"] == a[0]] == [(3, 3)]' "$L1"
check "lone CR: line 4" pyj "$LW_TMP/eol.out" '[(x["line"], x["end_line"]) for x in r if x["secret"] == a[0]] == [(4, 4)]' "$L2"
check "mixed endings, no final newline: line 4" pyj "$LW_TMP/eol.out" '[x["line"] for x in r if x["secret"] == a[0]] == [4]' "$L3"
check "columns are 1-based byte offsets of the secret" pyj "$LW_TMP/eol.out" '
all(x["column"] == (16 if x["path"].endswith("mixed.env") else 14) and
    x["end_column"] == x["column"] + len(x["secret"]) - 1 for x in r)'
check "match fields never hold a CR" pyj "$LW_TMP/eol.out" 'all("\r" not in x["match"] for x in r)'

# --- stdin -----------------------------------------------------------------------------
I1=$(secret)
printf 'line one\nline two\nDB_PASSWORD="%s"\n' "$I1" >"$LW_TMP/stdin.txt"
lw_in stdin "$LW_TMP/stdin.txt" scan -f json -
rc_is "stdin: exit 1" 1
check "stdin: path <stdin>, line 3" pyj "$LW_TMP/stdin.out" 'len(r) == 1 and r[0]["path"] == "<stdin>" and r[0]["line"] == 3'
not_in_file "stdin: redacted" "$I1" "$LW_TMP/stdin.out"
printf 'nothing here\n' >"$LW_TMP/clean.txt"
lw_in stdin_clean "$LW_TMP/clean.txt" scan -f json -
rc_is "stdin, clean: exit 0" 0
lw_in stdin_empty /dev/null scan -f json -
rc_is "stdin, empty: exit 0" 0
check "stdin, empty: empty report" pyj "$LW_TMP/stdin_empty.out" 'r == []'
lw_in stdin_and_dir "$LW_TMP/stdin.txt" scan -f json - tree
check "stdin and a directory together" pyj "$LW_TMP/stdin_and_dir.out" 'sorted(x["path"] for x in r) == ["<stdin>", "tree/app.env", "tree/conf.yml"]'
printf 'DB_PASSWORD="%s"\r\n' "$I1" | timeout 60 "$LEAKWALK" scan -f json - >"$LW_TMP/pipe.out" 2>/dev/null
check "stdin from a pipe" pyj "$LW_TMP/pipe.out" 'len(r) == 1'

finish
