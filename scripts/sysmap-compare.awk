# SPDX-License-Identifier: GPL-2.0
#
# Compare a decoded kallsyms table (the module's `symbols` file) with the
# System.map of the same kernel build.
#
#   awk -v text=<runtime _text, hex> [-v shifted=FILE] -f common.awk -f sysmap-compare.awk \
#       System.map symbols
#
# The runtime addresses are shifted back by the KASLR offset (runtime _text
# minus System.map's _text).  Per-CPU symbols that kallsyms keeps as
# absolute ('A') values are not shifted.  Every decoded symbol must be in
# System.map at its address, under its name; the type letter must match,
# except for that 'A' override.  64-bit hex is handled as two 32-bit halves,
# so any POSIX awk works.  Prints the first 20 problems and a summary; exits
# non-zero if there is any.  With shifted=FILE, also writes the decoded
# table at link addresses there ("address type name", 16-digit addresses),
# for generator-rules.awk's order.

function hex(s,	v, i) {
	v = 0
	s = tolower(s)
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}

# a - b on 16-digit hex strings, modulo 2^64
function sub64(a, b,	hi, lo) {
	a = pad(a); b = pad(b)
	lo = hex(substr(a, 9)) - hex(substr(b, 9))
	hi = hex(substr(a, 1, 8)) - hex(substr(b, 1, 8))
	if (lo < 0) { lo += 4294967296; hi-- }
	if (hi < 0) hi += 4294967296
	return sprintf("%08x%08x", hi, lo)
}

function problem(msg) {
	bad++
	if (bad <= 20)
		print "# sysmap: " msg
}

FNR == NR {
	if (NF < 3)
		next
	key = pad($1) " " $3
	map[key] = $2
	if ($3 == "_text")
		map_text = pad($1)
	next
}

FNR == 1 {
	if (map_text == "") {
		print "# sysmap: System.map has no _text (a placeholder?)"
		exit 2
	}
	shift = sub64(text, map_text)
}

{
	n++
	a = ($2 == "A") ? pad($1) : sub64($1, shift)
	if (shifted != "")
		print a, $2, $3 >shifted
	key = a " " $3
	if (!(key in map)) {
		problem("#" (n - 1) " " $3 " at link address " a " is not in System.map")
		next
	}
	if (map[key] != $2 && $2 != "A")
		problem("#" (n - 1) " " $3 ": type " $2 ", System.map says " map[key])
}

END {
	if (map_text == "")
		exit 2
	if (!n)
		problem("no decoded symbols to compare")
	printf "# sysmap: %d decoded symbols, KASLR shift %s, %d problems\n",
		n, shift, bad
	exit bad ? 1 : 0
}
