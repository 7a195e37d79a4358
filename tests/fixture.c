// SPDX-License-Identifier: GPL-2.0
/*
 * fixture.c - read a fixture directory written by scripts/gen-fixtures.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

enum ksym_addr_mode fx_mode(const char *s)
{
	enum ksym_addr_mode m;

	for (m = KSYM_ADDR_ABSOLUTE; m < KSYM_ADDR_NR_MODES; m++)
		if (!strcmp(s, ksym_mode_name(m)))
			return m;
	return KSYM_ADDR_UNKNOWN;
}

static void setstr(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static u8 *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc(len ? len : 1);
		if (buf && fread(buf, 1, len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*size = len;
	}
	fclose(f);
	return buf;
}

static struct ksym_view *view_by_name(struct ksym_arrays *t, const char *s)
{
	unsigned int a;

	for (a = 0; a < KSYM_NR_ARRAYS; a++)
		if (!strcmp(ksym_array_name(a), s))
			return &t->v[a];
	return NULL;
}

void fx_rebase(const struct fixture *fx, struct ksym_arrays *t, u8 *base)
{
	unsigned int a;

	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		t->v[a] = fx->t.v[a];
		if (fx->t.v[a].data)
			t->v[a].data = base + (fx->t.v[a].data - fx->rodata);
	}
}

static int load_meta(struct fixture *fx, const char *dir)
{
	char path[4096], key[64], val[512], *nl;
	struct ksym_view *v;
	char line[1024];
	unsigned long long off, size;
	FILE *f;

	snprintf(path, sizeof(path), "%s/meta", dir);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		val[0] = '\0';
		if (sscanf(line, "%63s %511[^\n]", key, val) < 1)
			continue;
		if (!strcmp(key, "line"))
			setstr(fx->line, sizeof(fx->line), val);
		else if (!strcmp(key, "arch"))
			setstr(fx->arch, sizeof(fx->arch), val);
		else if (!strcmp(key, "flags"))
			setstr(fx->flags, sizeof(fx->flags), val);
		else if (!strcmp(key, "bits"))
			fx->l.ptr_size = atoi(val) / 8;
		else if (!strcmp(key, "endian"))
			fx->l.big_endian = !strcmp(val, "big");
		else if (!strcmp(key, "mode"))
			fx->expect_mode = fx_mode(val);
		else if (!strcmp(key, "marker_size"))
			fx->l.marker_size = atoi(val);
		else if (!strcmp(key, "len_enc"))
			fx->l.len_enc = !strcmp(val, "uleb2") ?
					KSYM_LEN_ULEB2 : KSYM_LEN_1BYTE;
		else if (!strcmp(key, "name_len"))
			fx->l.name_len = atoi(val);
		else if (!strcmp(key, "seqs_size"))
			fx->l.seqs_size = atoi(val);
		else if (!strcmp(key, "seqs_order"))
			fx->l.seqs_order = !strcmp(val, "strip-llvm") ?
				KSYM_SEQS_STRIP_LLVM : !strcmp(val, "strip-dot") ?
				KSYM_SEQS_STRIP_DOT : KSYM_SEQS_EXACT;
		else if (!strcmp(key, "rodata_va"))
			fx->rodata_va = strtoull(val, NULL, 0);
		else if (!strcmp(key, "anchor")) {
			if (sscanf(val, "%63s %llx", fx->anchor_name,
				   (unsigned long long *)&fx->anchor.addr) != 2)
				goto bad;
			fx->anchor.name = fx->anchor_name;
		} else if (!strcmp(key, "array")) {
			char sym[64];

			if (sscanf(val, "%63s %llu %llu", sym, &off, &size) != 3)
				goto bad;
			v = view_by_name(&fx->t, sym);
			if (!v || off + size > fx->rodata_size)
				goto bad;
			v->data = fx->rodata + off;
			v->size = size;
			v->va = fx->rodata_va + off;
		}
	}
	fclose(f);
	return 0;
bad:
	fprintf(stderr, "%s: bad line \"%s\"\n", path, line);
	fclose(f);
	return -1;
}

static int load_expected(struct fixture *fx, const char *dir)
{
	char path[4096], line[1024], type, name[600];
	unsigned long long addr;
	unsigned int cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %599s", &addr, &type, name) != 3) {
			fprintf(stderr, "%s: bad line \"%s\"\n", path, line);
			fclose(f);
			return -1;
		}
		if (fx->nsyms == cap) {
			cap = cap ? cap * 2 : 1024;
			fx->syms = realloc(fx->syms, cap * sizeof(*fx->syms));
			if (!fx->syms)
				abort();
		}
		fx->syms[fx->nsyms].addr = addr;
		fx->syms[fx->nsyms].type = type;
		fx->syms[fx->nsyms].name = strdup(name);
		fx->nsyms++;
	}
	fclose(f);
	return 0;
}

int fx_load(struct fixture *fx, const char *dir)
{
	char path[4096], *slash;

	memset(fx, 0, sizeof(*fx));
	/* the name is the last path component, trailing slashes dropped */
	setstr(path, sizeof(path), dir);
	while ((slash = strrchr(path, '/')) && slash > path && !slash[1])
		*slash = '\0';
	slash = strrchr(path, '/');
	setstr(fx->name, sizeof(fx->name), slash ? slash + 1 : path);
	snprintf(path, sizeof(path), "%s/rodata.bin", dir);
	fx->rodata = slurp(path, &fx->rodata_size);
	if (!fx->rodata) {
		perror(path);
		return -1;
	}
	if (load_meta(fx, dir) || load_expected(fx, dir)) {
		fx_free(fx);
		return -1;
	}
	return 0;
}

void fx_free(struct fixture *fx)
{
	unsigned int i;

	for (i = 0; i < fx->nsyms; i++)
		free(fx->syms[i].name);
	free(fx->syms);
	free(fx->rodata);
	memset(fx, 0, sizeof(*fx));
}
