#!/bin/bash
# report_command.sh - `leakwalk report SAVED.json`: a saved JSON or JSONL
# report rendered in every format equals what scan or audit wrote in that
# format (times, and the files-scanned count a JSON report does not hold,
# aside); redaction survives the round trip; malformed input is exit 2 with
# a message naming the finding, field, line or byte.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

git init -q repo && cd repo || exit 1
S1=$(secret) S2=$(secret) S3=$(secret)
test_commit app.env "$(printf 'x=1\nDB_PASSWORD="%s"  # db' "$S1")" "add the app config"
printf 'GROQ_API_KEY=gsk_%s\n' "$(rand_alnum 52)" >ai.env
printf 'password: "%s" secret: "%s"\n' "$S2" "$S3" >'odd "name" <x>.yml'
git add . && git commit -qm "more config, a </script> in the message"
git rm -q ai.env && git commit -qm "remove the key"
cd "$LW_TMP" || exit 1
cp -r repo plain && rm -rf plain/.git

# norm FILE: what a saved JSON report cannot reproduce, made equal
norm() {
	sed -E -e 's/"(start|end)_time":"[0-9T:-]+"/"\1_time":"T"/g' \
		-e 's/ time="[0-9.]+"/ time="0"/g' \
		-e 's/ &#183; [0-9]+ (files|blobs) scanned \([0-9.]+ MB\)//' "$1"
}
# same DESC A B: A and B equal once normalised
same() {
	if diff <(norm "$2") <(norm "$3") >"$LW_TMP/diff.out"; then ok; else
		fail "$1"; head -20 "$LW_TMP/diff.out" | cut -c1-300 >&2
	fi
}

for cmd in scan audit; do
	target=repo
	[ "$cmd" = scan ] && target=plain
	for saved in json jsonl; do
		"$LEAKWALK" "$cmd" --no-config -q -f "$saved" -o "$LW_TMP/$cmd.saved.$saved" "$target"
		for f in text json jsonl sarif csv junit gitlab html; do
			"$LEAKWALK" "$cmd" --no-config -q -f "$f" -o "$LW_TMP/$cmd.direct.$f" "$target"
			"$LEAKWALK" report -q -f "$f" -o "$LW_TMP/$cmd.$saved.via.$f" "$LW_TMP/$cmd.saved.$saved"
			RC=$?
			rc_is "$cmd -> $saved -> report -f $f: exit 1 (findings)" 1
			same "$cmd -> $saved -> report -f $f equals $cmd -f $f" \
				"$LW_TMP/$cmd.direct.$f" "$LW_TMP/$cmd.$saved.via.$f"
		done
	done
done
check "the audit report holds findings to compare" pyj "$LW_TMP/audit.saved.json" 'len(r) == 4'
check "the audit report has a finding only in history" pyj "$LW_TMP/audit.saved.json" 'any(x["present"] == [] for x in r)'
check "the saved report carries each finding's line" pyj "$LW_TMP/audit.saved.json" 'all(x["line_text"] for x in r)'
# text to stdout, from stdin
"$LEAKWALK" report - <"$LW_TMP/audit.saved.json" >"$LW_TMP/stdin.txt" 2>/dev/null
same "report - (stdin) writes text to stdout" "$LW_TMP/audit.direct.text" "$LW_TMP/stdin.txt"

# --- redaction ---------------------------------------------------------------
"$LEAKWALK" audit --no-config -q --no-redact -f json -o "$LW_TMP/nr.json" repo
in_file "a --no-redact report holds the secret" "$S1" "$LW_TMP/nr.json"
for f in text json sarif csv junit gitlab html; do
	"$LEAKWALK" report -q -f "$f" -o "$LW_TMP/nr.via.$f" "$LW_TMP/nr.json"
	for s in "$S1" "$S2" "$S3"; do not_in_file "report -f $f of a --no-redact report redacts by default" "$s" "$LW_TMP/nr.via.$f"; done
	same "report -f $f of a --no-redact report equals the redacted audit" "$LW_TMP/audit.direct.$f" "$LW_TMP/nr.via.$f"
	"$LEAKWALK" audit --no-config -q --no-redact -f "$f" -o "$LW_TMP/nr.direct.$f" repo
	"$LEAKWALK" report -q --no-redact -f "$f" -o "$LW_TMP/nr.via2.$f" "$LW_TMP/nr.json"
	same "report --no-redact -f $f equals audit --no-redact -f $f" "$LW_TMP/nr.direct.$f" "$LW_TMP/nr.via2.$f"
done
lw red_nr report --no-redact -f json "$LW_TMP/audit.saved.json"
for s in "$S1" "$S2" "$S3"; do not_in_file "report --no-redact of a redacted report stays redacted" "$s" "$LW_TMP/red_nr.out"; done
same "report --no-redact of a redacted report: the saved redacted forms" "$LW_TMP/audit.direct.json" "$LW_TMP/red_nr.out"
check_grep "report --no-redact of a redacted report says so" 'stay redacted' "$LW_TMP/red_nr.err"

# --- filters and exit status ---------------------------------------------------
json_val "$LW_TMP/audit.saved.json" '"\n".join(x["fingerprint"] for x in r)' >"$LW_TMP/all.ignore"
lw ign report --ignore-file "$LW_TMP/all.ignore" -f json "$LW_TMP/audit.saved.json"
rc_is "report --ignore-file of every fingerprint: exit 0" 0
check "report --ignore-file: nothing left" pyj "$LW_TMP/ign.out" 'r == []'
printf '' >"$LW_TMP/empty.jsonl"
lw empty report "$LW_TMP/empty.jsonl"
rc_is "an empty JSONL report: exit 0" 0

# --- malformed input -----------------------------------------------------------
bad() { # bad NAME CONTENT PATTERN: exit 2 and a message matching PATTERN
	printf '%s' "$2" >"$LW_TMP/$1.json"
	lw "bad_$1" report "$LW_TMP/$1.json"
	rc_is "malformed ($1): exit 2" 2
	check_grep "malformed ($1): the message says where" "$3" "$LW_TMP/bad_$1.err"
	check "malformed ($1): nothing on stdout" test ! -s "$LW_TMP/bad_$1.out"
}
good=$(json_val "$LW_TMP/audit.saved.json" 'json.dumps(r[0])')
bad truncated "[$good" 'invalid JSON near byte [0-9]+'
bad trailing "[$good] x" 'trailing bytes after JSON at byte [0-9]+'
bad notarray '{"a": 1' 'line 1: invalid JSON near byte'
bad object '{"rule": 1}' 'line 1: "rule" must be a string'
bad type "[$good, {\"rule\": \"x\", \"severity\": \"high\", \"path\": \"p\", \"line\": \"7\"}]" 'finding 2: "line" must be a whole number'
bad severity "[$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["severity"]="dire"; print(json.dumps(d))' "$good")]" 'finding 1: unknown severity "dire"'
bad fingerprint "[$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["fingerprint"]="xyz"; print(json.dumps(d))' "$good")]" 'finding 1: "fingerprint" must be 32 hex digits'
bad missing "[$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); del d["secret"]; print(json.dumps(d))' "$good")]" 'finding 1: "secret" is missing'
bad jsonl "$good"$'\n'"$good"$'\n{"rule":' 'line 3: invalid JSON'
bad deep "$(printf '[%.0s' $(seq 1 5000))" 'nesting deeper than'
bad dupkey "[{\"rule\": \"a\", \"rule\": \"b\"}]" 'duplicate key "rule"'
bad scalar '42' 'not a leakwalk report'
lw nofile report "$LW_TMP/does-not-exist.json"
rc_is "a missing report file: exit 2" 2
lw noarg report
rc_is "report with no file: exit 2" 2
finish
