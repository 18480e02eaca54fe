#!/bin/bash
# detect_example_paths.sh - rules that guess a credential from its shape in
# a URL, a netrc line, a curl -u or a Bearer header skip documentation,
# example and test paths, where such values are samples (curl's tests and
# docs held 35 of them); the same lines elsewhere are reported.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

pw=$(secret)
write_all() { # DIR: one line of each shape
	mkdir -p "$1"
	{
		printf 'url = "https://deploy:%s@git.internal.net/repo.git"\n' "$pw"
		printf 'ftp://upload:%s@files.internal.net/in/\n' "$pw"
		printf 'machine build.internal.net login ci password %s\n' "$pw"
		printf 'curl -u admin:%s https://api.internal.net/v1\n' "$pw"
		printf 'Authorization: Bearer %s%s\n' "$pw" "$pw"
	} >"$1/notes.txt"
}
# t/: the test directory of git, Perl modules and TAP suites
for d in docs examples tests/data src/testdata spec t t/lib-httpd; do write_all "ex/$d"; done
write_all live/conf
lw paths scan -f json ex live
rc_is "the live copy is found (exit 1)" 1
check "docs, examples, tests, testdata, spec and t paths report nothing" pyj "$LW_TMP/paths.out" \
	'not [x for x in r if x["path"].startswith("ex/")]'
check "the live copy: every shape reported" pyj "$LW_TMP/paths.out" \
	'sorted({x["line"] for x in r if x["path"] == "live/conf/notes.txt"}) == [1, 2, 3, 4, 5]'
finish
