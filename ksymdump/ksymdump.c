// SPDX-License-Identifier: GPL-2.0
/*
 * ksymdump - decode the kallsyms table of a kernel image in userspace, with
 * the decoder (decoder.c) and the landmark scan (scan.c) that the
 * ksym_verify module uses.  See the README ("ksymdump") and --help.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "locate.h"

static const char usage_text[] =
"usage: ksymdump [options] IMAGE\n"
"\n"
"Decode the kallsyms table of a kernel image and print it as /proc/kallsyms\n"
"text (address type name, in kallsyms order).  IMAGE is an ELF vmlinux\n"
"(with or without symbols), an x86 bzImage, an EFI zboot image, an arm64\n"
"Image, a gzip/xz/lzma/zstd/lz4/bzip2/lzop file of any of these, one with\n"
"the compressed stream at an offset no header names (ARM zImage, s390x,\n"
"ELF wrappers, boot.img), a memory dump (an ELF vmcore, QEMU's\n"
"dump-guest-memory, /proc/kcore, a kdump-compressed or flattened file:\n"
"read in parts, with its VMCOREINFO note, runtime addresses), raw\n"
"physical memory (dd, LiME; the kernel's VMCOREINFO text in it gives the\n"
"addresses), or raw bytes (objcopy -O binary).  Without ELF symbols the\n"
"table is found by a landmark scan; every candidate must be proven by the\n"
"decoder.\n"
"\n"
"  -j, --json              the table as JSON (with the layout)\n"
"  -s, --stats             the layout, how it was found and proven, counts,\n"
"                          bytes per array, compression; no symbol list\n"
"  -V, --verify FILE       compare with FILE, a System.map or /proc/kallsyms\n"
"                          text (any file, pipe or procfs; - is standard\n"
"                          input); print a summary and the first\n"
"                          mismatches; the exit status is the verdict\n"
"      --verify-as KIND    sysmap: every decoded symbol must be in FILE at\n"
"                          its address; kallsyms: FILE must list the same\n"
"                          symbols in the same order (default: kallsyms if\n"
"                          FILE's name says so or it has [module] lines)\n"
"  -m, --max-mismatches N  mismatches to print (default 20)\n"
"  -k, --kaslr auto|OFFSET add OFFSET to every address the kernel relocates\n"
"                          (not to x86_64's absolute per-CPU values), as a\n"
"                          KASLR boot prints them; auto, the default with\n"
"                          --verify, takes the one difference that most\n"
"                          symbols of FILE share, and says so\n"
"  -b, --base ADDR         virtual address of the first byte of a raw input\n"
"                          or an Image (default: derived where possible)\n"
"  -a, --anchor NAME=ADDR  a symbol address known from elsewhere, to prove\n"
"                          the address mode (up to 4)\n"
"  -n, --no-symbols        ignore the ELF symbol table, scan instead\n"
"      --big-endian, --little-endian\n"
"                          byte order of raw input (default: both tried)\n"
"      --ptr-size 4|8      pointer size of raw input (default: both tried)\n"
"      --max-size BYTES    unpacked bytes held at once, over all layers\n"
"                          (default 384 MiB)\n"
"      --max-ratio N       how many times its input one layer may grow\n"
"                          (default 64)\n"
"      --scan-work N       reads the landmark scan may do in all (default\n"
"                          1 per input byte + 2^27)\n"
"  -h, --help\n"
"\n"
"Exit status: 0 ok (and --verify matched), 1 --verify found mismatches,\n"
"2 usage (bad option, unusable --verify file such as Debian's placeholder\n"
"System.map), 3 no kallsyms table found, 4 a table or layer is corrupt\n"
"(or no address mode explains the table: \"unsupported layout\"),\n"
"5 the input could not be read, 6 a limit above was reached.\n";

struct options {
	struct kd_opts kd;
	const char *file;
	const char *verify;
	int verify_as;		/* -1 guess, 0 sysmap, 1 kallsyms */
	bool json, stats;
	unsigned int max_mm;
	struct kimg_limits lim;
	int kaslr;		/* -1 auto, 0 none, 1 the offset given */
	u64 kaslr_offset;
	char anchor_names[KSYM_MAX_ANCHORS][KSYM_NAME_MAX + 1];
};

static __printf(1, 2)
int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ksymdump: usage: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(ksymdump --help for the options)\n", stderr);
	return KD_USAGE;
}

static bool parse_u64(const char *s, u64 *v)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- output ---- */

static char *put_hex(char *p, u64 v, unsigned int digits)
{
	static const char hex[] = "0123456789abcdef";
	unsigned int i;

	for (i = digits; i-- > 0; v >>= 4)
		p[i] = hex[v & 15];
	return p + digits;
}

static void json_str(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			putc(ch, f);
	}
	putc('"', f);
}

static u64 ptr_bits(const struct ksym_decoder *kt)
{
	return kt->layout.ptr_size == 4 ? 0xffffffffULL : ~0ULL;
}

/*
 * Walk every symbol in table order, each address moved by @shift where a
 * relocated kernel moves it; @fn returns non-zero to stop.
 */
static int each_symbol(struct ksym_decoder *kt, u64 shift,
		       int (*fn)(void *, const struct ksym_sym *), void *data,
		       struct ksym_error *err)
{
	struct ksym_sym s;
	u32 i, off = 0;
	int ret;

	for (i = 0; i < kt->num_syms; i++) {
		ret = ksym_decode_at(kt, i, &off, kt->scratch[0], &s, err);
		if (!ret)
			ret = ksym_address(kt, i, &s.addr, err);
		if (ret)
			return ret;
		if (shift && ksym_address_moves(kt, i))
			s.addr = (s.addr + shift) & ptr_bits(kt);
		ret = fn(data, &s);
		if (ret)
			return ret;
	}
	return 0;
}

struct out_ctx {
	FILE *f;
	unsigned int digits;
	bool json;
	bool first;
};

static int print_sym(void *data, const struct ksym_sym *s)
{
	struct out_ctx *o = data;
	char line[KSYM_NAME_MAX + 32], *p = line;

	if (o->json) {
		fprintf(o->f, "%s\n    {\"address\": \"", o->first ? "" : ",");
		p = put_hex(p, s->addr, o->digits);
		fwrite(line, 1, p - line, o->f);
		fprintf(o->f, "\", \"type\": \"%c\", \"name\": ", s->type);
		json_str(o->f, s->name);
		putc('}', o->f);
		o->first = false;
		return 0;
	}
	p = put_hex(p, s->addr, o->digits);
	*p++ = ' ';
	*p++ = s->type;
	*p++ = ' ';
	memcpy(p, s->name, s->name_len);
	p += s->name_len;
	*p++ = '\n';
	fwrite(line, 1, p - line, o->f);
	return 0;
}

static void print_layout_json(FILE *f, const struct options *op,
			      const struct kimage *img,
			      const struct kd_result *r)
{
	const struct ksym_decoder *kt = r->kt;
	unsigned int a;

	fputs("{\n  \"file\": ", f);
	json_str(f, op->file);
	fputs(",\n  \"input\": ", f);
	json_str(f, img->how);
	fputs(",\n  \"located\": ", f);
	json_str(f, r->located);
	fprintf(f, ",\n  \"mode\": \"%s\",\n  \"mode_proof\": ",
		ksym_mode_name(kt->layout.mode));
	json_str(f, r->mode_how);
	if (r->note_how[0]) {
		fputs(",\n  \"vmcoreinfo\": ", f);
		json_str(f, r->note_how);
	}
	if (r->has_kernel_offset)
		fprintf(f, ",\n  \"kernel_offset\": \"0x%llx\"",
			(unsigned long long)r->kernel_offset);
	fprintf(f,
		",\n  \"ptr_size\": %u,\n  \"big_endian\": %s,\n  \"num_syms\": %u,\n  \"arrays\": {",
		kt->layout.ptr_size, kt->layout.big_endian ? "true" : "false", kt->num_syms);
	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		if (!r->va[a])
			continue;
		fprintf(f, "%s\n    \"%s\": \"0x%llx\"", a ? "," : "",
			ksym_array_name(a), (unsigned long long)r->va[a]);
	}
	fputs("\n  },\n  \"symbols\": [", f);
}

static void print_stats(FILE *f, const struct options *op,
			const struct kimage *img, struct kd_result *r,
			u64 ns_load, u64 ns_locate)
{
	struct ksym_decoder *kt = r->kt;
	const struct ksym_view *views[KSYM_NR_ARRAYS] = {
		[KSYM_A_NUM_SYMS] = &kt->arrays.num_syms,
		[KSYM_A_NAMES] = &kt->arrays.names,
		[KSYM_A_MARKERS] = &kt->arrays.markers,
		[KSYM_A_TOKEN_TABLE] = &kt->arrays.token_table,
		[KSYM_A_TOKEN_INDEX] = &kt->arrays.token_index,
		[KSYM_A_OFFSETS] = &kt->arrays.offsets,
		[KSYM_A_RELATIVE_BASE] = &kt->arrays.relative_base,
		[KSYM_A_SEQS] = &kt->arrays.seqs,
		[KSYM_A_ADDRESSES] = &kt->arrays.addresses,
	};
	struct ksym_stats st;
	struct ksym_error err;
	unsigned int a, i;
	size_t total = 0;

	fprintf(f, "file: %s\n", op->file);
	if (img->core_read)
		fprintf(f, "input: %s (%llu bytes read)\n", img->how,
			(unsigned long long)img->core_read);
	else
		fprintf(f, "input: %s (%zu bytes unpacked)\n", img->how,
			img->size);
	fprintf(f, "located: %s\n", r->located);
	fprintf(f, "base: %s\n", r->base_how);
	fprintf(f, "anchors: %s", r->anchors_how);
	for (i = 0; i < r->nr_anchors; i++)
		fprintf(f, "%s %s=0x%llx", i ? "," : ":", r->anchors[i].name,
			(unsigned long long)r->anchors[i].addr);
	fprintf(f, "\nmode: %s\n", r->mode_how);
	if (r->rb_how[0])
		fprintf(f, "relative_base: %s\n", r->rb_how);
	fprintf(f, "seqs_of_names: %s\n", r->seqs_how);
	if (r->note_how[0])
		fprintf(f, "vmcoreinfo: %s\n", r->note_how);
	if (r->has_kernel_offset)
		fprintf(f, "kernel_offset: 0x%llx (VMCOREINFO KERNELOFFSET)\n",
			(unsigned long long)r->kernel_offset);
	/* no record of 128 bytes or more: both encodings read it alike */
	if (!ksym_stats(kt, &st, NULL) && !st.big_records &&
	    st.max_record < 0x80 && st.max_name <= 128)
		fprintf(f,
			"layout: ptr_size %u, %s-endian, lengths under 128 bytes (1-byte and ULEB128 read them alike; KSYM_NAME_LEN 128 or 512)\n",
			kt->layout.ptr_size,
			kt->layout.big_endian ? "big" : "little");
	else
		fprintf(f, "layout: ptr_size %u, %s-endian, %s lengths, KSYM_NAME_LEN %u\n",
			kt->layout.ptr_size,
			kt->layout.big_endian ? "big" : "little",
			kt->layout.len_enc == KSYM_LEN_ULEB2 ? "ULEB128" : "1-byte",
			kt->layout.name_len);
	fprintf(f, "num_syms: %u\n", kt->num_syms);
	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		size_t off;

		if (!views[a]->data)
			continue;
		off = kimage_offset(img, views[a]->va);
		fprintf(f, "array %-24s va 0x%llx", ksym_array_name(a),
			(unsigned long long)views[a]->va);
		if (off != (size_t)-1)
			fprintf(f, " offset 0x%zx", off);
		fprintf(f, " bytes %zu\n", views[a]->size);
		total += views[a]->size;
	}
	fprintf(f, "bytes_total: %zu (%.1f per symbol)\n", total,
		kt->num_syms ? (double)total / kt->num_syms : 0.0);
	if (!ksym_stats(kt, &st, &err)) {
		fprintf(f,
			"names: %llu token bytes + %llu length bytes for %llu characters (type letters included): ratio %.2f\n",
			(unsigned long long)st.comp_bytes,
			(unsigned long long)st.prefix_bytes,
			(unsigned long long)st.plain_bytes,
			st.comp_bytes ? (double)st.plain_bytes / st.comp_bytes : 0.0);
		fprintf(f,
			"records: %u with a 2-byte length, longest %u token bytes, longest name %u\n",
			st.big_records, st.max_record, st.max_name);
		fprintf(f, "tokens: %u non-empty, %u used\n", st.tokens_nonempty,
			st.tokens_used);
	}
	fprintf(f, "scan: %llu reads (bound %llu), %u candidate regions cut at %llu\n",
		(unsigned long long)r->scan_reads,
		(unsigned long long)r->scan_bound,
		r->scan_regions_cut, (unsigned long long)KSYM_SCAN_REGION_WORK);
	if (r->scan_exhausted)
		fprintf(f, "scan_stopped: at 0x%llx, %llu bytes not scanned\n",
			(unsigned long long)r->scan_stop_va,
			(unsigned long long)r->scan_stop_left);
	fprintf(f, "ms_load: %.2f\nms_locate_and_validate: %.2f\n",
		ns_load / 1e6, ns_locate / 1e6);
}

/* ---- --verify ---- */

struct ref_sym {
	u64 addr;
	char type;
	bool module;
	const char *name;
	u32 next;		/* hash chain, 1-based */
};

struct ref {
	char *text;
	struct ref_sym *s;
	size_t n, nr_vmlinux;
	u32 *bucket;
	size_t nb;
	bool has_modules;
};

static u32 hash_name(const char *s)
{
	u32 h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/*
 * A reference list is read whole, from any stream: /proc/kallsyms reports
 * a size of 0 and a pipe none.  Its size is bounded like the input's
 * (/proc/kallsyms with every module loaded is a few tens of MiB).
 */
#define KD_REF_MAX	((size_t)256 << 20)

static int ref_read(struct ref *ref, const char *path, size_t *size,
		    char *why, size_t wl)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t cap = 0, len = 0, got;
	int ret = KD_OK;
	char *p;

	if (!f)
		return snprintf(why, wl, "%s: %s", path, strerror(errno)), KD_USAGE;
	for (;;) {
		if (cap - len < 65536) {
			if (cap >= KD_REF_MAX) {
				snprintf(why, wl, "%s: more than %zu MiB: not a symbol list",
					 path, KD_REF_MAX >> 20);
				ret = KD_USAGE;
				break;
			}
			cap = cap ? 2 * cap : (size_t)1 << 20;
			p = realloc(ref->text, cap + 1);
			if (!p) {
				snprintf(why, wl, "%s: out of memory after %zu bytes",
					 path, len);
				ret = KD_IO;
				break;
			}
			ref->text = p;
		}
		got = fread(ref->text + len, 1, cap - len, f);
		if (!got)
			break;
		len += got;
	}
	if (!ret && ferror(f)) {
		snprintf(why, wl, "%s: %s", path, strerror(errno));
		ret = KD_USAGE;
	}
	if (f != stdin)
		fclose(f);
	if (!ret) {
		ref->text[len] = 0;
		*size = len;
	}
	return ret;
}

static int ref_load(struct ref *ref, const char *path, char *why, size_t wl)
{
	size_t cap = 0, len = 0, i, sz;
	char *line, *save, *a, *t, *nm, *mod, *end;
	int ret;

	memset(ref, 0, sizeof(*ref));
	ret = ref_read(ref, path, &sz, why, wl);
	if (ret)
		return ret;
	if (strstr(ref->text, "The real System.map is in"))
		return snprintf(why, wl,
				"%s is Debian's placeholder System.map (%zu bytes: \"The real System.map is in the linux-image-<version>-dbg package\"), not a symbol list; there is nothing to verify against",
				path, sz), KD_USAGE;
	for (line = strtok_r(ref->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		a = strtok(line, " \t");
		t = a ? strtok(NULL, " \t") : NULL;
		nm = t ? strtok(NULL, " \t\r") : NULL;
		mod = nm ? strtok(NULL, " \t\r") : NULL;
		if (!nm || strlen(t) != 1)
			continue;
		if (len == cap) {
			struct ref_sym *p;

			cap = cap ? 2 * cap : 65536;
			p = realloc(ref->s, cap * sizeof(*p));
			if (!p)
				return snprintf(why, wl, "out of memory"), KD_IO;
			ref->s = p;
		}
		errno = 0;
		ref->s[len].addr = strtoull(a, &end, 16);
		if (*end || errno)
			continue;
		ref->s[len].type = t[0];
		ref->s[len].name = nm;
		ref->s[len].module = mod && mod[0] == '[';
		ref->has_modules |= ref->s[len].module;
		if (!ref->s[len].module)
			ref->nr_vmlinux++;
		len++;
	}
	ref->n = len;
	if (ref->nr_vmlinux < 2)
		return snprintf(why, wl,
			"%s holds %zu symbol lines: not a System.map or kallsyms list",
				path, ref->nr_vmlinux), KD_USAGE;
	for (i = 0; i < len && !ref->s[i].addr; i++)
		;
	if (i == len)
		return snprintf(why, wl,
			"%s: every address is 0 (read /proc/kallsyms as root, with kernel.kptr_restrict=0)",
				path), KD_USAGE;
	for (ref->nb = 1; ref->nb < 2 * len; ref->nb <<= 1)
		;
	ref->bucket = calloc(ref->nb, sizeof(u32));
	if (!ref->bucket)
		return snprintf(why, wl, "out of memory"), KD_IO;
	for (i = len; i-- > 0;) {
		u32 h = hash_name(ref->s[i].name) & (ref->nb - 1);

		ref->s[i].next = ref->bucket[h];
		ref->bucket[h] = i + 1;
	}
	return KD_OK;
}

static void ref_free(struct ref *ref)
{
	free(ref->text);
	free(ref->s);
	free(ref->bucket);
}

struct verify_ctx {
	struct ref *ref;
	bool exact;
	unsigned int digits;
	u32 index;
	u64 checked, bad, type_only;
	unsigned int max_mm;
	bool percpu_abs;	/* absolute per-CPU values: 'A' in kallsyms */
};

static __printf(2, 3)
void report_mismatch(struct verify_ctx *v, const char *fmt, ...)
{
	va_list ap;

	if (v->bad++ >= v->max_mm)
		return;
	printf("mismatch: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int verify_sym(void *data, const struct ksym_sym *s)
{
	struct verify_ctx *v = data;
	const struct ref_sym *r;
	u32 i = v->index++, k;
	int w = v->digits;

	v->checked++;
	if (v->exact) {
		if (i >= v->ref->n || v->ref->s[i].module) {
			report_mismatch(v, "#%u %0*llx %c %s: the reference ends before it",
					i, w, (unsigned long long)s->addr, s->type, s->name);
			return 0;
		}
		r = &v->ref->s[i];
		if (r->addr != s->addr || r->type != s->type ||
		    strcmp(r->name, s->name))
			report_mismatch(v, "#%u decoded %0*llx %c %s, reference %0*llx %c %s",
					i, w, (unsigned long long)s->addr, s->type,
					s->name, w, (unsigned long long)r->addr,
					r->type, r->name);
		return 0;
	}
	/* System.map: the name at this address, with the same type */
	for (k = v->ref->bucket[hash_name(s->name) & (v->ref->nb - 1)]; k;
	     k = v->ref->s[k - 1].next) {
		r = &v->ref->s[k - 1];
		if (r->addr == s->addr && !strcmp(r->name, s->name))
			break;
	}
	if (!k) {
		report_mismatch(v, "#%u %0*llx %c %s is not in the reference at that address",
				i, w, (unsigned long long)s->addr, s->type, s->name);
		return 0;
	}
	/* kallsyms marks absolute per-CPU values 'A'; System.map does not */
	if (r->type != s->type && s->type != 'A')
		report_mismatch(v, "#%u %s: type %c, the reference says %c", i,
				s->name, s->type, r->type);
	return 0;
}

/* ---- --kaslr auto ---- */

struct offset_ctx {
	struct ksym_decoder *kt;
	const struct ref *ref;
	bool exact;
	u32 index;
	u64 *delta;
	u64 n;
};

static int collect_delta(void *data, const struct ksym_sym *s)
{
	struct offset_ctx *c = data;
	const struct ref_sym *r = NULL;
	u32 i = c->index++, k;

	if (!ksym_address_moves(c->kt, s->index))
		return 0;
	if (c->exact) {
		if (i < c->ref->n && !c->ref->s[i].module &&
		    !strcmp(c->ref->s[i].name, s->name))
			r = &c->ref->s[i];
	} else {
		for (k = c->ref->bucket[hash_name(s->name) & (c->ref->nb - 1)];
		     k && !r; k = c->ref->s[k - 1].next)
			if (!strcmp(c->ref->s[k - 1].name, s->name))
				r = &c->ref->s[k - 1];
	}
	if (r)
		c->delta[c->n++] = (r->addr - s->addr) & ptr_bits(c->kt);
	return 0;
}

/*
 * The reference's address minus the decoded one, for every symbol that a
 * relocated kernel moves and the reference names (at the same position in
 * a kallsyms list, anywhere in a System.map): the value that more than
 * half of them share is the KASLR offset.  Anything else (a reference of
 * another kernel) leaves the offset 0, for the mismatches to show.
 */
static int find_offset(struct kd_result *r, const struct ref *ref, bool exact,
		       u64 *offset, char *how, size_t hl)
{
	struct offset_ctx c = {
		.kt = r->kt, .ref = ref, .exact = exact,
	};
	u64 i, run, best = 0, best_run = 0;
	struct ksym_error err;
	int ret;

	*offset = 0;
	c.delta = malloc(((size_t)r->kt->num_syms + 1) * sizeof(*c.delta));
	if (!c.delta)
		return snprintf(how, hl, "out of memory"), KD_IO;
	ret = each_symbol(r->kt, 0, collect_delta, &c, &err);
	if (ret) {
		free(c.delta);
		return snprintf(how, hl, "corrupt: check %s at symbol %u: %s",
				err.check, err.index, err.msg), KD_CORRUPT;
	}
	qsort(c.delta, c.n, sizeof(*c.delta), kd_cmp_u64);
	for (i = 0; i < c.n; i += run) {
		for (run = 1; i + run < c.n && c.delta[i + run] == c.delta[i]; run++)
			;
		if (run > best_run) {
			best_run = run;
			best = c.delta[i];
		}
	}
	free(c.delta);
	if (2 * best_run > c.n) {
		*offset = best;
		snprintf(how, hl,
			 "auto: %llu of %llu moved addresses that the reference names differ from it by this",
			 (unsigned long long)best_run, (unsigned long long)c.n);
	} else {
		snprintf(how, hl,
			 "auto: no difference is shared by more than half of the %llu moved addresses that the reference names (the most common, 0x%llx, by %llu)",
			 (unsigned long long)c.n, (unsigned long long)best,
			 (unsigned long long)best_run);
	}
	return KD_OK;
}

static int do_verify(const struct options *op, struct kd_result *r)
{
	struct verify_ctx v = { .max_mm = op->max_mm };
	u64 offset = op->kaslr_offset;
	struct ref ref;
	struct ksym_error err;
	char why[512], how[256] = "given";
	const char *base = strrchr(op->verify, '/');
	int ret;

	ret = ref_load(&ref, op->verify, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "ksymdump: --verify %s\n", why);
		ref_free(&ref);
		return ret;
	}
	base = base ? base + 1 : op->verify;
	v.ref = &ref;
	v.exact = op->verify_as >= 0 ? op->verify_as :
		  ref.has_modules || strstr(base, "kallsyms");
	v.digits = 2 * r->kt->layout.ptr_size;
	printf("verify: %s %s against %s as %s\n", op->file,
	       "decoded", op->verify,
	       v.exact ? "/proc/kallsyms text (same symbols, same order)" :
	       "System.map (every decoded symbol at its address)");
	if (op->kaslr < 0) {
		ret = find_offset(r, &ref, v.exact, &offset, how, sizeof(how));
		if (ret) {
			fprintf(stderr, "ksymdump: %s: %s\n", op->file, how);
			ref_free(&ref);
			return ret;
		}
	}
	printf("verify: KASLR offset 0x%llx (%s)\n", (unsigned long long)offset,
	       how);
	ret = each_symbol(r->kt, offset, verify_sym, &v, &err);
	if (ret) {
		fprintf(stderr, "ksymdump: %s: corrupt: check %s at symbol %u: %s\n",
			op->file, err.check, err.index, err.msg);
		ref_free(&ref);
		return KD_CORRUPT;
	}
	if (v.exact && ref.nr_vmlinux > r->kt->num_syms)
		report_mismatch(&v,
				"the reference has %zu more vmlinux symbols after the last decoded one (the first: %s)",
				ref.nr_vmlinux - r->kt->num_syms, ref.s[r->kt->num_syms].name);
	if (v.bad > v.max_mm)
		printf("mismatch: ... %llu more\n",
		       (unsigned long long)(v.bad - v.max_mm));
	printf("verify: %llu decoded, reference %zu (%zu vmlinux), %llu mismatches: %s\n",
	       (unsigned long long)v.checked, ref.n, ref.nr_vmlinux,
	       (unsigned long long)v.bad, v.bad ? "FAIL" : "PASS");
	ref_free(&ref);
	return v.bad ? KD_MISMATCH : KD_OK;
}

/* ---- main ---- */

enum {
	OPT_BE = 256, OPT_LE, OPT_PSZ, OPT_MAX_SIZE, OPT_VERIFY_AS,
	OPT_MAX_RATIO, OPT_SCAN_WORK,
};

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "stats", no_argument, NULL, 's' },
	{ "verify", required_argument, NULL, 'V' },
	{ "verify-as", required_argument, NULL, OPT_VERIFY_AS },
	{ "max-mismatches", required_argument, NULL, 'm' },
	{ "kaslr", required_argument, NULL, 'k' },
	{ "base", required_argument, NULL, 'b' },
	{ "anchor", required_argument, NULL, 'a' },
	{ "no-symbols", no_argument, NULL, 'n' },
	{ "big-endian", no_argument, NULL, OPT_BE },
	{ "little-endian", no_argument, NULL, OPT_LE },
	{ "ptr-size", required_argument, NULL, OPT_PSZ },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "max-ratio", required_argument, NULL, OPT_MAX_RATIO },
	{ "scan-work", required_argument, NULL, OPT_SCAN_WORK },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_args(int argc, char **argv, struct options *op)
{
	u64 v;
	char *eq;
	int c;

	memset(op, 0, sizeof(*op));
	op->kd.big_endian = -1;
	op->verify_as = -1;
	op->max_mm = 20;
	op->lim.max_size = KIMG_MAX_SIZE;
	op->lim.max_ratio = KIMG_MAX_RATIO;
	op->kaslr = -2;		/* not given */
	while ((c = getopt_long(argc, argv, "jsV:m:k:b:a:nh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			op->json = true;
			break;
		case 's':
			op->stats = true;
			break;
		case 'V':
			op->verify = optarg;
			break;
		case OPT_VERIFY_AS:
			if (!strcmp(optarg, "sysmap"))
				op->verify_as = 0;
			else if (!strcmp(optarg, "kallsyms"))
				op->verify_as = 1;
			else
				return usage_error("--verify-as: sysmap or kallsyms, not %s",
						   optarg);
			break;
		case 'm':
			if (!parse_u64(optarg, &v) || v > 1000000)
				return usage_error("--max-mismatches: %s is not a count",
						   optarg);
			op->max_mm = (unsigned int)v;
			break;
		case 'k':
			if (!strcmp(optarg, "auto")) {
				op->kaslr = -1;
				break;
			}
			if (!parse_u64(optarg, &v))
				return usage_error("--kaslr takes auto or an offset, not \"%s\"",
						   optarg);
			op->kaslr = 1;
			op->kaslr_offset = v;
			break;
		case 'b':
			if (!parse_u64(optarg, &v))
				return usage_error("--base: \"%s\" is not an address", optarg);
			op->kd.has_base = true;
			op->kd.base = v;
			break;
		case 'a':
			eq = strchr(optarg, '=');
			if (!eq || eq == optarg || eq - optarg > KSYM_NAME_MAX ||
			    !parse_u64(eq + 1, &v))
				return usage_error("--anchor takes NAME=ADDR, not \"%s\"", optarg);
			if (op->kd.nr_anchors >= KSYM_MAX_ANCHORS)
				return usage_error("at most %d --anchor options", KSYM_MAX_ANCHORS);
			memcpy(op->anchor_names[op->kd.nr_anchors], optarg, eq - optarg);
			op->kd.anchors[op->kd.nr_anchors].name =
				op->anchor_names[op->kd.nr_anchors];
			op->kd.anchors[op->kd.nr_anchors++].addr = v;
			break;
		case 'n':
			op->kd.no_symbols = true;
			break;
		case OPT_BE:
		case OPT_LE:
			op->kd.big_endian = c == OPT_BE;
			break;
		case OPT_PSZ:
			if (!parse_u64(optarg, &v) || (v != 4 && v != 8))
				return usage_error("--ptr-size takes 4 or 8, not \"%s\"", optarg);
			op->kd.ptr_size = (unsigned int)v;
			break;
		case OPT_MAX_SIZE:
			if (!parse_u64(optarg, &v) || v < 4096 || v > SIZE_MAX / 2)
				return usage_error("--max-size: %s is not a size >= 4096",
						   optarg);
			op->lim.max_size = v;
			break;
		case OPT_MAX_RATIO:
			if (!parse_u64(optarg, &v) || v < 1 || v > 1000000)
				return usage_error("--max-ratio: %s is not from 1 to 1000000",
						   optarg);
			op->lim.max_ratio = (unsigned int)v;
			break;
		case OPT_SCAN_WORK:
			if (!parse_u64(optarg, &v) || !v)
				return usage_error("--scan-work: %s is not a count of reads",
						   optarg);
			op->kd.scan_work = v;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		default:
			return usage_error("unknown option");
		}
	}
	if (optind != argc - 1)
		return usage_error(optind < argc ? "one IMAGE only" : "no IMAGE given");
	if ((op->json || op->stats) && op->verify)
		return usage_error("--verify does not combine with --json or --stats");
	if (op->json && op->stats)
		return usage_error("--json and --stats: pick one");
	if (op->kaslr == -1 && !op->verify)
		return usage_error("--kaslr auto needs --verify: the offset is found from FILE");
	if (op->kaslr == -2)
		op->kaslr = op->verify ? -1 : 0;
	op->file = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	static struct options op;
	struct kimage img;
	struct kd_result r;
	struct ksym_error err;
	struct stat sb;
	char why[512];
	u64 t0, t1, t2;
	void *map;
	int fd, ret;

	ret = parse_args(argc, argv, &op);
	if (ret)
		return ret;
	t0 = now_ns();
	fd = open(op.file, O_RDONLY);
	if (fd < 0 || fstat(fd, &sb)) {
		fprintf(stderr, "ksymdump: %s: %s\n", op.file, strerror(errno));
		return KD_IO;
	}
	if (!S_ISREG(sb.st_mode) || !sb.st_size) {
		fprintf(stderr, "ksymdump: %s: not a regular, non-empty file\n",
			op.file);
		return KD_IO;
	}
	/* dumps are read in parts: many GB, or 128 TiB for /proc/kcore */
	ret = kimage_load_diskdump(&img, fd, sb.st_size, &op.lim, why, sizeof(why));
	if (ret == 1)
		ret = kimage_load_core(&img, fd, sb.st_size, &op.lim, why,
				       sizeof(why));
	map = MAP_FAILED;
	if (ret == 1) {
		map = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			fprintf(stderr, "ksymdump: %s: mmap: %s\n", op.file,
				strerror(errno));
			close(fd);
			return KD_IO;
		}
		ret = kimage_open(&img, map, sb.st_size, true, &op.lim, why,
				  sizeof(why));
	}
	close(fd);
	if (ret) {
		fprintf(stderr, "ksymdump: %s: %s%s\n", op.file,
			ret == -ENOMEM ? "out of memory: " :
			ret == -EFBIG ? "" : "corrupt: ", why);
		if (map != MAP_FAILED)
			munmap(map, sb.st_size);
		return ret == -ENOMEM ? KD_IO : ret == -EFBIG ? KD_LIMIT :
		       KD_CORRUPT;
	}
	t1 = now_ns();
	ret = kd_locate(&img, &op.kd, &r);
	if (ret == KD_NOT_FOUND)
		ret = kd_locate_inside(&img, &op.kd, &op.lim, &r);
	t2 = now_ns();
	if (ret) {
		fprintf(stderr, "ksymdump: %s (%s): %s\n", op.file, img.how, r.why);
		kimage_close(&img);
		return ret;
	}
	/* the table kept is the best of what the scan reached */
	if (r.scan_exhausted)
		fprintf(stderr,
			"ksymdump: %s: warning: the landmark scan stopped at its bound of %llu reads at 0x%llx with %llu bytes not scanned; of the %u candidates it found the table kept is the best, the kernel's own may lie beyond (--scan-work raises the bound)\n",
			op.file, (unsigned long long)r.scan_reads,
			(unsigned long long)r.scan_stop_va,
			(unsigned long long)r.scan_stop_left, r.candidates);

	if (op.verify) {
		ret = do_verify(&op, &r);
	} else if (op.stats) {
		print_stats(stdout, &op, &img, &r, t1 - t0, t2 - t1);
		ret = KD_OK;
	} else {
		struct out_ctx o = {
			.f = stdout, .digits = 2 * r.kt->layout.ptr_size,
			.json = op.json, .first = true,
		};

		if (op.json)
			print_layout_json(stdout, &op, &img, &r);
		ret = each_symbol(r.kt, op.kaslr_offset, print_sym, &o, &err);
		if (ret) {
			fprintf(stderr, "ksymdump: %s: corrupt: check %s at symbol %u: %s\n",
				op.file, err.check, err.index, err.msg);
			ret = KD_CORRUPT;
		} else if (op.json) {
			fputs("\n  ]\n}\n", stdout);
		}
	}
	if (fflush(stdout) && !ret) {
		fprintf(stderr, "ksymdump: writing the output: %s\n", strerror(errno));
		ret = KD_IO;
	}
	kd_result_free(&r);
	kimage_close(&img);
	if (map != MAP_FAILED)
		munmap(map, sb.st_size);
	return ret;
}
