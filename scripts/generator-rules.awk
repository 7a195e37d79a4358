# SPDX-License-Identifier: GPL-2.0
#
# The table scripts/kallsyms.c should have written, from the System.map of
# the same build (the generator reads the same mksysmap output):
#
#   awk -v all=0|1 -v abspcpu=0|1 -v ver=6.1 -f common.awk -f generator-rules.awk System.map |
#       LC_ALL=C sort | cut -f 2-
#
# prints "address type name" in the generator's order.  Its rules, as in
# scripts/kallsyms.c from 6.1 to 7.x:
#   - is_ignored_symbol(): types u and n go, absolute symbols go except
#     four names kept for ia64/parisc; before 6.4 (ver) it also carried
#     its own name lists: the kallsyms_* arrays themselves, _SDA_BASE_,
#     and some prefixes and suffixes (mksysmap took them over in 6.4);
#   - symbol_valid(): without KALLSYMS_ALL (all=0) only [_stext, _etext]
#     and [_sinittext, _einittext], minus other names at the end address;
#   - make_percpus_absolute(): with KALLSYMS_ABSOLUTE_PERCPU (abspcpu=1)
#     [__per_cpu_start, __per_cpu_end] becomes type 'A', before the sort;
#   - compare_symbols(): by address, strong before weak ('w', 'W'), not
#     linker-provided before linker-provided (may_be_linker_script_provide_
#     symbol()), fewer leading underscores first, then the input order.
# The sort key is printed before a tab, for sort(1): 16-digit addresses
# sort as strings.

function linker(s,	l) {
	l = length(s)
	if (l < 8 || substr(s, 1, 2) != "__")
		return 0
	if (substr(s, 3, 6) == "start_" || substr(s, 3, 5) == "stop_" ||
	    substr(s, 3, 4) == "end_")
		return 1
	return substr(s, l - 5) == "_start" || substr(s, l - 3) == "_end"
}

function kept_absolute(s) {
	return s == "__kernel_syscall_via_break" ||
	       s == "__kernel_syscall_via_epc" || s == "__kernel_sigtramp" ||
	       s == "__gp"
}

# scripts/kallsyms.c's own lists, 6.1 to 6.3
function listed(x,	i) {
	if (x in exact)
		return 1
	for (i in prefix)
		if (starts(x, i))
			return 1
	return ends(x, "_from_arm") || ends(x, "_from_thumb") ||
	       ends(x, "_veneer") || index(x, ".long_branch.") ||
	       index(x, ".plt_branch.")
}

BEGIN {
	old_lists = ver != "" && verkey(ver) < verkey("6.4")
	old_name_lists(exact, prefix)
}

NF >= 3 {
	if (old_lists && ($2 == "U" || $2 == "N" || listed($3)))
		next
	n++
	a[n] = pad($1); t[n] = $2; s[n] = $3
	if ($3 == "_stext") st = a[n]
	if ($3 == "_etext") et = a[n]
	if ($3 == "_sinittext") si = a[n]
	if ($3 == "_einittext") ei = a[n]
	if ($3 == "__per_cpu_start") ps = a[n]
	if ($3 == "__per_cpu_end") pe = a[n]
}

END {
	for (i = 1; i <= n; i++) {
		ty = t[i]
		if (ty == "u" || ty == "n")
			continue
		if ((ty == "A" || ty == "a") && !kept_absolute(s[i]))
			continue
		if (!all) {
			if (!((a[i] >= st && a[i] <= et) || (a[i] >= si && a[i] <= ei)))
				continue
			if ((a[i] == et && s[i] != "_etext") ||
			    (a[i] == ei && s[i] != "_einittext"))
				continue
		}
		if (abspcpu && ps != "" && a[i] >= ps && a[i] <= pe)
			ty = "A"
		match(s[i], /^_*/)
		printf "%s %d %d %03d %08d\t%s %s %s\n", a[i],
			(ty == "w" || ty == "W"), linker(s[i]), RLENGTH, i,
			a[i], ty, s[i]
	}
}
