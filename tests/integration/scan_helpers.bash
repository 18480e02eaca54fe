# scan_helpers.bash - shared by the scan_*.sh integration tests (sourced
# after lib.sh; not a test itself: the test glob is *.sh).

# Python for JSON checks: a version manager's shim costs a tenth of a second
# a call, so the system interpreter is preferred when there is one.
if [ -x /usr/bin/python3 ]; then LW_PY=/usr/bin/python3; else LW_PY=$(command -v python3); fi
python3() { "$LW_PY" "$@"; }
export LW_PY

# secret: a password-like value from lib.sh's rand_secret, longer than its
# default (26 characters): the same in every run, and never one a rule
# skips as a placeholder, a stopword or too low in entropy.
secret() { rand_secret 26; }

# pwline [NAME]: one assignment the built-in generic rules report
pwline() { printf '%s="%s"\n' "${1:-DB_PASSWORD}" "$(secret)"; }

# lw NAME ARGS...: runs leakwalk with a time bound; stdout in NAME.out,
# stderr in NAME.err, exit status in RC.
lw() {
	local n=$1
	shift
	timeout 60 "$LEAKWALK" "$@" >"$LW_TMP/$n.out" 2>"$LW_TMP/$n.err"
	RC=$?
}

# lw_in NAME STDIN_FILE ARGS...: the same, with stdin from a file
lw_in() {
	local n=$1 in=$2
	shift 2
	timeout 60 "$LEAKWALK" "$@" <"$in" >"$LW_TMP/$n.out" 2>"$LW_TMP/$n.err"
	RC=$?
}

# rc_is DESC WANT: checks $RC, showing stderr of the last run on failure
rc_is() {
	if [ "$RC" = "$2" ]; then ok; else fail "$1 (exit $RC, wanted $2)"; fi
}

# pyj FILE EXPR [ARG...]: true when the Python expression holds. `r` is the
# parsed JSON file (for a .jsonl file: a list of its lines, parsed), `a` the
# arguments. Prints the report briefly when it does not hold.
pyj() {
	python3 - "$@" <<'PY'
import json, sys
f, expr, a = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    text = open(f, encoding="utf-8").read()
    if f.endswith(".jsonl"):
        r = [json.loads(l) for l in text.splitlines() if l.strip()]
    else:
        r = json.loads(text)
    ok = bool(eval("(" + expr + "\n)"))
except Exception as e:
    print("pyj: %s: %s" % (f, e), file=sys.stderr)
    r, ok = None, False
if not ok:
    print("pyj: does not hold: %s %s" % (expr, a), file=sys.stderr)
    for x in (r if isinstance(r, list) else [])[:20]:
        if isinstance(x, dict):
            print("   %s %s:%s:%s" % (x.get("rule"), ascii(x.get("path")), x.get("line"), x.get("column")),
                  file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# json_valid FILE: the file is one JSON document (python3 -m json.tool)
json_valid() { python3 -m json.tool "$1" >/dev/null; }

# in_file DESC FIXED-STRING FILE / not_in_file DESC FIXED-STRING FILE
in_file() {
	if grep -qF -- "$2" "$3"; then ok; else fail "$1 (\"$2\" not in $3)"; fi
}
# (never prints the string: it is usually a secret)
not_in_file() {
	if ! grep -qF -- "$2" "$3"; then ok; else fail "$1 (the forbidden string is in $3)"; fi
}
