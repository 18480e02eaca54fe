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
# skip_case WHAT: a case that could not run here. It is never a pass: when
# nothing failed, the script ends with 77, which ctest reports as skipped
# (SKIP_RETURN_CODE, tests/CMakeLists.txt).
LW_SKIPPED=
skip_case() { LW_SKIPPED="$LW_SKIPPED${LW_SKIPPED:+; }$1"; echo "SKIP: $1" >&2; }
finish() {
	echo "$LW_PASSED passed, $LW_FAILED failed${LW_SKIPPED:+, skipped: $LW_SKIPPED}"
	[ "$LW_FAILED" = 0 ] || return 1
	[ -z "$LW_SKIPPED" ] || exit 77
}

# Random token bodies generated at test time: no secret-shaped literals
# live in the repository.
rand_alnum() { LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "$1"; }
rand_upper() { LC_ALL=C tr -dc 'A-Z2-7' </dev/urandom | head -c "$1"; }
rand_hex() { LC_ALL=C tr -dc 'a-f0-9' </dev/urandom | head -c "$1"; }
# rand_secret [LEN]: a password-like value (LEN from 8 to 44, default 18)
# that the password rules always report. Made at run time, yet the same in
# every run: the n-th call in a script gives the n-th value for
# LW_TEST_SEED, so no test flakes on an unlucky draw. Its characters are all
# different (no repeated run; entropy log2(LEN), 4.17 bits at 18, over the
# generic rules' floor of 3.2) and have no vowel, x, 0, 1 or l, so no
# stopword or placeholder word can appear; it holds an upper case letter, a
# lower case letter and two digits. The call counter is kept in a file
# because callers run it in $(...) subshells.
LW_TEST_SEED=${LW_TEST_SEED:-leakwalk-tests}
LW_SECRET_SEQ="$HOME/.lw-secret-seq"
rand_secret() {
	local len=${1:-18} n=0 h c i j t u= l= out
	local -a p d=() rest=()
	[ -s "$LW_SECRET_SEQ" ] && read -r n <"$LW_SECRET_SEQ"
	echo $((n + 1)) >"$LW_SECRET_SEQ"
	read -r h _ < <(printf '%s:%s' "$LW_TEST_SEED" "$n" | sha512sum)
	p=(b c d f g h j k m n p q r s t v w z B C D F G H J K M N P Q R S T V W Z 2 3 4 5 6 7 8 9)
	# Fisher-Yates, one hash byte per swap
	for ((i = ${#p[@]} - 1; i > 0; i--)); do
		j=$((16#${h:2 * i:2} % (i + 1)))
		t=${p[i]} p[i]=${p[j]} p[j]=$t
	done
	for c in "${p[@]}"; do
		case $c in
		[[:upper:]]) if [ -z "$u" ]; then u=$c; else rest+=("$c"); fi ;;
		[[:lower:]]) if [ -z "$l" ]; then l=$c; else rest+=("$c"); fi ;;
		*) if [ ${#d[@]} -lt 2 ]; then d+=("$c"); else rest+=("$c"); fi ;;
		esac
	done
	out="$u$l${rest[0]}${rest[1]}${rest[2]}${rest[3]}${d[0]}${d[1]}"
	for ((i = 4; ${#out} < len && i < ${#rest[@]}; i++)); do out+=${rest[i]}; done
	printf '%s' "${out:0:len}"
}

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

# set_hook DIR [OPTIONS...]: (re)writes bare repository DIR's pre-receive
# hook to run leakwalk pre-receive with OPTIONS
set_hook() {
	local d=$1; shift
	{
		echo '#!/bin/bash'
		printf 'exec %q pre-receive' "$LEAKWALK"
		[ $# -gt 0 ] && printf ' %q' "$@"
		echo
	} >"$d/hooks/pre-receive"
	chmod +x "$d/hooks/pre-receive"
}
# mk_server DIR [OPTIONS...]: a bare repository with that hook
mk_server() {
	local d=$1; shift
	git init -q --bare "$d"
	set_hook "$d" "$@"
}
