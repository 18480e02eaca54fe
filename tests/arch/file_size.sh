#!/bin/bash
# No C source or header of lib/ or cmd/ over 600 lines: small files with one
# job each (the one public header, lib/include/leakwalk.h, excepted). KNOWN lists the files still being split (issue 15); it only shrinks.
set -u
src=${LW_SOURCE_DIR:?}
KNOWN=" lib/src/odb/objread.c "
fail=0 n=0
while IFS= read -r f; do
	n=$((n + 1))
	lines=$(wc -l <"$src/$f")
	if [ "$lines" -gt 600 ]; then
		case $KNOWN in *" $f "*) echo "known: $f has $lines lines" ;;
		*) echo "FAIL: $f has $lines lines (over 600)"; fail=1 ;; esac
	fi
done < <(cd "$src" && find lib/src cmd -name '*.[ch]' | sort)
[ "$n" -gt 50 ] || { echo "FAIL: only $n files found under $src"; exit 1; }
[ $fail = 0 ] && echo "ok: $n files"
exit $fail
