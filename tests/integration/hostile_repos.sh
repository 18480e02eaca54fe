#!/bin/bash
# hostile_repos.sh - `leakwalk audit` (and the hooks) over repositories
# built to hurt: truncated, corrupt and missing objects, a malformed commit,
# tree entries named ".." or holding "/", a tree 5,000 levels deep, a huge
# packed blob, 100k files in one commit, gitlinks, symlinks, LFS pointers,
# control characters and bidi overrides in names and messages, empty and
# unborn repositories; and, with warnings being printed, no secret on stderr.
#
# Each case checks its outcome (exit status, the object or path named on
# stderr, the other findings still reported, no hang: every call is bounded
# by `timeout 120`) and prints its time to exit ("time to exit: NAME: S s").
#
# LW_SLOW_TESTS=1: the huge-blob case uses a 2 GiB blob at the default
# --max-blob-size (default: 300 MB with --max-blob-size 100M).
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"
. "$LW_TESTS_DIR/integration/hostile_helpers.bash"

pw() { printf 'DB_PASSWORD="%s"\n' "$1"; }
loose() { local id; id=$(git -C "$1" rev-parse "$2") && echo "$1/.git/objects/${id:0:2}/${id:2}"; }
# filler N: N bytes of random text, barely compressible, in 76-byte lines, that
# no rule can match (consonants and digits only: no keyword, no token shape)
filler() { LC_ALL=C tr -dc 'bcdfghjkmnpqrstvwz2-9' </dev/urandom | head -c "$1" | fold -w 76; echo; }
paths_are() { json_ok "$LW_TMP/$1.out" 'sorted(x["path"] for x in r)==sorted(a)' "${@:2}"; }

# mkrepo DIR: three commits: a secret in the first and the last, ~400 KB of
# base64 text (barely compressible) in the middle, so it fills most of a pack
mkrepo() {
	git init -q "$1" && (
		cd "$1" &&
		pw "$(secret)" >first.env && git add first.env && git commit -q -m first &&
		filler 400000 >middle.txt &&
		git add middle.txt && git commit -q -m middle &&
		pw "$(secret)" >last.env && git add last.env && git commit -q -m last
	)
}

# ===================== damaged objects =====================
# --- damaged loose objects: libgit2 1.5.1 loops for ever on a truncated one
# and overflows a buffer on one whose header under-states its size; leakwalk
# reads loose objects itself, so each is an unreadable object named on stderr
# and exit 3 within seconds, with no watchdog armed
# damage_loose NAME SHAPE: a fresh repository whose middle blob is damaged
damage_loose() {
	local f
	mkrepo "$1"
	f=$(loose "$1" HEAD:middle.txt)
	chmod u+w "$f"
	case $2 in
	truncated) head -c 12 "$f" >"$LW_TMP/t12" && cat "$LW_TMP/t12" >"$f" ;;
	onebyte) printf 0 >"$f" ;;
	understated) python3 -c 'import sys, zlib
p = sys.argv[1]
body = zlib.decompress(open(p, "rb").read()).split(b"\0", 1)[1]
open(p, "wb").write(zlib.compress(b"blob 3\0" + body))' "$f" ;;
	esac
}
for shape in truncated onebyte understated; do
	damage_loose "loose_$shape" "$shape"
	TR=$(git -C "loose_$shape" rev-parse HEAD:middle.txt)
	hrun "loose_$shape" audit --format json "loose_$shape"
	check "loose object ($shape): exit 1, secrets found beat incomplete (got $RC)" test "$RC" = 1
	check "loose object ($shape): never hangs (${SECS}s <= 10s)" secs_le "$SECS" 10
	check_grep "loose object ($shape): named on stderr" "$TR.*loose object is corrupt" "$LW_TMP/loose_$shape.err"
	check "loose object ($shape): the other findings are still reported" paths_are "loose_$shape" first.env last.env
done
# the watchdog still bounds what it must: a truncated loose object with --timeout armed
hrun truncated audit --timeout 10 --format json loose_truncated
check "truncated loose object, watchdog armed: exit 1 (got $RC)" test "$RC" = 1
# the staged hook reads through the same reader: a damaged staged blob fails
# the check (never a pass, never a hang)
mkrepo staged_damaged
filler 270000 >staged_damaged/new.txt
git -C staged_damaged add new.txt
F=$(loose staged_damaged :new.txt)
chmod u+w "$F" && head -c 12 "$F" >"$LW_TMP/t12" && cat "$LW_TMP/t12" >"$F"
hrun staged_truncated staged staged_damaged
check "staged, truncated loose object: exit 3 (got $RC)" test "$RC" = 3
check "staged, truncated loose object: no hang (${SECS}s <= 10s)" secs_le "$SECS" 10

# --- a corrupt byte in the middle of a pack --------------------------------------------
mkrepo packed
(cd packed && git repack -adq && git prune-packed)
PACK=$(ls packed/.git/objects/pack/*.pack)
check "pack: no loose objects left" test -z "$(find packed/.git/objects -type f -path '*/objects/??/*')"
PSIZE=$(stat -c %s "$PACK")
MID=$((PSIZE / 2))
# the object whose packed bytes hold the middle of the pack
VICTIM=$(git verify-pack -v "${PACK%.pack}.idx" | awk -v m="$MID" \
	'$2 ~ /^(blob|tree|commit|tag)$/ && $5 <= m && m < $5 + $4 { print $1 }')
byte=$(od -An -tu1 -j "$MID" -N1 "$PACK" | tr -d ' ')
chmod u+w "$PACK"
printf "\\$(printf %03o $((byte ^ 0x5a)))" | dd of="$PACK" bs=1 seek="$MID" conv=notrunc 2>/dev/null
check "pack: the middle byte really changed (object ${VICTIM:-?})" \
	test "$(od -An -tu1 -j "$MID" -N1 "$PACK" | tr -d ' ')" != "$byte"
hrun corrupt_pack audit --format json packed
check "corrupt pack: exit 1, secrets found beat incomplete (got $RC)" test "$RC" = 1
check_grep "corrupt pack: the object (or the pack) is named on stderr" \
	"${VICTIM:-no-victim}|$(basename "$PACK" .pack)" "$LW_TMP/corrupt_pack.err"
check "corrupt pack: the other findings are still reported" paths_are corrupt_pack first.env last.env

# --- a missing blob in a repository that is not shallow -------------------------------
mkrepo missing
MB=$(git -C missing rev-parse HEAD:middle.txt)
rm -f "$(loose missing HEAD:middle.txt)"
check "missing: not a shallow clone" test ! -f missing/.git/shallow
hrun missing audit --format json missing
check "missing blob: exit 1, secrets found beat incomplete (got $RC)" test "$RC" = 1
check_grep "missing blob: named on stderr" "$MB" "$LW_TMP/missing.err"
check "missing blob: the other findings are still reported" paths_are missing first.env last.env

# --- a malformed commit (author timestamp "notanumber") on a branch --------------------
# Branches: main (a secret), aaa-broken -> the malformed commit (its own new
# secret in bad.env), zz-feature (a secret only there). Refs are listed in
# name order, so the broken branch comes first.
git init -q malformed
(
	cd malformed &&
	pw "$(secret)" >main.env && git add main.env && git commit -q -m main &&
	git checkout -q -b zz-feature && pw "$(secret)" >feature.env && git add feature.env &&
	git commit -q -m feature && git checkout -q main &&
	pw "$(secret)" >bad.env && git add bad.env &&
	T=$(git write-tree) && git reset -q --hard &&
	C=$(printf 'tree %s\nparent %s\nauthor A U Thor <a@example.com> notanumber +0000\ncommitter C O Mitter <c@example.com> 1700000000 +0000\n\nmalformed date\n' \
		"$T" "$(git rev-parse main)" | git hash-object -w --literally -t commit --stdin) &&
	git update-ref refs/heads/aaa-broken "$C" && echo "$C" >"$LW_TMP/malformed.id"
)
MC=$(cat "$LW_TMP/malformed.id")
hrun malformed audit --format json malformed
check "malformed commit: no crash (exit $RC)" not_crashed malformed
# exit 1 either way (main's secret); the commit is either named as unreadable or scanned
if [ "$RC" = 1 ] && grep -q "$MC" "$LW_TMP/malformed.err"; then
	echo "  note: malformed commit: reported as unreadable"
	check_grep "malformed commit: exit 3 names it on stderr" "$MC" "$LW_TMP/malformed.err"
elif [ "$RC" = 1 ]; then
	echo "  note: malformed commit: scanned (exit 1)"
	check "malformed commit: scanned, its own secret reported (date unknown or as read)" \
		json_ok "$LW_TMP/malformed.out" 'any(x["path"]=="bad.env" and x["commit"]==a[0] for x in r)' "$MC"
else
	fail "malformed commit: exit $RC, wanted 1 (scanned) or 3 (named as unreadable)"
fi
check "malformed commit: every other branch is still audited (main.env, feature.env)" \
	json_ok "$LW_TMP/malformed.out" '{"main.env","feature.env"} <= {x["path"] for x in r}'
hrun malformed_rev audit --format json malformed aaa-broken
check "malformed commit named as the revision: an input error (exit 3) or scanned (exit 1), not a usage error (exit $RC)" \
	test "$RC" = 3 -o "$RC" = 1
[ "$RC" = 3 ] && check_grep "malformed commit named as the revision: named on stderr" "$MC" "$LW_TMP/malformed_rev.err"
[ "$RC" = 1 ] && check "malformed commit named as the revision: scanned, its secret reported" \
	json_ok "$LW_TMP/malformed_rev.out" '"bad.env" in [x["path"] for x in r]'

# ===================== hostile tree entries =====================
# Raw tree objects: entries named "..", ".", ".git", "a/../../pwned" and
# "../../pwned-too", and one holding ESC and a newline; each a distinct blob
# with its own secret. Nothing is ever written outside the repository.
git init -q names
(
	cd names || exit 1
	"$LW_PY" - "$LW_TMP/names.ids" <<'PY'
import subprocess, sys
def git(args, data):
    return subprocess.run(["git"] + args, input=data, capture_output=True, check=True).stdout.strip().decode()
import random, string
rnd = random.SystemRandom()
def sec():
    while True:
        s = "".join(rnd.choice(string.ascii_letters + string.digits) for _ in range(22)) + "7q"
        if not any(w in s.lower() for w in ("pass", "test", "key", "xxx", "abcd", "foo", "bar", "fake", "demo", "mock", "dummy", "example", "sample", "secret", "token")):
            return s
names = [b"..", b".", b".git", b"a/../../pwned", b"../../pwned-too", b"esc\x1b[31m\nline"]
entries, out = [], []
for n in names:
    s = sec()
    b = git(["hash-object", "-w", "--stdin"], ('DB_PASSWORD="%s"\n' % s).encode())
    entries.append((n, b))
    out.append(s)
body = b"".join(b"100644 " + n + b"\0" + bytes.fromhex(b) for n, b in sorted(entries))
t = git(["hash-object", "-w", "--literally", "-t", "tree", "--stdin"], body)
c = git(["commit-tree", "-m", "hostile names", t], b"")
git(["update-ref", "refs/heads/main", c], b"")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
)
mapfile -t NS <"$LW_TMP/names.ids"
hrun names audit --format json --no-redact names
check "hostile names: no crash (exit $RC)" not_crashed names
check "hostile names: exit 1 (scanned) or 3 (reported) (got $RC)" test "$RC" = 1 -o "$RC" = 3
echo "  note: hostile tree entry names: exit $RC"
# each entry is either a finding (its secret, at some path) or named in a warning
for i in 0 1 2 3 4 5; do
	check "hostile name #$i: its secret is reported, or the entry is named in a warning" \
		json_ok "$LW_TMP/names.out" 'any(x["secret"]==a[0] for x in r) or any(
			l.startswith("leakwalk: warning: ") and a[1] in l for l in open(a[2], errors="replace"))' \
		"${NS[$i]}" "$(sed -n "$((i + 1))p" <<<$'..\n.\n.git\na/../../pwned\n../../pwned-too\nesc')" "$LW_TMP/names.err"
done
check "hostile names: JSON output is valid" valid_json "$LW_TMP/names.out"
hrun names_text audit names
check "hostile names, text: ESC and newline in a path are escaped (stdout)" no_raw_controls "$LW_TMP/names_text.out"
check "hostile names, text: no raw controls on stderr" no_raw_controls "$LW_TMP/names_text.err"
check_grep "hostile names, text: the ESC is shown escaped" 'esc\\x1b\[31m\\x0aline' "$LW_TMP/names_text.out"
check "hostile names: nothing written outside the repository" \
	test ! -e "$LW_TMP/pwned" -a ! -e "$LW_TMP/../pwned" -a ! -e pwned -a ! -e "$LW_TMP/../pwned-too"
# an entry with an empty name: libgit2 cannot parse the tree; it is named
git init -q noname
(
	cd noname &&
	B=$(pw "$(secret)" | git hash-object -w --stdin) && K=$(pw "$(secret)" | git hash-object -w --stdin) &&
	T=$(printf '100644 \0%b100644 ok.env\0%b' "$(printf %s "$B" | sed 's/../\\x&/g')" \
		"$(printf %s "$K" | sed 's/../\\x&/g')" | git hash-object -w --literally -t tree --stdin) &&
	git update-ref refs/heads/main "$(git commit-tree -m "empty name" "$T")" && echo "$T" >"$LW_TMP/noname.id"
)
hrun noname audit --format json noname
check "empty entry name: exit 3 (got $RC)" test "$RC" = 3
check_grep "empty entry name: the tree is named on stderr" "$(cat "$LW_TMP/noname.id")" "$LW_TMP/noname.err"

# --- a tree 5,000 levels deep -------------------------------------------------------------
git init -q deep
DEEP_S=$(secret) TOP_S=$(secret)
(cd deep && "$LW_PY" - "$DEEP_S" "$TOP_S" <<'PY'
import hashlib, os, sys, zlib
def w(kind, body):
    data = b"%s %d\0" % (kind, len(body)) + body
    h = hashlib.sha1(data).hexdigest()
    os.makedirs(".git/objects/" + h[:2], exist_ok=True)
    p = ".git/objects/%s/%s" % (h[:2], h[2:])
    if not os.path.exists(p):
        open(p, "wb").write(zlib.compress(data, 1))
    return bytes.fromhex(h)
leaf = w(b"blob", b'DB_PASSWORD="%s"\n' % sys.argv[1].encode())
top = w(b"blob", b'DB_PASSWORD="%s"\n' % sys.argv[2].encode())
t = w(b"tree", b"100644 leaf.env\0" + leaf)
for i in range(5000):
    t = w(b"tree", b"40000 d\0" + t)
root = w(b"tree", b"40000 d\0" + t + b"100644 top.env\0" + top)
c = w(b"commit", b"tree %s\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\n\ndeep\n" % root.hex().encode())
open(".git/refs/heads/main", "w").write(c.hex() + "\n")
PY
)
hrun deep_tree audit --format json deep
check "deep tree: exit 1, the top secret found; the bound is incomplete coverage (got $RC)" test "$RC" = 1
check_grep "deep tree: the depth bound is reported on stderr" "deeper than 512 levels" "$LW_TMP/deep_tree.err"
check "deep tree: finishes quickly (${SECS}s <= 10s)" secs_le "$SECS" 10
check "deep tree: what is above the bound is still reported" paths_are deep_tree top.env

# --- a huge packed blob: never inflated -------------------------------------------------------
if [ "${LW_SLOW_TESTS:-0}" = 1 ]; then
	BIG_BYTES=$((2 << 30)) BIG_OPT=()
else
	BIG_BYTES=$((300 << 20)) BIG_OPT=(--max-blob-size 100M)
fi
BIG_S=$(secret) SMALL_S=$(secret)
git init -q huge
t0=$EPOCHREALTIME
# one fast-import stream, packed (fastimport.unpackLimit=1: never exploded
# into loose objects); the data is a secret line then newlines
{
	printf 'blob\nmark :1\ndata %d\n' "$BIG_BYTES"
	{ pw "$BIG_S"; head -c "$BIG_BYTES" /dev/zero | tr '\0' '\n'; } | head -c "$BIG_BYTES"
	printf '\nblob\nmark :2\ndata <<EOF\n%s\nEOF\n\n' "$(pw "$SMALL_S")"
	printf 'commit refs/heads/main\ncommitter A <a@example.com> 1700000000 +0000\ndata 4\nhuge\nM 100644 :1 huge.txt\nM 100644 :2 small.env\n\n'
} | git -C huge -c fastimport.unpackLimit=1 fast-import --quiet
echo "  built a $((BIG_BYTES >> 20)) MiB packed blob in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
HB=$(git -C huge rev-parse HEAD:huge.txt)
check "huge blob: $BIG_BYTES bytes, packed" test "$(git -C huge cat-file -s "$HB")" = "$BIG_BYTES" -a \
	-z "$(find huge/.git/objects -type f -path '*/objects/??/*')"
hrun_rss huge_blob audit --format json "${BIG_OPT[@]}" huge
check "huge blob: exit 1 (the small file's secret) (got $RC)" test "$RC" = 1
check "huge blob: the small file is still scanned, the blob is not" paths_are huge_blob small.env
check_grep "huge blob: listed on stderr by id and size" "$HB.* $BIG_BYTES bytes" "$LW_TMP/huge_blob.err"
if [ -n "$RSS" ]; then
	# a quarter of the blob: room for a sanitizer build's shadow memory and
	# the libraries loaded (libarchive brings ICU), none for the blob itself
	check "huge blob: never inflated (peak RSS ${RSS} KB, far below $((BIG_BYTES >> 10)) KB)" \
		test "$RSS" -lt $((BIG_BYTES >> 10 >> 2))
fi
absent_in "huge blob: its secret is not in the output" "$BIG_S" "$LW_TMP/huge_blob.out" "$LW_TMP/huge_blob.err"
rm -rf huge

# --- 100,000 files in one commit ------------------------------------------------------------------
P1=$(secret) P2=$(secret) P3=$(secret)
git init -q many
"$LW_PY" - "$P1" "$P2" "$P3" <<'PY' | git -C many fast-import --quiet
import sys
w = sys.stdout.buffer.write
plant = {8: sys.argv[1], 50001: sys.argv[2], 99999: sys.argv[3]}
w(b"commit refs/heads/main\ncommitter A <a@example.com> 1700000000 +0000\ndata 9\n100k file")
for i in range(100000):
    body = (('DB_PASSWORD="%s"\n' % plant[i]) if i in plant else "file %d\nvalue = %d\n" % (i, i * 7919)).encode()
    path = b"f%06d.txt" % i if i % 2 else b"d%03d/f%06d.txt" % (i % 997, i)
    w(b"M 100644 inline " + path + b"\ndata %d\n" % len(body) + body + b"\n")
w(b"\n")
PY
hrun many_files audit --format json many
check "100k files: exit 1 (got $RC)" test "$RC" = 1
check "100k files: the three planted secrets, nothing else" paths_are many_files d008/f000008.txt f050001.txt f099999.txt
check_grep "100k files: all of them read" "100000 blobs" "$LW_TMP/many_files.err"
rm -rf many

# --- 10,000 findings in one commit: the audit's cost stays near the scan's ------------
# 100 files of 100 distinct password assignments each. The audit of that one
# commit must not cost much more than `leakwalk scan` of the same files:
# attribution, dedup, redaction and the report are linear in the findings.
git init -q findings
"$LW_PY" - findings/in <<'PY'
import math, os, random, re, string, sys
rnd = random.Random(20261124)  # the same values every run
al = string.ascii_letters + string.digits
bad = re.compile("pass|secret|example|sample|changeit|test|dummy|fake|demo|mock|invalid|undefined|default|admin|token|null|none|localhost|your|xxx|todo|fixme|foo|bar|baz|insert|qwerty|abcd|redacted|replace|key", re.I)
def value():
    while True:
        v = "".join(rnd.choice(al) for _ in range(22))
        h = -sum(v.count(c) / len(v) * math.log2(v.count(c) / len(v)) for c in set(v))
        if h >= 3.9 and not bad.search(v):
            return v
os.makedirs(sys.argv[1])
for f in range(100):
    with open(os.path.join(sys.argv[1], "f%03d.env" % f), "w") as fh:
        for j in range(100):
            fh.write('DB_PASSWORD_%d="%s%d"\n' % (j, value(), j))
PY
(cd findings && git add in && git commit -q -m "10k secrets")
hrun findings_scan scan --format json findings/in
SCAN_SECS=$SECS
check "10k findings, scan: exit 1, 10000 findings (got $RC)" \
	pyc 'import json, sys; sys.exit(len(json.load(open(sys.argv[1]))) != 10000)' "$LW_TMP/findings_scan.out"
hrun findings_audit audit --format json findings
check "10k findings, audit: exit 1 (got $RC)" test "$RC" = 1
check "10k findings, audit: 10000 findings" \
	pyc 'import json, sys; sys.exit(len(json.load(open(sys.argv[1]))) != 10000)' "$LW_TMP/findings_audit.out"
AUDIT_MAX=$(awk -v s="$SCAN_SECS" 'BEGIN { b = 10 * s; printf "%.2f", b < 2 ? 2 : b }')
check "10k findings, audit: ${SECS}s <= ${AUDIT_MAX}s (10x the scan's ${SCAN_SECS}s, at least 2s)" secs_le "$SECS" "$AUDIT_MAX"
rm -rf findings

# ===================== gitlinks, symlinks, LFS pointers =====================
mkdir -p outside && OUT_S=$(secret) && pw "$OUT_S" >outside/secret.env
LFS_S=$(secret)
git init -q links
(
	cd links &&
	ln -s ../outside/secret.env link.env && ln -s /etc/passwd passwd-link &&
	echo '*.bin filter=lfs diff=lfs merge=lfs -text' >.gitattributes &&
	printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 123456\n%s' \
		"$(rand_hex 64)" "$(pw "$LFS_S")" >model.bin &&
	git add link.env passwd-link .gitattributes model.bin &&
	git update-index --add --cacheinfo "160000,$(rand_hex 40),vendor/sub" &&
	git commit -q -m "links, a gitlink and an LFS pointer"
)
check "links: a symlink blob and a gitlink in the tree" \
	test "$(git -C links ls-tree HEAD link.env | cut -c1-6)$(git -C links ls-tree -r HEAD vendor/sub | cut -c1-6)" = 120000160000
hrun links audit --format json links
check "links: exit 1 (only the LFS pointer's secret) (got $RC)" test "$RC" = 1
check "links: the LFS pointer is scanned as text, and only its secret line is reported" paths_are links model.bin
check_grep "links: the gitlink is counted, not followed" "1 submodule link" "$LW_TMP/links.err"
check_no_grep "links: the missing submodule commit is not an error" "unreadable|cannot read" "$LW_TMP/links.err"
absent_in "links: the symlink is never followed out of the repository" "$OUT_S" "$LW_TMP/links.out" "$LW_TMP/links.err"
check_no_grep "links: /etc/passwd is not read through a symlink" "root:" "$LW_TMP/links.out"

# ===================== control characters, bidi, invalid UTF-8 =====================
# Author "=HYPERLINK(...) ESC C1 U+202E \xff", email "+evil@x", message
# "@SUM(1) ..." with the same bytes, paths "-rf ESC U+202E.env" and
# "--output=x.env"; plus a missing blob under a path holding ESC, so that a
# warning carries it to stderr.
git init -q ctl
MSG_S=$(secret) C1_S=$(secret) C2_S=$(secret)
(
	cd ctl && "$LW_PY" - "$C1_S" "$C2_S" "$MSG_S" <<'PY'
import subprocess, sys
def git(args, data=b""):
    return subprocess.run(["git"] + args, input=data, capture_output=True, check=True).stdout.strip().decode()
evil = b"\x1b[31mRED\x1b[0m \xc2\x9b31m \xe2\x80\xae \xff\xfe\xc3"
b1 = git(["hash-object", "-w", "--stdin"], b'DB_PASSWORD="%s"\n' % sys.argv[1].encode())
b2 = git(["hash-object", "-w", "--stdin"], b'DB_PASSWORD="%s"\n' % sys.argv[2].encode())
gone = git(["hash-object", "--stdin"], b"never written\n")  # a blob that is not stored
ents = sorted([(b"-rf \x1b[2J\xe2\x80\xaevne.env", b1), (b"--output=x.env", b2), (b"gone\x1b]0;pwned\x07.txt", gone)])
t = git(["hash-object", "-w", "--literally", "-t", "tree", "--stdin"],
        b"".join(b"100644 " + n + b"\0" + bytes.fromhex(o) for n, o in ents))
author = b"=HYPERLINK(\"http://x\") " + evil
msg = b"@SUM(1) " + evil + b' DB_PASSWORD="' + sys.argv[3].encode() + b'"\n\n+body\n'
c = git(["hash-object", "-w", "--literally", "-t", "commit", "--stdin"],
        b"tree " + t.encode() + b"\nauthor " + author + b" <+evil@x> 1700000000 +0000\ncommitter -C <-c@x> 1700000000 +0000\n\n" + msg)
git(["update-ref", "refs/heads/main", c])
PY
)
for f in text json jsonl sarif csv; do
	hrun "ctl_$f" audit --format "$f" ctl
	check "controls, $f: exit 1 (secrets found beat the missing blob) (got $RC)" test "$RC" = 1
done
check "controls, text: stdout has no raw ESC / C1 / U+202E / invalid UTF-8" no_raw_controls "$LW_TMP/ctl_text.out"
check "controls, text: stderr has none either" no_raw_controls "$LW_TMP/ctl_text.err"
check_grep "controls, text: the path with ESC is shown escaped in the warning" 'gone\\x1b\]0;pwned\\x07\.txt' "$LW_TMP/ctl_text.err"
check_grep "controls, text: the author's ESC, C1 and U+202E are shown escaped" '\\x1b\[31mRED.*\\u009b31m \\u202e \\xff\\xfe\\xc3' "$LW_TMP/ctl_text.out"
check_grep "controls, text: the path starting with - is reported" '^-rf ' "$LW_TMP/ctl_text.out"
check "controls, json: valid JSON" valid_json "$LW_TMP/ctl_json.out"
check "controls, jsonl: every line valid JSON" valid_json "$LW_TMP/ctl_jsonl.out" jsonl
check "controls, sarif: valid JSON" valid_json "$LW_TMP/ctl_sarif.out"
check "controls, json: the paths and the author survive (escaped, not dropped)" \
	json_ok "$LW_TMP/ctl_json.out" '{x["path"][:4] for x in r} >= {"-rf ", "--ou"} and all(x["author"].startswith("=HYPERLINK") for x in r)'
check "controls, json: the U+202E is escaped in the JSON text (\\u202e)" grep -q '\\u202e' "$LW_TMP/ctl_json.out"
check "controls, csv: no field starts with = + - @" csv_neutral "$LW_TMP/ctl_csv.out"
# the secret in the commit message: found, and redacted wherever the message is shown
check "controls: the commit message's secret is reported" \
	json_ok "$LW_TMP/ctl_json.out" 'any(x["path"]=="<commit message>" for x in r)'
absent_in "controls: the commit message's secret is redacted in every format (message field)" "$MSG_S" \
	"$LW_TMP"/ctl_*.out "$LW_TMP"/ctl_*.err

# ===================== empty and unborn repositories =====================
git init -q empty
hrun empty audit empty
check "empty repository: exit 0 (got $RC)" test "$RC" = 0
check_grep "empty repository: a clear statement" "nothing to scan" "$LW_TMP/empty.err"
git init -q unborn && (cd unborn && test_commit README "hello" && git branch -q other &&
	git symbolic-ref HEAD refs/heads/never-born && git update-ref -d refs/heads/main)
check "unborn: HEAD is unborn, another ref exists" \
	test "$(git -C unborn rev-parse -q --verify HEAD)" = "" -a -n "$(git -C unborn rev-parse -q --verify other)"
hrun unborn audit unborn
check "unborn HEAD with other refs, nothing secret: exit 0 (got $RC)" test "$RC" = 0
check_grep "unborn HEAD: a clear summary (the other ref's commit audited)" "audited 1 commits" "$LW_TMP/unborn.err"
(cd empty && hrun empty_staged staged)
check "empty repository, staged: exit 0 (got $RC)" test "$RC" = 0
check_grep "empty repository, staged: a clear statement" "nothing" "$LW_TMP/empty_staged.err"

# ===================== secrets never reach logs =====================
# A user rule that hits PCRE2's match limit, a skipped big blob, a missing
# object, and secrets in files, in history (deleted later) and in commit
# messages: the warnings on stderr never carry a secret (default verbosity).
cat >"$LW_TMP/limit.json" <<'EOF'
{ "rules": [ { "id": "catastrophic-user-rule", "description": "backtracks on runs of b",
  "regex": "aaa(?:b+b+)+y", "secret_group": 0, "keywords": ["aaa"], "severity": "low",
  "examples": { "match": ["aaabby", "aaabbby"], "no_match": ["b", "c"] } } ],
  "defaults": true }
EOF
L1=$(secret) L2=$(secret) L3=$(secret) L4=$(secret) L5=$(secret) L6=$(secret)
git init -q logs
(
	cd logs &&
	{ pw "$L1"; printf 'aaa%s!y\n' "$(head -c 3000 /dev/zero | tr '\0' b)"; } >limit.env &&
	git add limit.env && git commit -q -m "config" &&
	pw "$L2" >old.env && git add old.env && git commit -q -m "old" && git rm -q old.env &&
	git commit -q -m "remove old" &&
	{ filler 270000; pw "$L3"; } >big.txt &&
	pw "$L4" >gone.env && git add big.txt gone.env && git commit -q -m "big and gone" &&
	git commit -q --allow-empty -m "DB_PASSWORD=\"$L5\" in a message"
)
rm -f "$(loose logs HEAD:gone.env)"
hrun logs_audit audit --config "$LW_TMP/limit.json" --max-blob-size 100K logs
check "logs, audit: exit 1 (secrets found beat the missing blob) (got $RC)" test "$RC" = 1
check_grep "logs, audit: the regex limit is reported" "catastrophic-user-rule: regex stopped" "$LW_TMP/logs_audit.err"
check_grep "logs, audit: the big blob is reported" "over --max-blob-size" "$LW_TMP/logs_audit.err"
check_grep "logs, audit: the missing object is reported" "cannot read" "$LW_TMP/logs_audit.err"
for s in "$L1" "$L2" "$L3" "$L4" "$L5"; do
	absent_in "logs, audit: no secret on stderr (${s:0:3}...)" "$s" "$LW_TMP/logs_audit.err"
done
# staged: the same rule, a staged secret
(
	cd logs &&
	{ pw "$L6"; printf 'aaa%s!y\n' "$(head -c 3000 /dev/zero | tr '\0' b)"; } >new.env && git add new.env &&
	hrun logs_staged staged --config "$LW_TMP/limit.json"
	echo "$RC" >"$LW_TMP/logs_staged.rc"
)
check "logs, staged: the staged secret blocks the commit (exit 1) (got $(cat "$LW_TMP/logs_staged.rc"))" \
	test "$(cat "$LW_TMP/logs_staged.rc")" = 1
absent_in "logs, staged: the secret is not on stderr" "$L6" "$LW_TMP/logs_staged.err"
# pre-receive: a push whose commit message, file and big blob hold secrets
git init -q --bare srv.git
printf '#!/bin/bash\nexec %q pre-receive --config %q --max-blob-size 100K\n' "$LEAKWALK" "$LW_TMP/limit.json" >srv.git/hooks/pre-receive
chmod +x srv.git/hooks/pre-receive
R1=$(secret) R2=$(secret) R3=$(secret)
git init -q pusher
(
	cd pusher && test_commit README "hello" && git push -q ../srv.git main 2>/dev/null
	{ pw "$R1"; printf 'aaa%s!y\n' "$(head -c 3000 /dev/zero | tr '\0' b)"; } >app.env &&
	{ filler 270000; pw "$R2"; } >big.txt &&
	git add app.env big.txt && git commit -q -m "DB_PASSWORD=\"$R3\" deploy"
)
t0=$EPOCHREALTIME
timeout 120 git -C pusher push ../srv.git main >"$LW_TMP/logs_push.err" 2>&1
RC=$?
figure logs_pre_receive "$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')" "$RC"
check "logs, pre-receive: the push is rejected (got $RC)" test "$RC" != 0
check_grep "logs, pre-receive: rejected for its secrets" "push rejected" "$LW_TMP/logs_push.err"
check_grep "logs, pre-receive: the big blob is reported" "over --max-blob-size" "$LW_TMP/logs_push.err"
check_grep "logs, pre-receive: the regex limit is reported" "regex stopped" "$LW_TMP/logs_push.err"
for s in "$R1" "$R2" "$R3"; do
	absent_in "logs, pre-receive: no secret in the hook's output (${s:0:3}...)" "$s" "$LW_TMP/logs_push.err"
done

finish
