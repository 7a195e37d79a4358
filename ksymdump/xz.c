// SPDX-License-Identifier: GPL-2.0
/*
 * .xz with the output as its own dictionary.  liblzma decodes into a
 * window the size of the stream's dictionary (the kernel's: 32 MiB) and
 * copies out of it, so that the peak is the output and the window.  Here
 * every byte a match can reach is already in the output buffer, and the
 * decoder needs that buffer and 28 KiB of model: the peak is the kernel.
 *
 * Written from the .xz file format specification (1.1.0) and the LZMA
 * specification of the LZMA SDK.  Only what kernels are packed with is
 * decoded: one stream of blocks whose filters are LZMA2 with at most an
 * x86 or ARM branch filter before it (scripts/xz_wrap.sh), checked by
 * CRC32 (the kernel's) or CRC64 (xz's default).  Everything else, and
 * every stream this code finds corrupt, is left to liblzma
 * (-EOPNOTSUPP, -EINVAL), which is then the judge; a block's output is
 * only kept once its check matches, so an error here can cost time,
 * never a wrong kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lzma.h>	/* lzma_crc32(), lzma_crc64() */

#include "unpack.h"

/* ---- the range decoder ---- */

#define RC_TOP		0x1000000U	/* normalize below 2^24 */
#define PROB_BITS	11
#define PROB_ONE	2048U		/* probability 1 in PROB_BITS bits */
#define PROB_MOVE	5

struct rc {
	const u8 *in, *end;	/* the next byte and the end of the chunk */
	u32 range, code;
	u32 over;		/* bytes wanted past the end */
};

static inline void rc_normalize(struct rc *rc)
{
	if (rc->range >= RC_TOP)
		return;
	rc->range <<= 8;
	rc->code <<= 8;
	if (rc->in < rc->end)
		rc->code |= *rc->in++;
	else
		rc->over++;
}

static inline u32 rc_bit(struct rc *rc, u16 *p)
{
	u32 bound;

	rc_normalize(rc);
	bound = (rc->range >> PROB_BITS) * *p;
	if (rc->code < bound) {
		rc->range = bound;
		*p += (PROB_ONE - *p) >> PROB_MOVE;
		return 0;
	}
	rc->range -= bound;
	rc->code -= bound;
	*p -= *p >> PROB_MOVE;
	return 1;
}

/* A symbol of @bits bits, most significant first: probs[1 .. 2^bits - 1]. */
static inline u32 rc_tree(struct rc *rc, u16 *probs, u32 bits)
{
	u32 m = 1, i;

	for (i = 0; i < bits; i++)
		m = (m << 1) | rc_bit(rc, &probs[m]);
	return m - (1U << bits);
}

/* The same, least significant bit first. */
static inline u32 rc_tree_rev(struct rc *rc, u16 *probs, u32 bits)
{
	u32 m = 1, sym = 0, i, b;

	for (i = 0; i < bits; i++) {
		b = rc_bit(rc, &probs[m]);
		m = (m << 1) | b;
		sym |= b << i;
	}
	return sym;
}

/* Bits of probability one half, most significant first. */
static inline u32 rc_direct(struct rc *rc, u32 bits)
{
	u32 v = 0;

	while (bits--) {
		rc_normalize(rc);
		rc->range >>= 1;
		v <<= 1;
		if (rc->code >= rc->range) {
			rc->code -= rc->range;
			v |= 1;
		}
	}
	return v;
}

/* ---- LZMA ---- */

#define LZMA_STATES		12
#define LZMA_LIT_STATES		7	/* states after a literal */
#define POS_STATES_MAX		16	/* pb <= 4 */
#define DIST_STATES		4
#define DIST_SLOT_BITS		6
#define DIST_MODEL_END		14
#define FULL_DISTANCES		128
#define ALIGN_BITS		4
#define MATCH_LEN_MIN		2
#define LIT_CODER		0x300
#define LC_LP_MAX		4	/* LZMA2's lc + lp */

struct len_coder {
	u16 choice, choice2;
	u16 low[POS_STATES_MAX][1 << 3];
	u16 mid[POS_STATES_MAX][1 << 3];
	u16 high[1 << 8];
};

/* Only probabilities: a state reset sets every one of them to a half. */
struct lzma_probs {
	u16 is_match[LZMA_STATES][POS_STATES_MAX];
	u16 is_rep[LZMA_STATES], is_rep0[LZMA_STATES];
	u16 is_rep1[LZMA_STATES], is_rep2[LZMA_STATES];
	u16 is_rep0_long[LZMA_STATES][POS_STATES_MAX];
	u16 dist_slot[DIST_STATES][1 << DIST_SLOT_BITS];
	/* slots 4..13: reverse trees at (base - slot), indices from 1 */
	u16 dist_special[FULL_DISTANCES - DIST_MODEL_END + 1];
	u16 dist_align[1 << ALIGN_BITS];
	struct len_coder match_len, rep_len;
	u16 literal[LIT_CODER << LC_LP_MAX];
};

struct lzma {
	u32 lc, lp_mask, pb_mask;
	u32 state, rep[4];
	struct lzma_probs p;
};

static void lzma_reset(struct lzma *s)
{
	u16 *p = (u16 *)&s->p;
	size_t i;

	for (i = 0; i < sizeof(s->p) / sizeof(u16); i++)
		p[i] = PROB_ONE / 2;
	s->state = 0;
	memset(s->rep, 0, sizeof(s->rep));
}

/* lc, lp, pb from LZMA2's properties byte: (pb * 5 + lp) * 9 + lc. */
static int lzma_props(struct lzma *s, u8 b)
{
	u32 lc = b % 9, lp = b / 9 % 5, pb = b / 45;

	if (pb > 4 || lc + lp > LC_LP_MAX)
		return -EINVAL;
	s->lc = lc;
	s->lp_mask = (1U << lp) - 1;
	s->pb_mask = (1U << pb) - 1;
	return 0;
}

static inline u32 len_decode(struct rc *rc, struct len_coder *c, u32 ps)
{
	if (!rc_bit(rc, &c->choice))
		return rc_tree(rc, c->low[ps], 3);
	if (!rc_bit(rc, &c->choice2))
		return 8 + rc_tree(rc, c->mid[ps], 3);
	return 16 + rc_tree(rc, c->high, 8);
}

/* The distance - 1 of a match of (length - 2) @len. */
static inline u32 dist_decode(struct rc *rc, struct lzma_probs *p, u32 len)
{
	u32 slot, bits, d;

	slot = rc_tree(rc, p->dist_slot[len < DIST_STATES ? len : DIST_STATES - 1],
		       DIST_SLOT_BITS);
	if (slot < 4)
		return slot;
	bits = (slot >> 1) - 1;
	d = (2 | (slot & 1)) << bits;
	if (slot < DIST_MODEL_END)
		return d + rc_tree_rev(rc, p->dist_special + d - slot, bits);
	d += rc_direct(rc, bits - ALIGN_BITS) << ALIGN_BITS;
	return d + rc_tree_rev(rc, p->dist_align, ALIGN_BITS);
}

/*
 * Decode symbols into @buf from *@pos until @end, the end of the chunk.
 * @dict is where the dictionary begins (its last reset): no match
 * reaches before it, and positions count from it.
 */
static int lzma_chunk(struct lzma *s, struct rc *rc, u8 *buf, size_t *pos,
		      size_t end, size_t dict, u32 dict_size)
{
	struct lzma_probs *p = &s->p;
	u32 state = s->state, rep0 = s->rep[0], rep1 = s->rep[1];
	u32 rep2 = s->rep[2], rep3 = s->rep[3];
	u32 ps, len, sym, d, mb, mbit, b;
	size_t at = *pos, src;
	u16 *lit;

	while (at < end) {
		ps = (u32)(at - dict) & s->pb_mask;
		if (!rc_bit(rc, &p->is_match[state][ps])) {
			u32 prev = at > dict ? buf[at - 1] : 0;

			lit = p->literal + LIT_CODER *
			      (((((u32)(at - dict)) & s->lp_mask) << s->lc) +
			       (prev >> (8 - s->lc)));
			sym = 1;
			if (state >= LZMA_LIT_STATES) {
				/* after a match: the byte it would go on with */
				mb = buf[at - rep0 - 1];
				do {
					mbit = (mb >> 7) & 1;
					mb <<= 1;
					b = rc_bit(rc, &lit[((1 + mbit) << 8) + sym]);
					sym = (sym << 1) | b;
				} while (b == mbit && sym < 0x100);
			}
			while (sym < 0x100)
				sym = (sym << 1) | rc_bit(rc, &lit[sym]);
			buf[at++] = (u8)sym;
			state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
			continue;
		}
		if (rc_bit(rc, &p->is_rep[state])) {
			if (!rc_bit(rc, &p->is_rep0[state])) {
				if (!rc_bit(rc, &p->is_rep0_long[state][ps])) {
					/* one byte from the last distance */
					if (rep0 >= at - dict)
						return -EINVAL;
					state = state < LZMA_LIT_STATES ? 9 : 11;
					buf[at] = buf[at - rep0 - 1];
					at++;
					continue;
				}
			} else {
				if (!rc_bit(rc, &p->is_rep1[state])) {
					d = rep1;
				} else {
					if (!rc_bit(rc, &p->is_rep2[state])) {
						d = rep2;
					} else {
						d = rep3;
						rep3 = rep2;
					}
					rep2 = rep1;
				}
				rep1 = rep0;
				rep0 = d;
			}
			len = len_decode(rc, &p->rep_len, ps);
			state = state < LZMA_LIT_STATES ? 8 : 11;
		} else {
			rep3 = rep2;
			rep2 = rep1;
			rep1 = rep0;
			len = len_decode(rc, &p->match_len, ps);
			state = state < LZMA_LIT_STATES ? 7 : 10;
			rep0 = dist_decode(rc, p, len);
		}
		/* the end marker (distance 2^32) has no place in LZMA2 */
		len += MATCH_LEN_MIN;
		if (rep0 >= at - dict || rep0 >= dict_size || len > end - at)
			return -EINVAL;
		src = at - rep0 - 1;
		if (rep0 + 1 >= len) {
			memcpy(buf + at, buf + src, len);
			at += len;
		} else {
			while (len--)
				buf[at++] = buf[src++];
		}
	}
	s->state = state;
	s->rep[0] = rep0;
	s->rep[1] = rep1;
	s->rep[2] = rep2;
	s->rep[3] = rep3;
	*pos = at;
	return 0;
}

/* ---- LZMA2 ---- */

static u32 be16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

static u32 le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/*
 * The chunks of one block's LZMA2 data at @in[*@ip..@len), appended to
 * @o; *@ip is left after the end marker (a control byte 0).
 */
static int lzma2_block(struct lzma *s, const u8 *in, size_t len, size_t *ip,
		       struct outbuf *o, u32 dict_size)
{
	bool need_dict = true, need_props = true;
	size_t at = *ip, dict = o->len;
	u32 usize, csize;
	struct rc rc;
	int ret;
	u8 c;

	for (;;) {
		if (at >= len)
			return -EINVAL;
		c = in[at++];
		if (!c)
			break;
		if (c >= 0xe0 || c == 1) {
			/* a dictionary reset: the next LZMA chunk says lc/lp/pb */
			need_props = true;
			need_dict = false;
			dict = o->len;
		} else if (need_dict) {
			return -EINVAL;
		}
		if (c < 0x80) {
			/* stored: 1 with a dictionary reset, 2 without */
			if (c > 2 || len - at < 2)
				return -EINVAL;
			usize = be16(in + at) + 1;
			at += 2;
			if (usize > len - at)
				return -EINVAL;
			ret = kd_out_exact(o, usize);
			if (ret)
				return ret;
			memcpy(o->p + o->len, in + at, usize);
			o->len += usize;
			at += usize;
			kd_consumed(o, in, at);
			continue;
		}
		if (len - at < 4)
			return -EINVAL;
		usize = ((u32)(c & 0x1f) << 16) + be16(in + at) + 1;
		csize = be16(in + at + 2) + 1;
		at += 4;
		if (c >= 0xc0) {
			if (at >= len || lzma_props(s, in[at]))
				return -EINVAL;
			at++;
			need_props = false;
			lzma_reset(s);
		} else if (need_props) {
			return -EINVAL;
		} else if (c >= 0xa0) {
			lzma_reset(s);
		}
		/* the range decoder starts over: 0, then 4 bytes of code */
		if (csize > len - at || csize < 5 || in[at])
			return -EINVAL;
		ret = kd_out_exact(o, usize);
		if (ret)
			return ret;
		rc.in = in + at + 5;
		rc.end = in + at + csize;
		rc.range = 0xffffffff;
		rc.code = (u32)in[at + 1] << 24 | (u32)in[at + 2] << 16 |
			  (u32)in[at + 3] << 8 | in[at + 4];
		rc.over = 0;
		ret = lzma_chunk(s, &rc, o->p, &o->len, o->len + usize, dict,
				 dict_size);
		if (ret)
			return ret;
		/* the last bit normalized, the chunk's bytes are all read */
		rc_normalize(&rc);
		if (rc.over || rc.in != rc.end || rc.code)
			return -EINVAL;
		at += csize;
		kd_consumed(o, in, at);
	}
	*ip = at;
	return 0;
}

/* ---- branch filters: absolute targets back to relative ---- */

static bool x86_top_byte(u8 b)
{
	return b == 0 || b == 0xff;
}

/*
 * x86: the encoder made the 32-bit operand of a call or jump (E8, E9)
 * absolute when its top byte was 00 or FF and no E8/E9 in the four bytes
 * before it made the guess unsafe.  @mask holds those recent bytes: bits
 * 1-3 an E8/E9 that many bytes back, bits 5-7 one whose operand's fourth
 * byte was 00 or FF.  A converted operand whose byte selected by the mask
 * looks like a top byte is converted again with that byte's bits
 * inverted, as the encoder did.
 */
static void bcj_x86(u8 *buf, size_t size, u32 start)
{
	static const bool allowed[8] = { 1, 1, 1, 0, 1, 0, 0, 0 };
	static const u8 byte_of[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };
	u32 mask = 0, dest, src, k, n;
	size_t i = 0, prev = 0;
	bool seen = false;

	while (size >= 5 && i <= size - 5) {
		if (buf[i] != 0xe8 && buf[i] != 0xe9) {
			i++;
			continue;
		}
		n = seen && i - prev <= 5 ? (u32)(i - prev) : 6;
		prev = i;
		seen = true;
		if (n > 5)
			mask = 0;
		else
			while (n--)
				mask = (mask & 0x77) << 1;
		if (x86_top_byte(buf[i + 4]) && allowed[(mask >> 1) & 7] &&
		    (mask >> 1) < 0x10) {
			src = le32(buf + i + 1);
			for (;;) {
				dest = src - (start + (u32)i + 5);
				if (!mask)
					break;
				k = byte_of[(mask >> 1) & 7];
				if (!x86_top_byte((u8)(dest >> (24 - k * 8))))
					break;
				src = dest ^ ((1U << (32 - k * 8)) - 1);
			}
			buf[i + 1] = (u8)dest;
			buf[i + 2] = (u8)(dest >> 8);
			buf[i + 3] = (u8)(dest >> 16);
			buf[i + 4] = (dest >> 24) & 1 ? 0xff : 0;
			i += 5;
			mask = 0;
		} else {
			mask |= 1;
			if (x86_top_byte(buf[i + 4]))
				mask |= 0x10;
			i++;
		}
	}
}

/* ARM: BL (condition "always", EB) with a word offset made absolute. */
static void bcj_arm(u8 *buf, size_t size, u32 start)
{
	size_t i;
	u32 v;

	for (i = 0; i + 4 <= size; i += 4) {
		if (buf[i + 3] != 0xeb)
			continue;
		v = ((u32)buf[i + 2] << 16 | (u32)buf[i + 1] << 8 | buf[i]) << 2;
		v = (v - (start + (u32)i + 8)) >> 2;
		buf[i] = (u8)v;
		buf[i + 1] = (u8)(v >> 8);
		buf[i + 2] = (u8)(v >> 16);
	}
}

/* ---- the .xz container ---- */

#define XZ_MAGIC_LEN		6
#define XZ_STREAM_HDR		12
#define XZ_CHECK_NONE		0
#define XZ_CHECK_CRC32		1
#define XZ_CHECK_CRC64		4
#define XZ_FILTER_X86		0x04
#define XZ_FILTER_ARM		0x07
#define XZ_FILTER_LZMA2		0x21
#define XZ_MAX_BLOCKS		65536U

/* A variable-length integer: 7 bits a byte, at most 9, no padding. */
static int vli(const u8 *p, size_t len, size_t *at, u64 *v)
{
	unsigned int i;

	*v = 0;
	for (i = 0; i < 9 && *at < len; i++) {
		u8 b = p[(*at)++];

		*v |= (u64)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return i && !b ? -EINVAL : 0;
	}
	return -EINVAL;
}

struct xz_block {
	u64 csize, usize;	/* as the header states them; ~0 if not */
	u32 dict_size;
	u8 bcj;			/* 0, XZ_FILTER_X86 or XZ_FILTER_ARM */
	u32 bcj_start;
};

/* The block header of @hlen bytes at @h, CRC32 already checked. */
static int block_header(const u8 *h, size_t hlen, struct xz_block *b)
{
	size_t at = 2, end = hlen - 4;
	unsigned int nf = (h[1] & 3) + 1, i;
	u64 id, psize;

	if (h[1] & 0x3c)
		return -EOPNOTSUPP;	/* reserved flags: liblzma says what */
	b->csize = ~0ULL;
	b->usize = ~0ULL;
	if ((h[1] & 0x40) && (vli(h, end, &at, &b->csize) || !b->csize))
		return -EINVAL;
	if ((h[1] & 0x80) && vli(h, end, &at, &b->usize))
		return -EINVAL;
	b->bcj = 0;
	b->bcj_start = 0;
	for (i = 0; i < nf; i++) {
		if (vli(h, end, &at, &id) || vli(h, end, &at, &psize) ||
		    psize > end - at)
			return -EINVAL;
		if (i == nf - 1) {
			/* the last filter: LZMA2, one byte of dictionary size */
			if (id != XZ_FILTER_LZMA2 || psize != 1)
				return -EOPNOTSUPP;
			if (h[at] > 40)
				return -EINVAL;
			b->dict_size = h[at] == 40 ? 0xffffffff :
				       (2U | (h[at] & 1)) << (h[at] / 2 + 11);
		} else {
			if (nf > 2 ||
			    (id != XZ_FILTER_X86 && id != XZ_FILTER_ARM) ||
			    (psize != 0 && psize != 4))
				return -EOPNOTSUPP;
			b->bcj = (u8)id;
			if (psize)
				b->bcj_start = le32(h + at);
			if (id == XZ_FILTER_ARM && (b->bcj_start & 3))
				return -EOPNOTSUPP;
		}
		at += psize;
	}
	for (; at < end; at++)
		if (h[at])
			return -EINVAL;
	return 0;
}

/* The check of @len output bytes at @p against the stored @want. */
static bool check_ok(u8 type, const u8 *p, size_t len, const u8 *want)
{
	u64 c64;
	int i;

	if (type == XZ_CHECK_CRC32)
		return lzma_crc32(p, len, 0) == le32(want);
	c64 = lzma_crc64(p, len, 0);
	for (i = 0; i < 8; i++)
		if ((u8)(c64 >> (8 * i)) != want[i])
			return false;
	return true;
}

int kd_unxz(const u8 *in, size_t len, struct outbuf *o)
{
	static const u8 magic[XZ_MAGIC_LEN] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	size_t at = XZ_STREAM_HDR, start, hlen, out0, csum_len, n_blocks = 0;
	u64 unpadded_sum = 0, usize_sum = 0, count, v1, v2;
	struct xz_block b;
	struct lzma *s;
	u8 check, *blk;
	int ret = 0;

	if (len < 2 * XZ_STREAM_HDR || memcmp(in, magic, XZ_MAGIC_LEN) ||
	    in[6] || (in[7] & 0xf0) || lzma_crc32(in + 6, 2, 0) != le32(in + 8))
		return -EINVAL;
	check = in[7];
	if (check != XZ_CHECK_CRC32 && check != XZ_CHECK_CRC64)
		return -EOPNOTSUPP;	/* none, SHA-256, reserved: liblzma */
	csum_len = check == XZ_CHECK_CRC32 ? 4 : 8;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;

	/* blocks, until the index's indicator 0 */
	while (at < len && in[at]) {
		start = at;
		hlen = ((size_t)in[at] + 1) * 4;
		if (hlen > len - at ||
		    lzma_crc32(in + at, hlen - 4, 0) != le32(in + at + hlen - 4)) {
			ret = -EINVAL;
			break;
		}
		ret = block_header(in + at, hlen, &b);
		if (ret)
			break;
		at += hlen;
		out0 = o->len;
		ret = lzma2_block(s, in, len, &at, o, b.dict_size);
		if (ret)
			break;
		if ((b.csize != ~0ULL && b.csize != at - start - hlen) ||
		    (b.usize != ~0ULL && b.usize != o->len - out0)) {
			ret = -EINVAL;
			break;
		}
		/* (a block may be empty: the buffer may not exist yet) */
		blk = o->len > out0 ? o->p + out0 : NULL;
		if (blk && b.bcj == XZ_FILTER_X86)
			bcj_x86(blk, o->len - out0, b.bcj_start);
		else if (blk && b.bcj == XZ_FILTER_ARM)
			bcj_arm(blk, o->len - out0, b.bcj_start);
		unpadded_sum += at - start + csum_len;
		usize_sum += o->len - out0;
		/* padding to 4 bytes, then the check of the block's output */
		while ((at - start) & 3 && at < len && !in[at])
			at++;
		if ((at - start) & 3 || csum_len > len - at ||
		    !check_ok(check, blk, o->len - out0, in + at) ||
		    ++n_blocks > XZ_MAX_BLOCKS) {
			ret = -EINVAL;
			break;
		}
		at += csum_len;
	}
	free(s);
	if (ret)
		return ret;

	/* the index: its records must be the blocks just read */
	start = at++;
	if (at > len || vli(in, len, &at, &count) || count != n_blocks)
		return -EINVAL;
	for (; count; count--) {
		if (vli(in, len, &at, &v1) || vli(in, len, &at, &v2))
			return -EINVAL;
		unpadded_sum -= v1;
		usize_sum -= v2;
	}
	while ((at - start) & 3 && at < len && !in[at])
		at++;
	if (unpadded_sum || usize_sum || (at - start) & 3 || len - at < 4 ||
	    lzma_crc32(in + start, at - start, 0) != le32(in + at))
		return -EINVAL;
	at += 4;
	/* the footer: CRC32, the index's size in 4-byte units - 1, flags, YZ */
	if (len - at < XZ_STREAM_HDR ||
	    lzma_crc32(in + at + 4, 6, 0) != le32(in + at) ||
	    ((u64)le32(in + at + 4) + 1) * 4 != at - start ||
	    memcmp(in + at + 8, in + 6, 2) || in[at + 10] != 'Y' ||
	    in[at + 11] != 'Z')
		return -EINVAL;
	return 0;
}
