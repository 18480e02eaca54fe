#!/bin/bash
# format_docs.sh - every command's --help names every report format the
# binary accepts, and no other. The list of formats is the library's table
# (lib/src/report/formats.c), which the error for an unknown format spells
# out; the man page and the completions are checked by test_format_docs.
. "$LW_TESTS_DIR/lib.sh"

"$LEAKWALK" scan --format no-such-format . >/dev/null 2>"$LW_TMP/err"
RC=$?
check "an unknown format is a usage error (got $RC)" test "$RC" = 2
# "unknown format "no-such-format": use text, json, ... or html"
LIST=$(sed -n 's/.*unknown format "no-such-format": use //p' "$LW_TMP/err" | sed 's/, / /g; s/ or / /')
read -r -a FORMATS <<<"$LIST"
check "the error lists the formats (${#FORMATS[@]}: $LIST)" test "${#FORMATS[@]}" -ge 8
for f in "${FORMATS[@]}"; do
	check "format $f is accepted" "$LEAKWALK" report --format "$f" --output "$LW_TMP/r.$f" /dev/null
done

for cmd in scan audit staged pre-push report; do
	"$LEAKWALK" $cmd --help >"$LW_TMP/help.$cmd" 2>&1
	# the text after "--format FMT" up to "(default text)"
	line=$(sed -n '/--format FMT/,/(default/p' "$LW_TMP/help.$cmd" | sed 's/.*--format FMT//; s/(default.*//' |
		tr -s ' \n,' '   ' | sed 's/ or / /')
	check "$cmd --help has a --format entry" test -n "$line"
	for f in "${FORMATS[@]}"; do
		check "$cmd --help names format $f" eval "[[ ' $line ' == *' $f '* ]]"
	done
	words=($line)
	check "$cmd --help names no other format (${words[*]})" test "${#words[@]}" = "${#FORMATS[@]}"
done
finish
