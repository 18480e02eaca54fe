# complete_zsh.zsh FPATH_DIR LINE - types LINE and a Tab into an interactive
# zsh (in a pseudo-terminal, zsh/zpty) with cmd/completions on fpath and
# compinit run, and prints what the terminal showed, escape sequences removed:
# the completed line, the candidate list (groups as "GROUP:<name>") and any
# error the completion functions printed. Used by completions.sh.
zmodload zsh/zpty || exit 3
setopt extendedglob
zpty -b lwz "zsh -f -i"
zpty -w lwz "PS1='%% '; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D; setopt autolist nolistbeep; unsetopt menucomplete automenu; zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' format 'GROUP:%d'; print READY\$((6*7))"
out="" line=""
# the echoed command holds READY$((6*7)); only its output holds READY42
for i in {1..300}; do
	zpty -r -t lwz line && out+=$line
	[[ $out == *READY42* ]] && break
	sleep 0.1
done
out=""
zpty -w -n lwz "$2"$'\t'
# read until the terminal has been quiet for a second, after 2 s at least
# (at most 15 s)
idle=0
for i in {1..150}; do
	if zpty -r -t lwz line; then
		out+=$line
		idle=0
	else
		(( ++idle >= 10 && i >= 20 )) && break
		sleep 0.1
	fi
done
zpty -d lwz
# drop terminal control sequences and carriage returns
out=${out//$'\e'\[[0-9;?]#[A-Za-z]/}
out=${out//$'\r'/}
print -r -- "$out"
