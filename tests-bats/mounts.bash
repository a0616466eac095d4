# own_mounts DIR...: the mounts of this namespace that a test's run could have made: mounted on
# DIR or under it, or binding something from under it (root and mount point of each, sorted).
# Other mounts come and go with other people's work on the machine: never compare those.
own_mounts() {
    awk -v dirs="$(printf '%s\n' "$@")" '
        BEGIN { n = split(dirs, d, "\n") }
        function under(path, dir) { return path == dir || index(path, dir "/") == 1 }
        { for (i = 1; i <= n; i++) if (d[i] != "" && (under($5, d[i]) || under($4, d[i]))) { print $4, $5; next } }
    ' /proc/self/mountinfo | sort
}
