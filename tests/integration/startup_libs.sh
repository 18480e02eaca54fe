#!/bin/bash
# startup_libs.sh - libpq and SQLite (and Kerberos, LDAP, GnuTLS behind
# libpq) are loaded when a store is opened, and libarchive (libxml2, ICU,
# libstdc++ behind it) when an archive is, not at every start
# (lib/src/util/lazylib.c): `scan` and `staged` must not load them, a
# store and an archive must still work, and `version --deps` still names
# their versions.
. "$LW_TESTS_DIR/lib.sh"

printf 'hello = "world"\n' >small.txt
LD_DEBUG=files "$LEAKWALK" scan -q small.txt >/dev/null 2>scan.ld
check "the loader's trace was written (LD_DEBUG works here)" grep -q "file=libgit2" scan.ld
check_no_grep "scan does not load libpq" "file=libpq" scan.ld
check_no_grep "scan does not load SQLite" "file=libsqlite3" scan.ld
check_no_grep "scan of a text file does not load libarchive" "file=libarchive" scan.ld

# an archive: libarchive is loaded then, and its member is read
mkdir z && printf 'DB_PASSWORD="%s"\n' "$(rand_secret)" >z/app.env
python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], "w"); z.write(sys.argv[2], "app.env"); z.close()' \
	bundle.zip z/app.env
LD_DEBUG=files "$LEAKWALK" scan --format json bundle.zip >zip.json 2>zip.ld
check "a secret in a zip: found (exit 1)" test $? = 1
check_grep "the zip's member is reported" 'bundle.zip!app.env' zip.json
check_grep "libarchive is loaded for the archive" "file=libarchive" zip.ld

# libarchive that cannot be loaded: the archive is not read, said so, exit 3
mkdir fakelib && echo "not a library" >fakelib/libarchive.so.13
LD_LIBRARY_PATH="$LW_TMP/fakelib" "$LEAKWALK" scan bundle.zip >nolib.out 2>nolib.err
check "libarchive missing: exit 3 (not everything was checked)" test $? = 3
check_grep "libarchive missing: the warning names it" 'bundle.zip: not read: cannot load libarchive' nolib.err

git init -q r && ( cd r && test_commit a.txt "one" >/dev/null && echo two >>a.txt && git add a.txt )
(cd r && LD_DEBUG=files "$LEAKWALK" staged -q >/dev/null 2>"$LW_TMP/staged.ld")
check "staged: exit 0" test $? = 0
check_no_grep "staged does not load libpq" "file=libpq" staged.ld
check_no_grep "staged does not load libarchive" "file=libarchive" staged.ld

"$LEAKWALK" version --deps >deps.out
check "version --deps: SQLite's version" grep -qE '^SQLite [0-9]+\.[0-9]+' deps.out
check "version --deps: libpq's version" grep -qE '^libpq [0-9]+\.[0-9]+$' deps.out
check "version --deps: libarchive's version" grep -qE '^libarchive [0-9]+\.[0-9]+' deps.out

LD_DEBUG=files "$LEAKWALK" audit -q --store "$LW_TMP/st.db" r >/dev/null 2>store.ld
check "audit into a SQLite store: exit 0" test $? = 0
check "the store was written" test -s st.db
check_grep "the store loads SQLite when it opens" "file=libsqlite3" store.ld

finish
