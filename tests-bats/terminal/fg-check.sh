# Runs `vagga repl` from a shell without job control (so nothing but vagga gives the terminal
# back), then says whether the terminal's foreground group is this shell's again.
"$VAGGA" repl
echo "vagga exited $?"
ps -o pgid=,tpgid= -p $$ | awk '{ print ($1 == $2) ? "terminal is ours" : "terminal held by group " $2 ", not ours " $1 }'
