# bash completion for leakwalk                                 -*- shell-script -*-
# Installed as share/bash-completion/completions/leakwalk; to try it without
# installing: source cmd/completions/leakwalk.bash

_leakwalk_refs()
{
	git for-each-ref --format='%(refname:short)' 2>/dev/null
}

# _leakwalk_values WORDS: completes an option's value; after --opt= (one
# word) the replies keep the --opt= prefix.
_leakwalk_values()
{
	COMPREPLY=($(compgen -W "$1" -- "$cur"))
	if [[ -n $eqpfx ]]; then
		COMPREPLY=("${COMPREPLY[@]/#/$eqpfx}")
	fi
}

_leakwalk()
{
	local cur prev cword eqpfx=""
	local -a words
	COMPREPLY=()
	words=("${COMP_WORDS[@]}")
	cword=$COMP_CWORD
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	# --opt=value: bash splits at '=' (COMP_WORDBREAKS), or keeps one word
	if [[ $cur == "=" ]]; then
		cur=""
	elif [[ $prev == "=" && $cword -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
		eqpfx="$prev="
	fi

	local commands="scan audit staged pre-push pre-receive install-hook report triage fleet rules version import-ignore help"
	local formats="text json jsonl sarif csv junit gitlab html"
	local common="--format --output --config --no-config --ignore-file --baseline --no-redact
		--color --exit-code --threads --max-file-size --no-inline-allow --compat
		--enable-rule --disable-rule --quiet --help
		--min-confidence --max-decode-depth --max-archive-depth --report-invalid-checksums"

	local cmd="" sub="" i npos=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*|=) ;;
		*)
			case ${words[i - 1]} in
			-f|--format|-o|--output|-c|--config|--ignore-file|--baseline|--color|--exit-code|\
			-j|--threads|--max-file-size|--since|--max-blob-size|--timeout|--on-timeout|\
			--min-confidence|--max-decode-depth|--max-archive-depth|\
			--max-commits|--bypass-log|--from|--repo|--enable-rule|--disable-rule|=|\
			--store|--workers|--lease|--mirror-dir|--status|--note|--secret) continue ;;
			esac
			if [[ -z $cmd ]]; then
				cmd=${words[i]}
			else
				[[ -z $sub ]] && sub=${words[i]}
				npos=$((npos + 1))
			fi
			;;
		esac
	done

	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi

	case $prev in
	-f|--format)
		_leakwalk_values "$formats"
		return ;;
	--color)
		_leakwalk_values "auto always never"
		return ;;
	--on-timeout)
		_leakwalk_values "reject allow"
		return ;;
	--from)
		if [[ $cmd == fleet ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			_leakwalk_values "gitleaks detect-secrets"
		fi
		return ;;
	--store)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--mirror-dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--status)
		_leakwalk_values "open all false-positive revoked accepted"
		return ;;
	--workers|--lease|--note|--secret)
		return ;;
	--min-confidence)
		_leakwalk_values "low medium high"
		return ;;
	-o|--output|--bypass-log)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	-c|--config|--baseline)
		COMPREPLY=($(compgen -f -X '!*.json*' -- "$cur") $(compgen -d -- "$cur"))
		return ;;
	--ignore-file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--repo)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--enable-rule|--disable-rule)
		_leakwalk_values "$(leakwalk rules list 2>/dev/null | cut -d' ' -f1)"
		return ;;
	--exit-code|-j|--threads|--max-file-size|--since|--max-blob-size|--timeout|--max-commits|\
	--max-decode-depth|--max-archive-depth)
		return ;;
	esac

	local opts=""
	case $cmd in
	scan)
		opts="$common --progress" ;;
	audit)
		opts="$common --since --max-blob-size --timeout --progress --all --full-scan --store" ;;
	staged|pre-push)
		opts=$common ;;
	pre-receive)
		opts="--config --timeout --on-timeout --on-incomplete --max-commits --max-blob-size --gitlab
			--allow-inline --trust-repo-config --allow-bypass --bypass-log --threads
			--no-redact --min-confidence --max-archive-depth --enable-rule --disable-rule --help" ;;
	install-hook)
		opts="--force --help" ;;
	report)
		opts="--format --output --config --ignore-file --baseline --no-redact --color --exit-code --quiet --help
			--store --repo --status" ;;
	triage)
		opts="--store --secret --status --note --help" ;;
	fleet)
		opts="--store --from --workers --lease --mirror-dir --follow --format --config --threads --quiet --help" ;;
	rules)
		opts="--config --help" ;;
	version)
		opts="--deps" ;;
	import-ignore)
		opts="--from --output --repo --config --no-config --quiet --help" ;;
	help)
		[[ -z $sub ]] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	scan)
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	audit)
		COMPREPLY=($(compgen -d -- "$cur") $(compgen -W "$(_leakwalk_refs)" -- "$cur")) ;;
	install-hook)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "pre-commit pre-push" -- "$cur"))
		else
			COMPREPLY=($(compgen -d -- "$cur"))
		fi ;;
	rules)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "list check test" -- "$cur"))
		elif [[ $sub != list ]]; then
			COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
		fi ;;
	import-ignore)
		COMPREPLY=($(compgen -f -- "$cur")) ;;
	fleet)
		if [[ -z $sub ]]; then
			COMPREPLY=($(compgen -W "add run status" -- "$cur"))
		elif [[ $sub == add ]]; then
			COMPREPLY=($(compgen -d -- "$cur"))
		fi ;;
	report)
		COMPREPLY=($(compgen -f -X '!*.json*' -- "$cur") $(compgen -d -- "$cur")) ;;
	version)
		COMPREPLY=($(compgen -W "--deps" -- "$cur")) ;;
	esac
} &&
complete -o filenames -F _leakwalk leakwalk
