#!/bin/bash
# completions.sh - the shell completions as shells run them. zsh: an
# interactive zsh in a pseudo-terminal (complete_zsh.zsh) completes
# `leakwalk audit <Tab>` to directories and revisions with no error printed
# (it printed "_alternative:7: bad option: -J"), options such as --compat,
# formats and rule ids. bash: _leakwalk called as bash's completion calls
# it. Without zsh the zsh part is skipped and the test exits 77.
. "$LW_TESTS_DIR/lib.sh"

COMP=$LW_SOURCE_DIR/cmd/completions
mkdir -p bin && ln -s "$LEAKWALK" bin/leakwalk
export PATH="$LW_TMP/bin:$PATH"
git init -q r && cd r && test_commit README hello && git branch feature-zeta && mkdir subdir-alpha

# --- bash -------------------------------------------------------------------
# bcomp WORDS...: the replies for the last word (may be empty)
bcomp() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _leakwalk; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$COMP/leakwalk.bash" "$@"
}
for c in scan audit staged pre-push; do
	check "bash: $c offers --compat" grep -qx -- --compat <(bcomp leakwalk "$c" --co)
	check "bash: $c offers --enable-rule" grep -qx -- --enable-rule <(bcomp leakwalk "$c" --en)
	check "bash: $c offers --disable-rule" grep -qx -- --disable-rule <(bcomp leakwalk "$c" --dis)
	check "bash: $c offers --max-archive-depth" grep -qx -- --max-archive-depth <(bcomp leakwalk "$c" --max-ar)
done
check "bash: pre-receive offers --max-archive-depth" grep -qx -- --max-archive-depth <(bcomp leakwalk pre-receive --max-ar)
check "bash: --max-archive-depth takes a value (no option offered)" test -z "$(bcomp leakwalk scan --max-archive-depth '')"
check "bash: pre-receive offers --enable-rule" grep -qx -- --enable-rule <(bcomp leakwalk pre-receive --en)
check "bash: --enable-rule completes rule ids" grep -qx -- github-pat <(bcomp leakwalk scan --enable-rule github-p)
check "bash: help completes commands" grep -qx report <(bcomp leakwalk help rep)
check "bash: report is a command" grep -qx report <(bcomp leakwalk rep)
check "bash: fleet is a command" grep -qx fleet <(bcomp leakwalk fle)
check "bash: fleet completes its subcommands" grep -qx status <(bcomp leakwalk fleet sta)
check "bash: fleet run offers --workers" grep -qx -- --workers <(bcomp leakwalk fleet run --wor)
check "bash: audit offers --store" grep -qx -- --store <(bcomp leakwalk audit --sto)
check "bash: triage --status completes statuses" grep -qx revoked <(bcomp leakwalk triage --status rev)
check "bash: audit completes revisions" grep -qx feature-zeta <(bcomp leakwalk audit fea)
check "bash: audit completes directories" grep -qx subdir-alpha <(bcomp leakwalk audit subdir)

# --- zsh --------------------------------------------------------------------
if ! command -v zsh >/dev/null 2>&1; then
	echo "SKIP: zsh is not installed (apt-get install zsh); the bash part ran"
	[ "$LW_FAILED" = 0 ] || finish
	exit 77
fi
# zcomp NAME LINE: the terminal after LINE<Tab>, in NAME.out
zcomp() { timeout 30 zsh -f "$LW_TESTS_DIR/integration/complete_zsh.zsh" "$COMP" "$2" >"$LW_TMP/$1.out" 2>&1; }
no_error() { # no_error DESC FILE: nothing a completion function printed as an error
	check_no_grep "$1" '(bad option|command not found|_[a-z_]+:[0-9]+: |no such file)' "$2"
}

zcomp audit 'leakwalk audit '
no_error "zsh: audit <Tab> prints no error" "$LW_TMP/audit.out"
check_grep "zsh: audit <Tab> offers a branch" 'feature-zeta' "$LW_TMP/audit.out"
check_grep "zsh: audit <Tab> offers the default branch" '(^|[[:space:]])main([[:space:]]|$)' "$LW_TMP/audit.out"
check_grep "zsh: audit <Tab> offers a directory" 'subdir-alpha/' "$LW_TMP/audit.out"
check_grep "zsh: audit <Tab> groups repositories" 'GROUP:repository' "$LW_TMP/audit.out"

zcomp cmds 'leakwalk '
no_error "zsh: leakwalk <Tab> prints no error" "$LW_TMP/cmds.out"
for c in scan audit staged pre-push pre-receive; do
	check_grep "zsh: the command list has $c" "(^|[[:space:]])$c([[:space:]]|$)" "$LW_TMP/cmds.out"
done
for c in scan audit staged pre-push; do
	zcomp "compat_$c" "leakwalk $c --comp"
	no_error "zsh: $c --comp<Tab> prints no error" "$LW_TMP/compat_$c.out"
	# completed on the line, or listed when a positional argument competes
	check_grep "zsh: $c --comp<Tab> offers --compat" "(leakwalk $c --compat|^--compat )" "$LW_TMP/compat_$c.out"
	zcomp "en_$c" "leakwalk $c --enable-r"
	check_grep "zsh: $c --enable-r<Tab> offers --enable-rule" "(leakwalk $c --enable-rule|^--enable-rule )" "$LW_TMP/en_$c.out"
done
zcomp help 'leakwalk help rep'
no_error "zsh: help rep<Tab> prints no error" "$LW_TMP/help.out"
check_grep "zsh: help <Tab> completes a command" 'leakwalk help report' "$LW_TMP/help.out"
zcomp fmt 'leakwalk scan --format '
no_error "zsh: --format <Tab> prints no error" "$LW_TMP/fmt.out"
check_grep "zsh: --format <Tab> lists sarif" 'sarif' "$LW_TMP/fmt.out"
zcomp rid 'leakwalk scan --enable-rule=github-p'
no_error "zsh: --enable-rule=<Tab> prints no error" "$LW_TMP/rid.out"
check_grep "zsh: --enable-rule=<Tab> offers rule ids" 'github-pat' "$LW_TMP/rid.out"
finish
