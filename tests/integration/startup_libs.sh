#!/bin/bash
# startup_libs.sh - libpq and SQLite (and Kerberos, LDAP, GnuTLS behind
# libpq) are loaded when a store is opened, not at every start
# (lib/src/util/lazylib.c): `scan` and `staged` must not load them, a
# store must still work, and `version --deps` still names their versions.
. "$LW_TESTS_DIR/lib.sh"

printf 'hello = "world"\n' >small.txt
LD_DEBUG=files "$LEAKWALK" scan -q small.txt >/dev/null 2>scan.ld
check "the loader's trace was written (LD_DEBUG works here)" grep -q "file=libgit2" scan.ld
check_no_grep "scan does not load libpq" "file=libpq" scan.ld
check_no_grep "scan does not load SQLite" "file=libsqlite3" scan.ld

git init -q r && ( cd r && test_commit a.txt "one" >/dev/null && echo two >>a.txt && git add a.txt )
(cd r && LD_DEBUG=files "$LEAKWALK" staged -q >/dev/null 2>"$LW_TMP/staged.ld")
check "staged: exit 0" test $? = 0
check_no_grep "staged does not load libpq" "file=libpq" staged.ld

"$LEAKWALK" version --deps >deps.out
check "version --deps: SQLite's version" grep -qE '^SQLite [0-9]+\.[0-9]+' deps.out
check "version --deps: libpq's version" grep -qE '^libpq [0-9]+\.[0-9]+$' deps.out

LD_DEBUG=files "$LEAKWALK" audit -q --store "$LW_TMP/st.db" r >/dev/null 2>store.ld
check "audit into a SQLite store: exit 0" test $? = 0
check "the store was written" test -s st.db
check_grep "the store loads SQLite when it opens" "file=libsqlite3" store.ld

finish
