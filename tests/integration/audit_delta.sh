#!/bin/bash
# audit_delta.sh - a blob stored as a delta against an already scanned blob
# gets its keyword hits from that blob's, the keyword pass running only over
# what the delta adds. The findings must be exactly those of the full pass
# (--full-scan), byte for byte, on a history built to stress the seams:
# secrets inserted, edited one character inside the token or inside the
# keyword, lines deleted around them, files copied, base64- and hex-encoded
# secrets (their runs are worked out through deltas too) inserted and
# edited, long keywords in mixed case cut and mended by one character
# (the keyword windows of a delta reach only across keyword byte pairs),
# everything repacked with long delta chains (both git's offset deltas and
# id deltas).
. "$LW_TESTS_DIR/lib.sh"

RANDOM=4242
git init -q ev && cd ev
for i in $(seq 1 600); do printf 'line %d: some ordinary words, a password policy and a token bucket\n' "$i"; done >app.conf
git add app.conf && git commit -q -m base

# edit N: one change to app.conf (and sometimes a copy), then a commit
edit() {
	local n=$1 lines at kind
	lines=$(wc -l <app.conf)
	at=$((RANDOM % lines + 1))
	kind=$((RANDOM % 12))
	case $kind in
	0) sed -i "${at}i DB_PASSWORD=\"$(rand_secret 20)\"" app.conf ;;
	1) sed -i "${at}i aws_access_key_id = AKIA$(rand_upper 16)" app.conf ;;
	2) # one character inside the first secret value changes
		sed -i '0,/DB_PASSWORD="\(.......\)./s//DB_PASSWORD="\1Q/' app.conf ;;
	3) # the keyword itself is broken, or mended
		if grep -q DB_PASSXORD app.conf; then sed -i '0,/DB_PASSXORD/s//DB_PASSWORD/' app.conf
		else sed -i '0,/DB_PASSWORD/s//DB_PASSXORD/' app.conf; fi ;;
	4) sed -i "${at},$((at + RANDOM % 5))d" app.conf ;;
	5) sed -i "${at}s/.*/& token: $(rand_secret 24)/" app.conf ;;
	6) cp app.conf "copy$((n % 3)).conf" ;;
	7) sed -i "${at}i blob: $(printf 'DB_PASSWORD="%s"' "$(rand_secret 20)" | base64 -w0)" app.conf ;;
	8) sed -i "${at}i hexcfg = $(printf 'api_token: "%s"' "$(rand_secret 24)" | od -An -tx1 | tr -d ' \n')" app.conf ;;
	9) # one character of the first encoded run changes, or its end is cut
		sed -i '0,/blob: \(..........\)./s//blob: \1Z/' app.conf ;;
	10) sed -i "${at}i MONGO_INITDB_ROOT_PASSWORD=$(rand_secret 20)" app.conf ;;
	11) # a long keyword cut in its middle, or mended
		if grep -q MONGO_INITDB_RXOT app.conf; then sed -i '0,/MONGO_INITDB_RXOT/s//MONGO_INITDB_ROOT/' app.conf
		else sed -i '0,/MONGO_INITDB_ROOT/s//MONGO_INITDB_RXOT/' app.conf; fi ;;
	esac
	git add -A && git commit -q -m "edit $n" --allow-empty
}
for n in $(seq 1 80); do edit "$n"; done
cd "$LW_TMP"

for mode in ofs ref; do
	rm -rf "ev-$mode" && git clone -q --no-local ev "ev-$mode"
	if [ "$mode" = ofs ]; then
		git -C "ev-$mode" repack -adfq --depth=50 --window=50
	else
		git -C "ev-$mode" -c repack.useDeltaBaseOffset=false repack -adfq --depth=50 --window=50
	fi
	for t in 1 2; do
		timeout 120 "$LEAKWALK" audit --threads "$t" --format json "ev-$mode" >"d-$mode-$t.json" 2>"d-$mode-$t.err"
		RC=$?
		timeout 120 "$LEAKWALK" audit --threads "$t" --full-scan --format json "ev-$mode" >"f-$mode-$t.json" 2>"f-$mode-$t.err"
		RC_FULL=$?
		check "$mode, $t threads: exit 1 (got $RC)" test "$RC" = 1
		check "$mode, $t threads: --full-scan exit 1 (got $RC_FULL)" test "$RC_FULL" = 1
		check "$mode, $t threads: blobs were matched through their delta base" \
			grep -q "matched through their delta base" "d-$mode-$t.err"
		check "$mode, $t threads: --full-scan does not use delta bases" \
			eval '! grep -q "matched through their delta base" "f-$mode-$t.err"'
		check "$mode, $t threads: the same report as the full keyword pass" cmp -s "d-$mode-$t.json" "f-$mode-$t.json"
	done
	check "$mode: many findings to compare" json_ok "d-$mode-1.json" 'len(r) >= 20'
	check "$mode: findings in decoded runs to compare" json_ok "d-$mode-1.json" 'sum(1 for x in r if x.get("decoded")) >= 3'
	check "$mode: findings behind a long keyword to compare" \
		json_ok "d-$mode-1.json" 'sum(1 for x in r if "MONGO_INITDB_ROOT_PASSWORD" in x["line_text"]) >= 2'
done
finish
