#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fault-inject.sh - single faults in a real kernel's scripts/kallsyms.c
# and kernel/kallsyms.c, each built into a small kernel and checked.
#
# Usage: scripts/fault-inject.sh [LINE=6.12|7new|...] [ONLY=id,id,...]
#                                [-o OUTDIR]
#
# The source is Debian's linux-source-LINE (ksym_full_source), hard-linked into
# $KSYM_CACHE/faults/ (an edited file is a new file there: the cached
# source is never written).  The small kernel (build-kernel.sh's config)
# is built once; each fault then rebuilds only what the edited file
# touches.  For each fault the kernel is booted with scripts/check-tree:
#
#   fail faults   the module must FAIL, its diagnosis must name the
#                 broken part, check-tree must FAIL, no oops
#   pass cases    changes no kernel reader can see: everything must PASS
#
# The unmodified kernel comes first and must PASS.  A fault the generator
# itself refuses ("kallsyms failure: ...") is listed as such and not
# counted; a case that does not compile is a failure.  Prints one row per case, then
# "detected N / M, diagnosed K / N, crashes C" and "N passed, N failed".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

line=6.12 only="" out=""
while [ $# -gt 0 ]; do
	case $1 in
	LINE=*) line=${1#LINE=} ;;
	ONLY=*) only=,${1#ONLY=}, ;;
	-o) out=$2; shift ;;
	-h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
	*) ksym_die "unknown argument $1" ;;
	esac
	shift
done

# Each case: the major versions it is for (6, 7 or *) | id | file | fail
# or pass | words the diagnosis must hold (any of them, comma-separated) |
# a perl substitution on the file, which must change it.  The substitutions
# name the lines they change; they are instructions, not kernel source.
# FILE+FILE2 and EXPR@@EXPR2 change two files (generator and reader).
read -r -d '' CASES <<'EOF'
*|markers_off|scripts/kallsyms.c|fail|markers|s/markers\[i >> 8\] = off;/markers[i >> 8] = off + (i ? 1 : 0);/
*|num_syms_less|scripts/kallsyms.c|fail|markers,num_syms|s/printf\("\\t\.long\\t%u\\n", table_cnt\);/printf("\\t.long\\t%u\\n", table_cnt - 1);/
*|num_syms_more|scripts/kallsyms.c|fail|markers,num_syms,names|s/printf\("\\t\.long\\t%u\\n", table_cnt\);/printf("\\t.long\\t%u\\n", table_cnt + 1);/
*|token_table_char|scripts/kallsyms.c|fail|names,token_table|s/(expand_symbol\(best_table\[i\], best_table_len\[i\], buf\);)/$1 if (i == 'e' + 0 && buf[0]) buf[0] ^= 1;/
*|token_index_off|scripts/kallsyms.c|fail|names,token|s/printf\("\\t\.short\\t%d\\n", best_idx\[i\]\);/printf("\\t.short\\t%d\\n", best_idx[i] + (i == 200));/
*|len_prefix|scripts/kallsyms.c|fail|names,markers|s/printf\("\\t\.byte 0x%02x", table\[i\]->len\);/printf("\\t.byte 0x%02x", table[i]->len + (i == 5000));/
*|seqs_identity|scripts/kallsyms.c|fail|seqs|s/\n\tsort_symbols_by_name\(\);/\n/
*|seqs_ties|scripts/kallsyms.c|fail|seqs|s/if \(sa->addr > sb->addr\)\n\t\t\treturn 1;\n\t\telse if \(sa->addr < sb->addr\)\n\t\t\treturn -1;/if (sa->addr > sb->addr)\n\t\t\treturn -1;\n\t\telse if (sa->addr < sb->addr)\n\t\t\treturn 1;/
6|offsets_all|scripts/kallsyms.c|fail|offsets|s/offset = relative_base - table\[i\]->addr - 1;/offset = relative_base - table[i]->addr - 17;/
*|offsets_one|scripts/kallsyms.c|fail|offsets|s/\(int\)offset, table\[i\]->sym\);/(int)offset - (i == table_cnt \/ 2 ? 64 : 0), table[i]->sym);/
6|relative_base|scripts/kallsyms.c|fail|offsets|s/printf\("\\tPTR\\t_text \+ %#llx\\n", relative_base - _text\);/printf("\\tPTR\\t_text + %#llx\\n", relative_base - _text + 0x1000);/
6|percpu_values|scripts/kallsyms.c|fail|percpu,offsets|s/offset = table\[i\]->addr;\n/offset = table[i]->addr + 8;\n/
*|types_global_local|scripts/kallsyms.c|fail|types|s/sym->sym\[0\] = type;/sym->sym[0] = type == 'T' ? 't' : type;/
*|alias_weak|scripts/kallsyms.c|fail|aliases|s/(wb = \(sb->sym\[0\] == 'w'\) \|\| \(sb->sym\[0\] == 'W'\);\n\tif \(wa != wb\)\n\t\treturn) wa - wb;/$1 wb - wa;/
*|alias_underscores|scripts/kallsyms.c|fail|aliases|s/(wb = strspn\(sym_name\(sb\), "_"\);\n\tif \(wa != wb\)\n\t\treturn) wa - wb;/$1 wb - wa;/
*|dropped_export|scripts/kallsyms.c|fail|names,offsets|s/(if \(is_ignored_symbol\(name, type\)\))/if (is_ignored_symbol(name, type) || !strcmp(name, "kfree"))/
*|filter_absolute|scripts/kallsyms.c|fail|filter,offsets|s/if \(toupper\(type\) == 'A'\) \{/if (0) {/
*|filter_mksysmap|scripts/mksysmap|fail|filter|s/^\/ __kstrtab_\/d\n//m
*|reader_expand|kernel/kallsyms.c|fail|reader|s/(\t\ttptr\+\+;\n)/$1\t\tif (len == 1 \&\& *tptr) tptr++;\n/
*|reader_type|kernel/kallsyms.c|fail|type letter,reader|s/return (kallsyms_token_table\[kallsyms_token_index\[kallsyms_names\[off \+ 1\]\]\]);/return toupper($1);/
6|reader_address|kernel/kallsyms.c|fail|reader|s/return kallsyms_relative_base - 1 - kallsyms_offsets\[idx\];/return kallsyms_relative_base - 1 - kallsyms_offsets[idx] + (idx == 1000);/
*|reader_bsearch|kernel/kallsyms.c|fail|kallsyms_lookup_name|s/high = kallsyms_num_syms - 1;\n/high = kallsyms_num_syms - 2;\n/
*|reader_lookup_garbage|kernel/kallsyms.c|fail|kallsyms_lookup_name|s/return kallsyms_sym_address\(get_symbol_seq\(i\)\);/return kallsyms_sym_address(get_symbol_seq(i)) + 4;/
*|reader_lookup_self|kernel/kallsyms.c|fail|kallsyms_lookup_name|s/if \(!\*name\)\n\t\treturn 0;/if (!*name || !strcmp(name, "kallsyms_lookup_name"))\n\t\treturn 0;/
*|reader_walk_skip|kernel/kallsyms.c|fail|on_each_symbol|s/(ret = fn\(data, namebuf, kallsyms_sym_address\(i\)\);)/if (i == 7) continue;\n\t\t$1/
*|reader_alias|kernel/kallsyms.c|fail|sprint_symbol|s/while \(low && kallsyms_sym_address\(low-1\) == kallsyms_sym_address\(low\)\)\n\t\t--low;/while (0)\n\t\t--low;/
*|reader_proc_type|kernel/kallsyms.c|fail|proc|s/(seq_printf\(m, "%px %c %s\\n", value,\n\t\t\t   )iter->type/$1tolower(iter->type)/
*|pass_seqs4|scripts/kallsyms.c+kernel/kallsyms.c|pass||s/printf\("\\t\.byte 0x%02x, 0x%02x, 0x%02x\\t\/\* %s \*\/\\n",\n\t+\(unsigned char\)\(table\[i\]->seq >> 16\),\n\t+\(unsigned char\)\(table\[i\]->seq >> 8\),\n\t+\(unsigned char\)\(table\[i\]->seq >> 0\),/printf("\\t.long\\t%u\\t\/* %s *\/\\n", table[i]->seq,/@@s/for \(i = 0; i < 3; i\+\+\)\n\t\tseq = \(seq << 8\) \| kallsyms_seqs_of_names\[3 \* index \+ i\];/memcpy(&seq, kallsyms_seqs_of_names + 4 * index, 4);\n\t(void)i;/
*|pass_comment|scripts/kallsyms.c|pass||s/printf\("\\t\/\* %s \*\/\\n", table\[i\]->sym\);/printf("\\t\/* sym %s *\/\\n", table[i]->sym);/
*|pass_unused_token|scripts/kallsyms.c|pass||s/(static void write_src\(void\)\n\{)/static unsigned char tok_used[256];\n\n$1/; s/(\t\t\tprintf\(", 0x%02x", table\[i\]->sym\[k\]\);)/\t\t{ tok_used[table[i]->sym[k]] = 1;\n$1 }/; s/(expand_symbol\(best_table\[i\], best_table_len\[i\], buf\);)/$1\n\t\tif (!tok_used[i] \&\& buf[0]) buf[0] = buf[0] == 'Z' ? 'Y' : 'Z';/
6|pass_align16|scripts/kallsyms.c|pass||s/printf\("#define ALGN \.balign 8\\n"\);/printf("#define ALGN .balign 16\\n");/
7|offsets_all_7|scripts/kallsyms.c|fail|offsets|s/long long offset = table\[i\]->addr - _text;/long long offset = table[i]->addr - _text + 16;/
7|reader_address_7|kernel/kallsyms.c|fail|reader|s/return \(unsigned long\)offset_to_ptr\(kallsyms_offsets \+ idx\);/return (unsigned long)offset_to_ptr(kallsyms_offsets + idx) + (idx == 1000);/
7|pass_align8_7|scripts/kallsyms.c|pass||s/printf\("\\t\.balign 4\\n"\);/printf("\\t.balign 8\\n");/
EOF

src=$(ksym_full_source "$line")
pv=$(basename "$src")
root=$KSYM_CACHE/faults/$pv-x86_64
[ -n "$out" ] || out=$root/runs
mkdir -p "$root" "$out"
if [ ! -f "$root/src/Makefile" ]; then
	rm -rf "$root/src.tmp"
	cp -al "$src" "$root/src.tmp" && mv "$root/src.tmp" "$root/src"
fi
o=$root/out

# restore FILE: the pristine copy again, as a file of its own
restore() {
	cmp -s "$src/$1" "$root/src/$1" ||
		cp --remove-destination "$src/$1" "$root/src/$1"
}

# kbuild does not relink vmlinux when only the kallsyms tool changed:
# remove it (and 6.15+'s vmlinux.unstripped, which vmlinux is made from),
# so that every case links with the tool of that case
build() {
	local before=0

	# (a cold tree has no log yet)
	[ -f "$o/build.log" ] && before=$(wc -l <"$o/build.log")
	rm -f "$o/vmlinux" "$o/vmlinux.unstripped"
	"$here/build-kernel.sh" SRC="$root/src" O="$o" >"$1" 2>&1 && return 0
	# the first error of this build, not of an earlier one in the log
	awk -v b="$before" 'NR > b && /kallsyms failure|error:/ { print; exit }' \
		"$o/build.log" >"$1.first"
	return 1
}

declare -i detected=0 observable=0 diagnosed=0 crashes=0 passed=0 failed=0 refused=0
printf '%-22s %-5s %-7s %-9s %-4s %-5s %s\n' case kind module check-tree diag oops "first finding"
run_case() {
	local id=$1 file=$2 kind=$3 want=$4 expr=$5 d=$out/$1 mod ct diag oops ok
	# the unmodified kernel always runs: every verdict is relative to it
	[ -z "$only" ] || [ "$id" = unmodified ] || ksym_has "$only" ",$id," ||
		return 0
	rm -rf "$d" && mkdir -p "$d"
	restore scripts/kallsyms.c
	restore kernel/kallsyms.c
	restore scripts/mksysmap
	# FILE+FILE2 with EXPR@@EXPR2: one change in each file
	local f e files exprs k
	IFS=+ read -r -a files <<<"$file"
	exprs=()
	while [ -n "$expr" ]; do
		e=${expr%%@@*}
		exprs+=("$e")
		[ "$e" = "$expr" ] && break
		expr=${expr#*@@}
	done
	for k in "${!exprs[@]}"; do
		f=${files[$k]:-}
		[ -n "$f" ] || { printf '%-22s %-5s no file for its change %d\n' "$id" "$kind" "$k"; failed+=1; return; }
		perl -0pi -e "${exprs[$k]}" "$root/src/$f"
		if cmp -s "$src/$f" "$root/src/$f"; then
			printf '%-22s %-5s fault did not apply to %s\n' "$id" "$kind" "$f"
			failed+=1
			return
		fi
	done
	if ! build "$d/build.log"; then
		# the generator's own refusal is its check; a compile error is
		# a broken case
		if grep -q 'kallsyms failure' "$d/build.log.first"; then
			printf '%-22s %-5s %-7s %-9s %-4s %-5s %s\n' "$id" "$kind" - - - - \
				"the generator refused it: $(cut -c1-90 "$d/build.log.first")"
			refused+=1
		else
			printf '%-22s %-5s the case does not build: %s\n' "$id" "$kind" \
				"$(cut -c1-100 "$d/build.log.first")"
			failed+=1
		fi
		return
	fi
	# its exit status is its verdict
	if timeout 900 "$here/check-tree" "$o" -o "$d/qemu" >"$d/check-tree.log" 2>&1; then
		ct=PASS
	else
		ct=FAIL
	fi
	mod=PASS
	grep -aq 'ksym_verify: FAIL' "$d"/qemu/*/dmesg 2>/dev/null && mod=FAIL
	grep -aq 'ksym_verify: FAIL\|ksym_verify: PASS' "$d"/qemu/*/dmesg 2>/dev/null || mod=none
	diag=$(grep -a -m1 'diagnosis:' "$d"/qemu/*/dmesg 2>/dev/null | sed 's/.*diagnosis: //' | cut -c1-110)
	# the console, without the base64 blocks the guest sends its files in
	oops=$(awk '/==KSYM-BEGIN/ { skip = 1 } !skip; /==KSYM-END/ { skip = 0 }' \
		"$d"/qemu/*/serial.log 2>/dev/null |
		grep -ac -E 'Oops|BUG:|general protection|control protection|Call Trace')
	if [ "$kind" = pass ]; then
		ok=no
		[ "$mod" = PASS ] && [ "$ct" = PASS ] && [ "$oops" = 0 ] && ok=yes
		printf '%-22s %-5s %-7s %-9s %-4s %-5s %s\n' "$id" pass "$mod" "$ct" - "$oops" "${diag:-none}"
		[ $ok = yes ] && passed+=1 || failed+=1
		[ "$oops" = 0 ] || crashes+=1
		return
	fi
	observable+=1
	local dg=no
	if [ "$mod" = FAIL ]; then
		detected+=1
		grep -qiE "${want//,/|}" <<<"$diag" && { diagnosed+=1; dg=yes; }
	fi
	[ "$oops" = 0 ] || crashes+=1
	printf '%-22s %-5s %-7s %-9s %-4s %-5s %s\n' "$id" fail "$mod" "$ct" "$dg" "$oops" "${diag:-none}"
	if [ "$mod" = FAIL ] && [ "$ct" = FAIL ] && [ "$oops" = 0 ]; then
		passed+=1
	else
		failed+=1
	fi
}

ksym_log "fault-inject: $pv, small x86_64 kernel in $o"
run_case unmodified - pass "" "" </dev/null
# qemu.sh probes KVM (up to 20 s) on every boot: once is enough
ksym_accel_from "$out/unmodified/check-tree.log"
major=$(make -s -C "$src" kernelversion | cut -d. -f1)
while IFS='|' read -r lines id file kind want expr; do
	[ -n "$id" ] || continue
	[ "$lines" = '*' ] || [ "$lines" = "$major" ] || continue
	# QEMU and friends must not read the cases
	run_case "$id" "$file" "$kind" "$want" "$expr" </dev/null
done <<<"$CASES"
restore scripts/kallsyms.c
restore kernel/kallsyms.c
restore scripts/mksysmap
echo "# refused by the generator itself (not counted): $refused"
echo "detected $detected / $observable, diagnosed $diagnosed / $detected, crashes $crashes"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
