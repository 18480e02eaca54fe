#!/bin/bash
# scan_self.sh - leakwalk's own checkout holds no secret: `leakwalk scan`
# of the source tree ($LW_SOURCE_DIR, with its .leakwalk.json) reports
# nothing and exits 0. Test data must be generated at run time, and the
# golden files under tests/fixtures/ hold placeholders only.
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

: "${LW_SOURCE_DIR:?set LW_SOURCE_DIR to the source tree}"
lw self scan -f json "$LW_SOURCE_DIR"
rc_is "scan of the source tree: exit 0" 0
check "scan of the source tree: no finding" pyj "$LW_TMP/self.out" 'r == []'
if [ "$RC" != 0 ]; then
	# say where, never what (the report is redacted anyway)
	python3 -c '
import json, sys
for x in json.load(open(sys.argv[1])):
    print("  finding: %s:%s %s" % (x["path"], x["line"], x["rule"]), file=sys.stderr)' "$LW_TMP/self.out" 2>&1 | head -20 >&2
fi
check "the source tree's own config is valid" "$LEAKWALK" rules list --config "$LW_SOURCE_DIR/.leakwalk.json" >/dev/null
# the test sources themselves, without the repository's allowlist
lw tests_noconfig scan -f json --no-config "$LW_SOURCE_DIR/tests/unit" "$LW_SOURCE_DIR/tests/integration" "$LW_SOURCE_DIR/tests/lib.sh"
rc_is "tests/unit, tests/integration and lib.sh hold no secret even without the allowlist" 0

finish
