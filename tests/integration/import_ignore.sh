#!/bin/bash
# import_ignore.sh - `leakwalk import-ignore`: gitleaks fingerprints (with a
# commit: read from that commit; without: from the working tree) and
# detect-secrets baselines (by hashed_secret, else by line) become the same
# fingerprints leakwalk's own reports carry; what cannot be mapped is listed
# on stderr; nothing is written twice; paths never leave the repository; the
# output file is never written through a symlink; secrets never appear.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

S1=$(secret)
S2=$(secret)
S3=$(secret)
S4=$(secret)
git init -q repo
cd repo || exit 1
test_commit old.env "DB_PASSWORD=\"$S1\"" "add old.env"
C1=$(git rev-parse HEAD)
git rm -q old.env
git commit -q -m "remove old.env"
test_commit conf/app.yml "$(printf 'name: app\nclient_secret: "%s"\n' "$S2")" "add app.yml"
test_commit creds.txt "$(printf '# creds\nDB_PASSWORD="%s"\nMYSQL_ROOT_PASSWORD="%s"\n' "$S3" "$S4")" "add creds"
cd "$LW_TMP" || exit 1

# the reference: leakwalk's own fingerprints
lw ref audit -f json repo
rc_is "audit: exit 1" 1
check "audit: four findings" pyj "$LW_TMP/ref.out" 'len(r) == 4'
fp() { json_val "$LW_TMP/ref.out" '[x["fingerprint"] for x in r if x["path"] == a[0] and x["line"] == int(a[1])][0]' "$1" "$2"; }
FP_OLD=$(fp old.env 1)
FP_APP=$(fp conf/app.yml 2)
FP_C2=$(fp creds.txt 2)
FP_C3=$(fp creds.txt 3)

# --- gitleaks ---------------------------------------------------------------------------
cat >repo/.gitleaksignore <<EOF
# gitleaks fingerprints
$C1:old.env:generic-api-key:1
conf/app.yml:generic-api-key:2
conf/app.yml:generic-api-key:1
missing.txt:generic-api-key:3
../outside.txt:generic-api-key:1
$C1:creds.txt:generic-api-key:2
not a fingerprint
EOF
printf 'DB_PASSWORD="%s"\n' "$S3" >outside.txt
(cd repo && timeout 60 "$LEAKWALK" import-ignore >"$LW_TMP/gl.out" 2>"$LW_TMP/gl.err")
RC=$?
rc_is "gitleaks: exit 1 when some entries cannot be mapped" 1
I=repo/.leakwalkignore
check "gitleaks: the ignore file was written" test -f "$I"
check "gitleaks: a commit entry maps from that commit" grep -qx "$FP_OLD  # imported from gitleaks: $C1:old.env:generic-api-key:1" "$I"
check "gitleaks: a working-tree entry maps" grep -qx "$FP_APP  # imported from gitleaks: conf/app.yml:generic-api-key:2" "$I"
check "gitleaks: exactly the two mappable fingerprints" test "$(grep -c '^[0-9a-f]\{32\} ' "$I")" = 2
check_grep "gitleaks: a line without a secret is reported" 'not mapped: conf/app\.yml:generic-api-key:1: leakwalk finds no secret on line 1' "$LW_TMP/gl.err"
check_grep "gitleaks: a missing file is reported" 'not mapped: missing\.txt:generic-api-key:3: not in the working tree' "$LW_TMP/gl.err"
check_grep "gitleaks: a path out of the repository is refused" 'not mapped: \.\./outside\.txt:.*leaves the repository' "$LW_TMP/gl.err"
check_grep "gitleaks: a file not in that commit is reported" "not mapped: $C1:creds\.txt:.*no such file in that commit" "$LW_TMP/gl.err"
check_grep "gitleaks: a malformed line is reported with its line number" 'not mapped: \.gitleaksignore:8: not a gitleaks fingerprint' "$LW_TMP/gl.err"
check_grep "gitleaks: a summary" '7 gitleaks entries: 2 fingerprints written to \.leakwalkignore; 5 entries not mapped' "$LW_TMP/gl.err"
lw after audit -f json repo
check "gitleaks: leakwalk now ignores what gitleaks ignored" pyj "$LW_TMP/after.out" \
	'sorted((x["path"], x["line"]) for x in r) == [("creds.txt", 2), ("creds.txt", 3)]'

cp "$I" "$LW_TMP/before-rerun"
(cd repo && timeout 60 "$LEAKWALK" import-ignore -q .gitleaksignore >/dev/null 2>"$LW_TMP/gl2.err")
check "gitleaks: importing twice writes nothing new" cmp -s "$I" "$LW_TMP/before-rerun"

# --- detect-secrets --------------------------------------------------------------------
H2=$(printf '%s' "$S3" | sha1sum | cut -c1-40)
python3 - "$H2" >repo/.secrets.baseline <<'PY'
import json, sys
print(json.dumps({
  "version": "1.4.0", "plugins_used": [{"name": "KeywordDetector"}], "filters_used": [],
  "results": {
    "creds.txt": [
      # the right hash on a stale line: found by its hash
      {"type": "Secret Keyword", "filename": "creds.txt", "hashed_secret": sys.argv[1],
       "is_verified": False, "line_number": 9},
      # an unknown hash on the right line: found by its line
      {"type": "Secret Keyword", "filename": "creds.txt", "hashed_secret": "0" * 40,
       "is_verified": False, "line_number": 3}],
    "conf/app.yml": [
      {"type": "Secret Keyword", "filename": "conf/app.yml", "hashed_secret": "1" * 40,
       "is_verified": False, "line_number": 1}]},
  "generated_at": "2024-01-01T00:00:00Z"}, indent=2))
PY
lw ds import-ignore --repo repo --output "$LW_TMP/ds.ignore" repo/.secrets.baseline
rc_is "detect-secrets: exit 1 (one entry is not mapped)" 1
DS=detect-secrets
check "detect-secrets: detected without --from, mapped by hash" grep -qx "$FP_C2  # imported from $DS: creds.txt:9 (Secret Keyword)" "$LW_TMP/ds.ignore"
check "detect-secrets: mapped by line" grep -qx "$FP_C3  # imported from $DS: creds.txt:3 (Secret Keyword)" "$LW_TMP/ds.ignore"
check "detect-secrets: two fingerprints" test "$(grep -c . "$LW_TMP/ds.ignore")" = 2
check_grep "detect-secrets: the unmappable entry is named" 'not mapped: conf/app\.yml:1 \(Secret Keyword\)' "$LW_TMP/ds.err"
expect_exit 1 "the output file loads as an ignore file" "$LEAKWALK" audit -q --ignore-file "$LW_TMP/ds.ignore" \
	-f json -o "$LW_TMP/ds-audit.json" repo
check "detect-secrets: the imported fingerprints suppress those findings" pyj "$LW_TMP/ds-audit.json" \
	'sorted((x["path"], x["line"]) for x in r) == [("conf/app.yml", 2), ("old.env", 1)]'

lw stdout import-ignore --from detect-secrets --repo repo -o - repo/.secrets.baseline
check "-o -: the lines go to stdout" test "$(grep -c 'imported from detect-secrets' "$LW_TMP/stdout.out")" = 2
cat >repo/only-good.gitleaksignore <<EOF
conf/app.yml:generic-api-key:2
EOF
lw good import-ignore --repo repo -o "$LW_TMP/good.ignore" repo/only-good.gitleaksignore
rc_is "exit 0 when every entry maps" 0

# --- safety and usage ------------------------------------------------------------------
ln -s "$LW_TMP/elsewhere" "$LW_TMP/link.ignore"
lw link import-ignore --repo repo -o "$LW_TMP/link.ignore" repo/only-good.gitleaksignore
rc_is "a symlinked output is refused" 2
check "nothing was written through the symlink" test ! -e "$LW_TMP/elsewhere"
mkdir "$LW_TMP/outdir"
printf 'DB_PASSWORD="%s"\n' "$S4" >"$LW_TMP/outdir/s.env"
ln -s "$LW_TMP/outdir" repo/linkdir
printf 'linkdir/s.env:generic-api-key:1\n' >"$LW_TMP/linkdir.gitleaksignore"
lw linkdir import-ignore --repo repo -o - "$LW_TMP/linkdir.gitleaksignore"
rc_is "a path through a symlinked directory is not mapped" 1
check_grep "a path through a symlinked directory is refused" 'not mapped: linkdir/s\.env:.*out of the repository' "$LW_TMP/linkdir.err"
check "nothing is written for it" test ! -s "$LW_TMP/linkdir.out"
rm repo/linkdir
printf 'not json {' >"$LW_TMP/bad.baseline"
lw badjson import-ignore --from detect-secrets --repo repo -o - "$LW_TMP/bad.baseline"
rc_is "a broken baseline is a usage error" 2
lw badfrom import-ignore --from trufflehog repo/.gitleaksignore
rc_is "an unknown --from is a usage error" 2
mkdir empty
lw none import-ignore --repo empty
rc_is "nothing to import is a usage error" 2
lw help import-ignore --help
rc_is "--help: exit 0" 0
check_grep "--help names both formats" 'gitleaks .*detect-secrets|detect-secrets' "$LW_TMP/help.out"
for s in "$S1" "$S2" "$S3" "$S4"; do
	for f in "$I" "$LW_TMP/ds.ignore" "$LW_TMP/gl.err" "$LW_TMP/ds.err" "$LW_TMP/stdout.out"; do
		not_in_file "no secret in $(basename "$f")" "$s" "$f"
	done
done

finish
