# store_helpers.bash - what the store tests share: a private PostgreSQL
# server, and the fleet run with a worker killed in the middle of an audit.

# pg_start: initdb and pg_ctl in a fresh directory, listening on a Unix
# socket there only (no TCP), as an unprivileged user (initdb refuses root:
# as root, the server runs as `postgres`, or `nobody`, through runuser).
# Sets PG_URI and PG_BIN. Returns 1 when the server's binaries are missing.
PG_DIR=
PG_RUN=()
pg_start() {
	PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] || return 1
	PG_DIR=$(mktemp -d /tmp/lwpg.XXXXXX) || return 1
	if [ "$(id -u)" = 0 ]; then
		local user=nobody
		id postgres >/dev/null 2>&1 && user=postgres
		chown "$user" "$PG_DIR"
		PG_RUN=(runuser -u "$user" --)
	fi
	# the server's user cannot enter the test's private directory
	cd "$PG_DIR" || return 2
	"${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U lw --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; cd "$LW_TMP"; return 2; }
	"${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -o \
		"-k $PG_DIR -c listen_addresses= -c fsync=off -c max_connections=60" start >/dev/null ||
		{ cat "$PG_DIR/server.log" >&2; cd "$LW_TMP"; return 2; }
	cd "$LW_TMP" || return 2
	"$PG_BIN/createdb" -h "$PG_DIR" -U lw lwtest || return 2
	PG_URI="postgresql:///lwtest?host=$PG_DIR&user=lw"
}
pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	cd / && "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}
# pg_newdb NAME: a fresh database on the server; prints its URI
pg_newdb() {
	"$PG_BIN/createdb" -h "$PG_DIR" -U lw "$1" && echo "postgresql:///$1?host=$PG_DIR&user=lw"
}

# fleet_kill_check STORE TAG: eight repositories (half by file:// URL) into
# STORE; one worker is killed with SIGKILL in the middle of an audit (after
# reading, before writing), three more run at once. The store must then
# hold exactly the union of the repositories' own full audits, with no
# finding twice.
fleet_kill_check() {
	local store=$1 tag=$2 i j loc
	mkdir -p "fk-$tag" && : >"fk-$tag/list"
	for i in 1 2 3 4 5 6 7 8; do
		git init -q "fk-$tag/r$i"
		(cd "fk-$tag/r$i" && for j in 1 2 3; do
			test_commit "c$j.env" "SERVICE_PASSWORD=\"$(rand_secret 20)\""
		done && git checkout -q -b side && test_commit side.env "API_PASSWORD=\"$(rand_secret 21)\"")
		loc=$(cd "fk-$tag/r$i" && pwd -P)
		[ $((i % 2)) = 0 ] && loc="file://$loc"
		echo "$loc" >>"fk-$tag/list"
		$LEAKWALK audit "fk-$tag/r$i" --format json -q >"fk-$tag/want$i.json"
		python3 -c 'import json,sys; print("\n".join("%s %s %s" % (sys.argv[2], x["fingerprint"], x["commit"]) for x in json.load(open(sys.argv[1]))))' \
			"fk-$tag/want$i.json" "$loc" >>"fk-$tag/want"
	done
	sort -o "fk-$tag/want" "fk-$tag/want"
	$LEAKWALK fleet add --store "$store" --from "fk-$tag/list" 2>/dev/null
	LEAKWALK_STORE_STALL_MS=8000 $LEAKWALK fleet run --store "$store" --lease 3 -q \
		--mirror-dir "fk-$tag/m0" 2>/dev/null &
	local victim=$!
	sleep 2
	kill -9 "$victim"
	wait "$victim" 2>/dev/null
	$LEAKWALK fleet status --store "$store" --format json >"fk-$tag/mid.json"
	check "$tag: the killed worker's repository is still queued" json_ok "fk-$tag/mid.json" \
		'sum(1 for x in r if x["queued"]) == 8'
	local pids= bad=0
	for i in 1 2 3; do
		$LEAKWALK fleet run --store "$store" --lease 3 -q --mirror-dir "fk-$tag/m$i" 2>"fk-$tag/run$i.err" &
		pids="$pids $!"
	done
	for i in $pids; do wait "$i" || bad=1; done
	check "$tag: three workers at once, exit 0" test "$bad" = 0
	$LEAKWALK fleet status --store "$store" --format json >"fk-$tag/status.json"
	check "$tag: every repository audited, none queued, no error" json_ok "fk-$tag/status.json" \
		'len(r) == 8 and not any(x["queued"] or x["error"] for x in r) and all(x["findings"] == 4 for x in r)'
	$LEAKWALK report --store "$store" --status all --format json -q >"fk-$tag/got.json"
	python3 -c 'import json,sys; print("\n".join("%s %s %s" % (x["repo"], x["fingerprint"], x["commit"]) for x in json.load(open(sys.argv[1]))))' \
		"fk-$tag/got.json" | sort >"fk-$tag/got"
	check "$tag: the store holds the union of the single audits" cmp -s "fk-$tag/want" "fk-$tag/got"
	check "$tag: no finding twice" test "$(sort -u "fk-$tag/got" | wc -l)" = "$(wc -l <"fk-$tag/got")"
	check "$tag: 32 findings" test "$(wc -l <"fk-$tag/got")" = 32
}
