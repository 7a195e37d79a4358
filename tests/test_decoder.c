// SPDX-License-Identifier: GPL-2.0
/*
 * test_decoder.c - check decoder.c against tables made by the kernel's own
 * scripts/kallsyms.c (see scripts/gen-fixtures.sh).
 *
 * For every fixture: the proven address mode must be the one the generator
 * flags imply; every (index, type, name, address), decoded sequentially and
 * by random access, must equal the ground-truth list; every name and address
 * lookup must agree with answers computed from that list; and every
 * corruption derived from the fixture must be rejected with its own error
 * code.  Output is KTAP v1, closed by a "N passed, N failed" line.
 *
 * Usage: test_decoder FIXTURE_DIR...
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "../scan.h"

static unsigned int total_pass, total_fail, total_skip;
static char why[512];
static bool skipped;

/* A case that does not apply to this fixture: a skip, never a pass. */
static bool skip(const char *reason)
{
	snprintf(why, sizeof(why), "SKIP %s", reason);
	skipped = true;
	return true;
}

static __printf(1, 2) bool fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

static bool fail_err(const char *what, const struct ksym_error *err)
{
	return fail("%s failed: %s", what, err->msg);
}

/* Open a table over @t with the fixture's layout and the given mode. */
static int open_table(const struct fixture *fx, struct ksym_decoder *kt,
		      const struct ksym_arrays *t, enum ksym_addr_mode mode,
		      struct ksym_error *err)
{
	struct ksym_layout l = fx->l;

	l.mode = mode;
	return ksym_open(kt, t, &l, err);
}

static unsigned long long end_of(const struct fixture *fx)
{
	return fx->syms[fx->nsyms - 1].addr + 0x1000;
}

static bool same_sym(const struct fixture *fx, unsigned int i,
		     const struct ksym_sym *s)
{
	const struct fx_sym *e = &fx->syms[i];

	if (s->index != i || s->type != e->type || strcmp(s->name, e->name) ||
	    s->addr != e->addr)
		return fail("symbol %u: decoded (%c %s 0x%llx), expected (%c %s 0x%llx)",
			    i, s->type, s->name, (unsigned long long)s->addr,
			    e->type, e->name, e->addr);
	return true;
}

static bool case_prove(struct fixture *fx, struct ksym_decoder *kt)
{
	struct ksym_proof proof;
	struct ksym_error err;

	if (open_table(fx, kt, &fx->t, KSYM_ADDR_UNKNOWN, &err))
		return fail_err("ksym_open", &err);
	if (ksym_prove_mode(kt, &fx->anchor, 1, &proof, &err))
		return fail_err("ksym_prove_mode", &err);
	if (proof.mode != fx->expect_mode)
		return fail("proved mode %s, the generator flags (%s) mean %s",
			    ksym_mode_name(proof.mode), fx->flags,
			    ksym_mode_name(fx->expect_mode));
	return true;
}

static bool case_count(struct fixture *fx, struct ksym_decoder *kt)
{
	struct ksym_error err;

	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err))
		return fail_err("ksym_open", &err);
	if (kt->num_syms != fx->nsyms)
		return fail("num_syms %u, ground truth has %u", kt->num_syms,
			    fx->nsyms);
	return true;
}

static bool case_validate(struct fixture *fx, struct ksym_decoder *kt)
{
	struct ksym_error err;

	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err) ||
	    ksym_validate(kt, &err))
		return fail_err("validate", &err);
	return true;
}

static bool case_sequential(struct fixture *fx, struct ksym_decoder *kt)
{
	static char buf[KSYM_NAME_MAX + 1];
	struct ksym_error err;
	struct ksym_sym s;
	unsigned int i;
	u32 off = 0;

	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err))
		return fail_err("ksym_open", &err);
	for (i = 0; i < kt->num_syms && i < fx->nsyms; i++) {
		if (ksym_decode_at(kt, i, &off, buf, &s, &err) ||
		    ksym_address(kt, i, &s.addr, &err))
			return fail_err("sequential decode", &err);
		if (!same_sym(fx, i, &s))
			return false;
	}
	return case_count(fx, kt);
}

static bool random_all(struct fixture *fx, struct ksym_decoder *kt)
{
	static char buf[KSYM_NAME_MAX + 1];
	struct ksym_error err;
	struct ksym_sym s;
	unsigned int i, k;

	/* every index, visited in a scattered order */
	for (k = 0; k < fx->nsyms; k++) {
		i = (k * 7919u) % fx->nsyms;
		if (ksym_get(kt, i, buf, &s, &err))
			return fail_err("ksym_get", &err);
		if (!same_sym(fx, i, &s))
			return false;
	}
	if (!ksym_get(kt, fx->nsyms, buf, &s, &err) ||
	    err.code != KSYM_E_INDEX)
		return fail("ksym_get(%u) past the end was not refused",
			    fx->nsyms);
	return true;
}

static bool case_random_markers(struct fixture *fx, struct ksym_decoder *kt)
{
	struct ksym_error err;

	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err))
		return fail_err("ksym_open", &err);
	if (kt->rec_off_valid)
		return fail("record offsets valid without a scratch array");
	return random_all(fx, kt);
}

static bool case_random_fast(struct fixture *fx, struct ksym_decoder *kt)
{
	struct ksym_error err;
	bool ok;

	kt->rec_off = calloc(fx->nsyms, sizeof(u32));
	kt->rec_off_cap = fx->nsyms;
	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err) ||
	    ksym_validate(kt, &err)) {
		free(kt->rec_off);
		kt->rec_off = NULL;
		return fail_err("validate with record offsets", &err);
	}
	ok = kt->rec_off_valid ? random_all(fx, kt) :
	     fail("record offsets not filled");
	free(kt->rec_off);
	kt->rec_off = NULL;
	kt->rec_off_cap = 0;
	return ok;
}

static const struct fixture *sort_fx;

static int by_name(const void *a, const void *b)
{
	unsigned int i = *(const unsigned int *)a, j = *(const unsigned int *)b;
	int c = strcmp(sort_fx->syms[i].name, sort_fx->syms[j].name);

	return c ? c : (i > j) - (i < j);
}

static bool case_lookup_name(struct fixture *fx, struct ksym_decoder *kt)
{
	struct ksym_error err;
	unsigned int *ord, k, first = 0;
	bool ok = true;
	u64 addr;
	u32 idx;

	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err))
		return fail_err("ksym_open", &err);
	ord = malloc(fx->nsyms * sizeof(*ord));
	for (k = 0; k < fx->nsyms; k++)
		ord[k] = k;
	sort_fx = fx;
	qsort(ord, fx->nsyms, sizeof(*ord), by_name);
	for (k = 0; ok && k < fx->nsyms; k++) {
		const struct fx_sym *e = &fx->syms[ord[k]];

		/* the lowest address among equal names: first of its group */
		if (k == 0 || strcmp(fx->syms[ord[k - 1]].name, e->name))
			first = ord[k];
		else
			continue;
		if (ksym_lookup_name(kt, e->name, &addr, &idx, &err))
			ok = fail("lookup_name(%s): %s", e->name, err.msg);
		else if (idx != first || addr != fx->syms[first].addr)
			ok = fail("lookup_name(%s) = #%u 0x%llx, expected #%u 0x%llx",
				  e->name, idx, (unsigned long long)addr, first,
				  fx->syms[first].addr);
	}
	free(ord);
	if (ok && (ksym_lookup_name(kt, "no_such_symbol_ksym", &addr, &idx,
				    &err) != -ENOENT ||
		   err.code != KSYM_E_NOT_FOUND))
		ok = fail("lookup of a missing name did not give lookup.not_found");
	return ok;
}

/* The LTO rule of 6.2-6.10 kernels, written from the fixture's names. */
static size_t cut_len(const char *name)
{
	const char *p = strstr(name, ".llvm.");

	return p ? (size_t)(p - name) : strlen(name);
}

/*
 * ksym_lookup_key() on a table sorted by names cut at .llvm.: a name with
 * the suffix finds nothing; one without finds the lowest symbol whose cut
 * name it is (expected.txt's order, not the decoder's).
 */
static bool case_lookup_key(struct fixture *fx, struct ksym_decoder *kt)
{
	struct ksym_error err;
	unsigned int k, want;
	u64 addr;
	u32 idx;
	int ret;

	if (fx->l.seqs_order != KSYM_SEQS_STRIP_LLVM)
		return skip("only tables sorted by names cut at .llvm. (--lto-clang)");
	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err))
		return fail_err("ksym_open", &err);
	for (k = 0; k < fx->nsyms; k++) {
		const char *n = fx->syms[k].name;

		ret = ksym_lookup_key(kt, n, &addr, &idx, &err);
		if (cut_len(n) != strlen(n)) {
			if (ret != -ENOENT)
				return fail("lookup_key(%s) found #%u, expected nothing", n, idx);
			continue;
		}
		for (want = 0; want < fx->nsyms; want++) {
			const char *m = fx->syms[want].name;

			if (cut_len(m) == strlen(n) && !strncmp(m, n, strlen(n)))
				break;
		}
		if (ret)
			return fail("lookup_key(%s): %s", n, err.msg);
		if (idx != want || addr != fx->syms[want].addr)
			return fail("lookup_key(%s) = #%u, expected #%u (%s)", n, idx,
				    want, fx->syms[want].name);
	}
	return true;
}

/* the sort key's length, as the fixture's seqs_order says the kernel cuts */
static size_t key_len_of(const struct fixture *fx, const char *name)
{
	const char *dot = strchr(name, '.');

	switch (fx->l.seqs_order) {
	case KSYM_SEQS_STRIP_LLVM:
		return cut_len(name);
	case KSYM_SEQS_STRIP_DOT:
		return dot ? (size_t)(dot - name) : strlen(name);
	default:
		return strlen(name);
	}
}

static bool same_key(const struct fixture *fx, unsigned int i, unsigned int j)
{
	const char *x = fx->syms[i].name, *y = fx->syms[j].name;
	size_t xl = key_len_of(fx, x);

	return xl == key_len_of(fx, y) && !memcmp(x, y, xl);
}

static int by_key(const void *a, const void *b)
{
	unsigned int i = *(const unsigned int *)a, j = *(const unsigned int *)b;
	const char *x = sort_fx->syms[i].name, *y = sort_fx->syms[j].name;
	size_t xl = key_len_of(sort_fx, x), yl = key_len_of(sort_fx, y);
	int c = memcmp(x, y, xl < yl ? xl : yl);

	if (!c)
		c = (xl > yl) - (xl < yl);
	return c ? c : (i > j) - (i < j);
}

/*
 * ksym_first_of_keys(), and the same answers ksym_validate() fills into
 * kt->first on its seqs walk, against the lowest index of each key, from
 * the fixture's own names sorted here (expected.txt, not the table's seqs).
 */
static bool case_first_of_keys(struct fixture *fx, struct ksym_decoder *kt)
{
	unsigned int *ord, k, want = 0;
	struct ksym_error err;
	u32 *first, *by_validate;
	bool ok = true;

	if (!fx->l.seqs_size)
		return skip("no seqs_of_names in this layout");
	by_validate = malloc(fx->nsyms * sizeof(*by_validate));
	kt->first = by_validate;
	kt->first_cap = fx->nsyms;
	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err) ||
	    ksym_validate(kt, &err)) {
		kt->first = NULL;
		kt->first_cap = 0;
		free(by_validate);
		return fail_err("validate", &err);
	}
	if (!kt->first_valid)
		ok = fail("ksym_validate() did not fill kt->first");
	kt->first = NULL;
	kt->first_cap = 0;
	ord = malloc(fx->nsyms * sizeof(*ord));
	first = malloc(fx->nsyms * sizeof(*first));
	for (k = 0; k < fx->nsyms; k++)
		ord[k] = k;
	sort_fx = fx;
	qsort(ord, fx->nsyms, sizeof(*ord), by_key);
	if (ksym_first_of_keys(kt, first, &err))
		ok = fail_err("first_of_keys", &err);
	for (k = 0; ok && k < fx->nsyms; k++) {
		if (k == 0 || !same_key(fx, ord[k - 1], ord[k]))
			want = ord[k];
		if (first[ord[k]] != want)
			ok = fail("first_of_keys[%u] (%s) = %u, expected %u (%s)",
				  ord[k], fx->syms[ord[k]].name, first[ord[k]],
				  want, fx->syms[want].name);
		else if (by_validate[ord[k]] != want)
			ok = fail("validate's first[%u] (%s) = %u, expected %u (%s)",
				  ord[k], fx->syms[ord[k]].name,
				  by_validate[ord[k]], want, fx->syms[want].name);
	}
	free(by_validate);
	free(first);
	free(ord);
	return ok;
}

static bool case_lookup_addr(struct fixture *fx, struct ksym_decoder *kt)
{
	unsigned long long a, next;
	struct ksym_error err;
	unsigned int i, j, first = 0;
	u64 off, size;
	u32 idx;

	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err))
		return fail_err("ksym_open", &err);
	kt->end_addr = end_of(fx);
	for (i = 0; i < fx->nsyms; i++) {
		a = fx->syms[i].addr;
		if (i == 0 || fx->syms[i - 1].addr != a)
			first = i;
		next = end_of(fx);
		for (j = i + 1; j < fx->nsyms; j++)
			if (fx->syms[j].addr > a) {
				next = fx->syms[j].addr;
				break;
			}
		if (ksym_lookup_addr(kt, a, &idx, &off, &size, &err))
			return fail("lookup_addr(0x%llx): %s", a, err.msg);
		if (idx != first || off != 0 || size != next - a)
			return fail("lookup_addr(0x%llx) = #%u +%llu/%llu, expected #%u +0/%llu",
				    a, idx, (unsigned long long)off,
				    (unsigned long long)size, first, next - a);
		if (next - a > 1 &&
		    (ksym_lookup_addr(kt, a + 1, &idx, &off, &size, &err) ||
		     idx != first || off != 1))
			return fail("lookup_addr(0x%llx + 1) did not give #%u +1",
				    a, first);
	}
	if (fx->syms[0].addr > 0 &&
	    ksym_lookup_addr(kt, fx->syms[0].addr - 1, &idx, &off, &size,
			     &err) != -ENOENT)
		return fail("an address below the table was not refused");
	return true;
}

static bool case_stats(struct fixture *fx, struct ksym_decoder *kt)
{
	unsigned long long plain = 0;
	struct ksym_stats st;
	struct ksym_error err;
	unsigned int i;

	if (open_table(fx, kt, &fx->t, fx->expect_mode, &err) ||
	    ksym_stats(kt, &st, &err))
		return fail_err("ksym_stats", &err);
	for (i = 0; i < fx->nsyms; i++)
		plain += 1 + strlen(fx->syms[i].name);
	if (st.num_syms != fx->nsyms || st.plain_bytes != plain)
		return fail("stats: %u symbols, %llu chars; expected %u, %llu",
			    st.num_syms, (unsigned long long)st.plain_bytes,
			    fx->nsyms, plain);
	/* the fixtures must reach the edges they were made for */
	if (fx->l.len_enc == KSYM_LEN_1BYTE) {
		/* KSYM_NAME_LEN 128: 127 characters and the type letter */
		if (st.big_records || st.max_name != 128)
			return fail("edges missed: %u 2-byte records, longest name %u (1-byte table: 0, 128)",
				    st.big_records, st.max_name);
		return true;
	}
	if (!st.big_records || st.max_record < 256 || st.max_name < 511)
		return fail("edges missed: %u 2-byte records, longest record %u tokens, longest name %u",
			    st.big_records, st.max_record, st.max_name);
	printf("    # %s: %u symbols, %llu -> %llu bytes (%.1f%%), %u big records (longest %u tokens), %u/%u tokens used\n",
	       fx->name, st.num_syms, plain,
	       (unsigned long long)(st.comp_bytes + st.prefix_bytes),
	       100.0 * (st.comp_bytes + st.prefix_bytes) / plain,
	       st.big_records, st.max_record, st.tokens_used,
	       st.tokens_nonempty);
	return true;
}

/* ---- derived corruptions ---- */

struct mutation {
	struct fixture *fx;
	u8 *buf;			/* private copy of .rodata */
	struct ksym_arrays t;		/* views into buf */
	struct ksym_layout l;
	struct ksym_anchor anchor;
	bool prove;			/* find the mode from the anchor */
	u32 *rec;			/* record offsets of the clean table */
};

static u8 *wr(const struct ksym_view *v, size_t off)
{
	return (u8 *)v->data + off;
}

static void put_le(u8 *p, unsigned int size, u64 v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		p[i] = v >> (8 * i);
}

static u64 get_le(const u8 *p, unsigned int size)
{
	u64 v = 0;

	while (size--)
		v = (v << 8) | p[size];
	return v;
}

static bool mut_len_flip(struct mutation *m)
{
	u8 *p = wr(&m->t.names, m->rec[255]);

	if (p[0] & 0x80)
		p[0] = (p[0] & 0x7f) ? p[0] - 1 : p[0] + 1;
	else
		p[0] = p[0] >= 2 ? p[0] - 1 : p[0] + 1;
	return true;
}

static bool mut_len_zero(struct mutation *m)
{
	*wr(&m->t.names, 0) = 0;
	return true;
}

static bool mut_len_3byte(struct mutation *m)
{
	unsigned int i;

	if (m->l.len_enc == KSYM_LEN_1BYTE)
		return skip("1-byte lengths: no second length byte");

	for (i = 0; i < m->fx->nsyms; i++) {
		u8 *p = wr(&m->t.names, m->rec[i]);

		if (p[0] & 0x80) {
			p[1] |= 0x80;
			return true;
		}
	}
	return fail("no 2-byte length record to corrupt");
}

static bool mut_names_truncated(struct mutation *m)
{
	m->t.names.size = m->rec[m->fx->nsyms - 1] + 1;
	return true;
}

static bool mut_seqs_swap(struct mutation *m)
{
	unsigned int z = m->l.seqs_size;
	u8 tmp[4], *a, *b;

	if (!z)
		return skip("no seqs_of_names before 6.1.42");
	a = wr(&m->t.seqs, z * 10);
	b = wr(&m->t.seqs, z * 20);
	memcpy(tmp, a, z);
	memcpy(a, b, z);
	memcpy(b, tmp, z);
	return true;
}

static bool mut_seqs_dup(struct mutation *m)
{
	unsigned int z = m->l.seqs_size;

	if (!z)
		return skip("no seqs_of_names before 6.1.42");
	/* a repeated entry is in order by name but not a permutation */
	memcpy(wr(&m->t.seqs, z * 31), m->t.seqs.data + z * 30, z);
	return true;
}

static bool mut_seqs_range(struct mutation *m)
{
	unsigned int z = m->l.seqs_size;

	if (!z)
		return skip("no seqs_of_names before 6.1.42");
	memset(wr(&m->t.seqs, z * 5), 0xff, z);
	return true;
}

static bool mut_marker_shift(struct mutation *m)
{
	u8 *p = wr(&m->t.markers, 4);

	put_le(p, 4, get_le(p, 4) + 1);
	return true;
}

static bool mut_marker_zero(struct mutation *m)
{
	put_le(wr(&m->t.markers, 0), 4, 1);
	return true;
}

static bool mut_offsets_unsorted(struct mutation *m)
{
	const struct fixture *fx = m->fx;
	unsigned int i = fx->nsyms / 2, j, sz = 4;
	const struct ksym_view *v = &m->t.offsets;
	u8 tmp[8];

	if (m->l.mode == KSYM_ADDR_ABSOLUTE) {
		v = &m->t.addresses;
		sz = m->l.ptr_size;
	}
	for (j = i + 5; j < fx->nsyms; j++)
		if (fx->syms[j].addr > fx->syms[i + 1].addr)
			break;
	if (j == fx->nsyms)
		return fail("no two distinct addresses to swap");
	memcpy(tmp, wr(v, i * sz), sz);
	memcpy(wr(v, i * sz), wr(v, j * sz), sz);
	memcpy(wr(v, j * sz), tmp, sz);
	return true;
}

static bool mut_token_index_past(struct mutation *m)
{
	put_le(wr(&m->t.token_index, 2 * 200), 2, m->t.token_table.size + 5);
	return true;
}

static bool mut_token_nul(struct mutation *m)
{
	size_t off = get_le(m->t.token_index.data + 2 * 255, 2);

	/* token 255 is the last string: drop its NUL and any padding's */
	memset(wr(&m->t.token_table, off), 'x', m->t.token_table.size - off);
	return true;
}

static bool mut_type(struct mutation *m)
{
	const struct ksym_view *ti = &m->t.token_index;
	unsigned int tok;
	u8 *p = wr(&m->t.names, 0);

	for (tok = 0; tok < 256; tok++) {
		u8 c = m->t.token_table.data[get_le(ti->data + 2 * tok, 2)];

		if (c == '_' || (c >= '0' && c <= '9')) {
			p[1] = tok;	/* first token of record 0 */
			return true;
		}
	}
	return fail("no token starting with '_' or a digit");
}

static bool mut_num_syms(struct mutation *m)
{
	put_le(wr(&m->t.num_syms, 0), 4, m->t.names.size);
	return true;
}

static bool mut_name_len(struct mutation *m)
{
	if (m->l.name_len == 128)
		return skip("a 128-byte-name table already");
	m->l.name_len = 128;	/* decode a 6.1+ table as a <= 6.0 one */
	return true;
}

static bool mut_wrong_anchor(struct mutation *m)
{
	m->anchor.addr += 0x1000;
	m->prove = true;
	return true;
}

static bool mut_missing_anchor(struct mutation *m)
{
	m->anchor.name = "not_a_symbol_anchor";
	m->prove = true;
	return true;
}

struct corruption {
	const char *name;
	bool (*apply)(struct mutation *m);
	enum ksym_err_code expect;
};

static const struct corruption corruptions[] = {
	{ "corrupt_len_flip", mut_len_flip, KSYM_E_MARKER_OFFSET },
	{ "corrupt_len_zero", mut_len_zero, KSYM_E_LEN_ZERO },
	{ "corrupt_len_3byte", mut_len_3byte, KSYM_E_LEN_3BYTE },
	{ "corrupt_names_truncated", mut_names_truncated, KSYM_E_NAMES_BOUNDS },
	{ "corrupt_seqs_swap", mut_seqs_swap, KSYM_E_SEQS_ORDER },
	{ "corrupt_seqs_dup", mut_seqs_dup, KSYM_E_SEQS_ORDER },
	{ "corrupt_seqs_range", mut_seqs_range, KSYM_E_SEQS_RANGE },
	{ "corrupt_marker_shift", mut_marker_shift, KSYM_E_MARKER_OFFSET },
	{ "corrupt_marker_zero", mut_marker_zero, KSYM_E_MARKER_ZERO },
	{ "corrupt_offsets_unsorted", mut_offsets_unsorted, KSYM_E_ADDR_ORDER },
	{ "corrupt_token_index_past", mut_token_index_past, KSYM_E_TOKEN_INDEX },
	{ "corrupt_token_nul", mut_token_nul, KSYM_E_TOKEN_NUL },
	{ "corrupt_type_letter", mut_type, KSYM_E_TYPE },
	{ "corrupt_num_syms", mut_num_syms, KSYM_E_NUM_SYMS },
	{ "corrupt_name_len_128", mut_name_len, KSYM_E_NAME_TOO_LONG },
	{ "corrupt_wrong_anchor", mut_wrong_anchor, KSYM_E_MODE_NONE },
	{ "corrupt_missing_anchor", mut_missing_anchor, KSYM_E_ANCHOR },
};

static bool run_corruption(struct fixture *fx, struct ksym_decoder *kt,
			   const struct corruption *c)
{
	struct ksym_error err = { 0 };
	struct ksym_proof proof;
	struct mutation m = { .fx = fx, .l = fx->l, .anchor = fx->anchor };
	struct ksym_decoder *clean = calloc(1, sizeof(*clean));
	int ret;
	bool ok;

	/* record offsets of the clean table, to aim at records */
	m.rec = calloc(fx->nsyms, sizeof(u32));
	clean->rec_off = m.rec;
	clean->rec_off_cap = fx->nsyms;
	if (open_table(fx, clean, &fx->t, fx->expect_mode, &err) ||
	    ksym_validate(clean, &err)) {
		ok = fail_err("clean validate", &err);
		goto out;
	}
	m.buf = malloc(fx->rodata_size);
	memcpy(m.buf, fx->rodata, fx->rodata_size);
	fx_rebase(fx, &m.t, m.buf);
	m.l.mode = fx->expect_mode;
	if (!c->apply(&m) || skipped) {
		ok = !skipped ? false : true;
		goto out;
	}
	if (m.prove)
		m.l.mode = KSYM_ADDR_UNKNOWN;
	ret = ksym_open(kt, &m.t, &m.l, &err);
	if (!ret && m.prove)
		ret = ksym_prove_mode(kt, &m.anchor, 1, &proof, &err);
	if (!ret)
		ret = ksym_validate(kt, &err);
	if (!ret)
		ok = fail("accepted; expected %s", ksym_check_name(c->expect));
	else if (err.code != c->expect)
		ok = fail("rejected as \"%s\"; expected %s", err.msg,
			  ksym_check_name(c->expect));
	else if (strncmp(err.msg, err.check, strlen(err.check)))
		ok = fail("message \"%s\" does not start with its check",
			  err.msg);
	else
		ok = true;
	if (ok)
		snprintf(why, sizeof(why), "%s", err.msg);
out:
	free(m.buf);
	free(m.rec);
	free(clean);
	return ok;
}

/* Byte-swap every multi-byte array: a big-endian twin of the fixture. */
static bool case_big_endian(struct fixture *fx, struct ksym_decoder *kt)
{
	static char buf[KSYM_NAME_MAX + 1];
	struct ksym_arrays t;
	struct ksym_layout l = fx->l;
	struct ksym_error err;
	struct ksym_sym s;
	const struct {
		struct ksym_view *v;
		unsigned int size;
	} arr[] = {
		{ &t.num_syms, 4 }, { &t.markers, 4 }, { &t.token_index, 2 },
		{ &t.offsets, 4 }, { &t.addresses, l.ptr_size },
		{ &t.relative_base, l.ptr_size },
		/* 4-byte entries are native (6.1.42-6.1.59), 3-byte ones BE */
		{ &t.seqs, l.seqs_size == 4 ? 4 : 0 },
	};
	u8 *copy = malloc(fx->rodata_size);
	unsigned int a, i;
	size_t e;
	bool ok = true;

	memcpy(copy, fx->rodata, fx->rodata_size);
	fx_rebase(fx, &t, copy);
	for (a = 0; a < sizeof(arr) / sizeof(arr[0]); a++) {
		struct ksym_view *v = arr[a].v;

		for (e = 0; v->data && arr[a].size && e + arr[a].size <= v->size;
		     e += arr[a].size) {
			u8 *p = (u8 *)v->data + e;
			unsigned int k;

			for (k = 0; k < arr[a].size / 2; k++) {
				u8 x = p[k];

				p[k] = p[arr[a].size - 1 - k];
				p[arr[a].size - 1 - k] = x;
			}
		}
	}
	l.big_endian = true;
	l.mode = fx->expect_mode;
	if (ksym_open(kt, &t, &l, &err) || ksym_validate(kt, &err)) {
		ok = fail_err("big-endian validate", &err);
		goto out;
	}
	for (i = 0; ok && i < fx->nsyms; i++) {
		if (ksym_get(kt, i, buf, &s, &err))
			ok = fail_err("big-endian ksym_get", &err);
		else
			ok = same_sym(fx, i, &s);
	}
out:
	free(copy);
	return ok;
}

/* Where the linker put array @a; the scan never places kallsyms_addresses. */
static u64 want_va(const struct fixture *fx, unsigned int a)
{
	if (a == KSYM_A_ADDRESSES || !fx->t.v[a].data)
		return 0;
	return fx->t.v[a].va;
}

/* The landmark scan must find the arrays where the linker put them. */
static bool case_scan(struct fixture *fx, struct ksym_decoder *kt)
{
	struct ksym_scan_hit hits[4];
	struct ksym_scan_work work = { .budget = KSYM_SCAN_WORK(fx->rodata_size + 4) };
	unsigned int nh, a, h;
	u8 *buf;

	(void)kt;
	if (fx->expect_mode == KSYM_ADDR_ABSOLUTE)
		return skip("absolute addresses: the scan does not place kallsyms_addresses");
	/*
	 * Scan from 4 bytes before the arrays, with the buffer's own start
	 * misaligned: alignment must be judged by address, as in a kernel
	 * where _etext is not 8-aligned.
	 */
	buf = calloc(1, fx->rodata_size + 4);
	memcpy(buf + 4, fx->rodata, fx->rodata_size);
	nh = ksym_scan(buf, fx->rodata_size + 4, fx->rodata_va - 4,
		       fx->l.big_endian, fx->l.ptr_size, &work, hits, 4);
	free(buf);
	/*
	 * One hit where seqs sits between markers and token table (6.1.42 to
	 * 6.3).  Nothing there is also the order before seqs (up to 6.1.41),
	 * a second reading; 32-bit alignment cannot tell 6.4-6.19 from 7.0+,
	 * a third.
	 */
	if (nh < 1 || nh > (fx->l.seqs_size && fx->t.seqs.va < fx->t.token_table.va ?
			    1U : fx->l.ptr_size == 4 ? 3U : 2U))
		return fail("%u hits", nh);
	for (h = 0; h < nh; h++) {
		for (a = 0; a < KSYM_NR_ARRAYS; a++)
			if (hits[h].va[a] != want_va(fx, a))
				break;
		if (a == KSYM_NR_ARRAYS && hits[h].num_syms == fx->nsyms)
			return true;
	}
	for (a = 0; a < KSYM_NR_ARRAYS; a++)
		if (hits[0].va[a] != want_va(fx, a))
			break;
	return fail("no hit matches the linker; the first puts %s at 0x%llx",
		    a < KSYM_NR_ARRAYS ? ksym_array_name(a) : "num_syms",
		    a < KSYM_NR_ARRAYS ? (unsigned long long)hits[0].va[a] : 0ULL);
}

/*
 * Every 64-bit fixture's .rodata laid end to end in one image, the way a
 * kernel with the KUnit suite built in carries them before its own table:
 * one scan must find each, and read about each byte once (at most twice
 * the image), so that the default bound, len + 2^27, is never what stops
 * it before the kernel's own table.  (The first scan looked 6 MiB back
 * from every token table for markers, 166 million reads in such a kernel,
 * and ran out before its table.)
 */
struct scan_piece {
	size_t off;
	u64 va[KSYM_NR_ARRAYS];
	u32 nsyms;
};

struct scan_all {
	u8 *buf;
	size_t len;
	struct scan_piece *piece;
	unsigned int nr;
};

static void scan_all_add(struct scan_all *sa, const struct fixture *fx)
{
	struct scan_piece *p;
	size_t off = (sa->len + 0xfff) & ~(size_t)0xfff;
	unsigned int a;
	u8 *nb;

	if (fx->l.ptr_size != 8 || fx->l.big_endian)
		return;
	off += fx->rodata_va & 0xfff;
	nb = realloc(sa->buf, off + fx->rodata_size);
	p = realloc(sa->piece, (sa->nr + 1) * sizeof(*p));
	if (p)
		sa->piece = p;
	if (!nb || !p) {
		if (nb)
			sa->buf = nb;
		return;
	}
	sa->buf = nb;
	memset(nb + sa->len, 0, off - sa->len);
	memcpy(nb + off, fx->rodata, fx->rodata_size);
	sa->len = off + fx->rodata_size;
	p = &sa->piece[sa->nr++];
	p->off = off;
	p->nsyms = fx->nsyms;
	for (a = 0; a < KSYM_NR_ARRAYS; a++)
		p->va[a] = fx->t.v[a].data ? fx->t.v[a].va - fx->rodata_va : 0;
}

/* The arrays the scan proves (the rest it places by an era's order). */
static const unsigned int scan_proven[] = {
	KSYM_A_NUM_SYMS, KSYM_A_NAMES, KSYM_A_MARKERS, KSYM_A_TOKEN_TABLE,
	KSYM_A_TOKEN_INDEX,
};

static bool scan_all_run(struct scan_all *sa)
{
	const u64 base = 0xffffffff80000000ULL;
	struct ksym_scan_work work = { .budget = KSYM_SCAN_WORK(sa->len) };
	unsigned int max = 4 * sa->nr + 4, nh, i, h, k, lost = 0;
	struct ksym_scan_hit *hits = calloc(max, sizeof(*hits));
	bool ok;

	if (!hits || !sa->nr)
		return fail("%s", hits ? "no 64-bit fixture" : "out of memory");
	nh = ksym_scan(sa->buf, sa->len, base, false, 8, &work, hits, max);
	for (i = 0; i < sa->nr; i++) {
		const struct scan_piece *p = &sa->piece[i];

		for (h = 0; h < nh; h++) {
			for (k = 0; k < ARRAY_SIZE(scan_proven); k++)
				if (hits[h].va[scan_proven[k]] !=
				    base + p->off + p->va[scan_proven[k]])
					break;
			if (k == ARRAY_SIZE(scan_proven) &&
			    hits[h].num_syms == p->nsyms)
				break;
		}
		if (h == nh && !lost++)
			printf("# fixture %u of %u (at 0x%zx) not found\n",
			       i + 1, sa->nr, p->off);
	}
	printf("# %u tables in %zu bytes: %u hits, %llu reads of %llu%s\n",
	       sa->nr, sa->len, nh, (unsigned long long)work.used,
	       (unsigned long long)(work.used + work.budget),
	       work.exhausted ? " (the bound ran out)" : "");
	ok = !lost && !work.exhausted && work.used <= 2 * (u64)sa->len;
	free(hits);
	if (lost || work.exhausted)
		return fail("%u of %u tables not found%s", lost, sa->nr,
			    work.exhausted ? "; the scan stopped at its bound" : "");
	if (!ok)
		return fail("%llu reads for %zu bytes: more than twice the image",
			    (unsigned long long)work.used, sa->len);
	return true;
}

struct tcase {
	const char *name;
	bool (*run)(struct fixture *fx, struct ksym_decoder *kt);
};

static const struct tcase cases[] = {
	{ "prove_mode", case_prove },
	{ "num_syms", case_count },
	{ "validate", case_validate },
	{ "decode_sequential", case_sequential },
	{ "decode_random_markers", case_random_markers },
	{ "decode_random_offsets", case_random_fast },
	{ "lookup_name", case_lookup_name },
	{ "lookup_key", case_lookup_key },
	{ "first_of_keys", case_first_of_keys },
	{ "lookup_addr", case_lookup_addr },
	{ "stats", case_stats },
	{ "big_endian_twin", case_big_endian },
	{ "landmark_scan", case_scan },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))
#define NCORR (sizeof(corruptions) / sizeof(corruptions[0]))

static void report(unsigned int num, const char *name, bool ok,
		   unsigned int *fails)
{
	printf("    %s %u %s", ok ? "ok" : "not ok", num, name);
	if (why[0])
		printf(" # %s", why);
	printf("\n");
	if (ok && skipped) {
		total_skip++;
	} else if (ok) {
		total_pass++;
	} else {
		total_fail++;
		(*fails)++;
	}
	why[0] = '\0';
	skipped = false;
}

int main(int argc, char **argv)
{
	struct ksym_decoder *kt = calloc(1, sizeof(*kt));
	unsigned int f, c, fails, num;
	struct scan_all sa = { 0 };
	struct fixture fx;
	bool ok;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FIXTURE_DIR...\n", argv[0]);
		return 2;
	}
	printf("KTAP version 1\n1..%d\n", argc);
	for (f = 1; f < (unsigned int)argc; f++) {
		fails = 0;
		num = 0;
		printf("    KTAP version 1\n    # Subtest: %s\n    1..%zu\n",
		       argv[f], NCASES + NCORR);
		if (fx_load(&fx, argv[f])) {
			printf("    # could not load the fixture\n");
			total_fail++;
			printf("not ok %u %s\n", f, argv[f]);
			continue;
		}
		printf("    # %s %s %s: %u symbols, anchor %s\n", fx.line,
		       fx.arch, fx.flags, fx.nsyms, fx.anchor.name);
		for (c = 0; c < NCASES; c++) {
			memset(kt, 0, sizeof(*kt));
			ok = cases[c].run(&fx, kt);
			report(++num, cases[c].name, ok, &fails);
		}
		for (c = 0; c < NCORR; c++) {
			memset(kt, 0, sizeof(*kt));
			ok = run_corruption(&fx, kt, &corruptions[c]);
			report(++num, corruptions[c].name, ok, &fails);
		}
		printf("%s %u %s\n", fails ? "not ok" : "ok", f, fx.name);
		scan_all_add(&sa, &fx);
		fx_free(&fx);
	}
	ok = scan_all_run(&sa);
	printf("%s %d landmark_scan_every_fixture_in_one_image%s%s\n",
	       ok ? "ok" : "not ok", argc, why[0] ? " # " : "", why);
	if (ok)
		total_pass++;
	else
		total_fail++;
	free(sa.buf);
	free(sa.piece);
	free(kt);
	printf("# decoder: %u passed, %u failed, %u skipped\n", total_pass,
	       total_fail, total_skip);
	printf("%u passed, %u failed, %u skipped\n", total_pass, total_fail,
	       total_skip);
	return total_fail ? 1 : 0;
}
