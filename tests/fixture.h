/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fixture.h - load a fixture made by scripts/gen-fixtures.sh: the linked
 * .rodata, where each kallsyms array sits in it, the layout the generator
 * flags imply, and the ground-truth symbol list.
 */
#ifndef KSYM_TEST_FIXTURE_H
#define KSYM_TEST_FIXTURE_H

#include "../decoder.h"

struct fx_sym {
	unsigned long long addr;
	char type;
	char *name;
};

struct fixture {
	char name[128];
	char line[16];
	char arch[16];
	char flags[128];
	u8 *rodata;
	size_t rodata_size;
	unsigned long long rodata_va;
	struct ksym_arrays t;
	struct ksym_layout l;
	enum ksym_addr_mode expect_mode;
	struct ksym_anchor anchor;
	char anchor_name[64];
	struct fx_sym *syms;
	unsigned int nsyms;
};

/* 0 on success; on failure prints why to stderr and returns -1. */
int fx_load(struct fixture *fx, const char *dir);
void fx_free(struct fixture *fx);
/* Point fx->t's views into @base instead of fx->rodata (same offsets). */
void fx_rebase(const struct fixture *fx, struct ksym_arrays *t, u8 *base);
enum ksym_addr_mode fx_mode(const char *s);

#endif
