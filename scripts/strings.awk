# SPDX-License-Identifier: GPL-2.0
#
# String helpers shared by expected.awk, generator-rules.awk and
# sysmap-compare.awk (awk has no include: pass this file first,
# awk -f strings.awk -f <script>).

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
