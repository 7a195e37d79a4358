# SPDX-License-Identifier: GPL-2.0
#
# Ground truth for a fixture: which symbols of an input map the kernel's
# scripts/kallsyms.c keeps, with which type letter, in which order.  Written
# from the rules in kallsyms-format.md (sections 2, 3 and 5), independently of
# both the generator and ksym_verify's decoder.
#
#   awk -v ver=5.10|6.1|6.12|7 -v all=0|1 -v abspcpu=0|1 -f common.awk -f expected.awk in.map |
#	LC_ALL=C sort | cut -f2 > expected.txt
#
# Output, one line per kept symbol: "<sort key>\t<addr> <type> <name>".
# Addresses are compared as zero-padded 16-digit hex strings, so no awk
# arithmetic ever touches a 64-bit value.

# scripts/kallsyms.c's own ignore rules (mksysmap's are not applied: the
# fixtures feed the generator directly).
function ignored(name, type,	i) {
	if (type == "u" || type == "n")
		return 1
	if (toupper(type) == "A" && name != "__kernel_syscall_via_break" &&
	    name != "__kernel_syscall_via_epc" && name != "__kernel_sigtramp" &&
	    name != "__gp")
		return 1
	if (v >= verkey("6.4"))
		return 0
	# up to 6.3 the generator carried the name lists itself
	if (type == "U" || type == "N")
		return 1
	# 5.10: KSYM_NAME_LEN 128, and its own prefix list (6.1's input had
	# been through scripts/mksysmap, which drops '$' and __crc_)
	if (v < verkey("6.1")) {
		if (length(name) >= 128)
			return 1
		if (starts(name, "$") || starts(name, ".LASANPC") ||
		    starts(name, "__crc_") || starts(name, "__kvm_nvhe_"))
			return 1
	}
	for (i in exact)
		if (name == i)
			return 1
	for (i in prefix)
		if (starts(name, i))
			return 1
	if (ends(name, "_from_arm") || ends(name, "_from_thumb") ||
	    ends(name, "_veneer"))
		return 1
	if (index(name, ".long_branch.") || index(name, ".plt_branch."))
		return 1
	return 0
}

# the "looks linker-provided" alias tie-break rule (section 5)
function linker_provided(s,	n) {
	n = length(s)
	if (n < 8 || substr(s, 1, 2) != "__")
		return 0
	if (starts(s, "__start_") || starts(s, "__stop_") || starts(s, "__end_"))
		return 1
	if (ends(s, "_start") || ends(s, "_end"))
		return 1
	return 0
}

function leading_underscores(s,	n) {
	n = 0
	while (substr(s, n + 1, 1) == "_")
		n++
	return n
}

BEGIN {
	v = verkey(ver)
	old_name_lists(exact, prefix)
	n = 0
}

NF == 3 {
	addr = pad($1); type = $2; name = $3
	if (ignored(name, type))
		next
	# range ends are recorded after the ignore rules, as the generator does
	if (name == "_stext") stext = addr
	if (name == "_etext") etext = addr
	if (name == "_sinittext") sinit = addr
	if (name == "_einittext") einit = addr
	if (name == "__per_cpu_start") pstart = addr
	if (name == "__per_cpu_end") pend = addr
	n++
	A[n] = addr; T[n] = type; N[n] = name
}

END {
	for (i = 1; i <= n; i++) {
		addr = A[i]; type = T[i]; name = N[i]
		if (!all) {
			keep = v >= verkey("6.10") &&
			       (starts(name, "__start_") || starts(name, "__stop_"))
			if (!keep) {
				if (!((addr >= stext && addr <= etext) ||
				      (addr >= sinit && addr <= einit)))
					continue
				if ((addr == etext && name != "_etext") ||
				    (addr == einit && name != "_einittext"))
					continue
			}
		}
		if (abspcpu && pstart != "" && addr >= pstart && addr <= pend)
			type = "A"
		weak = (type == "w" || type == "W")
		printf "%s %d %d %03d %06d\t%s %s %s\n", addr, weak,
		       linker_provided(name), leading_underscores(name), i,
		       addr, type, name
	}
}
