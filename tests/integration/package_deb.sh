#!/bin/bash
# package_deb.sh - the .deb as Debian's tools judge it: cpack builds it from
# this build (into a scratch directory), lintian finds no error, the manual
# page and changelog are gzip'd, the copyright file is machine-readable, the
# library sits in the multiarch directory, ldconfig runs from a trigger and
# there is no postinst/postrm (so `dpkg -r` leaves no config-files state:
# CI installs and removes it for real). Skipped (77) without cpack/dpkg-deb.
. "$LW_TESTS_DIR/lib.sh"

BUILD=$(dirname "$LEAKWALK")
command -v cpack >/dev/null && command -v dpkg-deb >/dev/null || { echo "SKIP: no cpack or dpkg-deb"; exit 77; }
[ -f "$BUILD/CPackConfig.cmake" ] || { echo "SKIP: $BUILD has no CPackConfig.cmake"; exit 77; }
timeout 300 cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$LW_TMP/pkg" >"$LW_TMP/cpack.out" 2>&1
check "cpack builds the .deb" test $? = 0
DEB=$(ls "$LW_TMP"/pkg/leakwalk_*.deb 2>/dev/null | head -n 1)
check "one .deb" test -f "$DEB"
[ -f "$DEB" ] || { cat "$LW_TMP/cpack.out" >&2; finish; exit 1; }
dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$LW_TMP/files"
dpkg-deb -e "$DEB" "$LW_TMP/control"
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
check_grep "the library in the multiarch directory" "^/usr/lib/$arch/libleakwalk\.so\.0\.1\.0$" "$LW_TMP/files"
check_grep "leakwalk.pc in the multiarch directory" "^/usr/lib/$arch/pkgconfig/leakwalk\.pc$" "$LW_TMP/files"
check_grep "the manual page is gzip'd" '^/usr/share/man/man1/leakwalk\.1\.gz$' "$LW_TMP/files"
check_no_grep "no uncompressed manual page" '/man1/leakwalk\.1$' "$LW_TMP/files"
check_grep "a copyright file" '^/usr/share/doc/leakwalk/copyright$' "$LW_TMP/files"
check_grep "a changelog" '^/usr/share/doc/leakwalk/changelog\.gz$' "$LW_TMP/files"
check_grep "ldconfig from a trigger" '^activate-noawait ldconfig$' "$LW_TMP/control/triggers"
check "no postinst" test ! -e "$LW_TMP/control/postinst"
check "no postrm (dpkg -r then leaves nothing behind)" test ! -e "$LW_TMP/control/postrm"
check "no conffiles" test ! -s "$LW_TMP/control/conffiles"
# libarchive, SQLite and libpq are loaded with dlopen (util/lazylib.c), so
# dpkg-shlibdeps cannot find them: the package must name them itself
for dep in libarchive13 libsqlite3-0 libpq5 libgit2-1.5 libpcre2-8-0 libdeflate0; do
	check_grep "Depends names $dep" "^Depends:.*\b$dep\b" "$LW_TMP/control/control"
done
check_no_grep "the maintainer's mail host is not localhost" '^Maintainer:.*@localhost' "$LW_TMP/control/control"
mkdir "$LW_TMP/x" && dpkg-deb -x "$DEB" "$LW_TMP/x"
check "the changelog is gzip -n (no name, no time stamp)" python3 - "$LW_TMP/x/usr/share/doc/leakwalk/changelog.gz" <<'PY'
import sys
h = open(sys.argv[1], "rb").read(10)
assert h[:2] == b"\x1f\x8b" and h[3] & 0x08 == 0 and h[4:8] == b"\0\0\0\0", h
PY
check "the copyright file is machine-readable (DEP-5)" python3 - "$LW_TMP/x/usr/share/doc/leakwalk/copyright" "$LW_SOURCE_DIR/LICENSE" <<'PY'
import sys
t = open(sys.argv[1]).read()
assert t.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
paras = t.split("\n\n")
assert any(p.startswith("Files: *\n") and "\nLicense: Expat" in p for p in paras)
lic = [p for p in paras if p.startswith("License: Expat\n")][0]
body = "\n".join(l[1:] if l != " ." else "" for l in lic.split("\n")[1:])
assert "".join(body.split()) in "".join(open(sys.argv[2]).read().split()), "not the LICENSE text"
PY
if command -v lintian >/dev/null; then
	lintian --fail-on error --tag-display-limit 0 "$DEB" >"$LW_TMP/lintian.out" 2>&1
	check "lintian: no error" test $? = 0
	check_no_grep "lintian: no E: line" '^E:' "$LW_TMP/lintian.out"
	sed 's/^/    lintian: /' "$LW_TMP/lintian.out"
else
	echo "SKIP: lintian is not installed: the package was not linted (apt-get install lintian)"
	finish
	exit 77
fi
finish
