#!/bin/bash
# scan_walk.sh - `leakwalk scan` over directory trees made at test time:
# recursion, .git skipped, symlinks (out of the root, inside it, loops)
# never followed, binary and oversized files skipped and counted.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

# --- recursion, .git, symlinks, binary files (their printable runs are scanned) -----------------------------------
mkdir -p root/a/b/c/d root/.git root/empty outside root/cyc
pwline >root/top.env
{ echo "# deep"; echo; pwline; } >root/a/b/c/d/deep.env
pwline >root/.git/config.env
pwline >outside/out.env
ln -s ../outside/out.env root/link-out.env
ln -s ../outside root/linkdir
ln -s loop1 root/loop2
ln -s loop2 root/loop1
ln -s .. root/cyc/up
ln -s top.env root/inside-link.env
ln -s /nonexistent/dangling root/dangling.env
{ printf 'GIF89a\0\0\1\2'; pwline; } >root/blob.bin
mkfifo root/fifo 2>/dev/null || true

lw walk scan -f json root
rc_is "findings: exit 1" 1
check "recursion: the top, the deep and the binary file are found, nothing else" \
	pyj "$LW_TMP/walk.out" 'sorted(x["path"] for x in r) == ["root/a/b/c/d/deep.env", "root/blob.bin", "root/top.env"]'
check "the binary file's finding: its printable run at byte 10 (strings@10), line 1, column 24" \
	pyj "$LW_TMP/walk.out" '[(x["decoded"], x["line"], x["column"]) for x in r if x["path"].endswith("blob.bin")] == [("strings@10", 1, 24)]'
check "the deep file's finding is on line 3" \
	pyj "$LW_TMP/walk.out" '[x["line"] for x in r if x["path"].endswith("deep.env")] == [3]'
check "nothing from outside the root, through any link" \
	pyj "$LW_TMP/walk.out" 'not any("out" in x["path"] or "link" in x["path"] for x in r)'
check "the summary skips no binary file" grep -Eq 'skipped [0-9]+ \(0 binary' "$LW_TMP/walk.err"
check "the summary counts the symlinks (7)" grep -q '7 symlinks' "$LW_TMP/walk.err"
check "the summary counts 3 scanned files" grep -q 'scanned 3 files' "$LW_TMP/walk.err"
not_in_file "the symlink loop is not reported as an error" "unreadable" "$LW_TMP/walk.err"

# relative to the root when run inside it; a trailing slash changes nothing
(cd root && timeout 60 "$LEAKWALK" scan -f json . >"$LW_TMP/dot.out" 2>"$LW_TMP/dot.err")
check "scan . gives paths relative to the root" \
	pyj "$LW_TMP/dot.out" 'sorted(x["path"] for x in r) == ["a/b/c/d/deep.env", "blob.bin", "top.env"]'
lw slash scan -f json root/
check "a trailing slash gives the same paths" \
	pyj "$LW_TMP/slash.out" 'sorted(x["path"] for x in r) == ["root/a/b/c/d/deep.env", "root/blob.bin", "root/top.env"]'
# the fingerprint is of the path relative to the root, wherever it is run from
check "fingerprints do not depend on how the root was named" \
	python3 -c '
import json, sys
a = sorted(x["fingerprint"] for x in json.load(open(sys.argv[1])))
b = sorted(x["fingerprint"] for x in json.load(open(sys.argv[2])))
sys.exit(a != b)' "$LW_TMP/walk.out" "$LW_TMP/dot.out"

# several roots at once
lw multi scan -f json root/a root/top.env
check "two roots: both found" \
	pyj "$LW_TMP/multi.out" 'sorted(x["path"] for x in r) == ["root/a/b/c/d/deep.env", "root/top.env"]'

# a root named by the user may itself be a symlink: it is followed
ln -s root rootlink
lw rootlink scan -f json rootlink
check "a symlink named as the root directory is followed" \
	pyj "$LW_TMP/rootlink.out" 'sorted(x["path"] for x in r) == ["rootlink/a/b/c/d/deep.env", "rootlink/blob.bin", "rootlink/top.env"]'
ln -s root/top.env filelink.env
lw filelink scan -f json filelink.env
check "a symlink named as a root file is followed like a root directory" \
	pyj "$LW_TMP/filelink.out" '[x["path"] for x in r] == ["filelink.env"]'

# a deep tree within the default depth bound
d=deeptree
for i in $(seq 1 60); do d="$d/d$i"; done
mkdir -p "$d"
pwline >"$d/bottom.env"
lw deep scan -f json deeptree
check "60 levels deep is scanned" pyj "$LW_TMP/deep.out" 'len(r) == 1 and r[0]["path"].endswith("/d60/bottom.env")'

# beyond the nesting bound (256): a warning, counted as unreadable, no crash
d=toodeep
for i in $(seq 1 300); do d="$d/d"; done
mkdir -p "$d"
pwline >toodeep/top.env
pwline >"$d/bottom.env"
lw toodeep scan -f json toodeep
rc_is "nesting beyond the bound: exit 1 (found beats coverage incomplete)" 1
check "nesting beyond the bound: a warning says so" grep -q 'too deep' "$LW_TMP/toodeep.err"
check "nesting beyond the bound: what is within it is still reported" \
	pyj "$LW_TMP/toodeep.out" '[x["path"] for x in r] == ["toodeep/top.env"]'

# --- --max-file-size ------------------------------------------------------------
mkdir sizes
pwline >sizes/small.env
{ pwline; head -c 300000 /dev/zero | tr '\0' '\n'; } >sizes/big.env
lw size_default scan -f json sizes
check "default limit: both files scanned" pyj "$LW_TMP/size_default.out" 'len(r) == 2'
lw size_200k scan -f json --max-file-size 200K sizes
check "--max-file-size 200K: the big file is skipped" \
	pyj "$LW_TMP/size_200k.out" '[x["path"] for x in r] == ["sizes/small.env"]'
check "--max-file-size 200K: the skip is counted" grep -q '1 too large' "$LW_TMP/size_200k.err"
rc_is "--max-file-size 200K: the small file's finding gives exit 1" 1
lw size_1m scan -f json --max-file-size 1M sizes
check "--max-file-size 1M: both scanned" pyj "$LW_TMP/size_1m.out" 'len(r) == 2'
# a limit below 64 KiB must still scan the files under it
lw size_10k scan -f json --max-file-size 10K sizes
check "--max-file-size 10K: the small file is still scanned" \
	pyj "$LW_TMP/size_10k.out" '[x["path"] for x in r] == ["sizes/small.env"]'
check "--max-file-size 10K: only the big file counts as too large" grep -q '; skipped 1 (0 binary, 1 too large' "$LW_TMP/size_10k.err"
# "larger than N" skips: a file of exactly N bytes is scanned, and so is
# one just under N
mkdir exact near
{ pwline; head -c 100000 /dev/zero | tr '\0' ' '; echo; } >exact/f.env
n=$(wc -c <exact/f.env)
lw size_exact scan -f json --max-file-size "$n" exact
check "a file of exactly --max-file-size bytes is scanned" pyj "$LW_TMP/size_exact.out" 'len(r) == 1'
lw size_less scan -f json --max-file-size "$((n - 1))" exact
check "one byte over the limit is skipped" pyj "$LW_TMP/size_less.out" 'r == []'
{ pwline; head -c $((1048576 - 2000)) /dev/zero | tr '\0' ' '; echo; } >near/f.env
lw size_near scan -f json --max-file-size 1M near
check "a file 2000 bytes under --max-file-size is scanned" pyj "$LW_TMP/size_near.out" 'len(r) == 1'
lw size_bad scan --max-file-size 12Q sizes
rc_is "--max-file-size 12Q is a usage error" 2
lw size_neg scan --max-file-size -5 sizes
rc_is "--max-file-size -5 is a usage error" 2

# --- a binary file is judged by its first 8000 bytes, as git does ------------------------------------
mkdir bins
{ head -c 8000 /dev/zero | tr '\0' 'x'; printf '\n\0\n'; pwline; } >bins/late-nul.txt
{ printf '\0'; pwline; } >bins/first-nul.txt
lw bins scan -f json bins
check "a NUL after the first 8000 bytes does not make a file binary" \
	pyj "$LW_TMP/bins.out" '[(x["path"], x.get("decoded")) for x in r if x["path"].endswith("late-nul.txt")] == [("bins/late-nul.txt", None)]'
check "a NUL at the start does, and its printable runs are scanned" \
	pyj "$LW_TMP/bins.out" '[(x["line"], x["decoded"]) for x in r if x["path"].endswith("first-nul.txt")] == [(1, "strings@1")]'

finish
