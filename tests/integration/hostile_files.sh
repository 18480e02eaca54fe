#!/bin/bash
# hostile_files.sh - `leakwalk scan` and `leakwalk rules` on hostile input:
# NUL bytes, CRLF, lone CR, no final newline, UTF-16 with and without a BOM,
# a 50 MB line, a secret base64-encoded in YAML, control characters in file
# names, symlinks out of the root and loops, a report path that is a planted
# symlink, a full disk while the report is written, broken rule files; and
# no secret on stderr while warnings are printed.
#
# Every call is bounded by `timeout 120` and its time to exit is printed
# ("time to exit: NAME: S s").
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"
. "$LW_TESTS_DIR/integration/hostile_helpers.bash"

pw() { printf 'DB_PASSWORD="%s"' "$1"; }
# at NAME PATH LINE [COLUMN]: one finding at PATH:LINE[:COLUMN] in NAME.out
at() {
	json_ok "$LW_TMP/$1.out" '[x["line"] for x in r if x["path"]==a[0]]==[int(a[1])] and (
		a[2]=="" or [x["column"] for x in r if x["path"]==a[0]]==[int(a[2])])' "$2" "$3" "${4:-}"
}

# ===================== line ends, NUL bytes, UTF-16 =====================
mkdir enc
S_NUL=$(secret) S_CRLF=$(secret) S_CR=$(secret) S_NOFIN=$(secret)
printf 'abc\0def\n%s\n' "$(pw "$S_NUL")" >enc/nul.txt
printf 'x=1\r\ny=2\r\n%s\r\n' "$(pw "$S_CRLF")" >enc/crlf.txt
printf 'x=1\ry=2\rz=3\r%s\r' "$(pw "$S_CR")" >enc/cr.txt
printf 'x=1\n\n%s' "$(pw "$S_NOFIN")" >enc/nofinal.txt
for e in le be; do
	printf 'a=1\r\nb=2\nc=3\n  %s\n' "$(pw "$(secret)")" | iconv -t "utf-16$e" >"enc/nobom-$e.txt"
	{ if [ $e = le ]; then printf '\377\376'; else printf '\376\377'; fi; cat "enc/nobom-$e.txt"; } >"enc/bom-$e.txt"
done
hrun enc scan --format json enc
check "encodings: exit 1 (got $RC)" test "$RC" = 1
check "NUL bytes: the binary file's printable runs are scanned: line 2, column 14" at enc enc/nul.txt 2 14
check "NUL bytes: the finding says it came from a printable run (at byte 8)" \
	json_ok "$LW_TMP/enc.out" '[x.get("decoded") for x in r if x["path"]=="enc/nul.txt"]==["strings@8"]'
check "CRLF: line 3, column 14" at enc enc/crlf.txt 3 14
check "lone CR: line 4, column 14" at enc enc/cr.txt 4 14
check "no final newline: line 3, column 14" at enc enc/nofinal.txt 3 14
for f in nobom-le bom-le nobom-be bom-be; do
	check "UTF-16 $f: found on line 4" at enc "enc/$f.txt" 4
done
check "encodings: 8 findings in all" json_ok "$LW_TMP/enc.out" 'len(r)==8'

# ===================== one 50 MB line =====================
S_LONG=$(secret)
{ head -c 39321600 /dev/urandom | base64 -w 0; printf ' %s tail\n' "$(pw "$S_LONG")"; } >long.txt
LONG_COL=$(($(stat -c %s long.txt) - ${#S_LONG} - 6))
hrun long_line scan --format json long.txt
check "50 MB line: exit 1 (got $RC)" test "$RC" = 1
# (random base64 may hold token-shaped runs other rules report: only ours is checked; any rule)
check "50 MB line: the secret near its end is found, at line 1 column $LONG_COL" \
	json_ok "$LW_TMP/long_line.out" 'any((x["line"], x["column"])==(1, int(a[0])) for x in r)' "$LONG_COL"
check "50 MB line: bounded time (${SECS}s <= 30s)" secs_le "$SECS" 30
LONG_SECS=$SECS
rm -f long.txt
# The same shape with the line a data URI of zeros ("AAAA..."): 512 KiB of
# base64 of zero bytes, then the secret on that line.
S_ZERO=$(secret)
{ printf '{"icon": "data:application/octet-stream;base64,'; head -c 524288 /dev/zero | tr '\0' A
	printf '", %s}\n' "$(pw "$S_ZERO")"; } >zeros.json
hrun zero_line scan --format json zeros.json
check "512 KiB line of AAAA (base64 of zeros): exit 1 (got $RC)" test "$RC" = 1
check "512 KiB line of AAAA: the secret is found" at zero_line zeros.json 1
# bound: 20 times the per-MB time of the random 50 MB line above, at least 1 s
ZERO_MAX=$(awk -v l="$LONG_SECS" 'BEGIN { b = 20 * l / 50 * 0.5; printf "%.2f", b < 1 ? 1 : b }')
check "512 KiB line of AAAA: bounded time (${SECS}s <= ${ZERO_MAX}s, 20x the random 50 MB line's time per MB)" \
	secs_le "$SECS" "$ZERO_MAX"

# ===================== a base64-encoded secret in YAML =====================
mkdir yaml
S_B64=$(secret)
printf 'apiVersion: v1\nkind: Secret\ndata:\n  config: %s\n' "$(pw "$S_B64" | base64 -w 0)" >yaml/secret.yaml
hrun yaml_b64 scan --format json yaml
check "base64 in YAML: found (exit $RC)" test "$RC" = 1
# the decoded assignment, and the Secret's data value itself (a Secret's
# values are secrets whatever they hold)
check "base64 in YAML: at line 4, with \"decoded\": \"base64\"" \
	json_ok "$LW_TMP/yaml_b64.out" 'sorted((x["line"], x.get("decoded") or "", x["rule"] == "kubernetes-secret-data") for x in r)==[(4, "", True), (4, "base64", False)]'
absent_in "base64 in YAML: the decoded secret is redacted" "$S_B64" "$LW_TMP/yaml_b64.out" "$LW_TMP/yaml_b64.err"

# ===================== control characters in file names; a leading - =====================
mkdir names
S_N1=$(secret) S_N2=$(secret) S_N3=$(secret)
pw "$S_N1" >"names/-rf.env"
pw "$S_N2" >"names/esc"$'\033'"[31m"$'\u202e'"vne.env"
pw "$S_N3" >"names/bad"$'\377'"utf8"$'\302\233'".env"
for f in text json sarif csv; do
	hrun "names_$f" scan --format "$f" names
	check "file names, $f: exit 1 (got $RC)" test "$RC" = 1
done
check "file names, text: no raw ESC / C1 / U+202E / invalid UTF-8 on stdout" no_raw_controls "$LW_TMP/names_text.out"
check "file names, text: none on stderr" no_raw_controls "$LW_TMP/names_text.err"
check_grep "file names, text: ESC and U+202E shown escaped" 'esc\\x1b\[31m\\u202evne\.env' "$LW_TMP/names_text.out"
check "file names, json: valid, 3 findings" json_ok "$LW_TMP/names_json.out" 'len(r)==3'
check "file names, sarif: valid JSON" valid_json "$LW_TMP/names_sarif.out"
check "file names, csv: no field starts with = + - @" csv_neutral "$LW_TMP/names_csv.out"
(cd names && hrun dash_root scan --format json -- -rf.env)
check "a root named -rf.env (after --): scanned, exit 1 (got $RC)" test "$RC" = 1
check "a root named -rf.env: reported at that path" json_ok "$LW_TMP/dash_root.out" '[x["path"] for x in r]==["-rf.env"]'

# ===================== symlinks out of the root, loops =====================
mkdir -p links/root/sub links/outside
S_OUT=$(secret) S_IN=$(secret)
pw "$S_OUT" >links/outside/secret.env
pw "$S_IN" >links/root/sub/in.env
ln -s ../../outside/secret.env links/root/sub/out-file.env
ln -s ../outside links/root/out-dir
ln -s / links/root/slash
ln -s loop-a links/root/loop-b
ln -s loop-b links/root/loop-a
ln -s . links/root/sub/self
hrun symlinks scan --format json links/root
check "symlinks: exit 1 (got $RC)" test "$RC" = 1
check "symlinks: only the file inside the root is reported" \
	json_ok "$LW_TMP/symlinks.out" '[x["path"] for x in r]==["links/root/sub/in.env"]'
check_grep "symlinks: the 6 links are counted, not followed" "6 symlinks" "$LW_TMP/symlinks.err"
check "symlinks: no loop error, no hang (${SECS}s)" secs_le "$SECS" 10
absent_in "symlinks: the secret outside the root is never read" "${S_OUT:0:4}*" "$LW_TMP/symlinks.out"

# ===================== the report path is a planted symlink =====================
mkdir -p out && echo "precious data" >out/target.txt && touch -d '2020-01-01' out/target.txt
ln -s target.txt out/report.json
hrun planted scan --format json -o out/report.json yaml
check "planted symlink as --output: refused, exit 2 (got $RC)" test "$RC" = 2
check_grep "planted symlink: the message names the path" "out/report.json.*(symlink|not a regular file)" "$LW_TMP/planted.err"
check "planted symlink: the target is untouched" test "$(cat out/target.txt)" = "precious data" -a \
	"$(stat -c %Y out/target.txt)" = "$(date -d 2020-01-01 +%s)"
check "planted symlink: still a symlink, no temporary file left" \
	test -L out/report.json -a -z "$(ls out | grep tmp)"
ln -s "$LW_TMP/out/created-by-leakwalk" out/dangling.json
hrun planted_dangling scan --format json -o out/dangling.json yaml
check "dangling symlink as --output: refused, exit 2 (got $RC)" test "$RC" = 2
check "dangling symlink: its target is not created" test ! -e out/created-by-leakwalk

# ===================== a full disk while the report is written =====================
mkdir -p full/in disk
for i in $(seq 1 300); do pw "$(rand_alnum 20)$i" >"full/in/f$i.env"; done
# always, root or not: standard output is a device that is always full
if [ -w /dev/full ]; then
	"$LEAKWALK" scan --no-config --format json full/in >/dev/full 2>"$LW_TMP/devfull.err"
	RC=$?
	check "full device on stdout: exit 3 (got $RC)" test "$RC" = 3
	check_grep "full device on stdout: says why" "cannot write the report.*No space" "$LW_TMP/devfull.err"
else
	fail "/dev/full is not writable here"
fi
# a full file system (a small tmpfs: needs root; else ctest reports a skip)
if mount -t tmpfs -o size=64k tmpfs disk 2>/dev/null; then
	trap 'umount "$LW_TMP/disk" 2>/dev/null; rm -rf "$LW_TMP"' EXIT
	echo "old report" >disk/old.json
	hrun full_disk scan --format json -o disk/r.json full/in
	check "full disk: non-zero exit (got $RC)" test "$RC" != 0 -a "$RC" != 1
	check_grep "full disk: says why, naming the file" "disk/r.json.*(No space|space)" "$LW_TMP/full_disk.err"
	check "full disk: no half-written r.json" test ! -e disk/r.json
	check "full disk: no temporary file left" test -z "$(ls disk | grep -v '^old.json$')"
	hrun full_disk_old scan --format json -o disk/old.json full/in
	check "full disk over an old report: non-zero exit (got $RC)" test "$RC" != 0 -a "$RC" != 1
	check "full disk over an old report: the old report is intact" test "$(cat disk/old.json)" = "old report"
	hrun full_size scan --format json full/in
	check "full disk: the report really is bigger than the disk ($(wc -c <"$LW_TMP/full_size.out") bytes)" \
		test "$(wc -c <"$LW_TMP/full_size.out")" -gt 65536
	umount disk
else
	skip_case "the full-disk case (cannot mount a tmpfs here; run as root)"
fi

# ===================== broken rule files =====================
mkdir rules
# rule ID REGEX: one rule in a file of its own (regex as a JSON string body)
rule() {
	printf '{"rules": [{"id": "%s", "description": "d", "regex": "%s", "secret_group": 1,
  "keywords": ["%s"], "severity": "high",
  "examples": {"match": ["%s", "%s"], "no_match": ["zz", "yy"]}}]}\n' "$@"
}
rule redos-user-rule '(a+)+$' aaa aaa aaaa >rules/redos.json
rule callout-user-rule 'key(?C1)=([a-z]+)' key key=abc key=abd >rules/callout.json
rule backslash-c-user-rule 'key=(\\C+)' key key=abc key=abd >rules/bsc.json
printf '{"rules": [{"id": "unclosed",' >rules/invalid.json
printf '{"rules": [{"id": "dup-user-rule", "id": "again", "description": "d", "regex": "k=([a-z]+)", "secret_group": 1, "keywords": ["k="], "severity": "high", "examples": {"match": ["k=abc", "k=abd"], "no_match": ["zz", "yy"]}}]}' >rules/duplicate.json
printf '{"rules": []}\n{"rules": []}\n' >rules/trailing.json
printf '{"rules": [{"id": "huge-number-rule", "description": "d", "regex": "k=([a-z]+)", "secret_group": 1, "keywords": ["k="], "entropy": 1e999, "severity": "high", "examples": {"match": ["k=abc", "k=abd"], "no_match": ["zz", "yy"]}}]}' >rules/huge.json
printf '{"rules": [{"id": "nested-rule", "description": "d", "regex": "k=([a-z]+)", "secret_group": 1, "keywords": ["k="], "severity": "high", "tags": %s%s, "examples": {"match": ["k=abc", "k=abd"], "no_match": ["zz", "yy"]}}]}' \
	"$(printf '[%.0s' $(seq 100))" "$(printf ']%.0s' $(seq 100))" >rules/nested.json
# name: what the error must name besides the file (the rule, or the key)
declare -A WHAT=([redos]=redos-user-rule [callout]=callout-user-rule [bsc]=backslash-c-user-rule
	[invalid]="byte|line|invalid" [duplicate]='"id"' [trailing]="trailing"
	[huge]="huge-number-rule|entropy" [nested]="nested-rule|tags|nest|deep")
mkdir scanme && pw "$(secret)" >scanme/app.env
for k in redos callout bsc invalid duplicate trailing huge nested; do
	hrun "rules_check_$k" rules check "rules/$k.json"
	check "rules check $k.json: exit 2 (got $RC)" test "$RC" = 2
	check_grep "rules check $k.json: the error names the file" "rules/$k.json" "$LW_TMP/rules_check_$k.err"
	check_grep "rules check $k.json: ... and the rule or key (${WHAT[$k]})" "${WHAT[$k]}" "$LW_TMP/rules_check_$k.err"
	hrun "rules_scan_$k" scan --config "rules/$k.json" --format json -o "$LW_TMP/scan_$k.json" scanme
	check "scan --config $k.json: exit 2 (got $RC)" test "$RC" = 2
	check "scan --config $k.json: nothing scanned, no report written" \
		test ! -e "$LW_TMP/scan_$k.json" -a ! -s "$LW_TMP/rules_scan_$k.out"
	check_no_grep "scan --config $k.json: no summary of a scan" "scanned [0-9]+ files" "$LW_TMP/rules_scan_$k.err"
done
# (a+)+$ is refused when a configuration is loaded (above, exit 2). A rule
# the check lets through can still backtrack on input it did not try (runs
# of b): the match limit stops it with a warning naming the rule, and the
# rest of the file is still scanned
rule slow-user-rule 'aaa((?:b+b+)+y)' aaa aaabby aaabbby >rules/slow.json
S_RD=$(secret)
{ printf 'aaa%s!y\n' "$(head -c 3000 /dev/zero | tr '\0' b)"; pw "$S_RD"; echo; } >scanme/redos.txt
hrun rules_scan_redos scan --config rules/slow.json --format json scanme
check "scan --config redos.json: no hang (${SECS}s <= 10s), exit 1 (got $RC)" test "$RC" = 1 -a "${SECS%.*}" -lt 10
check_grep "scan --config redos.json: the limit hit names the rule and the line" \
	"scanme/redos.txt:1: rule slow-user-rule: regex stopped" "$LW_TMP/rules_scan_redos.err"
check "scan --config redos.json: the other rules still find the secret on line 2" at rules_scan_redos scanme/redos.txt 2

# ===================== no secret on stderr while warnings are printed =====================
mkdir -p logs/sub
W1=$(secret) W2=$(secret) W3=$(secret) W4=$(secret)
{ pw "$W1"; echo; printf 'aaa%s!y\n' "$(head -c 3000 /dev/zero | tr '\0' b)"; } >logs/limit.env
{ head -c 300000 /dev/urandom | base64; pw "$W2"; echo; } >logs/big.txt
{ printf 'GIF89a\0\0'; pw "$W3"; echo; } >logs/image.gif
pw "$W4" >logs/sub/app.env
mkfifo logs/fifo 2>/dev/null || true
cat >rules/limit.json <<'EOF'
{ "rules": [ { "id": "catastrophic-user-rule", "description": "backtracks on runs of b",
  "regex": "aaa(?:b+b+)+y", "secret_group": 0, "keywords": ["aaa"], "severity": "low",
  "examples": { "match": ["aaabby", "aaabbby"], "no_match": ["b", "c"] } } ], "defaults": true }
EOF
for f in text json; do
	hrun "logs_$f" scan --config rules/limit.json --max-file-size 100K --format "$f" logs
	check "logs, $f: exit 1 (got $RC)" test "$RC" = 1
	check_grep "logs, $f: the regex limit is reported" "catastrophic-user-rule: regex stopped" "$LW_TMP/logs_$f.err"
	check_grep "logs, $f: the big file is counted" "1 too large" "$LW_TMP/logs_$f.err"
	for s in "$W1" "$W2" "$W3" "$W4"; do
		absent_in "logs, $f: no secret on stderr (${s:0:3}...)" "$s" "$LW_TMP/logs_$f.err"
		absent_in "logs, $f: no secret in the report (${s:0:3}...)" "$s" "$LW_TMP/logs_$f.out"
	done
done
timeout 120 "$LEAKWALK" scan --config rules/limit.json --max-file-size 100K - <logs/big.txt \
	>"$LW_TMP/logs_stdin.out" 2>"$LW_TMP/logs_stdin.err"
RC=$?
check "logs, stdin over --max-file-size: exit 3 (got $RC)" test "$RC" = 3
absent_in "logs, stdin: no secret on stderr" "$W2" "$LW_TMP/logs_stdin.err"

finish
