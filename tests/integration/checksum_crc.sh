#!/bin/bash
# checksum_crc.sh - the offline CRC32 checks (zlib's crc32()) as the tool
# reports them: a GitHub token whose last six base62 digits are the CRC32 of
# its 30 random characters is "checksum valid"; one digit changed makes it
# "checksum invalid". The tokens are built here with Python's zlib.crc32, an
# implementation independent of ours.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

mktoken() { # mktoken PREFIX: prefix_ + 30 base62 + 6 base62 digits of their CRC32
	python3 - "$1" "$(rand_alnum 30)" <<'PY'
import sys, zlib
b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
prefix, body = sys.argv[1], sys.argv[2]
c, d = zlib.crc32(body.encode()), ""
for _ in range(6):
    d = b62[c % 62] + d
    c //= 62
print(prefix + "_" + body + d)
PY
}
for prefix in ghp gho; do
	t=$(mktoken "$prefix")
	printf 'token: %s\n' "$t" >"good_$prefix.txt"
	lw good_$prefix scan --no-config -f json "good_$prefix.txt"
	rc_is "$prefix: found" 1
	check "$prefix: a token with its CRC32 is checksum valid" \
		pyj "$LW_TMP/good_$prefix.out" 'len(r) == 1 and r[0]["checksum"] == "valid"'
	last=${t: -1}
	[ "$last" = 0 ] && bad=${t%?}1 || bad=${t%?}0
	printf 'token: %s\n' "$bad" >"bad_$prefix.txt"
	lw bad_$prefix scan --no-config -f json "bad_$prefix.txt"
	check "$prefix: one CRC digit changed is never checksum valid" \
		pyj "$LW_TMP/bad_$prefix.out" 'not any(x.get("checksum") == "valid" for x in r)'
done
finish
