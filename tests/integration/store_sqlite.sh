#!/bin/bash
# The store in SQLite: incremental audits equal full audits on random
# histories (store_random.py), the summary counts what a run read, no
# plaintext secret in the file, mode 0600, schema migration and errors,
# triage that lasts, several processes writing at once.
. "$LW_TESTS_DIR/lib.sh"
LW=$LEAKWALK

for seed in 11 12 13 14; do
	check "random history, seed $seed" python3 "$LW_TESTS_DIR/integration/store_random.py" "$LW" "$LW_TMP" "$seed" 70
done

git init -q app && cd app
s1=$(rand_secret 20)
test_commit config.yml "db_password: \"$s1\""
test_commit README "hello"
cd ..
expect_exit 1 "first audit into a new store" $LW audit app --store st.db -q
check "the store is made with mode 0600" test "$(stat -c %a st.db)" = 600
$LW audit app --store st.db --format json -o again.json 2>again.err
check_grep "an unchanged repository: nothing read" "audited 0 commits, 0 blobs .*incremental" again.err
check "the open findings are reported" json_ok again.json 'len(r) == 1 and r[0]["repo"].endswith("/app") and r[0]["status"] == "open" and len(r[0]["secret_id"]) == 64 and r[0]["first_seen"] > 0'
cd app && git checkout -q -b feature && test_commit other.txt "x" && test_commit more.txt "y" && cd ..
$LW audit app --store st.db 2>inc.err >/dev/null
check_grep "a new branch: its two commits read" "audited 2 commits, 2 blobs .*incremental" inc.err
$LW audit app --store st.db 2>inc.err >/dev/null
check_grep "then nothing" "audited 0 commits, 0 blobs" inc.err
cd app && test_commit third.txt "z" && git rm -q config.yml && git commit -qm "drop it" && cd ..
$LW audit app --store st.db 2>inc.err >/dev/null
check_grep "the summary counts commits and blobs read" "audited 2 commits, 1 blobs .*incremental" inc.err
$LW report --store st.db --format json -o rep.json
check "a secret removed from one tip stays present at the other" json_ok rep.json 'r[0]["present"] == ["refs/heads/main"]'
cd app && git checkout -q main && git rm -q config.yml && git commit -qm "drop it too" && cd ..
$LW audit app --store st.db -q --format json -o rep.json
check "removed from every tip: history only" json_ok rep.json 'r[0]["present"] == []'

# other rules or options: the whole history again (new rules reach old commits)
$LW audit app --store st.db --disable-rule generic-password-assignment 2>rules.err >/dev/null
check_grep "another rule set: a full walk" "\(full walk: other rules or options" rules.err
$LW audit app --store st.db 2>rules.err >/dev/null
check_grep "and back: a full walk again" "\(full walk: other rules or options" rules.err
$LW audit app --store st.db 2>rules.err >/dev/null
check_grep "then incremental" "audited 0 commits, 0 blobs .*incremental" rules.err

# never a plaintext secret, in the database or its journal
check "no plaintext secret in the store" bash -c "! cat st.db* | grep -aq -- '$s1'"
check "the key is random and kept: secret_id is no plain hash" bash -c "! grep -q \$(printf %s '$s1' | sha256sum | cut -c1-64) rep.json"

# every format renders from the store; SARIF carries the store's fields
for f in text jsonl sarif csv junit gitlab html; do
	expect_exit 1 "report --store --format $f" $LW report --store st.db --format "$f" -q -o "rep.$f"
done
check "SARIF results carry repo, status and secret_id" json_ok rep.sarif 'all(x["properties"]["repo"].endswith("/app") and x["properties"]["status"] == "open" and len(x["properties"]["secret_id"]) == 64 for x in r["runs"][0]["results"])'
check "JSONL carries them" python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if r and all(x["repo"] and x["status"] == "open" for x in r) else 1)' rep.jsonl
check_no_grep "no report format holds the plaintext secret" "$s1" rep.text
check "nor any other format" bash -c "! cat rep.* | grep -q -- '$s1'"

# triage lasts
fp=$(json_val rep.json 'r[0]["fingerprint"]')
sid=$(json_val rep.json 'r[0]["secret_id"]')
expect_exit 0 "triage a finding" $LW triage --store st.db "$fp" --status revoked --note "rotated"
expect_exit 0 "the default report shows open findings only" $LW report --store st.db -q
cd app && test_commit four.txt "w" && cd ..
expect_exit 0 "a later audit keeps the status" $LW audit app --store st.db -q
$LW report --store st.db --status all --format json -o all.json
check "the triaged finding is there with its status" json_ok all.json 'len(r) == 1 and r[0]["status"] == "revoked"'
expect_exit 2 "triage of an unknown fingerprint" $LW triage --store st.db 0123456789abcdef0123456789abcdef --status revoked
expect_exit 2 "an unknown status" $LW triage --store st.db "$fp" --status maybe
# a status on the secret covers every repository where it appears
git init -q app2 && (cd app2 && test_commit deploy/env "DB_PASSWORD=\"$s1\"")
expect_exit 1 "the same secret in a second repository" $LW audit app2 --store st.db -q
$LW report --store st.db --status all --format json -o two.json
check "one secret_id in both repositories" json_ok two.json 'len(r) == 2 and r[0]["secret_id"] == r[1]["secret_id"]'
expect_exit 0 "triage by secret" $LW triage --store st.db --secret "$sid" --status false-positive
$LW report --store st.db --status false-positive --format json -o fp.json
check "the secret's status covers both repositories" json_ok fp.json 'len(r) == 2 and all(x["status"] == "false-positive" for x in r)'

# store errors: exit 2, said clearly
mkdir adir
expect_exit 2 "a directory is no store" $LW audit app --store adir -q
$LW audit app --store adir -q 2>err.txt
check_grep "the error names the store" "adir: the store is not a regular file" err.txt
printf 'not a database at all, just text that is long enough to be a header\n%.0s' 1 2 3 4 5 6 >junk.db
expect_exit 2 "a file that is not a database" $LW report --store junk.db -q
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE lw_meta SET value='99' WHERE name='schema_version'\"); c.commit()" st.db
$LW report --store st.db -q 2>err.txt; rc=$?
check "a newer schema: exit 2" test "$rc" = 2
check_grep "a newer schema is named" "schema is version 99, newer than this leakwalk knows" err.txt
expect_exit 2 "an unknown URI scheme" $LW report --store mysql://h/db -q
mkdir notrepo
expect_exit 3 "a directory that is no repository: input, not store, error" $LW audit notrepo --store st2.db -q
expect_exit 2 "--store with revisions is refused" $LW audit app main --store st2.db -q

# migration from schema 1: what it holds is kept (here a queued repository)
LEAKWALK_STORE_SCHEMA=1 $LW fleet add --store v1.db app 2>/dev/null
check "a store at schema 1" test "$(python3 -c "import sqlite3; print(sqlite3.connect('v1.db').execute(\"SELECT value FROM lw_meta WHERE name='schema_version'\").fetchone()[0])")" = 1
$LW fleet status --store v1.db --format json >mig.json
check "migrated to the current schema" test "$(python3 -c "import sqlite3; print(sqlite3.connect('v1.db').execute(\"SELECT value FROM lw_meta WHERE name='schema_version'\").fetchone()[0])")" = 2
check "schema 1's repository is kept, queued" json_ok mig.json 'len(r) == 1 and r[0]["repo"].endswith("/app") and r[0]["queued"]'
expect_exit 0 "and audited after the migration" $LW fleet run --store v1.db -q
$LW audit app --store v1.db 2>mig.err >/dev/null
check_grep "then incremental" "audited 0 commits.*incremental" mig.err

# several processes write one store at once
for i in 1 2 3 4 5 6; do
	git init -q "par$i" && (cd "par$i" && test_commit "s$i.env" "API_PASSWORD=\"$(rand_secret 19)\"")
done
pids=
for i in 1 2 3 4 5 6; do $LW audit "par$i" --store par.db -q >/dev/null & pids="$pids $!"; done
bad=0
for p in $pids; do wait "$p"; [ $? = 1 ] || bad=1; done
check "six concurrent audits into one SQLite store" test "$bad" = 0
$LW report --store par.db --format json -o par.json
check "every repository's finding is there once" json_ok par.json 'len(r) == 6 and len({x["repo"] for x in r}) == 6'

# workers opening a new store at once: one of them switches the file to
# WAL while the others open it (SQLite answered "database is locked"
# without waiting, in about one run of six)
bad=0
for round in $(seq 1 40); do
	$LW fleet run --store "new$round.db" --workers 4 --mirror-dir mirrors -q 2>>new.err || bad=1
done
check "fleet workers creating one store at once, forty times" test "$bad" = 0
[ -s new.err ] && sed 's/^/    | /' new.err >&2
finish
