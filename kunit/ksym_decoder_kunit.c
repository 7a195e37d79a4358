// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for decoder.c over tables made by the real scripts/kallsyms.c
 * of Debian's 6.1, 6.12 and 7.x sources (scripts/gen-kunit-fixtures.sh).
 *
 * Every case runs on every fixture: all symbols and both lookups against
 * the ground truth, and one case per corruption class, each of which must
 * be rejected with its own error code.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../decoder.h"
#include "ksym_fixtures.h"

struct fx_ctx {
	const struct ksym_fixture *fx;
	struct ksym_decoder *kt;
	u8 *copy;			/* private, writable copy of rodata */
	struct ksym_arrays t;		/* views into copy */
	char *buf;
};

static void fx_desc(const struct ksym_fixture *fx, char *desc)
{
	strscpy(desc, fx->name, KUNIT_PARAM_DESC_SIZE);
}

/* generated data, found through -I$(src): ksym_fixtures[] */
#include "ksym_fixtures.c"

KUNIT_ARRAY_PARAM(ksym_fx, ksym_fixtures, fx_desc);

static void fx_setup(struct kunit *test, struct fx_ctx *c)
{
	const struct ksym_fixture *fx = test->param_value;
	struct ksym_view *v = c->t.v;
	unsigned int i;

	c->fx = fx;
	c->kt = kunit_kzalloc(test, sizeof(*c->kt), GFP_KERNEL);
	c->buf = kunit_kzalloc(test, KSYM_NAME_MAX + 1, GFP_KERNEL);
	c->copy = kunit_kmalloc(test, fx->rodata_size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->kt);
	KUNIT_ASSERT_NOT_NULL(test, c->buf);
	KUNIT_ASSERT_NOT_NULL(test, c->copy);
	memcpy(c->copy, fx->rodata, fx->rodata_size);
	memset(&c->t, 0, sizeof(c->t));
	for (i = 0; i < ARRAY_SIZE(fx->views); i++) {
		if (fx->views[i].off < 0)
			continue;
		v[i].data = c->copy + fx->views[i].off;
		v[i].size = fx->views[i].size;
		v[i].va = fx->rodata_va + fx->views[i].off;
	}
}

static int fx_open(struct fx_ctx *c, enum ksym_addr_mode mode,
		   struct ksym_error *err)
{
	struct ksym_layout l = c->fx->layout;

	l.mode = mode;
	return ksym_open(c->kt, &c->t, &l, err);
}

/* Open with the mode unknown and prove it from the anchor moved by @delta. */
static int prove_from_anchor(struct kunit *test, struct fx_ctx *c, u64 delta,
			     struct ksym_proof *proof, struct ksym_error *err)
{
	struct ksym_anchor a;

	fx_setup(test, c);
	a.name = c->fx->anchor_name;
	a.addr = c->fx->anchor_addr + delta;
	KUNIT_ASSERT_EQ_MSG(test, fx_open(c, KSYM_ADDR_UNKNOWN, err), 0,
			    "%s", err->msg);
	return ksym_prove_mode(c->kt, &a, 1, proof, err);
}

/* The mode proven from the anchor is the one the generator flags imply. */
static void ksym_prove_mode_case(struct kunit *test)
{
	struct ksym_proof proof;
	struct ksym_error err;
	struct fx_ctx c;

	KUNIT_ASSERT_EQ_MSG(test, prove_from_anchor(test, &c, 0, &proof, &err),
			    0, "%s", err.msg);
	KUNIT_EXPECT_STREQ(test, ksym_mode_name(proof.mode),
			   ksym_mode_name(c.fx->layout.mode));
}

/* Every symbol, sequentially and by random access, equals the truth. */
static void ksym_decode_all(struct kunit *test)
{
	struct ksym_error err;
	struct ksym_sym s;
	struct fx_ctx c;
	u32 i, off = 0;

	fx_setup(test, &c);
	KUNIT_ASSERT_EQ_MSG(test, fx_open(&c, c.fx->layout.mode, &err), 0,
			    "%s", err.msg);
	KUNIT_ASSERT_EQ_MSG(test, ksym_validate(c.kt, &err), 0, "%s", err.msg);
	KUNIT_ASSERT_EQ(test, c.kt->num_syms, c.fx->nsyms);
	for (i = 0; i < c.fx->nsyms; i++) {
		const struct ksym_fx_sym *e = &c.fx->syms[i];

		KUNIT_ASSERT_EQ_MSG(test, ksym_decode_at(c.kt, i, &off, c.buf,
							 &s, &err), 0,
				    "%s", err.msg);
		KUNIT_ASSERT_EQ(test, ksym_address(c.kt, i, &s.addr, &err), 0);
		KUNIT_EXPECT_EQ_MSG(test, s.type, e->type, "symbol %u", i);
		KUNIT_EXPECT_STREQ_MSG(test, s.name, e->name, "symbol %u", i);
		KUNIT_EXPECT_EQ_MSG(test, s.addr, e->addr, "symbol %u %s", i,
				    e->name);
		/* random access through the markers agrees */
		KUNIT_ASSERT_EQ(test, ksym_get(c.kt, (i * 7919) % c.fx->nsyms,
					       c.buf, &s, &err), 0);
		KUNIT_EXPECT_STREQ(test, s.name,
				   c.fx->syms[(i * 7919) % c.fx->nsyms].name);
	}
}

/* name -> lowest address among equal names, for every name */
static void ksym_lookup_name_all(struct kunit *test)
{
	struct ksym_error err;
	struct fx_ctx c;
	u32 i, j, idx;
	u64 addr;

	fx_setup(test, &c);
	KUNIT_ASSERT_EQ(test, fx_open(&c, c.fx->layout.mode, &err), 0);
	for (i = 0; i < c.fx->nsyms; i++) {
		/* the first occurrence in address order is the lowest */
		for (j = 0; j < i; j++)
			if (!strcmp(c.fx->syms[j].name, c.fx->syms[i].name))
				break;
		if (j < i)
			continue;
		KUNIT_ASSERT_EQ_MSG(test, ksym_lookup_name(c.kt,
							   c.fx->syms[i].name,
							   &addr, &idx, &err),
				    0, "%s", err.msg);
		KUNIT_EXPECT_EQ_MSG(test, idx, i, "%s", c.fx->syms[i].name);
		KUNIT_EXPECT_EQ(test, addr, c.fx->syms[i].addr);
	}
	KUNIT_EXPECT_EQ(test, ksym_lookup_name(c.kt, "no_such_symbol_ksym",
					       &addr, &idx, &err), -ENOENT);
}

/* address -> first alias, offset 0, size to the next higher address */
static void ksym_lookup_addr_all(struct kunit *test)
{
	struct ksym_error err;
	struct fx_ctx c;
	u32 i, j, first = 0, idx;
	u64 off, size, next;

	fx_setup(test, &c);
	KUNIT_ASSERT_EQ(test, fx_open(&c, c.fx->layout.mode, &err), 0);
	c.kt->end_addr = c.fx->syms[c.fx->nsyms - 1].addr + 0x1000;
	for (i = 0; i < c.fx->nsyms; i++) {
		u64 a = c.fx->syms[i].addr;

		if (!i || c.fx->syms[i - 1].addr != a)
			first = i;
		next = c.kt->end_addr;
		for (j = i + 1; j < c.fx->nsyms; j++)
			if (c.fx->syms[j].addr > a) {
				next = c.fx->syms[j].addr;
				break;
			}
		KUNIT_ASSERT_EQ(test, ksym_lookup_addr(c.kt, a, &idx, &off,
						       &size, &err), 0);
		KUNIT_EXPECT_EQ_MSG(test, idx, first, "address of #%u", i);
		KUNIT_EXPECT_EQ(test, off, 0);
		KUNIT_EXPECT_EQ(test, size, next - a);
	}
}

/* ---- one case per corruption class ---- */

/*
 * The fixture's integers are in its own byte order (little-endian: the
 * generators ran for x86 and arm), not the kernel's: on s390x a native
 * load of token_index read 0x0c43 as 0x430c, and the memset it sized ran
 * past the table.
 */
static u64 fx_get(const struct fx_ctx *c, const void *p, unsigned int size)
{
	return ksym_get_uint(p, size, c->fx->layout.big_endian);
}

static void fx_put(const struct fx_ctx *c, void *p, unsigned int size, u64 v)
{
	u8 *b = p;
	unsigned int i;

	for (i = 0; i < size; i++)
		b[c->fx->layout.big_endian ? size - 1 - i : i] = v >> (8 * i);
}

/* Corrupt c->copy with @fn, then open + validate must fail with @code. */
static void expect_rejected(struct kunit *test,
			    void (*fn)(struct kunit *, struct fx_ctx *),
			    enum ksym_err_code code)
{
	struct ksym_error err;
	struct fx_ctx c;
	int ret;

	fx_setup(test, &c);
	fn(test, &c);
	ret = fx_open(&c, c.fx->layout.mode, &err);
	if (!ret)
		ret = ksym_validate(c.kt, &err);
	KUNIT_EXPECT_NE(test, ret, 0);
	KUNIT_EXPECT_STREQ_MSG(test, ksym_check_name(err.code),
			       ksym_check_name(code), "%s", err.msg);
}

static u8 *names(struct fx_ctx *c)
{
	return (u8 *)c->t.names.data;
}

static void do_len_zero(struct kunit *test, struct fx_ctx *c)
{
	names(c)[0] = 0;
}

static void do_marker_shift(struct kunit *test, struct fx_ctx *c)
{
	unsigned int ms = c->fx->layout.marker_size;
	u8 *m = (u8 *)c->t.markers.data;

	fx_put(c, m + ms, ms, fx_get(c, m + ms, ms) + 1);
}

static void do_marker_zero(struct kunit *test, struct fx_ctx *c)
{
	fx_put(c, (u8 *)c->t.markers.data, c->fx->layout.marker_size, 1);
}

static void do_names_truncated(struct kunit *test, struct fx_ctx *c)
{
	/* still room for num_syms two-byte records, but not for the real ones */
	c->t.names.size = 2 * c->fx->nsyms + 1;
}

/* entry size of the fixture's seqs_of_names; none before 6.1.42 */
static unsigned int seqs_entry(struct kunit *test, struct fx_ctx *c)
{
	unsigned int z = c->fx->layout.seqs_size;

	if (!z)
		kunit_skip(test, "no kallsyms_seqs_of_names before 6.1.42");
	return z;
}

static void do_seqs_swap(struct kunit *test, struct fx_ctx *c)
{
	unsigned int z = seqs_entry(test, c);
	u8 tmp[4], *a = (u8 *)c->t.seqs.data + 10 * z, *b = a + 10 * z;

	memcpy(tmp, a, z);
	memcpy(a, b, z);
	memcpy(b, tmp, z);
}

static void do_seqs_range(struct kunit *test, struct fx_ctx *c)
{
	unsigned int z = seqs_entry(test, c);

	memset((u8 *)c->t.seqs.data + 5 * z, 0xff, z);
}

static void do_offsets_unsorted(struct kunit *test, struct fx_ctx *c)
{
	const struct ksym_view *v = &c->t.offsets;
	unsigned int sz = 4, i = c->fx->nsyms / 2, j = i + 40;
	u8 tmp[8], *p;

	if (c->fx->layout.mode == KSYM_ADDR_ABSOLUTE) {
		v = &c->t.addresses;
		sz = c->fx->layout.ptr_size;
	}
	p = (u8 *)v->data;
	memcpy(tmp, p + i * sz, sz);
	memcpy(p + i * sz, p + j * sz, sz);
	memcpy(p + j * sz, tmp, sz);
}

static void do_token_index_past(struct kunit *test, struct fx_ctx *c)
{
	fx_put(c, (u8 *)c->t.token_index.data + 400, 2,
	       c->t.token_table.size + 5);
}

static void do_token_nul(struct kunit *test, struct fx_ctx *c)
{
	u32 last = fx_get(c, c->t.token_index.data + 510, 2);

	KUNIT_ASSERT_LT(test, last, c->t.token_table.size);
	memset((u8 *)c->t.token_table.data + last, 'x',
	       c->t.token_table.size - last);
}

static void do_num_syms(struct kunit *test, struct fx_ctx *c)
{
	fx_put(c, (u8 *)c->t.num_syms.data, c->fx->layout.marker_size,
	       c->t.names.size);
}

#define KSYM_CORRUPTION_CASE(name, code)				\
	static void ksym_corrupt_##name(struct kunit *test)		\
	{								\
		expect_rejected(test, do_##name, code);			\
	}

KSYM_CORRUPTION_CASE(len_zero, KSYM_E_LEN_ZERO)
KSYM_CORRUPTION_CASE(marker_shift, KSYM_E_MARKER_OFFSET)
KSYM_CORRUPTION_CASE(marker_zero, KSYM_E_MARKER_ZERO)
KSYM_CORRUPTION_CASE(names_truncated, KSYM_E_NAMES_BOUNDS)
KSYM_CORRUPTION_CASE(seqs_swap, KSYM_E_SEQS_ORDER)
KSYM_CORRUPTION_CASE(seqs_range, KSYM_E_SEQS_RANGE)
KSYM_CORRUPTION_CASE(offsets_unsorted, KSYM_E_ADDR_ORDER)
KSYM_CORRUPTION_CASE(token_index_past, KSYM_E_TOKEN_INDEX)
KSYM_CORRUPTION_CASE(token_nul, KSYM_E_TOKEN_NUL)
KSYM_CORRUPTION_CASE(num_syms, KSYM_E_NUM_SYMS)

/* A wrong anchor must leave no mode standing. */
static void ksym_corrupt_wrong_anchor(struct kunit *test)
{
	struct ksym_proof proof;
	struct ksym_error err;
	struct fx_ctx c;

	KUNIT_EXPECT_NE(test, prove_from_anchor(test, &c, 0x1000, &proof, &err),
			0);
	KUNIT_EXPECT_EQ_MSG(test, err.code, KSYM_E_MODE_NONE, "%s", err.msg);
}

static struct kunit_case ksym_decoder_cases[] = {
	KUNIT_CASE_PARAM(ksym_prove_mode_case, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_decode_all, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_lookup_name_all, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_lookup_addr_all, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_len_zero, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_marker_shift, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_marker_zero, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_names_truncated, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_seqs_swap, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_seqs_range, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_offsets_unsorted, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_token_index_past, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_token_nul, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_num_syms, ksym_fx_gen_params),
	KUNIT_CASE_PARAM(ksym_corrupt_wrong_anchor, ksym_fx_gen_params),
	{}
};

static struct kunit_suite ksym_decoder_suite = {
	.name = "ksym_decoder",
	.test_cases = ksym_decoder_cases,
};

kunit_test_suite(ksym_decoder_suite);

MODULE_DESCRIPTION("KUnit suites for ksym_verify: decoder fixtures and the live tables");
MODULE_LICENSE("GPL");
