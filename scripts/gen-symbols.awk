# SPDX-License-Identifier: GPL-2.0
#
# Write a synthetic `nm -n` style symbol list that hits the edges of the
# kallsyms format, for feeding the real scripts/kallsyms.c.
#
#   awk -v bits=64|32 -v percpu=zero|image [-v maxname=N] \
#	-f gen-symbols.awk > in.map
#
# nfuncs (default 700) is the number of plain functions; the edge cases
# stay at fixed positions among the first 700.
#
# maxname (default 511, KSYM_NAME_LEN - 1) is the length of the longest
# names.  Every generator up to at least 7.2 expands a 511-character name
# plus its type letter and NUL into a 512-byte buffer, one byte too many;
# 6.1's copy sits in compare_names() and mis-sorts kallsyms_seqs_of_names,
# so the 6.1 fixtures use 510 (see README, "Findings").
# bits=64 places the image at 0xffffffff81000000, bits=32 at 0xc1000000.
# percpu=zero puts the per-CPU section at address 0 (x86_64 before 6.15),
# percpu=image puts it inside the image.
#
# Only POSIX awk is used, and every address is printed from a 32-bit low
# part, so mawk and gawk give the same output.

function lcg() {
	# Park-Miller: every product stays below 2^53, exact in awk
	seed = (seed * 16807) % 2147483647
	return seed
}

function randname(n,	s, i) {
	s = "rnd_"
	for (i = length(s); i < n; i++)
		s = s substr(alnum, lcg() % length(alnum) + 1, 1)
	return s
}

function patname(n, pat,	s) {
	s = ""
	while (length(s) < n)
		s = s pat
	return substr(s, 1, n)
}

function emit(off, type, name) {
	printf "%s%08x %s %s\n", hi, base + off, type, name
}

function emit_pcpu(off, type, name) {
	if (percpu == "zero")
		printf "%s%08x %s %s\n", (bits == 64 ? "00000000" : ""), off, type, name
	else
		emit(pcpu_base + off, type, name)
}

function emit_percpu_section() {
	emit_pcpu(0, "D", "__per_cpu_start")
	emit_pcpu(0, "D", "fixed_percpu_data")
	emit_pcpu(16, "D", "cpu_number")
	emit_pcpu(64, "d", "runqueues")
	emit_pcpu(4096, "D", "current_task")
	emit_pcpu(12288, "D", "__per_cpu_end")
}

BEGIN {
	if (bits != 32 && bits != 64) {
		print "gen-symbols.awk: bits must be 32 or 64" > "/dev/stderr"
		exit 2
	}
	if (maxname == "")
		maxname = 511
	if (nfuncs == "")
		nfuncs = 700
	hi = bits == 64 ? "ffffffff" : ""
	base = bits == 64 ? 2164260864 : 3238002688	# 0x81000000 / 0xc1000000
	pcpu_base = 25165824				# 0x1800000
	seed = 20261124
	alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
	split("do_ sys_ vfs_ ext4_ tcp_v4_ __x64_sys_ mm_ sched_ irq_ pci_", pre, " ")
	split("read write open close alloc free lookup insert remove flush", mid, " ")

	# at 0 they come first, as in nm -n
	if (percpu == "zero")
		emit_percpu_section()

	# below _text: kept only with --all-symbols
	emit(-8192, "T", "__below_text")
	emit(-4096, "D", "below_text_data")

	emit(0, "T", "_text")
	emit(0, "T", "primary_entry")
	emit(65536, "T", "_stext")
	emit(65536, "t", "stext_alias")

	off = 65536 + 64
	for (i = 0; i < nfuncs; i++) {
		name = pre[i % 10 + 1] mid[int(i / 10) % 10 + 1] "_" i
		emit(off, (i % 3) ? "T" : "t", name)
		if (i == 100) {
			# aliases, listed in the order the tie-break must undo
			emit(off, "W", "alias_weak")
			emit(off, "T", "__start_alias_sec")
			emit(off, "T", "___alias_three")
			emit(off, "T", "__alias_two")
			emit(off, "T", "alias_plain")
			emit(off, "T", "__alias_sec_end")
		}
		if (i == 150 || i == 400 || i == 650)
			emit(off + 8, "t", "dup_static")
		if (i == 200) {
			emit(off + 8, "t", "helper.llvm.8471926350")
			emit(off + 16, "t", "helper")
			emit(off + 24, "t", "helper.cold")
			emit(off + 32, "t", ".dotstart")
			emit(off + 40, "t", "helper.llvm.1111")
		}
		if (i == 300) {
			emit(off + 8, "T", patname(127, "long_name_127_"))
			emit(off + 16, "T", patname(128, "long_name_128_"))
			emit(off + 24, "T", patname(129, "long_name_129_"))
			emit(off + 32, "T", patname(maxname, "long_name_max_"))
		}
		if (i == 500) {
			emit(off + 8, "T", randname(200))
			emit(off + 16, "T", randname(maxname))
			emit(off + 24, "t", randname(300))
		}
		if (i == 600) {
			emit(off + 8, "T", "__efistub_thing")
			emit(off + 16, "t", "thing_veneer")
			emit(off + 24, "W", "weak_alone")
		}
		off += 64
	}
	emit(off, "T", "_etext")
	emit(off, "T", "at_etext")

	data = off + 65536
	emit(data, "D", "__start___param")
	emit(data + 64, "D", "some_data")
	emit(data + 128, "d", "some_static_data")
	emit(data + 192, "D", "__stop___param")
	emit(data + 256, "R", "ro_data")
	emit(data + 320, "r", "ro_static")
	emit(data + 384, "V", "weak_object")
	emit(data + 448, "u", "unique_global_dropped")
	emit(data + 512, "n", "debug_dropped")
	emit(data + 576, "a", "abs_local_dropped")
	emit(data + 640, "A", "abs_global_dropped")

	if (percpu != "zero")
		emit_percpu_section()

	init = pcpu_base + 131072
	emit(init, "T", "_sinittext")
	for (i = 0; i < 40; i++)
		emit(init + 64 + 64 * i, "t", "init_" mid[i % 10 + 1] "_" i)
	emit(init + 64 * 42, "T", "_einittext")
	emit(init + 64 * 42, "t", "at_einittext")
	emit(init + 65536, "B", "some_bss")
	emit(init + 65536 + 4096, "B", "_end")
}
