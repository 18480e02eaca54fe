#!/bin/bash
# report_text.sh - the text report as a person reads it: a blank line
# between findings, a closing line counting findings by severity, and with
# colour the rule id coloured by its severity (not bold red at every one).
. "$LW_TESTS_DIR/lib.sh"
. "$LW_TESTS_DIR/integration/scan_helpers.bash"

mkdir d
pwline >d/a.env                                                  # medium
printf 'GROQ_API_KEY=gsk_%s\n' "$(rand_alnum 52)" >d/b.env         # high
printf 'ANTHROPIC_ADMIN_KEY=sk-ant-admin01-%s-%sAA\n' "$(rand_alnum 80)" "$(rand_alnum 12)" >d/c.env  # critical
lw json scan --no-config -f json d
lw plain scan --no-config d
rc_is "text: exit 1" 1
N=$(json_val "$LW_TMP/json.out" 'len(r)')
check "three findings ($N)" test "$N" = 3
check "text: one blank line between findings, none at the start" python3 - "$LW_TMP/plain.out" "$N" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
n = int(sys.argv[2])
blocks = text.rstrip("\n").split("\n\n")
assert len(blocks) == n + 1, (len(blocks), n, text)  # n findings and the summary
assert all(re.match(r"^\S+:\d+:\d+: \S+: ", b) for b in blocks[:-1]), blocks
assert not text.startswith("\n") and "\n\n\n" not in text
PY
check "text: the closing line counts findings by severity, most severe first" python3 - "$LW_TMP/plain.out" "$LW_TMP/json.out" <<'PY'
import json, sys
last = open(sys.argv[1]).read().rstrip("\n").split("\n")[-1]
r = json.load(open(sys.argv[2]))
order = ["critical", "high", "medium", "low", "info"]
counts = {s: sum(1 for x in r if x["severity"] == s) for s in order}
want = "%d finding%s: " % (len(r), "" if len(r) == 1 else "s") + \
    ", ".join("%d %s" % (counts[s], s) for s in order if counts[s])
assert last == want, (last, want)
PY
lw color scan --no-config --color always d
check "colour: rule ids coloured by severity" python3 - "$LW_TMP/color.out" "$LW_TMP/json.out" <<'PY'
import json, sys
out = open(sys.argv[1]).read()
colour = {"critical": "\033[1;35m", "high": "\033[1;31m", "medium": "\033[33m", "low": "\033[36m", "info": "\033[2m"}
for x in json.load(open(sys.argv[2])):
    assert colour[x["severity"]] + x["rule"] + "\033[0m" in out, (x["rule"], x["severity"])
sev = {x["severity"] for x in json.load(open(sys.argv[2]))}
assert len(sev) >= 2, sev  # several severities, so one colour for all would fail
PY
git init -q clean && (cd clean && test_commit README hello)
lw clean scan --no-config clean
rc_is "nothing found: exit 0" 0
check "nothing found: the text report is empty" test ! -s "$LW_TMP/clean.out"
finish
