# SPDX-License-Identifier: GPL-2.0
#
# What expected.awk, generator-rules.awk and sysmap-compare.awk share:
# string helpers and scripts/kallsyms.c's own name lists of 6.1-6.3 (awk
# has no include: pass this file first, awk -f common.awk -f <script>).

# a hex address as 16 lower-case digits, so that addresses compare as
# strings and no awk arithmetic touches a 64-bit value
function pad(a) {
	a = tolower(a)
	while (length(a) < 16)
		a = "0" a
	return a
}

# "6.12" -> 6012, for comparing kernel lines
function verkey(v,	p) {
	split(v, p, ".")
	return p[1] * 1000 + p[2]
}

function starts(s, p) {
	return substr(s, 1, length(p)) == p
}

function ends(s, p) {
	return length(s) >= length(p) && substr(s, length(s) - length(p) + 1) == p
}

# The names scripts/kallsyms.c itself ignored before 6.4 (from 6.4
# scripts/mksysmap drops them): exact names and prefixes, as array keys.
function old_name_lists(exact, prefix,	t, i) {
	split("kallsyms_addresses kallsyms_offsets kallsyms_relative_base " \
	      "kallsyms_num_syms kallsyms_names kallsyms_markers " \
	      "kallsyms_token_table kallsyms_token_index " \
	      "kallsyms_seqs_of_names _SDA_BASE_ _SDA2_BASE_", t, " ")
	for (i in t)
		exact[t[i]] = 1
	split("__efistub_ __kvm_nvhe_$ __kvm_nvhe_.L __AArch64ADRPThunk_ " \
	      "__ARMV5PILongThunk_ __ARMV7PILongThunk_ __ThumbV7PILongThunk_ " \
	      "__LA25Thunk_ __microLA25Thunk_ __kcfi_typeid_", t, " ")
	for (i in t)
		prefix[t[i]] = 1
}
