#!/bin/sh
# .ci/cycles.sh: no circles among files.  Reads, with nm(1), the symbols
# each object defines and those it uses, makes the file-to-file graph
# (a uses a symbol b defines), and prints every circle it finds with a
# symbol of its closing edge.  Exits 1 when there is one, 0 when none.
#   sh .ci/cycles.sh lib/*.o
#   sh .ci/cycles.sh lib/sandbox/*.o
[ $# -gt 0 ] || { echo "usage: sh .ci/cycles.sh FILE.o ..." >&2; exit 2; }
for o in "$@"; do
	nm -g --defined-only "$o" | awk -v o="$o" 'NF == 3 { print "D", o, $3 }'
	nm -u "$o" | awk -v o="$o" 'NF > 0 { print "U", o, $NF }'
done | awk '
function dfs(v, depth,    ws, m, k, w, j, p) {
	state[v] = 1
	stack[depth] = v
	m = split(out[v], ws, " ")
	for (k = 1; k <= m; k++) {
		w = ws[k]
		if (!(w in state))
			dfs(w, depth + 1)
		else if (state[w] == 1) {
			for (j = 0; stack[j] != w; j++)
				;
			for (p = ""; j <= depth; j++)
				p = p stack[j] " -> "
			print "circle: " p w " (" edge[v, w] ")"
			found++
		}
	}
	state[v] = 2
}
$1 == "D" { def[$3] = $2; next }
{ n++; from[n] = $2; sym[n] = $3 }
END {
	for (i = 1; i <= n; i++) {
		f = from[i]
		if (!(sym[i] in def) || (t = def[sym[i]]) == f || (f, t) in edge)
			continue
		edge[f, t] = sym[i]
		out[f] = out[f] " " t
	}
	for (f in out)
		if (!(f in state))
			dfs(f, 0)
	exit found > 0
}'
