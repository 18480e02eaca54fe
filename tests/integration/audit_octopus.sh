#!/bin/bash
# audit_octopus.sh - octopus merges with more parents than any fixed array:
# every parent, and the history behind it, is walked (Linux has a 66-parent
# merge). The last parent is the one that brings the secret.
. "$LW_TESTS_DIR/lib.sh"

# octopus DIR N: a root commit, N branches off it (the last adds a secret),
# and one merge of all N whose tree is the root's ("ours"), so the secret
# lives only behind the last parent.
octopus() {
	local dir=$1 n=$2 i b t c r rt
	local -a ps=()
	git init -q "$dir" && (
		cd "$dir" || exit 1
		test_commit base.txt "base" root
		r=$(git rev-parse HEAD) rt=$(git rev-parse HEAD^{tree})
		for i in $(seq 1 "$n"); do
			if [ "$i" = "$n" ]; then
				b=$(printf 'DB_PASSWORD="%s"\n' "$(rand_secret)" | git hash-object -w --stdin)
			else
				b=$(printf 'plain %s\n' "$i" | git hash-object -w --stdin)
			fi
			t=$( { git ls-tree "$r"; printf '100644 blob %s\tf%03d.env\n' "$b" "$i"; } | git mktree)
			c=$(git commit-tree "$t" -p "$r" -m "branch $i")
			ps+=(-p "$c")
		done
		c=$(git commit-tree "$rt" "${ps[@]}" -m "octopus of $n")
		git update-ref refs/heads/main "$c"
	)
}

for n in 65 70; do
	octopus "oct$n" "$n"
	want=$((n + 2))
	check "octopus $n: git counts $want commits" test "$(git -C "oct$n" rev-list --count --all)" = "$want"
	timeout 60 "$LEAKWALK" audit --format json "oct$n" >"oct$n.json" 2>"oct$n.err"
	check "octopus $n: the secret behind parent $n is found (exit 1)" test $? = 1
	check "octopus $n: found at the last branch's file" \
		json_ok "oct$n.json" 'len(r)==1 and r[0]["path"]==a[0]' "$(printf 'f%03d.env' "$n")"
	check "octopus $n: attributed to the branch that added it" \
		json_ok "oct$n.json" 'r[0]["commit"]==a[0]' "$(git -C "oct$n" rev-parse "main^$n")"
	check_grep "octopus $n: every commit is audited" "audited $want commits" "oct$n.err"
	# a revision range walks through libgit2's revwalk: every parent too
	timeout 60 "$LEAKWALK" audit --format json "oct$n" "main~1..main" >"oct$n-r.json" 2>"oct$n-r.err"
	check "octopus $n: a range ending at the merge finds it too (exit 1)" test $? = 1
done
# The merge's tree holds every branch's file: compared with all 70 parents,
# nothing in it is new, and only the branch commits bring the files.
(
	cd oct70 || exit 1
	args=()
	for i in $(seq 1 70); do args+=(-p "main^$i"); done
	git update-ref refs/heads/all "$(git commit-tree "$(git rev-parse main^70^{tree})" "${args[@]}" -m all)"
)
timeout 60 "$LEAKWALK" audit --format json oct70 >oct70b.json 2>oct70b.err
check "octopus 70 twice: still exactly one finding, at its branch" \
	json_ok oct70b.json 'len(r)==1 and r[0]["commit"]==a[0]' "$(git -C oct70 rev-parse "main^70")"
finish
