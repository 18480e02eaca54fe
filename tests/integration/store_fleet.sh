#!/bin/bash
# The fleet on SQLite: several worker processes on one machine, a worker
# killed in the middle of an audit, URLs fetched into mirrors (a deleted
# branch upstream makes the walk whole again), status, errors.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/store_helpers.bash"
LW=$LEAKWALK

fleet_kill_check "$LW_TMP/fleet.db" sqlite

# --workers: one run, several processes
git init -q up && (cd up && test_commit a.env "DB_PASSWORD=\"$(rand_secret)\"" &&
	git checkout -q -b gone && test_commit b.env "DB_PASSWORD=\"$(rand_secret)\"" && git checkout -q main)
for i in 1 2 3 4; do git init -q "w$i" && (cd "w$i" && test_commit x.env "MYSQL_PASSWORD=\"$(rand_secret)\""); done
$LW fleet add --store w.db w1 w2 w3 w4 "file://$LW_TMP/up" 2>/dev/null
expect_exit 0 "fleet run --workers 3" $LW fleet run --store w.db --workers 3 --mirror-dir m -q
$LW fleet status --store w.db --format json >w.json
check "five repositories audited" json_ok w.json 'len(r) == 5 and all(x["last_audit"] and x["open"] >= 1 for x in r)'
check "the URL's tips are the mirror's" json_ok w.json '[x for x in r if x["repo"].startswith("file://")][0]["tips"].keys() == {"refs/heads/main", "refs/heads/gone"}'
# upstream deletes a branch: the mirror is pruned, the walk falls back to full
(cd up && git branch -q -D gone)
$LW fleet add --store w.db "file://$LW_TMP/up" 2>/dev/null
$LW fleet run --store w.db --mirror-dir m 2>run.err
check_grep "a deleted branch upstream: a full walk" "up: 1 commits, 1 blobs read \(full walk\)" run.err
$LW report --store w.db --repo "file://$LW_TMP/up" --format json -q >up.json
check "the deleted branch's finding is gone" json_ok up.json 'len(r) == 1 and r[0]["path"] == "a.env"'
$LW fleet status --store w.db >status.txt
check_grep "text status names the repository and its counts" "up$" status.txt
check_grep "text status: counts" "last audit 20[0-9-]+T.*Z, 1 tips, 1 commits and 1 blobs read, 1 open findings" status.txt

# errors: a repository that cannot be fetched is recorded, the run exits 3
$LW fleet add --store w.db "file://$LW_TMP/nowhere" 2>/dev/null
expect_exit 3 "a repository that cannot be fetched: exit 3" $LW fleet run --store w.db --mirror-dir m -q
$LW fleet status --store w.db --format json >err.json
check "its error is in the status" json_ok err.json '[x for x in r if x["repo"].endswith("nowhere")][0]["error"].startswith("cannot fetch")'
expect_exit 2 "fleet add of a path that does not exist" $LW fleet add --store w.db "$LW_TMP/absent"
expect_exit 2 "fleet without --store" $LW fleet run
expect_exit 2 "fleet with an unknown subcommand" $LW fleet frobnicate --store w.db
pw=$(rand_secret 16)
$LW fleet add --store w.db "https://bot:$pw@git.example.com/org/app.git" 2>pw.err; rc=$?
check "a URL with a password is refused (exit 2)" test "$rc" = 2
check_no_grep "without printing the password" "$pw" pw.err
$LW fleet status --store w.db --format json >pw.json
check "and not stored" bash -c "! grep -q -- '$pw' pw.json w.db"
# queued again while being audited: it stays queued for the next run
$LW fleet add --store w.db w2 2>/dev/null
sleep 1.1
LEAKWALK_STORE_STALL_MS=2500 $LW fleet run --store w.db -q --mirror-dir m &
spid=$!
sleep 1.2
$LW fleet add --store w.db w2 2>/dev/null
wait "$spid"
$LW fleet status --store w.db --format json >rq.json
check "queued during its audit: still queued after it" json_ok rq.json '[x for x in r if x["repo"].endswith("/w2")][0]["queued"]'
$LW fleet run --store w.db -q --mirror-dir m
$LW fleet status --store w.db --format json >rq.json
check "the next run audits it" json_ok rq.json 'not [x for x in r if x["repo"].endswith("/w2")][0]["queued"]'

# a long audit renews its lease: a worker started after the lease would
# have expired does not take the repository over
$LW fleet add --store w.db w3 2>/dev/null
LEAKWALK_STORE_STALL_MS=5000 $LW fleet run --store w.db --lease 2 --mirror-dir m 2>long.err &
lpid=$!
sleep 3.5
$LW fleet run --store w.db --lease 2 --mirror-dir m 2>other.err
wait "$lpid"
check_grep "the long audit finished" "w3: " long.err
check_no_grep "the second worker did not redo it" "w3: " other.err

# --follow waits for work; it stops on SIGTERM
$LW fleet run --store w.db --follow -q --mirror-dir m &
fpid=$!
sleep 1.5
$LW fleet add --store w.db w1 2>/dev/null
for i in $(seq 30); do
	sleep 0.5
	$LW fleet status --store w.db --format json >f.json
	json_ok f.json 'not [x for x in r if x["repo"].endswith("/w1")][0]["queued"]' 2>/dev/null && break
done
check "--follow picked up the repository queued later" json_ok f.json 'not [x for x in r if x["repo"].endswith("/w1")][0]["queued"]'
check "--follow is still waiting" kill -0 "$fpid"
kill -TERM "$fpid"
wait "$fpid"
check "--follow ends on SIGTERM" test $? -lt 128
finish
