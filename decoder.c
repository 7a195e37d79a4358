// SPDX-License-Identifier: GPL-2.0
/*
 * An independent decoder for the kernel's kallsyms tables.
 *
 * Written from the format description (kallsyms-format.md), not from
 * kernel/kallsyms.c.  Every read of table bytes goes through a bounds-checked
 * helper; every failure names its check.
 */
#include "decoder.h"

static const char *const check_names[KSYM_E_NR_CODES] = {
	[KSYM_OK]		= "",
	[KSYM_E_LAYOUT]		= "layout.param",
	[KSYM_E_VIEW]		= "tables.view",
	[KSYM_E_NUM_SYMS]	= "num_syms.range",
	[KSYM_E_TOKEN_INDEX]	= "token_index.bounds",
	[KSYM_E_TOKEN_NUL]	= "token_table.nul",
	[KSYM_E_MARKERS_SIZE]	= "markers.size",
	[KSYM_E_MARKER_ZERO]	= "markers.zero",
	[KSYM_E_MARKER_OFFSET]	= "markers.offset",
	[KSYM_E_LEN_ZERO]	= "names.len_zero",
	[KSYM_E_LEN_FORM]	= "names.len_form",
	[KSYM_E_LEN_3BYTE]	= "names.len_3byte",
	[KSYM_E_NAMES_BOUNDS]	= "names.bounds",
	[KSYM_E_NAME_TOO_LONG]	= "names.too_long",
	[KSYM_E_TYPE]		= "names.type",
	[KSYM_E_ADDR_SIZE]	= "addr.size",
	[KSYM_E_ADDR_ORDER]	= "addr.nondecreasing",
	[KSYM_E_SEQS_SIZE]	= "seqs.size",
	[KSYM_E_SEQS_RANGE]	= "seqs.range",
	[KSYM_E_SEQS_ORDER]	= "seqs.order",
	[KSYM_E_INDEX]		= "lookup.index",
	[KSYM_E_ANCHOR]		= "mode.anchor_missing",
	[KSYM_E_MODE_NONE]	= "mode.none",
	[KSYM_E_MODE_AMBIGUOUS]	= "mode.ambiguous",
	[KSYM_E_NOT_FOUND]	= "lookup.not_found",
};

static const char *const mode_names[KSYM_ADDR_NR_MODES] = {
	[KSYM_ADDR_UNKNOWN]	  = "unknown",
	[KSYM_ADDR_ABSOLUTE]	  = "absolute",
	[KSYM_ADDR_BASE_RELATIVE] = "base-relative",
	[KSYM_ADDR_ABS_PERCPU]	  = "absolute-percpu",
	[KSYM_ADDR_PC_RELATIVE]	  = "pc-relative",
	[KSYM_ADDR_RAW32]	  = "raw32",
};

const char *ksym_check_name(enum ksym_err_code code)
{
	if ((unsigned int)code >= KSYM_E_NR_CODES)
		return "?";
	return check_names[code];
}

const char *ksym_mode_name(enum ksym_addr_mode mode)
{
	if ((unsigned int)mode >= KSYM_ADDR_NR_MODES)
		return "?";
	return mode_names[mode];
}

/*
 * Record a failure.  The message always starts with the check name so that a
 * line of output is enough to know what failed.  Returns the errno to pass up.
 */
static __printf(7, 8)
int ksym_fail(struct ksym_error *err, enum ksym_err_code code, int errno_val,
	      u32 index, u64 seen, u64 expected, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err)
		return errno_val;
	err->code = code;
	err->check = ksym_check_name(code);
	err->index = index;
	err->seen = seen;
	err->expected = expected;
	n = snprintf(err->msg, sizeof(err->msg), "%s: ", err->check);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		return errno_val;
	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
	return errno_val;
}

static void ksym_clear(struct ksym_error *err)
{
	if (!err)
		return;
	err->code = KSYM_OK;
	err->check = "";
	err->index = 0;
	err->seen = 0;
	err->expected = 0;
	err->msg[0] = '\0';
}

static const char *const array_names[KSYM_NR_ARRAYS] = {
	[KSYM_A_NUM_SYMS]	= "kallsyms_num_syms",
	[KSYM_A_NAMES]		= "kallsyms_names",
	[KSYM_A_MARKERS]	= "kallsyms_markers",
	[KSYM_A_TOKEN_TABLE]	= "kallsyms_token_table",
	[KSYM_A_TOKEN_INDEX]	= "kallsyms_token_index",
	[KSYM_A_OFFSETS]	= "kallsyms_offsets",
	[KSYM_A_ADDRESSES]	= "kallsyms_addresses",
	[KSYM_A_RELATIVE_BASE]	= "kallsyms_relative_base",
	[KSYM_A_SEQS]		= "kallsyms_seqs_of_names",
};

/* the named views of struct ksym_arrays are its v[] in enum order */
#define KSYM_ASSERT_VIEW(field, idx)					\
	static_assert(offsetof(struct ksym_arrays, field) ==		\
		      offsetof(struct ksym_arrays, v[idx]), #field " is v[" #idx "]")
KSYM_ASSERT_VIEW(num_syms, KSYM_A_NUM_SYMS);
KSYM_ASSERT_VIEW(names, KSYM_A_NAMES);
KSYM_ASSERT_VIEW(markers, KSYM_A_MARKERS);
KSYM_ASSERT_VIEW(token_table, KSYM_A_TOKEN_TABLE);
KSYM_ASSERT_VIEW(token_index, KSYM_A_TOKEN_INDEX);
KSYM_ASSERT_VIEW(offsets, KSYM_A_OFFSETS);
KSYM_ASSERT_VIEW(addresses, KSYM_A_ADDRESSES);
KSYM_ASSERT_VIEW(relative_base, KSYM_A_RELATIVE_BASE);
KSYM_ASSERT_VIEW(seqs, KSYM_A_SEQS);
static_assert(sizeof(struct ksym_arrays) ==
	      KSYM_NR_ARRAYS * sizeof(struct ksym_view), "one view an array");

const char *ksym_array_name(enum ksym_array a)
{
	return (unsigned int)a < KSYM_NR_ARRAYS ? array_names[a] : "?";
}

void ksym_views_at(struct ksym_arrays *t, const u64 va[KSYM_NR_ARRAYS],
		   u32 n, unsigned int ptr_size, ksym_at_fn at, void *ctx)
{
	u64 size[KSYM_NR_ARRAYS] = {
		[KSYM_A_NUM_SYMS]	= 4,
		[KSYM_A_MARKERS]	= 4 * (((u64)n + 255) / 256),
		[KSYM_A_TOKEN_INDEX]	= KSYM_TOKEN_INDEX_SIZE,
		[KSYM_A_OFFSETS]	= 4ULL * n,
		[KSYM_A_ADDRESSES]	= (u64)ptr_size * n,
		[KSYM_A_RELATIVE_BASE]	= ptr_size,
		[KSYM_A_SEQS]		= 3ULL * n,
	};
	unsigned int a;
	const u8 *p;

	/* names and the token table run up to the array after them */
	if (va[KSYM_A_MARKERS] > va[KSYM_A_NAMES])
		size[KSYM_A_NAMES] = va[KSYM_A_MARKERS] - va[KSYM_A_NAMES];
	if (va[KSYM_A_TOKEN_INDEX] > va[KSYM_A_TOKEN_TABLE])
		size[KSYM_A_TOKEN_TABLE] = va[KSYM_A_TOKEN_INDEX] -
					   va[KSYM_A_TOKEN_TABLE];
	memset(t, 0, sizeof(*t));
	for (a = 0; a < KSYM_NR_ARRAYS; a++) {
		if (!va[a] || !size[a] || size[a] > SIZE_MAX)
			continue;
		p = at(ctx, va[a], (size_t)size[a]);
		if (!p)
			continue;
		t->v[a].data = p;
		t->v[a].size = (size_t)size[a];
		t->v[a].va = va[a];
	}
}

/* Element @idx of @size bytes from @v, or false if it is outside the view. */
static bool view_get(const struct ksym_view *v, u64 idx, unsigned int size,
		     bool big_endian, u64 *out)
{
	/* no division: idx < size of the view keeps the product small */
	if (!v->data || idx >= v->size || idx * size + size > v->size)
		return false;
	*out = ksym_get_uint(v->data + idx * size, size, big_endian);
	return true;
}

static bool view_has(const struct ksym_view *v, u64 count, unsigned int size)
{
	return v->data && count <= v->size / size;
}

static u64 ptr_mask(const struct ksym_layout *l)
{
	return l->ptr_size == 4 ? 0xffffffffULL : ~0ULL;
}

/*
 * The characters nm prints as a symbol type.  '?' is real: small kernels
 * have __nosave_begin/__nosave_end as '?', and kallsyms keeps them.
 */
static bool valid_type(char c)
{
	/* a table, not strchr(): this runs once for every symbol decoded */
	static const bool nm_type[256] = {
		['A'] = true, ['B'] = true, ['C'] = true, ['D'] = true,
		['G'] = true, ['I'] = true, ['N'] = true, ['P'] = true,
		['R'] = true, ['S'] = true, ['T'] = true, ['U'] = true,
		['V'] = true, ['W'] = true, ['a'] = true, ['b'] = true,
		['c'] = true, ['d'] = true, ['g'] = true, ['i'] = true,
		['n'] = true, ['p'] = true, ['r'] = true, ['s'] = true,
		['t'] = true, ['u'] = true, ['v'] = true, ['w'] = true,
		['?'] = true, ['-'] = true,
	};

	return nm_type[(u8)c];
}

static u32 markers_needed(u32 n)
{
	return (u32)(((u64)n + 255) / 256);
}

static int check_layout(const struct ksym_layout *l, struct ksym_error *err)
{
	if (l->ptr_size != 4 && l->ptr_size != 8)
		return ksym_fail(err, KSYM_E_LAYOUT, -EINVAL, 0, l->ptr_size,
				 8, "pointer size %u is not 4 or 8",
				 l->ptr_size);
	if (l->marker_size != 4 && l->marker_size != l->ptr_size)
		return ksym_fail(err, KSYM_E_LAYOUT, -EINVAL, 0,
				 l->marker_size, 4,
				 "markers element size %u is not 4 or the pointer size",
				 l->marker_size);
	if (l->seqs_size != 0 && l->seqs_size != 3 && l->seqs_size != 4)
		return ksym_fail(err, KSYM_E_LAYOUT, -EINVAL, 0, l->seqs_size,
				 3, "seqs entry size %u is not 0, 3 or 4",
				 l->seqs_size);
	if (l->name_len < 2 || l->name_len > KSYM_NAME_MAX)
		return ksym_fail(err, KSYM_E_LAYOUT, -EINVAL, 0, l->name_len,
				 KSYM_NAME_MAX, "name length %u not in 2..%u",
				 l->name_len, KSYM_NAME_MAX);
	if ((unsigned int)l->mode >= KSYM_ADDR_NR_MODES ||
	    (unsigned int)l->len_enc > KSYM_LEN_ULEB2 ||
	    (unsigned int)l->seqs_order > KSYM_SEQS_STRIP_DOT)
		return ksym_fail(err, KSYM_E_LAYOUT, -EINVAL, 0, l->mode, 0,
				 "unknown mode %u, length encoding %u or seqs order %u",
				 l->mode, l->len_enc, l->seqs_order);
	return 0;
}

/* Are the arrays that @mode reads there, and large enough? */
static int check_addr_views(const struct ksym_decoder *kt,
			    enum ksym_addr_mode mode, struct ksym_error *err)
{
	const struct ksym_arrays *t = &kt->arrays;
	unsigned int psz = kt->layout.ptr_size;

	switch (mode) {
	case KSYM_ADDR_UNKNOWN:
		return 0;
	case KSYM_ADDR_ABSOLUTE:
		if (!view_has(&t->addresses, kt->num_syms, psz))
			return ksym_fail(err, KSYM_E_ADDR_SIZE, -EINVAL, 0,
					 t->addresses.size, (u64)kt->num_syms * psz,
					 "kallsyms_addresses holds %zu bytes, %u symbols need %llu",
					 t->addresses.size, kt->num_syms,
					 (unsigned long long)kt->num_syms * psz);
		return 0;
	case KSYM_ADDR_BASE_RELATIVE:
	case KSYM_ADDR_ABS_PERCPU:
		if (!view_has(&t->relative_base, 1, psz))
			return ksym_fail(err, KSYM_E_ADDR_SIZE, -EINVAL, 0,
					 t->relative_base.size, psz,
					 "kallsyms_relative_base holds %zu bytes, needs %u",
					 t->relative_base.size, psz);
		fallthrough;
	case KSYM_ADDR_PC_RELATIVE:
	case KSYM_ADDR_RAW32:
		if (!view_has(&t->offsets, kt->num_syms, 4))
			return ksym_fail(err, KSYM_E_ADDR_SIZE, -EINVAL, 0,
					 t->offsets.size, (u64)kt->num_syms * 4,
					 "kallsyms_offsets holds %zu bytes, %u symbols need %llu",
					 t->offsets.size, kt->num_syms,
					 (unsigned long long)kt->num_syms * 4);
		return 0;
	default:
		return ksym_fail(err, KSYM_E_LAYOUT, -EINVAL, 0, mode, 0,
				 "unknown address mode %u", mode);
	}
}

static int check_tokens(struct ksym_decoder *kt, struct ksym_error *err)
{
	const struct ksym_view *ti = &kt->arrays.token_index;
	const struct ksym_view *tt = &kt->arrays.token_table;
	unsigned int i;

	if (!view_has(ti, KSYM_NR_TOKENS, 2))
		return ksym_fail(err, KSYM_E_TOKEN_INDEX, -EINVAL, KSYM_NR_TOKENS,
				 ti->size, KSYM_TOKEN_INDEX_SIZE,
				 "kallsyms_token_index holds %zu bytes, 256 entries need 512",
				 ti->size);
	for (i = 0; i < KSYM_NR_TOKENS; i++) {
		const u8 *start, *nul;
		u64 off = 0;

		view_get(ti, i, 2, kt->layout.big_endian, &off);
		if (!tt->data || off >= tt->size)
			return ksym_fail(err, KSYM_E_TOKEN_INDEX, -EINVAL, i,
					 off, tt->size,
					 "token %u starts at %llu, past the %zu-byte token table",
					 i, (unsigned long long)off, tt->size);
		start = tt->data + off;
		nul = memchr(start, 0, tt->size - off);
		if (!nul)
			return ksym_fail(err, KSYM_E_TOKEN_NUL, -EINVAL, i,
					 off, tt->size,
					 "token %u at offset %llu has no NUL before the table ends at %zu",
					 i, (unsigned long long)off, tt->size);
		kt->tok_off[i] = (u16)off;
		kt->tok_len[i] = (u16)(nul - start);
		memcpy(kt->tok8[i], start, nul - start < 8 ? nul - start : 8);
	}
	return 0;
}

int ksym_open(struct ksym_decoder *kt, const struct ksym_arrays *t,
	      const struct ksym_layout *l, struct ksym_error *err)
{
	u64 n = 0, rb = 0;
	int ret;
	u32 *rec_off = kt->rec_off, rec_off_cap = kt->rec_off_cap;
	u32 *first = kt->first, first_cap = kt->first_cap;

	ksym_clear(err);
	memset(kt, 0, sizeof(*kt) - sizeof(kt->scratch));
	kt->rec_off = rec_off;
	kt->rec_off_cap = rec_off_cap;
	kt->first = first;
	kt->first_cap = first_cap;
	kt->arrays = *t;
	kt->layout = *l;

	ret = check_layout(l, err);
	if (ret)
		return ret;

	if (!view_get(&t->num_syms, 0, l->marker_size, l->big_endian, &n))
		return ksym_fail(err, KSYM_E_VIEW, -EINVAL, 0,
				 t->num_syms.size, l->marker_size,
				 "kallsyms_num_syms holds %zu bytes, needs %u",
				 t->num_syms.size, l->marker_size);
	/* every record takes at least two bytes: a length and one token */
	if (n == 0 || !t->names.data || n > t->names.size / 2 ||
	    (l->seqs_size == 3 && n >= (1U << 24)))
		return ksym_fail(err, KSYM_E_NUM_SYMS, -EINVAL, 0, n,
				 t->names.size / 2,
				 "num_syms %llu does not fit %zu bytes of names (1..%zu)",
				 (unsigned long long)n, t->names.size,
				 t->names.size / 2);
	kt->num_syms = (u32)n;

	ret = check_tokens(kt, err);
	if (ret)
		return ret;

	if (!view_has(&t->markers, markers_needed(kt->num_syms), l->marker_size))
		return ksym_fail(err, KSYM_E_MARKERS_SIZE, -EINVAL, 0,
				 t->markers.size,
				 (u64)markers_needed(kt->num_syms) * l->marker_size,
				 "kallsyms_markers holds %zu bytes, %u symbols need %u markers of %u bytes",
				 t->markers.size, kt->num_syms, markers_needed(kt->num_syms),
				 l->marker_size);

	if (l->seqs_size && !view_has(&t->seqs, kt->num_syms, l->seqs_size))
		return ksym_fail(err, KSYM_E_SEQS_SIZE, -EINVAL, 0,
				 t->seqs.size, (u64)kt->num_syms * l->seqs_size,
				 "kallsyms_seqs_of_names holds %zu bytes, %u symbols need %llu",
				 t->seqs.size, kt->num_syms,
				 (unsigned long long)kt->num_syms * l->seqs_size);

	if (view_get(&t->relative_base, 0, l->ptr_size, l->big_endian, &rb))
		kt->relative_base = rb;

	return check_addr_views(kt, l->mode, err);
}

/* Parse the length prefix of record @index at @off. */
static int parse_len(const struct ksym_decoder *kt, u32 index, u32 off,
		     u32 *hdr, u32 *len, struct ksym_error *err)
{
	const struct ksym_view *v = &kt->arrays.names;
	const u8 *p = v->data + off;
	int ret;

	if (off >= v->size)
		return ksym_fail(err, KSYM_E_NAMES_BOUNDS, -EINVAL, index, off,
				 v->size,
				 "record %u starts at %u, past the %zu-byte names array",
				 index, off, v->size);
	ret = ksym_rec_prefix(p, v->size - off, kt->layout.len_enc, len);
	if (ret > 0) {
		*hdr = ret;
		return 0;
	}
	switch (-ret) {
	case KSYM_E_LEN_3BYTE:
		return ksym_fail(err, KSYM_E_LEN_3BYTE, -EINVAL, index, p[1],
				 0x7f,
				 "record %u at %u: length bytes 0x%02x 0x%02x ask for a third byte",
				 index, off, p[0], p[1]);
	case KSYM_E_LEN_FORM:
		return ksym_fail(err, KSYM_E_LEN_FORM, -EINVAL, index, *len,
				 0x80,
				 "record %u at %u: 2-byte length %u fits one byte",
				 index, off, *len);
	case KSYM_E_LEN_ZERO:
		return ksym_fail(err, KSYM_E_LEN_ZERO, -EINVAL, index, 0, 1,
				 "record %u at %u has length 0", index, off);
	default:
		break;
	}
	if ((p[0] & 0x80) && kt->layout.len_enc == KSYM_LEN_ULEB2 &&
	    off + 1 >= v->size)
		return ksym_fail(err, KSYM_E_NAMES_BOUNDS, -EINVAL,
				 index, off + 1, v->size,
				 "record %u: second length byte at %u is past the %zu-byte names array",
				 index, off + 1, v->size);
	*hdr = (p[0] & 0x80) && kt->layout.len_enc == KSYM_LEN_ULEB2 ? 2 : 1;
	return ksym_fail(err, KSYM_E_NAMES_BOUNDS, -EINVAL, index,
			 (u64)off + *hdr + *len, v->size,
			 "record %u at %u with length %u ends at %llu, past the %zu-byte names array",
			 index, off, *len,
			 (unsigned long long)off + *hdr + *len, v->size);
}

int ksym_decode_at(struct ksym_decoder *kt, u32 index, u32 *off, char *buf,
		   struct ksym_sym *sym, struct ksym_error *err)
{
	const u8 *rec, *tt = kt->arrays.token_table.data;
	u32 hdr, len, out = 0, i;
	int ret;

	ret = parse_len(kt, index, *off, &hdr, &len, err);
	if (ret)
		return ret;
	rec = kt->arrays.names.data + *off + hdr;
	for (i = 0; i < len; i++) {
		u32 t = rec[i], tl = kt->tok_len[t], k;
		const u8 *tok;

		if (out + tl > kt->layout.name_len)
			return ksym_fail(err, KSYM_E_NAME_TOO_LONG, -EINVAL,
					 index, out + tl, kt->layout.name_len,
					 "record %u at %u expands past %u characters (type letter included)",
					 index, *off, kt->layout.name_len);
		/*
		 * Tokens average 3 bytes: 8 at once (the bytes past the token
		 * are overwritten by the next, or by the NUL), while they fit
		 * in @buf; a longer token byte by byte.
		 */
		if (tl <= 8 && out + 8 <= KSYM_NAME_MAX + 1) {
			memcpy(buf + out, kt->tok8[t], 8);
		} else {
			tok = tt + kt->tok_off[t];
			for (k = 0; k < tl; k++)
				buf[out + k] = tok[k];
		}
		out += tl;
	}
	buf[out] = '\0';
	if (!valid_type(buf[0]))
		return ksym_fail(err, KSYM_E_TYPE, -EINVAL, index,
				 (u8)buf[0], 'T',
				 "record %u at %u: type byte 0x%02x is not an nm type letter",
				 index, *off, (u8)buf[0]);
	sym->index = index;
	sym->type = buf[0];
	sym->name = buf + 1;
	sym->name_len = (u16)(out - 1);
	sym->comp_len = (u16)len;
	sym->rec_off = *off;
	sym->addr = 0;
	*off += hdr + len;
	return 0;
}

static int index_ok(const struct ksym_decoder *kt, u32 index,
		    struct ksym_error *err)
{
	if (index >= kt->num_syms)
		return ksym_fail(err, KSYM_E_INDEX, -ERANGE, index, index,
				 kt->num_syms, "symbol index %u, table has %u",
				 index, kt->num_syms);
	return 0;
}

/* Byte offset of record @index, through the markers. */
static int seek_record(const struct ksym_decoder *kt, u32 index, u32 *off,
		       struct ksym_error *err)
{
	u32 hdr, len, i;
	u64 m;
	int ret;

	if (kt->rec_off_valid) {
		*off = kt->rec_off[index];
		return 0;
	}
	if (!view_get(&kt->arrays.markers, index >> 8, kt->layout.marker_size,
		      kt->layout.big_endian, &m))
		return ksym_fail(err, KSYM_E_MARKERS_SIZE, -EINVAL, index,
				 index >> 8, markers_needed(kt->num_syms),
				 "marker %u for symbol %u is outside the markers array",
				 index >> 8, index);
	if (m >= kt->arrays.names.size)
		return ksym_fail(err, KSYM_E_MARKER_OFFSET, -EINVAL, index, m,
				 kt->arrays.names.size,
				 "marker %u = %llu is past the %zu-byte names array",
				 index >> 8, (unsigned long long)m,
				 kt->arrays.names.size);
	*off = (u32)m;
	for (i = index & ~0xffU; i < index; i++) {
		ret = parse_len(kt, i, *off, &hdr, &len, err);
		if (ret)
			return ret;
		*off += hdr + len;
	}
	return 0;
}

int ksym_get(struct ksym_decoder *kt, u32 index, char *buf,
	     struct ksym_sym *sym, struct ksym_error *err)
{
	u32 off;
	int ret;

	ret = index_ok(kt, index, err);
	if (!ret)
		ret = seek_record(kt, index, &off, err);
	if (!ret)
		ret = ksym_decode_at(kt, index, &off, buf, sym, err);
	if (!ret && kt->layout.mode != KSYM_ADDR_UNKNOWN)
		ret = ksym_address(kt, index, &sym->addr, err);
	return ret;
}

int ksym_address(const struct ksym_decoder *kt, u32 index, u64 *addr,
		 struct ksym_error *err)
{
	const struct ksym_layout *l = &kt->layout;
	u64 raw, a;
	s64 off;
	int ret;

	ret = index_ok(kt, index, err);
	if (ret)
		return ret;
	if (l->mode == KSYM_ADDR_ABSOLUTE) {
		if (!view_get(&kt->arrays.addresses, index, l->ptr_size,
			      l->big_endian, &raw))
			goto short_view;
		*addr = raw;
		return 0;
	}
	if (!view_get(&kt->arrays.offsets, index, 4, l->big_endian, &raw))
		goto short_view;
	off = (s32)(u32)raw;
	switch (l->mode) {
	case KSYM_ADDR_BASE_RELATIVE:
		a = kt->relative_base + (u32)raw;
		break;
	case KSYM_ADDR_ABS_PERCPU:
		a = off >= 0 ? (u64)off : kt->relative_base - 1 - off;
		break;
	case KSYM_ADDR_PC_RELATIVE:
		a = kt->arrays.offsets.va + 4ULL * index + off;
		break;
	case KSYM_ADDR_RAW32:
		a = (u32)raw;
		break;
	default:
		return ksym_fail(err, KSYM_E_LAYOUT, -EINVAL, index, l->mode,
				 0, "address mode %s cannot give an address",
				 ksym_mode_name(l->mode));
	}
	*addr = a & ptr_mask(l);
	return 0;

short_view:
	return ksym_fail(err, KSYM_E_ADDR_SIZE, -EINVAL, index, index, kt->num_syms,
			 "address of symbol %u is outside the %s array", index,
			 l->mode == KSYM_ADDR_ABSOLUTE ? "addresses" : "offsets");
}

bool ksym_address_moves(const struct ksym_decoder *kt, u32 index)
{
	u64 raw;

	if (index >= kt->num_syms)
		return false;
	if (kt->layout.mode != KSYM_ADDR_ABS_PERCPU)
		return true;
	return view_get(&kt->arrays.offsets, index, 4, kt->layout.big_endian,
			&raw) && (s32)(u32)raw < 0;
}

/* Length of the part of a name that kallsyms_seqs_of_names sorts on. */
u32 ksym_key_len(const char *name, u32 len, enum ksym_seqs_order order)
{
	const char *p = NULL;

	if (order == KSYM_SEQS_STRIP_LLVM)
		p = strstr(name, ".llvm.");
	else if (order == KSYM_SEQS_STRIP_DOT)
		p = strchr(name, '.');
	return p ? (u32)(p - name) : len;
}

/* strcmp() on the keys, bytes compared as unsigned. */
static int key_cmp(const char *a, u32 alen, const char *b, u32 blen)
{
	u32 n = alen < blen ? alen : blen;
	int c = memcmp(a, b, n);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static bool read_seq(const struct ksym_decoder *kt, u32 j, u64 *s)
{
	/* 3-byte entries are big-endian by construction (19bd8981dc2e) */
	return view_get(&kt->arrays.seqs, j, kt->layout.seqs_size,
			kt->layout.seqs_size == 3 ? true : kt->layout.big_endian, s);
}

/*
 * Entry @j of seqs: the symbol it names, decoded into a scratch buffer of
 * its own (j & 1, so that entry j - 1 stays readable), and its sort key's
 * length.
 */
static int seq_entry(struct ksym_decoder *kt, u32 j, u64 *s,
		     struct ksym_sym *sym, u32 *klen, struct ksym_error *err)
{
	int ret;

	if (!read_seq(kt, j, s) || *s >= kt->num_syms)
		return ksym_fail(err, KSYM_E_SEQS_RANGE, -EINVAL, j, *s,
				 kt->num_syms,
				 "entry %u = %llu, table has %u symbols",
				 j, (unsigned long long)*s, kt->num_syms);
	ret = ksym_get(kt, (u32)*s, kt->scratch[j & 1], sym, err);
	if (ret)
		return ret;
	*klen = ksym_key_len(sym->name, sym->name_len, kt->layout.seqs_order);
	return 0;
}

static int validate_seqs(struct ksym_decoder *kt, struct ksym_error *err)
{
	bool fill = kt->first && kt->first_cap >= kt->num_syms;
	struct ksym_sym cur, prev = { 0 };
	u32 j, klen, pklen = 0, run = 0;
	u64 s = 0, ps = 0;
	int ret, c = 1;

	for (j = 0; j < kt->num_syms; j++) {
		ret = seq_entry(kt, j, &s, &cur, &klen, err);
		if (ret)
			return ret;
		/*
		 * Strictly increasing in (name, index) order: together with
		 * the range check this also proves a permutation of 0..n-1.
		 */
		if (j) {
			c = key_cmp(prev.name, pklen, cur.name, klen);
			if (c > 0 || (c == 0 && ps >= s))
				return ksym_fail(err, KSYM_E_SEQS_ORDER,
						 -EINVAL, j, s, ps,
						 "entry %u = %llu (\"%.40s\") is not after entry %u = %llu (\"%.40s\")",
						 j, (unsigned long long)s,
						 cur.name, j - 1,
						 (unsigned long long)ps,
						 prev.name);
		}
		/* as ksym_first_of_keys(): the first of a run of equal keys */
		if (c)
			run = (u32)s;
		if (fill)
			kt->first[s] = run;
		prev = cur;
		pklen = klen;
		ps = s;
	}
	kt->first_valid = fill;
	return 0;
}

int ksym_validate(struct ksym_decoder *kt, struct ksym_error *err)
{
	bool fill = kt->rec_off && kt->rec_off_cap >= kt->num_syms;
	struct ksym_sym sym;
	u64 m, addr, prev = 0;
	u32 i, off = 0;
	int ret;

	ksym_clear(err);
	kt->rec_off_valid = false;
	kt->first_valid = false;
	kt->validated = false;
	for (i = 0; i < kt->num_syms; i++) {
		if (!(i & 0xff)) {
			if (!view_get(&kt->arrays.markers, i >> 8,
				      kt->layout.marker_size, kt->layout.big_endian, &m))
				return ksym_fail(err, KSYM_E_MARKERS_SIZE,
						 -EINVAL, i >> 8, i >> 8,
						 markers_needed(kt->num_syms),
						 "marker %u is outside the markers array",
						 i >> 8);
			if (i == 0 && m != 0)
				return ksym_fail(err, KSYM_E_MARKER_ZERO,
						 -EINVAL, 0, m, 0,
						 "markers[0] = %llu, expected 0",
						 (unsigned long long)m);
			if (m != off)
				return ksym_fail(err, KSYM_E_MARKER_OFFSET,
						 -EINVAL, i >> 8, m, off,
						 "markers[%u] = %llu, but record %u starts at %u",
						 i >> 8, (unsigned long long)m,
						 i, off);
		}
		if (fill)
			kt->rec_off[i] = off;
		ret = ksym_decode_at(kt, i, &off, kt->scratch[0], &sym, err);
		if (ret)
			return ret;
		if (kt->layout.mode == KSYM_ADDR_UNKNOWN)
			continue;
		ret = ksym_address(kt, i, &addr, err);
		if (ret)
			return ret;
		if (i && addr < prev)
			return ksym_fail(err, KSYM_E_ADDR_ORDER, -EINVAL, i,
					 addr, prev,
					 "symbol %u (%.40s) at 0x%llx is below symbol %u at 0x%llx",
					 i, sym.name, (unsigned long long)addr,
					 i - 1, (unsigned long long)prev);
		prev = addr;
	}
	kt->rec_off_valid = fill;
	if (kt->layout.seqs_size) {
		ret = validate_seqs(kt, err);
		if (ret) {
			kt->rec_off_valid = false;
			return ret;
		}
	}
	kt->validated = true;
	return 0;
}

static bool mode_applicable(const struct ksym_decoder *kt,
			    enum ksym_addr_mode mode)
{
	if (mode == KSYM_ADDR_RAW32 && kt->layout.ptr_size != 4)
		return false;
	return check_addr_views(kt, mode, NULL) == 0;
}

#define KSYM_NO_INDEX	((u32)~0U)

/*
 * The first index of each of @nr names, in one walk of the records (as
 * kallsyms_lookup_name() without seqs finds one); KSYM_NO_INDEX for a name
 * not there.  0, -ENOENT when one is missing, or the decode error that
 * ended the walk.  Uses @kt->scratch[1].
 */
static int names_walk(struct ksym_decoder *kt, const char *const *names,
		      unsigned int nr, u32 *index, struct ksym_error *err)
{
	u32 qlen[KSYM_MAX_ANCHORS], i, off = 0;
	unsigned int a, left = nr;
	struct ksym_sym sym;
	int ret;

	for (a = 0; a < nr; a++) {
		index[a] = KSYM_NO_INDEX;
		qlen[a] = strlen(names[a]);
	}
	for (i = 0; left && i < kt->num_syms; i++) {
		ret = ksym_decode_at(kt, i, &off, kt->scratch[1], &sym, err);
		if (ret)
			return ret;
		for (a = 0; a < nr; a++)
			if (index[a] == KSYM_NO_INDEX &&
			    sym.name_len == qlen[a] &&
			    !memcmp(sym.name, names[a], qlen[a])) {
				index[a] = i;
				left--;
			}
	}
	return left ? -ENOENT : 0;
}

int ksym_prove_mode(struct ksym_decoder *kt, const struct ksym_anchor *anchors,
		    unsigned int nr_anchors, struct ksym_proof *proof,
		    struct ksym_error *err)
{
	enum ksym_addr_mode mode, found = KSYM_ADDR_UNKNOWN;
	const char *names[KSYM_MAX_ANCHORS];
	unsigned int a;
	u64 addr;
	int ret, pos = 0, len = sizeof(err->msg);

	ksym_clear(err);
	memset(proof, 0, sizeof(*proof));
	if (!nr_anchors || nr_anchors > KSYM_MAX_ANCHORS)
		return ksym_fail(err, KSYM_E_LAYOUT, -EINVAL, 0, nr_anchors,
				 KSYM_MAX_ANCHORS, "%u anchors given, need 1..%u",
				 nr_anchors, KSYM_MAX_ANCHORS);
	kt->layout.mode = KSYM_ADDR_UNKNOWN;
	/* without seqs a lookup is a walk: one walk for all of them */
	for (a = 0; a < nr_anchors; a++)
		names[a] = anchors[a].name;
	ret = kt->layout.seqs_size ? 0 :
	      names_walk(kt, names, nr_anchors, proof->anchor_index, err);
	if (ret && ret != -ENOENT)
		return ret;
	for (a = 0; a < nr_anchors; a++) {
		ret = kt->layout.seqs_size ?
		      ksym_lookup_name(kt, anchors[a].name, NULL,
				       &proof->anchor_index[a], err) :
		      proof->anchor_index[a] == KSYM_NO_INDEX ? -ENOENT : 0;
		if (ret == -ENOENT)
			return ksym_fail(err, KSYM_E_ANCHOR, -ENOENT, a,
					 anchors[a].addr, 0,
					 "anchor \"%.64s\" is not in the table",
					 anchors[a].name);
		if (ret)
			return ret;
	}
	for (mode = KSYM_ADDR_ABSOLUTE; mode < KSYM_ADDR_NR_MODES; mode++) {
		proof->fits[mode] = -1;
		if (!mode_applicable(kt, mode))
			continue;
		kt->layout.mode = mode;
		proof->fits[mode] = 1;
		for (a = 0; a < nr_anchors; a++) {
			addr = 0;
			if (ksym_address(kt, proof->anchor_index[a], &addr,
					 NULL) || addr != anchors[a].addr)
				proof->fits[mode] = 0;
			if (a == 0)
				proof->got[mode] = addr;
		}
		if (proof->fits[mode] == 1) {
			proof->nr_fit++;
			found = mode;
		}
	}
	if (proof->nr_fit == 1) {
		kt->layout.mode = found;
		proof->mode = found;
		return 0;
	}
	kt->layout.mode = KSYM_ADDR_UNKNOWN;
	if (!err)
		return -EINVAL;
	ksym_fail(err, proof->nr_fit ? KSYM_E_MODE_AMBIGUOUS : KSYM_E_MODE_NONE,
		  -EINVAL, proof->anchor_index[0], proof->nr_fit,
		  1, "%u modes reproduce %.32s=0x%llx:", proof->nr_fit,
		  anchors[0].name, (unsigned long long)anchors[0].addr);
	pos = strlen(err->msg);
	for (mode = KSYM_ADDR_ABSOLUTE; mode < KSYM_ADDR_NR_MODES; mode++) {
		if (pos >= len)
			break;
		if (proof->fits[mode] < 0)
			pos += snprintf(err->msg + pos, len - pos, " %s=n/a",
					ksym_mode_name(mode));
		else
			pos += snprintf(err->msg + pos, len - pos,
					" %s=0x%llx", ksym_mode_name(mode),
					(unsigned long long)proof->got[mode]);
	}
	return -EINVAL;
}

/* The first position in seqs whose sort key is not below @key[0..@klen). */
static int seqs_lower_bound(struct ksym_decoder *kt, const char *key, u32 klen,
			    u32 *pos, struct ksym_error *err)
{
	enum ksym_seqs_order ord = kt->layout.seqs_order;
	u32 lo = 0, hi = kt->num_syms;
	struct ksym_sym sym;
	u64 s;
	int ret;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (!read_seq(kt, mid, &s))
			return ksym_fail(err, KSYM_E_SEQS_RANGE, -EINVAL, mid,
					 0, kt->num_syms, "entry %u unreadable", mid);
		ret = ksym_get(kt, (u32)s, kt->scratch[1], &sym, err);
		if (ret)
			return ret;
		if (key_cmp(sym.name, ksym_key_len(sym.name, sym.name_len, ord),
			    key, klen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return 0;
}

int ksym_lookup_name(struct ksym_decoder *kt, const char *name, u64 *addr,
		     u32 *index, struct ksym_error *err)
{
	enum ksym_seqs_order ord = kt->layout.seqs_order;
	u32 qlen = strlen(name), qklen, lo = 0, i;
	struct ksym_sym sym;
	u64 s;
	int ret;

	qklen = ksym_key_len(name, qlen, ord);
	if (!kt->layout.seqs_size) {
		/* no seqs: the first match in address order is the lowest */
		ret = names_walk(kt, &name, 1, &i, err);
		if (ret == -ENOENT)
			goto not_found;
		if (ret)
			return ret;
		goto found;
	}
	ret = seqs_lower_bound(kt, name, qklen, &lo, err);
	if (ret)
		return ret;
	/* equal keys are in index order, so the first exact name is lowest */
	for (; lo < kt->num_syms; lo++) {
		if (!read_seq(kt, lo, &s))
			break;
		ret = ksym_get(kt, (u32)s, kt->scratch[1], &sym, err);
		if (ret)
			return ret;
		if (key_cmp(sym.name, ksym_key_len(sym.name, sym.name_len, ord),
			    name, qklen))
			break;
		if (sym.name_len == qlen && !memcmp(sym.name, name, qlen)) {
			i = (u32)s;
			goto found;
		}
	}
not_found:
	return ksym_fail(err, KSYM_E_NOT_FOUND, -ENOENT, 0, 0, 0,
			 "no symbol named \"%.64s\"", name);
found:
	if (index)
		*index = i;
	if (addr)
		return ksym_address(kt, i, addr, err);
	return 0;
}

int ksym_first_of_keys(struct ksym_decoder *kt, u32 *first,
		       struct ksym_error *err)
{
	struct ksym_sym cur, prev = { 0 };
	u32 j, klen, pklen = 0, run = 0;
	u64 s = 0;
	int ret;

	if (!kt->validated || !kt->layout.seqs_size)
		return ksym_fail(err, KSYM_E_SEQS_SIZE, -EINVAL, 0,
				 kt->layout.seqs_size, 0,
				 "first of keys: needs a validated table with seqs");
	for (j = 0; j < kt->num_syms; j++) {
		ret = seq_entry(kt, j, &s, &cur, &klen, err);
		if (ret)
			return ret;
		if (!j || key_cmp(prev.name, pklen, cur.name, klen))
			run = (u32)s;
		first[s] = run;
		prev = cur;
		pklen = klen;
	}
	return 0;
}

int ksym_lookup_key(struct ksym_decoder *kt, const char *name, u64 *addr,
		    u32 *index, struct ksym_error *err)
{
	enum ksym_seqs_order ord = kt->layout.seqs_order;
	u32 qlen = strlen(name), lo, i;
	struct ksym_sym sym;
	u64 s;
	int ret;

	if (!kt->layout.seqs_size || ord == KSYM_SEQS_EXACT)
		return ksym_lookup_name(kt, name, addr, index, err);
	/* the whole query against the keys */
	ret = seqs_lower_bound(kt, name, qlen, &lo, err);
	if (ret)
		return ret;
	/* the first of equal keys is the lowest index */
	if (lo < kt->num_syms && read_seq(kt, lo, &s)) {
		ret = ksym_get(kt, (u32)s, kt->scratch[1], &sym, err);
		if (ret)
			return ret;
		if (!key_cmp(sym.name, ksym_key_len(sym.name, sym.name_len, ord),
			     name, qlen)) {
			i = (u32)s;
			if (index)
				*index = i;
			return addr ? ksym_address(kt, i, addr, err) : 0;
		}
	}
	return ksym_fail(err, KSYM_E_NOT_FOUND, -ENOENT, 0, 0, 0,
			 "no symbol whose key is \"%.64s\"", name);
}

int ksym_size_after(struct ksym_decoder *kt, u32 i, u64 base, u64 *size,
		    struct ksym_error *err)
{
	u64 a, next = kt->end_addr;
	int ret;

	for (i++; i < kt->num_syms; i++) {
		ret = ksym_address(kt, i, &a, err);
		if (ret)
			return ret;
		if (a > base) {
			next = a;
			break;
		}
	}
	*size = next > base ? next - base : 0;
	return 0;
}

int ksym_lookup_addr(struct ksym_decoder *kt, u64 addr, u32 *index,
		     u64 *offset, u64 *size, struct ksym_error *err)
{
	u32 lo = 0, hi = kt->num_syms;
	u64 a, base, sz;
	int ret;

	ret = ksym_address(kt, 0, &a, err);
	if (ret)
		return ret;
	/* above the last symbol is the caller's call: see end_addr */
	if (addr < a)
		return ksym_fail(err, KSYM_E_NOT_FOUND, -ENOENT, 0, addr, a,
				 "address 0x%llx is below the first symbol",
				 (unsigned long long)addr);
	/* the last index whose address is <= addr */
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		ret = ksym_address(kt, mid, &a, err);
		if (ret)
			return ret;
		if (a <= addr)
			lo = mid;
		else
			hi = mid;
	}
	ret = ksym_address(kt, lo, &base, err);
	if (ret)
		return ret;
	/* back to the first alias, the one kallsyms_lookup() names */
	while (lo > 0) {
		ret = ksym_address(kt, lo - 1, &a, err);
		if (ret)
			return ret;
		if (a != base)
			break;
		lo--;
	}
	ret = ksym_size_after(kt, lo, base, &sz, err);
	if (ret)
		return ret;
	if (index)
		*index = lo;
	if (offset)
		*offset = addr - base;
	if (size)
		*size = sz;
	return 0;
}

int ksym_stats(struct ksym_decoder *kt, struct ksym_stats *st,
	       struct ksym_error *err)
{
	const struct ksym_arrays *t = &kt->arrays;
	struct ksym_sym sym;
	u32 i, k, off = 0;
	int ret;

	ksym_clear(err);
	memset(st, 0, sizeof(*st));
	st->num_syms = kt->num_syms;
	st->bytes_names = t->names.size;
	st->bytes_markers = (size_t)markers_needed(kt->num_syms) * kt->layout.marker_size;
	st->bytes_token_table = t->token_table.size;
	st->bytes_token_index = t->token_index.size;
	st->bytes_addrs = kt->layout.mode == KSYM_ADDR_ABSOLUTE ?
			  (size_t)kt->num_syms * kt->layout.ptr_size : (size_t)kt->num_syms * 4;
	st->bytes_seqs = (size_t)kt->num_syms * kt->layout.seqs_size;
	for (i = 0; i < KSYM_NR_TOKENS; i++)
		if (kt->tok_len[i])
			st->tokens_nonempty++;
	for (i = 0; i < kt->num_syms; i++) {
		ret = ksym_decode_at(kt, i, &off, kt->scratch[0], &sym, err);
		if (ret)
			return ret;
		st->comp_bytes += sym.comp_len;
		st->prefix_bytes += sym.comp_len > 0x7f &&
				    kt->layout.len_enc == KSYM_LEN_ULEB2 ? 2 : 1;
		st->big_records += sym.comp_len > 0x7f &&
				   kt->layout.len_enc == KSYM_LEN_ULEB2;
		st->plain_bytes += sym.name_len + 1;
		if (sym.comp_len > st->max_record)
			st->max_record = sym.comp_len;
		if (sym.name_len + 1U > st->max_name)
			st->max_name = sym.name_len + 1U;
		/* the record's token bytes end where the next record starts */
		for (k = off - sym.comp_len; k < off; k++)
			st->token_uses[t->names.data[k]]++;
	}
	for (i = 0; i < KSYM_NR_TOKENS; i++)
		if (st->token_uses[i])
			st->tokens_used++;
	return 0;
}
