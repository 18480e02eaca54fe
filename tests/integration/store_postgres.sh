#!/bin/bash
# The store in a real PostgreSQL server, started here (initdb + pg_ctl on a
# Unix socket in a temporary directory, as an unprivileged user): random
# histories, several fleet workers at once with one killed by SIGKILL,
# triage surviving a re-audit, migration from schema 1, a newer schema and
# an unreachable server (exit 2), no plaintext secret in a dump.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/store_helpers.bash"
LW=$LEAKWALK

pg_start; rc=$?
if [ "$rc" = 1 ]; then
	skip_case "PostgreSQL's server binaries are missing (apt-get install postgresql)"
	finish
fi
trap 'pg_stop; rm -rf "$LW_TMP"' EXIT
check "a private PostgreSQL server started" test "$rc" = 0
[ "$rc" = 0 ] || finish

for seed in 21 22; do
	check "random history into PostgreSQL, seed $seed" python3 "$LW_TESTS_DIR/integration/store_random.py" "$LW" "$LW_TMP" "$seed" 60 "$PG_URI"
done

fleet_kill_check "$(pg_newdb fleet)" postgres

# triage survives a re-audit
db=$(pg_newdb triage)
git init -q app && (cd app && test_commit app.env "DB_PASSWORD=\"$(rand_secret 20)\"")
s2=$(rand_secret 22)
(cd app && test_commit app2.env "REDIS_PASSWORD=\"$s2\"")
$LW audit app --store "$db" --format json -q >a.json
fp=$(json_val a.json '[x for x in r if x["path"] == "app2.env"][0]["fingerprint"]')
expect_exit 0 "triage in PostgreSQL" $LW triage --store "$db" "$fp" --status accepted --note "test account"
(cd app && test_commit more.txt "more")
$LW audit app --store "$db" --format json -q >b.json
check "the accepted finding is not reported after a re-audit" json_ok b.json 'len(r) == 1 and r[0]["path"] == "app.env"'
$LW report --store "$db" --status accepted --format json -q >c.json
check "it is kept, accepted" json_ok c.json 'len(r) == 1 and r[0]["status"] == "accepted"'
check "no plaintext secret in a dump of the database" bash -c "! '$PG_BIN/pg_dump' '$db' | grep -q -- '$s2'"

# schema 1 migrated forward, what it holds kept (a queued repository)
db=$(pg_newdb old)
LEAKWALK_STORE_SCHEMA=1 $LW fleet add --store "$db" app 2>/dev/null
check "a database at schema 1" test "$("$PG_BIN/psql" -Atq "$db" -c "SELECT value FROM lw_meta WHERE name = 'schema_version'")" = 1
$LW fleet status --store "$db" --format json >mig.json
check "now at schema 2" test "$("$PG_BIN/psql" -Atq "$db" -c "SELECT value FROM lw_meta WHERE name = 'schema_version'")" = 2
check "schema 1's repository kept, queued" json_ok mig.json 'len(r) == 1 and r[0]["queued"]'
expect_exit 0 "audited after the migration" $LW fleet run --store "$db" -q --mirror-dir m
$LW report --store "$db" --format json -q >mig2.json
check "its findings are in the store" json_ok mig2.json 'len(r) == 2'

# a newer schema, an unreachable server: exit 2, said clearly
"$PG_BIN/psql" -q "$db" -c "UPDATE lw_meta SET value = '7' WHERE name = 'schema_version'"
$LW report --store "$db" -q 2>new.err; rc=$?
check "a newer schema: exit 2" test "$rc" = 2
check_grep "a newer schema is named" "schema is version 7, newer than this leakwalk knows" new.err
$LW fleet status --store "postgresql:///lwtest?host=$LW_TMP/nowhere&user=lw" 2>down.err; rc=$?
check "an unreachable server: exit 2" test "$rc" = 2
check_grep "an unreachable server is named" "cannot connect to the store" down.err
pw=$(rand_secret 20)
$LW report --store "postgresql://lw:$pw@localhost:1/x?host=$LW_TMP/nowhere" 2>pw.err
check_grep "the URI is named" "postgresql://lw:\*\*\*@localhost:1/x" pw.err
check_no_grep "its password is not printed" "$pw" pw.err
finish
