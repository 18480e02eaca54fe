# tests/lib.sh - helpers for integration tests, in the spirit of git's t/
# test-lib: each test script sources this, builds real repositories and
# directories under a private temporary directory, and calls `ok`/`fail`.
set -u
: "${LEAKWALK:?set LEAKWALK to the built binary}"
LW_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lwtest.XXXXXX")
trap 'rm -rf "$LW_TMP"' EXIT
cd "$LW_TMP" || exit 1
export GIT_CONFIG_NOSYSTEM=1 HOME="$LW_TMP/home" GIT_AUTHOR_NAME="A U Thor" \
	GIT_AUTHOR_EMAIL="author@example.com" GIT_COMMITTER_NAME="C O Mitter" \
	GIT_COMMITTER_EMAIL="committer@example.com" NO_COLOR=1
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global protocol.file.allow always
LW_PASSED=0
LW_FAILED=0

ok() { LW_PASSED=$((LW_PASSED + 1)); }
fail() { LW_FAILED=$((LW_FAILED + 1)); echo "FAIL: $*" >&2; }
# check DESCRIPTION COMMAND...: runs the command, passes when it succeeds
check() { local d=$1; shift; if "$@"; then ok; else fail "$d"; fi; }
# expect_exit CODE DESCRIPTION COMMAND...
expect_exit() {
	local want=$1 d=$2; shift 2
	"$@"; local got=$?
	if [ "$got" = "$want" ]; then ok; else fail "$d (exit $got, wanted $want)"; fi
}
finish() {
	echo "$LW_PASSED passed, $LW_FAILED failed"
	[ "$LW_FAILED" = 0 ]
}

# Random token bodies generated at test time: no secret-shaped literals
# live in the repository.
rand_alnum() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1"; }
rand_upper() { LC_ALL=C tr -dc 'A-Z2-7' </dev/urandom | head -c "$1"; }
rand_hex() { LC_ALL=C tr -dc 'a-f0-9' </dev/urandom | head -c "$1"; }
# A password-like value guaranteed to hold letters and digits.
rand_secret() { printf '%s%s%s' "$(rand_alnum 6)" "$((RANDOM % 90 + 10))" "$(rand_alnum 10)"; }

# test_commit FILE CONTENT [MESSAGE]: writes, adds and commits in cwd
test_commit() {
	mkdir -p "$(dirname "$1")"
	printf '%s\n' "$2" >"$1"
	git add -- "$1" && git commit -q -m "${3:-add $1}"
}

# JSON report helpers (python3's json module). In the expression, `r` is the
# parsed report (a list for --format json) and `a` the extra arguments.
# json_ok FILE EXPR [ARG...]: succeeds when EXPR is true; on failure prints a
# short summary of the report (rule, path, commit, present) to stderr.
json_ok() {
	python3 - "$@" <<'PY'
import json, sys
f, expr, a = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    r = json.load(open(f))
    ok = bool(eval(expr))
except Exception as e:
    ok = False
    r = None
    print("json_ok: %s: %s" % (f, e), file=sys.stderr)
if not ok:
    print("json_ok: false: %s" % expr, file=sys.stderr)
    for x in (r if isinstance(r, list) else []):
        print("  %s %s:%s commit=%s present=%s" % (x.get("rule"), x.get("path"), x.get("line"),
              (x.get("commit") or "")[:12], x.get("present")), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
# json_val FILE EXPR [ARG...]: prints EXPR's value (lists and dicts as JSON)
json_val() {
	python3 - "$@" <<'PY'
import json, sys
f, expr, a = sys.argv[1], sys.argv[2], sys.argv[3:]
r = json.load(open(f))
v = eval(expr)
print(json.dumps(v) if isinstance(v, (list, dict)) else v)
PY
}
# check_grep DESC PATTERN FILE: passes when the extended regex occurs in FILE
check_grep() {
	local d=$1 pat=$2 f=$3
	if grep -Eq -- "$pat" "$f"; then ok; else fail "$d (no /$pat/ in $f)"; sed 's/^/    | /' "$f" | head -40 >&2; fi
}
# check_no_grep DESC PATTERN FILE: passes when the regex does not occur in FILE
check_no_grep() {
	local d=$1 pat=$2 f=$3
	if ! grep -Eq -- "$pat" "$f"; then ok; else fail "$d (/$pat/ found in $f)"; grep -E -- "$pat" "$f" | head -10 | sed 's/^/    | /' >&2; fi
}
