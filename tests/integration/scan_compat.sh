#!/bin/bash
# scan_compat.sh - --compat honours other scanners' inline markers
# (gitleaks:allow, "pragma: allowlist secret"); without it they mean nothing.
. "$LW_TESTS_DIR/lib.sh"

mkdir tree
printf 'DB_PASSWORD="%s" # gitleaks:allow\n' "$(rand_secret)" >tree/a.env
printf 'DB_PASSWORD="%s"  # pragma: allowlist secret\n' "$(rand_secret)" >tree/b.env
printf 'DB_PASSWORD="%s"\n' "$(rand_secret)" >tree/c.env
expect_exit 1 "without --compat the markers are not honoured" "$LEAKWALK" scan -q -f jsonl tree >plain.out
check "without --compat: three findings" test "$(wc -l <plain.out)" = 3
expect_exit 1 "with --compat the unmarked line is still reported" "$LEAKWALK" scan -q --compat -f jsonl tree >compat.out
check "with --compat: only the unmarked file" test "$(wc -l <compat.out)" = 1
check "with --compat: it is c.env" grep -q '"path":"tree/c.env"' compat.out
finish
