/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An independent decoder for the kernel's kallsyms tables.
 *
 * The decoder is a pure function of byte buffers: it never allocates, never
 * does I/O and never reads outside the views it is given.  Every failure is
 * reported as a negative errno plus a struct ksym_error that names the check
 * (a stable string such as "markers.offset"), the symbol index and the values
 * seen.  Documentation/kallsyms-format.md describes the layouts.
 */
#ifndef KSYM_DECODER_H
#define KSYM_DECODER_H

#include "ksym_compat.h"

/* Longest decoded record (type letter + name), KSYM_NAME_LEN since 6.1. */
#define KSYM_NAME_MAX		512
#define KSYM_MAX_ANCHORS	4

/* How kallsyms_sym_address(i) is computed. */
enum ksym_addr_mode {
	KSYM_ADDR_UNKNOWN = 0,
	KSYM_ADDR_ABSOLUTE,	/* kallsyms_addresses[i], pointer sized */
	KSYM_ADDR_BASE_RELATIVE,/* relative_base + (u32)offsets[i] */
	KSYM_ADDR_ABS_PERCPU,	/* >= 0: value; < 0: relative_base - 1 - value */
	KSYM_ADDR_PC_RELATIVE,	/* &offsets[i] + (s32)offsets[i] (7.0+) */
	KSYM_ADDR_RAW32,	/* (u32)offsets[i] (7.0+, 32-bit, !RELOCATABLE) */
	KSYM_ADDR_NR_MODES
};

/* How the length of a kallsyms_names record is stored. */
enum ksym_len_enc {
	KSYM_LEN_1BYTE = 0,	/* one byte (<= 6.0) */
	KSYM_LEN_ULEB2,		/* 1- or 2-byte ULEB128 (6.1+, 73bbb94466fd) */
};

/* The name key kallsyms_seqs_of_names is sorted by. */
enum ksym_seqs_order {
	KSYM_SEQS_EXACT = 0,	/* strcmp of the name (6.11+, and no LTO) */
	KSYM_SEQS_STRIP_LLVM,	/* name cut at ".llvm." (LTO_CLANG 6.5-6.10) */
	KSYM_SEQS_STRIP_DOT,	/* name cut at the first '.' (LTO 6.2-6.4) */
};

/**
 * enum ksym_array - the kallsyms arrays, one vocabulary for every file
 * @KSYM_A_NUM_SYMS: kallsyms_num_syms
 * @KSYM_A_NAMES: kallsyms_names
 * @KSYM_A_MARKERS: kallsyms_markers
 * @KSYM_A_TOKEN_TABLE: kallsyms_token_table
 * @KSYM_A_TOKEN_INDEX: kallsyms_token_index
 * @KSYM_A_OFFSETS: kallsyms_offsets
 * @KSYM_A_ADDRESSES: kallsyms_addresses
 * @KSYM_A_RELATIVE_BASE: kallsyms_relative_base
 * @KSYM_A_SEQS: kallsyms_seqs_of_names
 * @KSYM_NR_ARRAYS: how many
 *
 * The decoder, the landmark scan, the module's locate paths and ksymdump
 * all index their per-array data with this enum; ksym_array_name() gives
 * the kernel's symbol name of each.
 */
enum ksym_array {
	KSYM_A_NUM_SYMS,
	KSYM_A_NAMES,
	KSYM_A_MARKERS,
	KSYM_A_TOKEN_TABLE,
	KSYM_A_TOKEN_INDEX,
	KSYM_A_OFFSETS,
	KSYM_A_ADDRESSES,
	KSYM_A_RELATIVE_BASE,
	KSYM_A_SEQS,
	KSYM_NR_ARRAYS
};

/* kallsyms_token_index: one u16 offset for each of the 256 tokens */
#define KSYM_NR_TOKENS		256
#define KSYM_TOKEN_INDEX_SIZE	(KSYM_NR_TOKENS * 2)

/* A view of one array: bytes, their length and their virtual address. */
struct ksym_view {
	const u8 *data;
	size_t size;
	u64 va;
};

/**
 * struct ksym_arrays - the raw arrays, by name or by enum ksym_array
 * @v: the views, indexed by enum ksym_array
 * @num_syms: @v[KSYM_A_NUM_SYMS]
 * @names: @v[KSYM_A_NAMES]
 * @markers: @v[KSYM_A_MARKERS]
 * @token_table: @v[KSYM_A_TOKEN_TABLE]
 * @token_index: @v[KSYM_A_TOKEN_INDEX]
 * @offsets: @v[KSYM_A_OFFSETS]
 * @addresses: @v[KSYM_A_ADDRESSES]
 * @relative_base: @v[KSYM_A_RELATIVE_BASE]
 * @seqs: @v[KSYM_A_SEQS]
 *
 * The named members alias @v (decoder.c asserts the offsets).  Views that
 * a layout does not have stay empty.
 */
struct ksym_arrays {
	union {
		struct ksym_view v[KSYM_NR_ARRAYS];
		struct {
			struct ksym_view num_syms;
			struct ksym_view names;
			struct ksym_view markers;
			struct ksym_view token_table;
			struct ksym_view token_index;
			struct ksym_view offsets;
			struct ksym_view addresses;
			struct ksym_view relative_base;
			struct ksym_view seqs;
		};
	};
};

/**
 * ksym_get_uint() - read an unsigned integer of @size bytes (at most 8)
 * @p: the bytes
 * @size: 1 to 8
 * @big_endian: the table's byte order
 *
 * The one byte-order reader of the decoder, the scan and ksymdump.
 *
 * Return: the value.
 */
static inline u64 ksym_get_uint(const u8 *p, unsigned int size,
				bool big_endian)
{
	u64 v = 0;
	unsigned int i;

	/* offsets and markers: one load where the compiler can make it one */
	if (size == 4)
		return big_endian ?
		       (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3] :
		       (u32)p[3] << 24 | (u32)p[2] << 16 | (u32)p[1] << 8 | p[0];
	for (i = 0; i < size; i++)
		v = (v << 8) | p[big_endian ? i : size - 1 - i];
	return v;
}

struct ksym_layout {
	enum ksym_addr_mode mode;	/* KSYM_ADDR_UNKNOWN: prove it */
	u8 ptr_size;			/* 4 or 8 */
	bool big_endian;
	u8 marker_size;		/* 4 (>= 4.20), or ptr_size; also num_syms */
	enum ksym_len_enc len_enc;
	u8 seqs_size;			/* 0 (none, < 6.2), 3, or 4 (6.1.42-59) */
	enum ksym_seqs_order seqs_order;
	u16 name_len;			/* KSYM_NAME_LEN: 128 (<= 6.0) or 512 */
};

enum ksym_err_code {
	KSYM_OK = 0,
	KSYM_E_LAYOUT,		/* layout.param */
	KSYM_E_VIEW,		/* tables.view */
	KSYM_E_NUM_SYMS,	/* num_syms.range */
	KSYM_E_TOKEN_INDEX,	/* token_index.bounds */
	KSYM_E_TOKEN_NUL,	/* token_table.nul */
	KSYM_E_MARKERS_SIZE,	/* markers.size */
	KSYM_E_MARKER_ZERO,	/* markers.zero */
	KSYM_E_MARKER_OFFSET,	/* markers.offset */
	KSYM_E_LEN_ZERO,	/* names.len_zero */
	KSYM_E_LEN_FORM,	/* names.len_form */
	KSYM_E_LEN_3BYTE,	/* names.len_3byte */
	KSYM_E_NAMES_BOUNDS,	/* names.bounds */
	KSYM_E_NAME_TOO_LONG,	/* names.too_long */
	KSYM_E_TYPE,		/* names.type */
	KSYM_E_ADDR_SIZE,	/* addr.size */
	KSYM_E_ADDR_ORDER,	/* addr.nondecreasing */
	KSYM_E_SEQS_SIZE,	/* seqs.size */
	KSYM_E_SEQS_RANGE,	/* seqs.range */
	KSYM_E_SEQS_ORDER,	/* seqs.order */
	KSYM_E_INDEX,		/* lookup.index */
	KSYM_E_ANCHOR,		/* mode.anchor_missing */
	KSYM_E_MODE_NONE,	/* mode.none */
	KSYM_E_MODE_AMBIGUOUS,	/* mode.ambiguous */
	KSYM_E_NOT_FOUND,	/* lookup.not_found */
	KSYM_E_NR_CODES
};

/**
 * ksym_rec_prefix() - read the length prefix of one kallsyms_names record
 * @p: the first prefix byte
 * @avail: bytes readable at @p (the record's own bytes included)
 * @enc: the layout's length encoding
 * @len: the record's length in token bytes, on success
 *
 * The one reader of the prefix for the decoder, the scan and the module's
 * walk of unproven memory.
 *
 * Return: the prefix size (1 or 2), or a negated enum ksym_err_code:
 * -KSYM_E_NAMES_BOUNDS when the prefix or the record runs past @avail,
 * -KSYM_E_LEN_3BYTE, -KSYM_E_LEN_FORM (a 2-byte length that fits one
 * byte), -KSYM_E_LEN_ZERO.
 */
static inline int ksym_rec_prefix(const u8 *p, size_t avail,
				  enum ksym_len_enc enc, u32 *len)
{
	unsigned int hdr = 1;

	if (!avail)
		return -KSYM_E_NAMES_BOUNDS;
	*len = p[0];
	if (enc == KSYM_LEN_ULEB2 && (p[0] & 0x80)) {
		if (avail < 2)
			return -KSYM_E_NAMES_BOUNDS;
		if (p[1] & 0x80)
			return -KSYM_E_LEN_3BYTE;
		*len = (p[0] & 0x7f) | ((u32)p[1] << 7);
		hdr = 2;
		if (*len <= 0x7f)
			return -KSYM_E_LEN_FORM;
	}
	if (!*len)
		return -KSYM_E_LEN_ZERO;
	if (*len > avail - hdr)
		return -KSYM_E_NAMES_BOUNDS;
	return hdr;
}

struct ksym_error {
	enum ksym_err_code code;
	const char *check;	/* stable check name, "" when code is KSYM_OK */
	u32 index;		/* symbol (or token, marker) index */
	u64 seen;
	u64 expected;
	char msg[224];
};

/* A decoded symbol.  @name points into the caller's buffer. */
struct ksym_sym {
	u32 index;
	char type;
	const char *name;	/* without the type letter, NUL-terminated */
	u16 name_len;
	u16 comp_len;		/* compressed bytes, length prefix excluded */
	u32 rec_off;		/* byte offset of the record in names */
	u64 addr;
};

/**
 * struct ksym_decoder - one decoder instance over one set of arrays
 * @arrays: the views, as given to ksym_open()
 * @layout: the layout; ksym_prove_mode() sets @layout.mode
 * @num_syms: kallsyms_num_syms, checked against the views
 * @relative_base: kallsyms_relative_base, where the layout has it
 * @end_addr: end of the last symbol (its size), 0 if unknown
 * @rec_off: optional, set by the caller: @rec_off_cap entries that
 *	ksym_validate() fills with each record's offset, making random access
 *	O(1) afterwards
 * @rec_off_cap: entries in @rec_off
 * @rec_off_valid: @rec_off holds every record's offset
 * @first: optional, set by the caller: @first_cap entries that
 *	ksym_validate()'s seqs walk fills as ksym_first_of_keys() does, for
 *	no second walk
 * @first_cap: entries in @first
 * @first_valid: @first holds every symbol's answer
 * @validated: ksym_validate() passed
 * @tok_off: each token's offset in the token table
 * @tok_len: each token's length
 * @tok8: each token's first 8 bytes, NUL padded: one 8-byte copy a token
 * @scratch: two name buffers: [0] for the caller, [1] for the lookups
 *
 * The caller owns the memory (about 4.3 KiB; do not put it on a kernel
 * stack).
 */
struct ksym_decoder {
	struct ksym_arrays arrays;
	struct ksym_layout layout;
	u32 num_syms;
	u64 relative_base;
	u64 end_addr;
	u32 *rec_off;
	u32 rec_off_cap;
	bool rec_off_valid;
	u32 *first;
	u32 first_cap;
	bool first_valid;
	bool validated;
	u16 tok_off[KSYM_NR_TOKENS];
	u16 tok_len[KSYM_NR_TOKENS];
	u8 tok8[KSYM_NR_TOKENS][8];
	char scratch[2][KSYM_NAME_MAX + 1];
};

/* An address the caller knows, e.g. _text or _stext from elsewhere. */
struct ksym_anchor {
	const char *name;
	u64 addr;
};

/* How ksym_prove_mode() decided. */
struct ksym_proof {
	enum ksym_addr_mode mode;
	u32 anchor_index[KSYM_MAX_ANCHORS];	/* symbol index of each anchor */
	/* per mode: 1 fits, 0 tried and failed, -1 not applicable */
	int fits[KSYM_ADDR_NR_MODES];
	u64 got[KSYM_ADDR_NR_MODES];	/* first anchor's address per mode */
	unsigned int nr_fit;
};

struct ksym_stats {
	u32 num_syms;
	size_t bytes_names, bytes_markers, bytes_token_table,
	       bytes_token_index, bytes_addrs, bytes_seqs;
	u64 comp_bytes;		/* token bytes in all records */
	u64 prefix_bytes;	/* length-prefix bytes */
	u64 plain_bytes;	/* decoded chars, type letters included */
	u32 big_records;	/* records with a 2-byte length */
	u32 max_record;		/* longest record, in token bytes */
	u32 max_name;		/* longest name, type letter included */
	u32 tokens_nonempty;
	u32 tokens_used;
	u32 token_uses[KSYM_NR_TOKENS];
};

/*
 * Every function that takes a struct ksym_error accepts NULL there.  On
 * failure it returns a negative errno (-EINVAL for a table that breaks a
 * rule, -ENOENT for a lookup that finds nothing) and, when @err is given,
 * fills it: code, stable check name, index, values seen and expected, and
 * a message that starts with the check name.
 */

/* Stable names: "base-relative", "markers.offset", "kallsyms_names". */
const char *ksym_mode_name(enum ksym_addr_mode mode);
const char *ksym_check_name(enum ksym_err_code code);
const char *ksym_array_name(enum ksym_array a);

/* Memory at @va for @size bytes, or NULL where the caller has none. */
typedef const u8 *(*ksym_at_fn)(void *ctx, u64 va, size_t size);

/**
 * ksym_views_at() - views for arrays whose addresses are known
 * @t: filled; a view stays empty where @va is 0 or @at has no memory
 * @va: each array's address (a scan hit, ELF symbols, ...)
 * @n: kallsyms_num_syms
 * @ptr_size: 4 or 8
 * @at: maps an address range to the caller's bytes
 * @ctx: passed to @at
 *
 * names runs up to the markers, the token table up to the token index;
 * the other sizes follow from @n and @ptr_size (seqs as 3-byte entries).
 */
void ksym_views_at(struct ksym_arrays *t, const u64 va[KSYM_NR_ARRAYS],
		   u32 n, unsigned int ptr_size, ksym_at_fn at, void *ctx);

/**
 * ksym_open() - set up a decoder over @t with layout @l
 * @kt: the instance to fill (the caller owns it; @kt->rec_off,
 *	@kt->rec_off_cap, @kt->first and @kt->first_cap may be set beforehand)
 * @t: the views; they must outlive @kt
 * @l: the layout; %KSYM_ADDR_UNKNOWN as the mode means "prove it"
 * @err: the failure, or NULL
 *
 * Cheap checks only: the layout's parameters, num_syms against the views'
 * sizes, the token index and table, the sizes of the address arrays.  No
 * record is walked.
 *
 * Return: 0, or a negative errno with @err filled.
 */
int ksym_open(struct ksym_decoder *kt, const struct ksym_arrays *t,
	      const struct ksym_layout *l, struct ksym_error *err);

/**
 * ksym_validate() - check every structural invariant of the table
 * @kt: an open decoder
 * @err: the first failure, or NULL
 *
 * One walk of every record: length prefixes, bounds, markers, name length,
 * type letter, address order (when the mode is known), and seqs_of_names
 * (in range, and strictly increasing by (name, index): a permutation in
 * name order).  Fills @kt->rec_off, and with seqs @kt->first, when the
 * caller gave them.
 *
 * Return: 0, or a negative errno with @err filled.
 */
int ksym_validate(struct ksym_decoder *kt, struct ksym_error *err);

/**
 * ksym_decode_at() - decode the record at byte offset *@off
 * @kt: an open decoder
 * @index: the record's symbol index (for its address and for errors)
 * @off: in: the record's offset in names; out: the next record's
 * @buf: at least %KSYM_NAME_MAX + 1 bytes for the name
 * @sym: the symbol; @sym->name points into @buf
 * @err: the failure, or NULL
 *
 * Sequential access: start at 0 and call it for index 0, 1, 2, ...
 *
 * Return: 0, or a negative errno with @err filled.
 */
int ksym_decode_at(struct ksym_decoder *kt, u32 index, u32 *off,
		   char *buf, struct ksym_sym *sym, struct ksym_error *err);

/**
 * ksym_get() - decode symbol @index by random access
 * @kt: an open decoder
 * @index: below @kt->num_syms
 * @buf: at least %KSYM_NAME_MAX + 1 bytes for the name
 * @sym: the symbol; @sym->name points into @buf
 * @err: the failure, or NULL
 *
 * Through the record offsets when ksym_validate() filled them, else from
 * the marker before @index.
 *
 * Return: 0, or a negative errno with @err filled.
 */
int ksym_get(struct ksym_decoder *kt, u32 index, char *buf,
	     struct ksym_sym *sym, struct ksym_error *err);

/**
 * ksym_address() - the address of symbol @index under the layout's mode
 * @kt: an open decoder whose mode is known
 * @index: below @kt->num_syms
 * @addr: the address
 * @err: the failure, or NULL
 *
 * Return: 0, or a negative errno with @err filled.
 */
int ksym_address(const struct ksym_decoder *kt, u32 index, u64 *addr,
		 struct ksym_error *err);

/**
 * ksym_address_moves() - whether relocating the kernel moves an address
 * @kt: an open decoder whose mode is known
 * @index: below @kt->num_syms
 *
 * A KASLR kernel shifts every address it prints by its offset, except the
 * per-CPU values that the absolute-per-CPU mode (x86_64 up to 6.14) keeps
 * as non-negative offsets: /proc/kallsyms prints those unmoved.
 *
 * Return: false for such an absolute entry (and for an index outside the
 * table), true otherwise.
 */
bool ksym_address_moves(const struct ksym_decoder *kt, u32 index);

/**
 * ksym_prove_mode() - find the address mode by proof
 * @kt: an open decoder
 * @anchors: addresses known from outside the table (up to
 *	%KSYM_MAX_ANCHORS), each looked up by name in the table
 * @nr_anchors: entries in @anchors
 * @proof: how each mode fared
 * @err: the failure, or NULL; with no fit or several, its message lists
 *	every mode's value for the first anchor
 *
 * Keeps the one mode under which every anchor's symbol decodes to its
 * known address, and sets @kt->layout.mode to it.
 *
 * Return: 0, or a negative errno with @err filled (mode.none,
 * mode.ambiguous, mode.anchor_missing).
 */
int ksym_prove_mode(struct ksym_decoder *kt, const struct ksym_anchor *anchors,
		    unsigned int nr_anchors, struct ksym_proof *proof,
		    struct ksym_error *err);

/**
 * ksym_lookup_name() - the lowest address among the symbols named @name
 * @kt: an open decoder (the binary search trusts seqs_of_names only as
 *	far as ksym_validate() proved it)
 * @name: the name, without the type letter
 * @addr: the address, or NULL
 * @index: the symbol index, or NULL
 * @err: the failure, or NULL
 *
 * As kallsyms_lookup_name() answers: a binary search over seqs_of_names,
 * or a linear scan when the table has none.  Uses @kt->scratch[1].
 *
 * Return: 0, -ENOENT (lookup.not_found), or another negative errno.
 */
int ksym_lookup_name(struct ksym_decoder *kt, const char *name, u64 *addr,
		     u32 *index, struct ksym_error *err);

/**
 * ksym_lookup_key() - the lowest address among the symbols whose sort key
 *	is @name
 * @kt: an open decoder
 * @name: the name, compared whole
 * @addr: the address, or NULL
 * @index: the symbol index, or NULL
 * @err: the failure, or NULL
 *
 * As an LTO_CLANG kernel of 6.2-6.10 answers kallsyms_lookup_name(): the
 * table's names are compared without their suffix (the seqs sort key), the
 * query as given, so "foo" finds "foo.llvm.123" and "foo.llvm.123" finds
 * nothing.  With names sorted whole it is ksym_lookup_name().
 *
 * Return: 0, -ENOENT (lookup.not_found), or another negative errno.
 */
int ksym_lookup_key(struct ksym_decoder *kt, const char *name, u64 *addr,
		    u32 *index, struct ksym_error *err);

/**
 * ksym_first_of_keys() - for every symbol, the lowest index with its sort key
 * @kt: a validated decoder with seqs (the table's, or one the caller built
 *	in (name, index) order)
 * @first: @kt->num_syms entries, filled: @first[i] is the lowest index
 *	whose sort key equals symbol i's (its whole name, unless the table
 *	is sorted by names cut at an LTO suffix)
 * @err: the failure, or NULL
 *
 * One pass in seqs order: equal keys sit together in index order, so the
 * first of each run is the answer.  This is what ksym_lookup_name() (or,
 * on a table sorted by cut names, ksym_lookup_key()) gives for every
 * symbol's own name, for the price of one lookup instead of n.  Uses both
 * of @kt->scratch.
 *
 * Return: 0, or a negative errno with @err filled.
 */
int ksym_first_of_keys(struct ksym_decoder *kt, u32 *first,
		       struct ksym_error *err);

/**
 * ksym_key_len() - the length of the part of @name the seqs sort on
 * @name: a decoded name
 * @len: its length
 * @order: how the table is sorted
 *
 * Return: @len, or where the LTO suffix starts under @order.
 */
u32 ksym_key_len(const char *name, u32 len, enum ksym_seqs_order order);

/**
 * ksym_size_after() - the size kallsyms gives symbol @i
 * @kt: an open decoder whose mode is known, in address order
 * @i: the first symbol at its address
 * @base: that address
 * @size: up to the next higher symbol address; 0 for the last one (its
 *	end is not in the table)
 * @err: the failure, or NULL
 *
 * Return: 0, or the negative errno of an address that does not decode.
 */
int ksym_size_after(struct ksym_decoder *kt, u32 i, u64 base, u64 *size,
		    struct ksym_error *err);

/**
 * ksym_lookup_addr() - the symbol that holds @addr
 * @kt: an open decoder whose mode is known
 * @addr: any address
 * @index: the first alias at the highest symbol address at or below @addr
 * @offset: @addr minus that symbol's address
 * @size: up to the next higher symbol address; 0 for the last one (its
 *	end is not in the table)
 * @err: the failure, or NULL
 *
 * As kallsyms_lookup() answers for addresses inside the kernel.
 *
 * Return: 0, -ENOENT below the first symbol, or another negative errno.
 */
int ksym_lookup_addr(struct ksym_decoder *kt, u64 addr, u32 *index,
		     u64 *offset, u64 *size, struct ksym_error *err);

/**
 * ksym_stats() - counts, bytes per array, compression and token use
 * @kt: an open decoder
 * @st: filled
 * @err: the failure, or NULL
 *
 * Return: 0, or a negative errno with @err filled.
 */
int ksym_stats(struct ksym_decoder *kt, struct ksym_stats *st,
	       struct ksym_error *err);

#endif /* KSYM_DECODER_H */
