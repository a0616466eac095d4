# --- vagga's own part (native/packaging/completion/vagga.bash), appended to picocli's script above ---
# picocli's _picocli_vagga completes the global flags; here we add the command names of the current
# vagga.yaml (`vagga _list`) and the child names and tags after --only/--exclude (`vagga _compgen CMD`).

_vagga_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD-1]}
    local i=1 word command= multi=

    # The command is the first word that is neither a global flag nor a global flag's value.
    while ((i < COMP_CWORD)); do
        word=${COMP_WORDS[i]}
        case $word in
        -E | --environ | -e | --use-env) ((i += 2)) ;;
        -m | --run-multi) multi=1; ((i++)) ;;
        -*) ((i++)) ;;
        *) command=$word; break ;;
        esac
    done

    if [[ -z $command || -n $multi ]]; then
        if [[ $cur == -* || $prev == -E || $prev == --environ || $prev == -e || $prev == --use-env ]]; then
            _picocli_vagga
            return
        fi
        local IFS=$'\n'
        COMPREPLY=($(compgen -W "$(vagga _list --zsh 2>/dev/null | cut -d: -f1)" -- "$cur"))
        return
    fi

    # After a supervise command: its options, and after --only/--exclude the children's names and tags.
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--only --exclude --help" -- "$cur"))
        return
    fi
    local j
    for ((j = COMP_CWORD - 1; j > i; j--)); do
        case ${COMP_WORDS[j]} in
        --only | --exclude)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(vagga _compgen "$command" 2>/dev/null)" -- "$cur"))
            return
            ;;
        -*) break ;;
        esac
    done
    # Anything else is the command's own argument: let bash complete file names.
    compopt -o default 2>/dev/null
    COMPREPLY=()
}

complete -F _vagga_complete vagga
