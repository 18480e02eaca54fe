#!/bin/bash
# scan_threads.sh - the report does not depend on the number of workers:
# --threads 1 and --threads 4 (and the default) give byte-identical JSON.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

# One pool of random characters, sliced: 170 secrets without 700 processes.
# The alphabet has no vowels and no x, so no slice spells a stopword.
POOL=$(LC_ALL=C tr -dc 'bcdfghjkmnpqrstvwzBCDFGHJKMNPQRSTVWZ2-9' </dev/urandom | head -c 12000)
o=0
# 28 characters: long enough that the entropy floor (3.2) is never in reach
sec() { S="${POOL:o:10}$((RANDOM % 90 + 10))${POOL:o+10:16}"; o=$((o + 26)); }
mkdir tree
for d in $(seq 1 12); do
	mkdir -p "tree/d$d/sub"
	for f in $(seq 1 12); do
		sec
		a=$S
		sec
		{
			echo "# file $d/$f"
			for k in $(seq 1 $((f % 4))); do echo "filler line $k"; done
			printf 'app_secret_%s = "%s"\n' "$f" "$a"
			[ $((f % 3)) = 0 ] && printf 'DB_PASSWORD="%s"\r\n' "$S"
			echo "tail"
		} >"tree/d$d/f$f.env"
	done
	sec
	printf 'DB_PASSWORD="%s"\n' "$S" >"tree/d$d/sub/deep.env"
	printf 'bin\0' >"tree/d$d/sub/blob.bin"
done

lw t1 scan -f json --threads 1 tree
rc_is "--threads 1: exit 1" 1
lw t4 scan -f json --threads 4 tree
rc_is "--threads 4: exit 1" 1
lw t0 scan -f json tree
lw t16 scan -f json -j 16 tree
check "the report has every finding" pyj "$LW_TMP/t1.out" 'len(r) == 12 * (12 + 4 + 1)'
check "--threads 1 and --threads 4: identical JSON" cmp -s "$LW_TMP/t1.out" "$LW_TMP/t4.out"
check "--threads 1 and the default: identical JSON" cmp -s "$LW_TMP/t1.out" "$LW_TMP/t0.out"
check "--threads 1 and -j 16: identical JSON" cmp -s "$LW_TMP/t1.out" "$LW_TMP/t16.out"
lw s1 scan -f sarif --threads 1 tree
lw s4 scan -f sarif --threads 4 tree
check "--threads 1 and 4: identical SARIF" cmp -s "$LW_TMP/s1.out" "$LW_TMP/s4.out"
check "the summaries agree on the counts" test "$(sed 's/ in [0-9.]*s//' "$LW_TMP/t1.err")" = "$(sed 's/ in [0-9.]*s//' "$LW_TMP/t4.err")"
check "the report is sorted by path, line, column" pyj "$LW_TMP/t4.out" \
	'[(x["path"], x["line"], x["column"]) for x in r] == sorted((x["path"], x["line"], x["column"]) for x in r)'
# repeated runs are stable
stable=1
for i in 1 2 3; do
	timeout 60 "$LEAKWALK" scan -f json --threads 4 tree >"$LW_TMP/again.out" 2>/dev/null
	cmp -s "$LW_TMP/t1.out" "$LW_TMP/again.out" || stable=0
done
check "three more runs with 4 threads: identical" test "$stable" = 1

finish
