// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the running kernel's own kallsyms tables: find them as
 * the module does (ksym_live.c), decode them with decoder.c, and check
 * every symbol against the kernel's lookups.  A locate path that this
 * kernel does not offer is a skip with its reason, never a pass.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../ksym_live.h"

/* One run for the whole suite: it walks every symbol several times. */
static struct ksym_live *lv;
static int run_ret;

static int ksym_live_suite_init(struct kunit_suite *suite)
{
	lv = kzalloc(sizeof(*lv), GFP_KERNEL);
	if (!lv)
		return -ENOMEM;
	lv->max_mismatches = 16;
	lv->workers = 1;
	lv->paths = BIT(KSYM_PATH_NAME) | BIT(KSYM_PATH_VMCOREINFO) |
		    BIT(KSYM_PATH_SCAN);
	run_ret = ksym_live_run(lv);
	return 0;
}

static void ksym_live_suite_exit(struct kunit_suite *suite)
{
	if (lv) {
		ksym_live_free(lv);
		kfree(lv);
		lv = NULL;
	}
}

static void report_findings(struct kunit *test, enum ksym_class cls)
{
	unsigned int i;

	for (i = 0; i < lv->found.nr_mm; i++)
		if (lv->found.mm[i].cls == cls)
			kunit_info(test, "#%u %s: %s\n", lv->found.mm[i].index,
				   lv->found.mm[i].name, lv->found.mm[i].detail);
}

static void expect_class_clean(struct kunit *test, enum ksym_class cls)
{
	KUNIT_ASSERT_EQ(test, run_ret, 0);
	KUNIT_ASSERT_TRUE_MSG(test, lv->snap.decoded, "tables did not decode: %s",
			      lv->snap.err.msg);
	report_findings(test, cls);
	KUNIT_EXPECT_EQ_MSG(test, lv->found.counts[cls], 0ULL, "%s mismatches",
			    ksym_class_name(cls));
}

/*
 * A path must agree with another path, array by array.  Not with what the
 * run used: that was copied from the first path, so for it the comparison
 * would prove nothing.
 */
static void check_path(struct kunit *test, enum ksym_path p)
{
	const struct ksym_path_result *r = &lv->loc.path[p], *o;
	unsigned int a, q, compared = 0;

	KUNIT_ASSERT_EQ(test, run_ret, 0);
	if (r->status == -ENOENT)
		kunit_skip(test, "%s: %s", ksym_path_name(p), r->note);
	KUNIT_ASSERT_EQ_MSG(test, r->status, 0, "%s", r->note);
	for (q = 0; q < KSYM_NR_PATHS; q++) {
		o = &lv->loc.path[q];
		if (q == p || o->status)
			continue;
		for (a = 0; a < KSYM_NR_ARRAYS; a++) {
			if (!r->addr[a] || !o->addr[a])
				continue;
			KUNIT_EXPECT_EQ_MSG(test, r->addr[a], o->addr[a],
					    "%s by %s and by %s",
					    ksym_array_name(a), ksym_path_name(p),
					    ksym_path_name(q));
			compared++;
		}
	}
	if (!compared)
		kunit_skip(test, "%s: no other path found any of its arrays",
			   ksym_path_name(p));
	kunit_info(test, "%s: %u arrays agree with the other paths\n",
		   ksym_path_name(p), compared);
}

static void ksym_locate_by_name_path(struct kunit *test)
{
	check_path(test, KSYM_PATH_NAME);
}

static void ksym_locate_by_vmcoreinfo(struct kunit *test)
{
	check_path(test, KSYM_PATH_VMCOREINFO);
}

static void ksym_locate_by_scan(struct kunit *test)
{
	check_path(test, KSYM_PATH_SCAN);
}

static void ksym_locate_agree(struct kunit *test)
{
	expect_class_clean(test, KSYM_C_LOCATE);
}

static void ksym_structure(struct kunit *test)
{
	expect_class_clean(test, KSYM_C_STRUCTURE);
	KUNIT_EXPECT_GT(test, lv->snap.kt->num_syms, 0U);
}

static void ksym_address_mode(struct kunit *test)
{
	expect_class_clean(test, KSYM_C_MODE);
	KUNIT_EXPECT_NE(test, (int)lv->snap.proof.mode, (int)KSYM_ADDR_UNKNOWN);
	kunit_info(test, "mode %s\n", ksym_mode_name(lv->snap.proof.mode));
}

static void ksym_imports(struct kunit *test)
{
	expect_class_clean(test, KSYM_C_IMPORTS);
	KUNIT_EXPECT_GT(test, lv->truth.imports, 0U);
}

static void ksym_exports(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, run_ret, 0);
	if (str_has_prefix(lv->truth.exports_how, "not checked"))
		kunit_skip(test, "%s", lv->truth.exports_how);
	expect_class_clean(test, KSYM_C_EXPORTS);
	KUNIT_EXPECT_GT_MSG(test, lv->truth.exports, 0U, "%s",
			    lv->truth.exports_how);
	kunit_info(test, "%u exports: %s\n", lv->truth.exports,
		   lv->truth.exports_how);
}

static void ksym_invariants(struct kunit *test)
{
	expect_class_clean(test, KSYM_C_INVARIANTS);
	KUNIT_EXPECT_EQ(test, lv->truth.invariants, lv->snap.kt->num_syms);
}

static void ksym_proc_kallsyms(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, run_ret, 0);
	if (str_has_prefix(lv->truth.proc_how, "not compared"))
		kunit_skip(test, "%s", lv->truth.proc_how);
	expect_class_clean(test, KSYM_C_PROC);
	KUNIT_EXPECT_EQ(test, lv->truth.proc_lines, lv->snap.kt->num_syms);
}

static void ksym_kernel_fn(struct kunit *test)
{
	expect_class_clean(test, KSYM_C_KERNEL_FN);
	kunit_info(test, "kallsyms_lookup_name: %s\n", lv->kernel.why[0]);
}

/*
 * The diagnosis names the part the first findings point at, and a seqs
 * failure next to names that the export table contradicts is a names
 * fault.  Synthetic findings: this is the rule, not the live table.
 */
static void ksym_diagnosis(struct kunit *test)
{
	struct ksym_live *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct ksym_mismatch mm[4];
	char buf[256];

	KUNIT_ASSERT_NOT_NULL(test, d);
	d->found.mm = mm;
	d->found.max = ARRAY_SIZE(mm);
	d->snap.err.check = "seqs.order";
	ksym_finding(&d->found, KSYM_C_STRUCTURE, 5, "seqs.order", 0, 0,
		     "decoder check seqs.order failed");
	ksym_live_diagnose(d, buf, sizeof(buf));
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(buf, "seqs:"), "%s", buf);

	ksym_finding(&d->found, KSYM_C_EXPORTS, 0, "kfree", 1, 0,
		     "the export table has it, the decoded table does not");
	ksym_live_diagnose(d, buf, sizeof(buf));
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(buf, "names or token_table"),
			      "%s", buf);

	memset(&d->found, 0, sizeof(d->found));
	d->found.mm = mm;
	d->found.max = ARRAY_SIZE(mm);
	ksym_finding(&d->found, KSYM_C_INVARIANTS, 9, "foo", 0, 1,
		     "alias order: after \"bar\" at the same address");
	ksym_finding(&d->found, KSYM_C_ORDER, 3, "baz", 0, 0, "walk differs");
	ksym_live_diagnose(d, buf, sizeof(buf));
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(buf, "aliases:"), "%s", buf);
}

/* A reader the run could not call is a skip with its reason, never a pass. */
static void skip_not_run(struct kunit *test, enum ksym_class cls)
{
	const char *why;

	KUNIT_ASSERT_EQ(test, run_ret, 0);
	why = ksym_live_not_run(lv, cls);
	if (why)
		kunit_skip(test, "%s not run: %s", ksym_class_name(cls), why);
}

static void ksym_name_to_addr(struct kunit *test)
{
	skip_not_run(test, KSYM_C_NAME_TO_ADDR);
	expect_class_clean(test, KSYM_C_NAME_TO_ADDR);
	KUNIT_EXPECT_EQ(test, lv->check.checked, lv->snap.kt->num_syms);
}

static void ksym_addr_to_name(struct kunit *test)
{
	expect_class_clean(test, KSYM_C_ADDR_TO_NAME);
}

/* Two runs of the same check: the same counts and findings, in order. */
static void expect_same_findings(struct kunit *test,
				 const struct ksym_findings *a,
				 const struct ksym_findings *b)
{
	unsigned int c, i;

	for (c = 0; c < KSYM_NR_CLASSES; c++)
		KUNIT_EXPECT_EQ_MSG(test, a->counts[c], b->counts[c], "%s",
				    ksym_class_name(c));
	KUNIT_ASSERT_EQ(test, a->nr_mm, b->nr_mm);
	for (i = 0; i < a->nr_mm; i++) {
		KUNIT_EXPECT_EQ(test, a->mm[i].index, b->mm[i].index);
		KUNIT_EXPECT_STREQ(test, a->mm[i].name, b->mm[i].name);
		KUNIT_EXPECT_STREQ(test, a->mm[i].detail, b->mm[i].detail);
	}
}

/*
 * The per-symbol checks shared over 4 workers must find what one pass
 * finds, in the same order.  A clean table finds nothing, so the name
 * check is given an answer key that is wrong at nine indices spread over
 * the table (symbol 0's address instead): nine findings, in every share,
 * listed in index order.
 */
static void ksym_shared_equals_serial(struct kunit *test)
{
	struct ksym_mismatch *mm[2];
	struct ksym_findings f[2];
	struct ksym_check_result r[2];
	struct ksym_decoder *kt;
	unsigned int w, wrong;
	struct ksym_sym sym;
	u64 a0, a;
	u32 *key;
	int ret;

	skip_not_run(test, KSYM_C_NAME_TO_ADDR);
	kt = lv->snap.kt;
	KUNIT_ASSERT_TRUE(test, lv->snap.decoded);
	if (kt->num_syms < 4 * 1024)
		kunit_skip(test, "%u symbols: too few to share", kt->num_syms);
	for (w = 0; w < 2; w++) {
		mm[w] = kunit_kcalloc(test, 16, sizeof(*mm[w]), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, mm[w]);
	}
	if (!lv->snap.first)
		kunit_skip(test, "no lowest-index pass (no memory for it)");
	key = kvmalloc_array(kt->num_syms, sizeof(*key), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, key);
	memcpy(key, lv->snap.first, kt->num_syms * sizeof(*key));
	KUNIT_ASSERT_EQ(test, ksym_address(kt, 0, &a0, NULL), 0);
	for (w = 1, wrong = 0; w < 10; w++) {
		u32 i = kt->num_syms / 10 * w;

		/*
		 * an index whose lowest address is not symbol 0's, and whose
		 * name has no '.' (an LTO suffix is looked up by other rules)
		 */
		while (i < kt->num_syms &&
		       (ksym_address(kt, key[i], &a, NULL) || a == a0 ||
			ksym_get(kt, i, kt->scratch[0], &sym, NULL) ||
			strchr(sym.name, '.')))
			i++;
		if (i < kt->num_syms) {
			key[i] = 0;
			wrong++;
		}
	}
	for (w = 0; w < 2; w++) {
		f[w] = (struct ksym_findings){ .mm = mm[w], .max = 16 };
		r[w] = (struct ksym_check_result){ .lto = lv->check.lto };
		ret = ksym_check_name_to_addr(&lv->kernel, kt, key, 1,
					      w ? 4 : 1, &f[w], &r[w]);
		KUNIT_EXPECT_EQ(test, ret, 0);
	}
	kvfree(key);
	KUNIT_EXPECT_EQ(test, r[1].cpus, 4U);
	KUNIT_EXPECT_EQ(test, f[0].counts[KSYM_C_NAME_TO_ADDR], (u64)wrong);
	KUNIT_EXPECT_EQ(test, f[0].nr_mm, wrong);
	KUNIT_EXPECT_EQ(test, r[0].checked, r[1].checked);
	expect_same_findings(test, &f[0], &f[1]);

	/* the address check, sampled, as is */
	for (w = 0; w < 2; w++) {
		f[w] = (struct ksym_findings){ .mm = mm[w], .max = 16 };
		r[w] = (struct ksym_check_result){ .lto = lv->check.lto };
		ret = ksym_check_addr_to_name(&lv->kernel, kt, 7, w ? 4 : 1,
					      &f[w], &r[w]);
		KUNIT_EXPECT_EQ(test, ret, 0);
	}
	KUNIT_EXPECT_EQ(test, r[1].cpus, 4U);
	KUNIT_EXPECT_GT(test, r[0].addr_checked, kt->num_syms / 8);
	KUNIT_EXPECT_EQ(test, r[0].addr_checked, r[1].addr_checked);
	expect_same_findings(test, &f[0], &f[1]);
}

static void ksym_num_syms_vs_walk(struct kunit *test)
{
	skip_not_run(test, KSYM_C_ORDER);
	expect_class_clean(test, KSYM_C_ORDER);
	KUNIT_EXPECT_EQ(test, lv->check.on_each_count, lv->snap.kt->num_syms);
}

/* two 32-bit instructions into @b, in the byte order @big_endian */
static void ksym_put_words(u8 *b, const u32 w[2], bool big_endian)
{
	unsigned int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 4; j++)
			b[4 * i + j] = w[i] >> (big_endian ? 24 - 8 * j : 8 * j);
}

/*
 * The decision before an indirect call into a kernel function: every
 * entry pattern, on every configuration it depends on.
 */
static void ksym_call_decision(struct kunit *test)
{
	static const u8 endbr64[8] = { 0xf3, 0x0f, 0x1e, 0xfa };
	static const u8 endbr32[8] = { 0xf3, 0x0f, 0x1e, 0xfb };
	static const u8 poison6[8] = { 0x66, 0x0f, 0x1f, 0x00 };
	static const u8 poison7[8] = { 0x0f, 0x1f, 0x40, 0xd6 };
	static const u8 push_rbp[8] = { 0x55, 0x48, 0x89, 0xe5 };
	/*
	 * ppc64 ELFv2 entries, in the kernel's byte order: addis r2,r12,2;
	 * addi r2,r2,-0x6b00 (a global entry sequence), the same with the
	 * linker's lis r2,2, the local entry point's mflr r0; std r31, and
	 * the sequence's two words swapped
	 */
	const bool be = IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);
	static const u32 gep[2] = { 0x3c4c0002, 0x38429500 };
	static const struct {
		u32 words[2];
		enum ksym_call want;
	} elfv2[] = {
		{ { 0x3c4c0002, 0x38429500 }, KSYM_CALL_OK },
		{ { 0x3c400002, 0x38429500 }, KSYM_CALL_OK },
		{ { 0x7c0802a6, 0xfbe1fff8 }, KSYM_CALL_PPC64_NO_GEP },
		{ { 0x38429500, 0x3c4c0002 }, KSYM_CALL_PPC64_NO_GEP },
	};
	const unsigned int ibt = KSYM_CFG_IBT;
	unsigned int i;
	u8 b[8];

	KUNIT_EXPECT_EQ(test, ksym_call_check(endbr64, ibt), KSYM_CALL_OK);
	KUNIT_EXPECT_EQ(test, ksym_call_check(poison6, ibt), KSYM_CALL_SEALED);
	KUNIT_EXPECT_EQ(test, ksym_call_check(poison7, ibt), KSYM_CALL_SEALED);
	KUNIT_EXPECT_EQ(test, ksym_call_check(push_rbp, ibt),
			KSYM_CALL_NO_ENDBR);
	KUNIT_EXPECT_EQ(test, ksym_call_check(endbr32, ibt),
			KSYM_CALL_NO_ENDBR);
	/* without IBT nothing is sealed and any entry may be called */
	KUNIT_EXPECT_EQ(test, ksym_call_check(poison6, 0), KSYM_CALL_OK);
	KUNIT_EXPECT_EQ(test, ksym_call_check(push_rbp, 0), KSYM_CALL_OK);
	/* FineIBT is refused, whatever the entry */
	KUNIT_EXPECT_EQ(test, ksym_call_check(endbr64, ibt | KSYM_CFG_FINEIBT),
			KSYM_CALL_FINEIBT);
	/* ppc64 ELFv2: only an entry that sets up the TOC from r12 */
	for (i = 0; i < ARRAY_SIZE(elfv2); i++) {
		ksym_put_words(b, elfv2[i].words, be);
		KUNIT_EXPECT_EQ_MSG(test, ksym_call_check(b, KSYM_CFG_PPC64_ELFV2),
				    elfv2[i].want, "entry %08x %08x",
				    elfv2[i].words[0], elfv2[i].words[1]);
	}
	/* the sequence read in the other byte order is no sequence */
	ksym_put_words(b, gep, !be);
	KUNIT_EXPECT_FALSE(test, ksym_ppc64_gep(b, be));
	KUNIT_EXPECT_TRUE(test, ksym_ppc64_gep(b, !be));
	KUNIT_EXPECT_EQ(test, ksym_call_check(endbr64, KSYM_CFG_PPC64_ELFV2),
			KSYM_CALL_PPC64_NO_GEP);
	KUNIT_EXPECT_STREQ(test, ksym_call_why(KSYM_CALL_OK), "callable");
}

static struct kunit_case ksym_live_cases[] = {
	KUNIT_CASE(ksym_call_decision),
	KUNIT_CASE(ksym_locate_by_name_path),
	KUNIT_CASE(ksym_locate_by_vmcoreinfo),
	KUNIT_CASE(ksym_locate_by_scan),
	KUNIT_CASE(ksym_locate_agree),
	KUNIT_CASE(ksym_structure),
	KUNIT_CASE(ksym_address_mode),
	KUNIT_CASE(ksym_imports),
	KUNIT_CASE(ksym_exports),
	KUNIT_CASE(ksym_invariants),
	KUNIT_CASE(ksym_proc_kallsyms),
	KUNIT_CASE(ksym_kernel_fn),
	KUNIT_CASE(ksym_diagnosis),
	KUNIT_CASE(ksym_name_to_addr),
	KUNIT_CASE(ksym_addr_to_name),
	KUNIT_CASE(ksym_shared_equals_serial),
	KUNIT_CASE(ksym_num_syms_vs_walk),
	{}
};

static struct kunit_suite ksym_live_suite = {
	.name = "ksym_live",
	.suite_init = ksym_live_suite_init,
	.suite_exit = ksym_live_suite_exit,
	.test_cases = ksym_live_cases,
};

kunit_test_suite(ksym_live_suite);
