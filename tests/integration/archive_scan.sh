#!/bin/bash
# archive_scan.sh - `leakwalk scan` opens archives made at test time
# (archive_make.py: python's zipfile, tarfile, gzip, bz2, lzma) and reports
# their members as archive!member: every format, found by content, nested
# chains, the depth, member, byte and ratio bounds, damaged and encrypted
# members (exit 3), symlink members, hostile member names, and the chain
# through JSON, SARIF, text, fingerprints and baselines.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"
mk() { python3 "$LW_TESTS_DIR/integration/archive_make.py" "$@"; }
# src NAME [KEY]: a file holding one fresh secret assignment (to KEY, by
# default DB_PASSWORD), named NAME
src() { mkdir -p "$(dirname "src/$1")"; pwline "${2:-}" >"src/$1"; echo "src/$1"; }

# the library that reads them is named with the others
"$LEAKWALK" version --deps >deps.out
check_grep "version --deps names libarchive and its version" '^libarchive [0-9]+\.[0-9]+\.[0-9]+' deps.out
if command -v pkg-config >/dev/null && pkg-config --exists libarchive; then
	check "version --deps: the libarchive built against" grep -qx "libarchive $(pkg-config --modversion libarchive)" deps.out
fi

# ===================== every format, by content =====================
mkdir -p root
mk zip root/app.zip "conf/a.env=$(src a.env)"
for ext in jar war whl nupkg apk; do
	mk zip "root/pkg.$ext" "META-INF/$ext.properties=$(src "$ext.properties")"
done
mk tar root/plain.tar "t/a.env=$(src t.env)"
mk tar.gz root/b.tgz "t/b.env=$(src tgz.env)"
mk tar.gz root/c.tar.gz "t/c.env=$(src tgz2.env)"
mk tar.bz2 root/d.tar.bz2 "t/d.env=$(src tbz.env)"
mk tar.xz root/e.tar.xz "t/e.env=$(src txz.env)"
mk gz root/one.env.gz "x=$(src one.env)"
mk bz2 root/two.env.bz2 "x=$(src two.env)"
mk xz root/three.env.xz "x=$(src three.env)"
# named for nothing: found by their magic bytes
mk zip root/release.dat "inner/k.env=$(src k.env)"
mk tar.gz root/payload "p/q.env=$(src q.env)"
lw formats scan -f json root
rc_is "formats: findings, exit 1" 1
check "formats: one finding per archive, at archive!member" pyj "$LW_TMP/formats.out" \
	'sorted(x["path"] for x in r) == sorted(["root/app.zip!conf/a.env", "root/pkg.jar!META-INF/jar.properties",
	  "root/pkg.war!META-INF/war.properties", "root/pkg.whl!META-INF/whl.properties",
	  "root/pkg.nupkg!META-INF/nupkg.properties", "root/pkg.apk!META-INF/apk.properties",
	  "root/plain.tar!t/a.env", "root/b.tgz!t/b.env", "root/c.tar.gz!t/c.env", "root/d.tar.bz2!t/d.env",
	  "root/e.tar.xz!t/e.env", "root/one.env.gz!one.env", "root/two.env.bz2!two.env",
	  "root/three.env.xz!three.env", "root/release.dat!inner/k.env", "root/payload!p/q.env"])'
check "formats: on the member's first line, no strings@ chain" pyj "$LW_TMP/formats.out" \
	'all(x["line"] == 1 and not x.get("decoded") for x in r)'
check_no_grep "formats: no diagnostic" "warning" "$LW_TMP/formats.err"
check_no_grep "formats: coverage complete" "incomplete" "$LW_TMP/formats.err"

# --max-archive-depth 0: archives are bytes again (a deflated member is not readable)
lw depth0 scan -f json --max-archive-depth 0 root/app.zip
rc_is "depth 0: nothing found in a deflated zip, exit 0" 0
# a stored member is still seen through the printable runs, at the archive's path
mkdir -p src && printf 'aws_access_key_id = AKIA%s\n' "$(rand_upper 16)" >src/s.env
mk zip-stored root0.zip "conf/s.env=src/s.env"
lw depth0s scan -f json --max-archive-depth 0 root0.zip
check "depth 0: a stored member through its printable runs, at the archive's path" pyj "$LW_TMP/depth0s.out" \
	'[(x["path"], x["decoded"][:8]) for x in r] == [("root0.zip", "strings@")]'
lw depth0o scan -f json root0.zip
check "opened: the stored member at its own path, once" pyj "$LW_TMP/depth0o.out" \
	'[x["path"] for x in r] == ["root0.zip!conf/s.env"]'
lw baddepth scan --max-archive-depth 17 root0.zip
rc_is "--max-archive-depth 17: usage error" 2
check_grep "--max-archive-depth 17: says the range" "max-archive-depth takes a number from 0" "$LW_TMP/baddepth.err"

# ===================== a nested chain, through every report =====================
mkdir -p nest/dist
mk zip inner.zip "conf/settings.py=$(src settings.py)"
mk tar.gz nest/dist/bundle.tar.gz "lib/inner.zip=inner.zip" "README=$(src readme.txt)"
CHAIN='dist/bundle.tar.gz!lib/inner.zip!conf/settings.py'
(cd nest && timeout 60 "$LEAKWALK" scan -f json . >"$LW_TMP/nest.json" 2>"$LW_TMP/nest.err")
check "nested: the chain names both archives" pyj "$LW_TMP/nest.json" \
	'sorted(x["path"] for x in r) == sorted([a[0], "dist/bundle.tar.gz!README"])' "$CHAIN"
(cd nest && timeout 60 "$LEAKWALK" scan . >"$LW_TMP/nest.txt" 2>&1)
check "nested: text shows the chain" grep -qF "$CHAIN:1:" "$LW_TMP/nest.txt"
(cd nest && timeout 60 "$LEAKWALK" scan -f sarif . >"$LW_TMP/nest.sarif" 2>/dev/null)
check "nested: SARIF's uri percent-encodes the '!'" pyj "$LW_TMP/nest.sarif" \
	'"dist/bundle.tar.gz%21lib/inner.zip%21conf/settings.py" in [l["physicalLocation"]["artifactLocation"]["uri"] for res in r["runs"][0]["results"] for l in res["locations"]]'
FP=$(json_val "$LW_TMP/nest.json" '[x["fingerprint"] for x in r if x["path"] == a[0]][0]' "$CHAIN")
(cd nest/dist && timeout 60 "$LEAKWALK" scan -f json .. >"$LW_TMP/nest_up.json" 2>/dev/null)
check "nested: the fingerprint is the same from another working directory" \
	test "$(json_val "$LW_TMP/nest_up.json" '[x["fingerprint"] for x in r if x["path"].endswith("inner.zip!conf/settings.py")][0]')" = "$FP"
(cd nest && timeout 60 "$LEAKWALK" scan --baseline "$LW_TMP/nest.json" . >"$LW_TMP/nest_base.out" 2>&1)
check "nested: a baseline of the report suppresses both findings (exit 0)" test $? = 0
echo "$FP" >nest/.leakwalkignore
(cd nest && timeout 60 "$LEAKWALK" scan -f json . >"$LW_TMP/nest_ign.json" 2>/dev/null)
check "nested: the ignore file takes the chain's fingerprint" pyj "$LW_TMP/nest_ign.json" \
	'[x["path"] for x in r] == ["dist/bundle.tar.gz!README"]'
rm nest/.leakwalkignore

# depth 1: the inner zip is not opened; said, and counted as incomplete
lw depth1 scan -f json --max-archive-depth 1 nest
rc_is "depth 1: the outer member found, exit 1" 1
check "depth 1: only the outer member" pyj "$LW_TMP/depth1.out" '[x["path"] for x in r] == ["nest/dist/bundle.tar.gz!README"]'
check_grep "depth 1: the inner archive is named as not opened" \
	'nest/dist/bundle.tar.gz!lib/inner.zip: an archive nested deeper than --max-archive-depth' "$LW_TMP/depth1.err"
mk tar.gz deep.tgz "lib/inner.zip=inner.zip"
lw depth1only scan --max-archive-depth 1 deep.tgz
rc_is "depth 1, the secret only in the inner archive: not everything checked, exit 3" 3
lw depth2 scan -f json --max-archive-depth 2 deep.tgz
rc_is "depth 2: found, exit 1" 1

# ===================== bombs and bounds =====================
mk zip bomb.zip "a/bomb.bin=@zeros:20000000" "b/after.env=$(src after.env)"
lw bomb scan -f json bomb.zip
rc_is "zip bomb: the later member's secret found, exit 1" 1
check "zip bomb: the member after the bomb is scanned" pyj "$LW_TMP/bomb.out" '[x["path"] for x in r] == ["bomb.zip!b/after.env"]'
check_grep "zip bomb: a diagnostic names the member and the ratio" 'bomb.zip!a/bomb.bin: abandoned: compression ratio over 100' "$LW_TMP/bomb.err"
check_grep "zip bomb: coverage incomplete" "coverage incomplete" "$LW_TMP/bomb.err"
mk tar.gz bomb.tgz "a/bomb.bin=@zeros:20000000" "b/after.env=$(src after2.env)"
lw bombt scan -f json bomb.tgz
check "tar.gz bomb: abandoned, and the next member still read" pyj "$LW_TMP/bombt.out" '[x["path"] for x in r] == ["bomb.tgz!b/after.env"]'
mk zip bombonly.zip "a/bomb.bin=@zeros:20000000"
lw bombonly scan bombonly.zip
rc_is "zip bomb alone: nothing found but not everything checked, exit 3" 3
# a text member that compresses well is not a bomb
python3 -c 'import sys; sys.stdout.write("".join("line %d of a log, value %d\n" % (i, i * 7) for i in range(150000)))' >log.txt
mk zip logs.zip "log.txt=log.txt"
lw logs scan logs.zip
rc_is "a compressible 4 MB log: not a bomb, exit 0" 0
# nor is a large member stored as is (its read position says little)
head -c 2400000 /dev/urandom | base64 >big.txt
mk tar big.tar "big.txt=big.txt"
mk zip-stored big.zip "big.txt=big.txt"
lw big scan big.tar big.zip
rc_is "3 MB members in a plain tar and a stored zip: not bombs, exit 0" 0
check_no_grep "3 MB stored members: no diagnostic" "warning" "$LW_TMP/big.err"

mk zip-many:10000 many.zip "z/last.env=$(src last.env)"
lw many scan -f json many.zip
rc_is "10001 members: the last is past the bound, exit 3" 3
check_grep "10001 members: the bound is named" 'many.zip: the rest is not read: more than 10000 members' "$LW_TMP/many.err"
mk zip-many:9999 many2.zip "z/last.env=$(src last2.env)"
lw many2 scan -f json many2.zip
rc_is "10000 members: all read, the last found" 1

# ===================== damaged and encrypted members =====================
mk zip-corrupt broken.zip "a/first.env=$(src first.env)" "b/second.env=$(src second.env)"
lw broken scan -f json broken.zip
check "damaged member: the next one is still read" pyj "$LW_TMP/broken.out" '[x["path"] for x in r] == ["broken.zip!b/second.env"]'
check_grep "damaged member: named in a diagnostic" 'broken.zip!a/first.env: cannot be read' "$LW_TMP/broken.err"
mk zip-corrupt broken1.zip "a/first.env=$(src first1.env)"
lw broken1 scan broken1.zip
rc_is "damaged member alone: exit 3" 3
mk zip-encrypted locked.zip "a/locked.env=$(src locked.env)"
lw locked scan locked.zip
rc_is "encrypted member: exit 3" 3
check_grep "encrypted member: named" 'locked.zip!a/locked.env: not scanned: encrypted' "$LW_TMP/locked.err"
head -c 3000 bomb.zip >trunc.zip
lw trunc scan trunc.zip
rc_is "a truncated zip: exit 3" 3
check_grep "a truncated zip: said" 'trunc.zip' "$LW_TMP/trunc.err"
# at a path the configuration allows, an archive is not opened: no finding, no warning
mkdir -p allowed/corpus && cp trunc.zip broken.zip allowed/corpus/
printf '{"allow": {"paths": ["^corpus/"]}}\n' >allowed/.leakwalk.json
lw allowed scan allowed
rc_is "allow.paths: damaged archives there are not opened, exit 0" 0
check_no_grep "allow.paths: no warning" "warning" "$LW_TMP/allowed.err"

# ===================== standard input =====================
lw_in stdin nest/dist/bundle.tar.gz scan -f json -
check "stdin: an archive read on stdin is opened too" pyj "$LW_TMP/stdin.out" \
	'"<stdin>!README" in [x["path"] for x in r]'

# ===================== links, hostile names =====================
printf 'not a real key, only its name matters\n' >keyish
mk tar links.tar "backup/.ssh/id_rsa=keyish" "other/.ssh/id_ed25519=@link:/etc/hostname"
lw links scan -f json links.tar
check "a regular member named id_rsa is reported by its name" pyj "$LW_TMP/links.out" \
	'[(x["rule"], x["path"]) for x in r] == [("ssh-private-key-file", "links.tar!backup/.ssh/id_rsa")]'
ESC=$(printf '\033')
mk tar hostile.tar "conf/${ESC}[31mred.env=$(src red.env)" "$(head -c 3000 /dev/zero | tr '\0' a)/long.env=$(src long.env)"
lw hostile scan hostile.tar
check "a control byte in a member name never reaches the terminal" eval "! grep -q \"\$ESC\" \"$LW_TMP/hostile.out\""
check "a control byte in a member name is escaped" grep -qF 'hostile.tar!conf/\\x1b[31mred.env:1:' "$LW_TMP/hostile.out"
lw hostilej scan -f json hostile.tar
check "a long member name is cut to 1024 bytes and marked" pyj "$LW_TMP/hostilej.out" \
	'any(x["path"].startswith("hostile.tar!aaaa") and x["path"].endswith("...") and 1000 < len(x["path"]) - len("hostile.tar!") <= 1024 for x in r)'

# ===================== path rules inside archives =====================
# a member's own path meets the rules' path filters as the same file outside
# an archive would: the generic rules skip docs/ and changelogs, a key file
# is reported by its name
mk zip paths.zip "docs/settings.py=$(src p1/settings.py API_PASSWORD)" "app/settings.py=$(src p2/settings.py API_PASSWORD)" \
	"deploy/id_rsa=$(src p3/id_rsa API_PASSWORD)"
mk gz changelog.gz "changelog=$(src p4/changelog API_PASSWORD)"
lw paths scan -f json paths.zip changelog.gz
check "archive members: docs/ and the changelog skipped by the generic rules, the rest reported" \
	pyj "$LW_TMP/paths.out" 'sorted((x["path"], x["rule"]) for x in r) == [("paths.zip!app/settings.py", "generic-password-assignment"), ("paths.zip!deploy/id_rsa", "generic-password-assignment"), ("paths.zip!deploy/id_rsa", "ssh-private-key-file")]'
mkdir -p pl/docs && cp src/p4/changelog pl/changelog && cp src/p1/settings.py pl/docs/
lw pathsplain scan -f json pl
rc_is "the same files outside an archive: skipped too, exit 0" 0
finish
