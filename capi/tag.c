/*
 * tag.c - evtag: tagged records over evbuffers (event2/tag.h), in C over
 * the public evbuffer API. Each record is small; its bytes are copied out
 * of the buffer's front window and decoded here, and the adds and drains
 * go through the C layer's fast paths (buffer.c), so a record costs no
 * crossing into the core unless it spans the buffer's segments.
 *
 * The wire format is libevent's (see include/event2/tag.h), and so is the
 * behaviour on malformed input, which programs can observe: how much of
 * the buffer a failing decoder has removed, which outputs it has set
 * already, and two leniencies: an integer payload is decoded from the
 * buffer's front without being bounded by its record's length (only
 * afterwards is its encoded size compared with that length, and a shorter
 * one is accepted), and a 32-bit integer may arrive in a non-canonical
 * encoding. Where libevent would crash (a NULL buffer or output) we log
 * and fail instead.
 */
#include <stdint.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/tag.h>

#include "capi.h"

/* Exported by libevent 2.1.12 although no header declares them; old
 * programs (and libevent's own tests) declare them themselves. */
EVENT2_EXPORT_SYMBOL int evtag_decode_int(ev_uint32_t *pnumber, struct evbuffer *evbuf);
EVENT2_EXPORT_SYMBOL int evtag_decode_int64(ev_uint64_t *pnumber, struct evbuffer *evbuf);
EVENT2_EXPORT_SYMBOL int evtag_encode_tag(struct evbuffer *evbuf, ev_uint32_t tag);
EVENT2_EXPORT_SYMBOL int evtag_decode_tag(ev_uint32_t *ptag, struct evbuffer *evbuf);

/* Longest encodings: a tag (32 bits, 7 per byte), a 32-bit integer (a
 * count nibble and 8 value nibbles), a 64-bit one (a count and 16). */
enum { TAG_MAX = 5, INT_MAX32 = 5, INT_MAX64 = 9 };
/* What the decoders look at: a header, then up to two integers. */
enum { PEEK_MAX = TAG_MAX + INT_MAX32 + 2 * INT_MAX32 };
/* Payloads evtag_marshal_buffer copies rather than moves. */
enum { SMALL_PAYLOAD = 256 };

static int nullbuf(const struct evbuffer *b, const char *fn)
{
	if (b)
		return 0;
	gev_warnx("%s: NULL evbuffer", fn);
	return 1;
}

static int nullarg(const void *p, const char *fn, const char *what)
{
	if (p)
		return 0;
	gev_warnx("%s: NULL %s", fn, what);
	return 1;
}

/* ---- encodings ---- */

/* The integer encoding of v into out (room for 9 bytes): its size. The
 * value's k-th nibble (k = 1 the least significant) sits in the low half
 * of byte k/2 when k is odd, the high half when even; the first byte's
 * high half is the count of nibbles - 1 (0 for the value 0). */
static int int_encode(unsigned char *out, ev_uint64_t v)
{
	int k = 0;
	memset(out, 0, INT_MAX64);
	while (v) {
		k++;
		if (k & 1)
			out[k / 2] |= (unsigned char)(v & 0x0f);
		else
			out[k / 2] |= (unsigned char)((v & 0x0f) << 4);
		v >>= 4;
	}
	if (k > 1)
		out[0] |= (unsigned char)((k - 1) << 4);
	return (k + 2) / 2;
}

/* The tag encoding: its size (1 to 5). */
static int tag_encode(unsigned char *out, ev_uint32_t tag)
{
	int n = 0;
	do {
		unsigned char b = tag & 0x7f;
		tag >>= 7;
		if (tag)
			b |= 0x80;
		out[n++] = b;
	} while (tag);
	return n;
}

/* Decodes a tag from p[0..n): its size, or -1 (unterminated, or more than
 * 32 bits: the fifth byte may carry 4 bits only, and must end it). */
static int tag_decode(const unsigned char *p, size_t n, ev_uint32_t *ptag)
{
	ev_uint32_t v = 0;
	size_t i;
	for (i = 0; i < n && i < TAG_MAX; i++) {
		if (i == TAG_MAX - 1 && (p[i] & 0x7f) > 15)
			return -1;
		v |= (ev_uint32_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			if (ptag)
				*ptag = v;
			return (int)i + 1;
		}
	}
	return -1;
}

/* Decodes an integer of at most maxnib nibbles from p[0..n): its size, or
 * -1 if it claims more nibbles or more bytes than there are. */
static int int_decode(const unsigned char *p, size_t n, int maxnib, ev_uint64_t *pv)
{
	ev_uint64_t v = 0;
	int nib, size;
	if (n == 0)
		return -1;
	nib = (p[0] >> 4) + 1;
	size = nib / 2 + 1;
	if (nib > maxnib || (size_t)size > n)
		return -1;
	for (; nib > 0; nib--) {
		v <<= 4;
		if (nib & 1)
			v |= p[nib / 2] & 0x0f;
		else
			v |= p[nib / 2] >> 4;
	}
	*pv = v;
	return size;
}

/* Copies up to want bytes from the front of evbuf: the count, or -1. */
static int front(struct evbuffer *evbuf, unsigned char *p, size_t want)
{
	size_t len = evbuffer_get_length(evbuf);
	if (len < want)
		want = len;
	if (want == 0)
		return 0;
	return (int)evbuffer_copyout(evbuf, p, want);
}

/* A record's header at the front of evbuf (peeked, not removed). */
struct hdr {
	unsigned char p[PEEK_MAX];
	int n;          /* bytes in p */
	int tlen;       /* the tag's size, -1 if malformed */
	int llen;       /* the length's size, -1 if malformed */
	ev_uint32_t tag;
	ev_uint32_t len;
};

static void hdr_peek(struct evbuffer *evbuf, struct hdr *h)
{
	ev_uint64_t v = 0;
	h->n = front(evbuf, h->p, sizeof h->p);
	h->llen = -1;
	h->tlen = h->n < 0 ? -1 : tag_decode(h->p, (size_t)h->n, &h->tag);
	if (h->tlen < 0)
		return;
	h->llen = int_decode(h->p + h->tlen, (size_t)(h->n - h->tlen), 8, &v);
	h->len = (ev_uint32_t)v;
}

/* Removes the header at evbuf's front as libevent does, the tag first,
 * then the length: the payload's length if all of it is in evbuf, else -1
 * (with what was removed removed). */
static int hdr_take(struct evbuffer *evbuf, struct hdr *h)
{
	hdr_peek(evbuf, h);
	if (h->tlen < 0)
		return -1;
	if (h->llen < 0) {
		evbuffer_drain(evbuf, (size_t)h->tlen);
		return -1;
	}
	evbuffer_drain(evbuf, (size_t)(h->tlen + h->llen));
	if (evbuffer_get_length(evbuf) < h->len)
		return -1;
	return (int)h->len;
}

/* ---- encoders ---- */

void evtag_init(void)
{
}

int evtag_encode_tag(struct evbuffer *evbuf, ev_uint32_t tag)
{
	unsigned char b[TAG_MAX];
	int n = tag_encode(b, tag);
	if (evbuf)	/* NULL: only the size, as libevent */
		evbuffer_add(evbuf, b, (size_t)n);
	return n;
}

void evtag_encode_int(struct evbuffer *evbuf, ev_uint32_t number)
{
	unsigned char b[INT_MAX64];
	if (nullbuf(evbuf, "evtag_encode_int"))
		return;
	evbuffer_add(evbuf, b, (size_t)int_encode(b, number));
}

void evtag_encode_int64(struct evbuffer *evbuf, ev_uint64_t number)
{
	unsigned char b[INT_MAX64];
	if (nullbuf(evbuf, "evtag_encode_int64"))
		return;
	evbuffer_add(evbuf, b, (size_t)int_encode(b, number));
}

/* Appends tag and len as one add: the header of a record. */
static void put_header(struct evbuffer *evbuf, ev_uint32_t tag, ev_uint32_t len)
{
	unsigned char b[TAG_MAX + INT_MAX64];
	int n = tag_encode(b, tag);
	n += int_encode(b + n, len);
	evbuffer_add(evbuf, b, (size_t)n);
}

void evtag_marshal(struct evbuffer *evbuf, ev_uint32_t tag, const void *data,
    ev_uint32_t len)
{
	if (nullbuf(evbuf, "evtag_marshal") || (len && nullarg(data, "evtag_marshal", "data")))
		return;
	put_header(evbuf, tag, len);
	if (len)
		evbuffer_add(evbuf, data, len);
}

void evtag_marshal_buffer(struct evbuffer *evbuf, ev_uint32_t tag,
    struct evbuffer *data)
{
	size_t n;
	if (nullbuf(evbuf, "evtag_marshal_buffer") || nullbuf(data, "evtag_marshal_buffer"))
		return;
	if (data == evbuf) {
		/* libevent adds the tag, then measures data (the same buffer,
		 * now one tag longer); moving a buffer into itself adds
		 * nothing */
		evtag_encode_tag(evbuf, tag);
		evtag_encode_int(evbuf, (ev_uint32_t)evbuffer_get_length(evbuf));
		return;
	}
	n = evbuffer_get_length(data);
	/* a small payload (a nested message of generated code) is copied
	 * with the header in one add and drained: the C layer's fast paths,
	 * where moving it with evbuffer_add_buffer is a crossing */
	if (n <= SMALL_PAYLOAD) {
		unsigned char b[TAG_MAX + INT_MAX32 + SMALL_PAYLOAD];
		int h = tag_encode(b, tag);
		h += int_encode(b + h, (ev_uint32_t)n);
		if (n == 0 || evbuffer_copyout(data, b + h, n) == (ev_ssize_t)n) {
			evbuffer_add(evbuf, b, (size_t)h + n);
			if (n)
				evbuffer_drain(data, n);
			return;
		}
	}
	/* a length over 32 bits is cut, as libevent cuts it */
	put_header(evbuf, tag, (ev_uint32_t)n);
	evbuffer_add_buffer(evbuf, data);
}

/* A record whose payload is an integer: one add for all of it. */
static void marshal_integer(struct evbuffer *evbuf, ev_uint32_t tag, ev_uint64_t v)
{
	unsigned char b[TAG_MAX + INT_MAX32 + INT_MAX64];
	unsigned char e[INT_MAX64];
	int n = tag_encode(b, tag), k = int_encode(e, v);
	n += int_encode(b + n, (ev_uint32_t)k);
	memcpy(b + n, e, (size_t)k);
	evbuffer_add(evbuf, b, (size_t)(n + k));
}

void evtag_marshal_int(struct evbuffer *evbuf, ev_uint32_t tag, ev_uint32_t integer)
{
	if (nullbuf(evbuf, "evtag_marshal_int"))
		return;
	marshal_integer(evbuf, tag, integer);
}

void evtag_marshal_int64(struct evbuffer *evbuf, ev_uint32_t tag, ev_uint64_t integer)
{
	if (nullbuf(evbuf, "evtag_marshal_int64"))
		return;
	marshal_integer(evbuf, tag, integer);
}

void evtag_marshal_string(struct evbuffer *buf, ev_uint32_t tag, const char *string)
{
	if (nullbuf(buf, "evtag_marshal_string") || nullarg(string, "evtag_marshal_string", "string"))
		return;
	evtag_marshal(buf, tag, string, (ev_uint32_t)strlen(string));
}

void evtag_marshal_timeval(struct evbuffer *evbuf, ev_uint32_t tag, struct timeval *tv)
{
	unsigned char b[2 * INT_MAX64];
	int n;
	if (nullbuf(evbuf, "evtag_marshal_timeval") || nullarg(tv, "evtag_marshal_timeval", "timeval"))
		return;
	/* each field as a 32-bit integer, as libevent writes them */
	n = int_encode(b, (ev_uint32_t)tv->tv_sec);
	n += int_encode(b + n, (ev_uint32_t)tv->tv_usec);
	evtag_marshal(evbuf, tag, b, (ev_uint32_t)n);
}

/* ---- decoders ---- */

int evtag_decode_tag(ev_uint32_t *ptag, struct evbuffer *evbuf)
{
	unsigned char p[TAG_MAX];
	int n, r;
	if (nullbuf(evbuf, "evtag_decode_tag"))
		return -1;
	n = front(evbuf, p, sizeof p);
	r = n < 0 ? -1 : tag_decode(p, (size_t)n, ptag);
	if (r > 0)
		evbuffer_drain(evbuf, (size_t)r);
	return r;
}

static int decode_integer(struct evbuffer *evbuf, int maxnib, ev_uint64_t *pv)
{
	unsigned char p[INT_MAX64];
	int n = front(evbuf, p, sizeof p);
	int r = n < 0 ? -1 : int_decode(p, (size_t)n, maxnib, pv);
	if (r < 0)
		return -1;
	evbuffer_drain(evbuf, (size_t)r);
	return 0;
}

int evtag_decode_int(ev_uint32_t *pnumber, struct evbuffer *evbuf)
{
	ev_uint64_t v;
	if (nullbuf(evbuf, "evtag_decode_int") || nullarg(pnumber, "evtag_decode_int", "output"))
		return -1;
	if (decode_integer(evbuf, 8, &v) < 0)
		return -1;
	*pnumber = (ev_uint32_t)v;
	return 0;
}

int evtag_decode_int64(ev_uint64_t *pnumber, struct evbuffer *evbuf)
{
	if (nullbuf(evbuf, "evtag_decode_int64") || nullarg(pnumber, "evtag_decode_int64", "output"))
		return -1;
	return decode_integer(evbuf, 16, pnumber);
}

int evtag_peek(struct evbuffer *evbuf, ev_uint32_t *ptag)
{
	unsigned char p[TAG_MAX];
	int n;
	if (nullbuf(evbuf, "evtag_peek"))
		return -1;
	n = front(evbuf, p, sizeof p);
	return n < 0 ? -1 : tag_decode(p, (size_t)n, ptag);
}

int evtag_peek_length(struct evbuffer *evbuf, ev_uint32_t *plength)
{
	struct hdr h;
	if (nullbuf(evbuf, "evtag_peek_length") || nullarg(plength, "evtag_peek_length", "output"))
		return -1;
	hdr_peek(evbuf, &h);
	if (h.llen < 0)
		return -1;
	*plength = h.len + (ev_uint32_t)(h.llen + h.tlen);
	return 0;
}

int evtag_payload_length(struct evbuffer *evbuf, ev_uint32_t *plength)
{
	struct hdr h;
	if (nullbuf(evbuf, "evtag_payload_length") || nullarg(plength, "evtag_payload_length", "output"))
		return -1;
	hdr_peek(evbuf, &h);
	if (h.llen < 0)
		return -1;
	*plength = h.len;
	return 0;
}

int evtag_unmarshal_header(struct evbuffer *evbuf, ev_uint32_t *ptag)
{
	struct hdr h;
	int len;
	if (nullbuf(evbuf, "evtag_unmarshal_header"))
		return -1;
	len = hdr_take(evbuf, &h);
	/* libevent sets the tag once it is decoded, whatever follows */
	if (ptag && h.tlen > 0)
		*ptag = h.tag;
	return len;
}

int evtag_consume(struct evbuffer *evbuf)
{
	struct hdr h;
	int len;
	if (nullbuf(evbuf, "evtag_consume"))
		return -1;
	if ((len = hdr_take(evbuf, &h)) < 0)
		return -1;
	evbuffer_drain(evbuf, (size_t)len);
	return 0;
}

int evtag_unmarshal(struct evbuffer *src, ev_uint32_t *ptag, struct evbuffer *dst)
{
	static const char none;
	struct hdr h;
	int len;
	const void *data = &none;
	if (nullbuf(src, "evtag_unmarshal") || nullbuf(dst, "evtag_unmarshal"))
		return -1;
	len = hdr_take(src, &h);
	if (ptag && h.tlen > 0)
		*ptag = h.tag;
	if (len < 0)
		return -1;
	/* a copy, as libevent makes: small payloads stay on the fast paths
	 * (a contiguous front, an add into dst's window, a drain) */
	if (len > 0 && (data = evbuffer_pullup(src, len)) == NULL)
		return -1;
	if (evbuffer_add(dst, data, (size_t)len) < 0)
		return -1;
	evbuffer_drain(src, (size_t)len);
	return len;
}

/* evtag_unmarshal_int(64): the record must carry need_tag; the integer is
 * read from the payload's start (see the top of the file). Returns the
 * integer's encoded size, as libevent does. */
static int unmarshal_integer(struct evbuffer *evbuf, ev_uint32_t need_tag, int maxnib,
    ev_uint64_t *pv, const char *fn)
{
	unsigned char p[PEEK_MAX];
	ev_uint32_t tag, len;
	ev_uint64_t v;
	int n, tlen, llen, r;
	if (nullbuf(evbuf, fn) || nullarg(pv, fn, "output"))
		return -1;
	n = front(evbuf, p, sizeof p);
	if (n < 0 || (tlen = tag_decode(p, (size_t)n, &tag)) < 0)
		return -1;
	if (tag != need_tag) {
		evbuffer_drain(evbuf, (size_t)tlen);
		return -1;
	}
	llen = int_decode(p + tlen, (size_t)(n - tlen), 8, &v);
	if (llen < 0) {
		evbuffer_drain(evbuf, (size_t)tlen);
		return -1;
	}
	len = (ev_uint32_t)v;
	evbuffer_drain(evbuf, (size_t)(tlen + llen));
	if (evbuffer_get_length(evbuf) < len)
		return -1;
	/* n - tlen - llen bytes of p follow the header: enough for any
	 * integer unless the buffer ends sooner, which int_decode sees */
	r = int_decode(p + tlen + llen, (size_t)(n - tlen - llen), maxnib, pv);
	evbuffer_drain(evbuf, len);
	if (r < 0 || (ev_uint32_t)r > len)
		return -1;
	return r;
}

int evtag_unmarshal_int(struct evbuffer *evbuf, ev_uint32_t need_tag, ev_uint32_t *pinteger)
{
	ev_uint64_t v;
	int r;
	if (nullarg(pinteger, "evtag_unmarshal_int", "output"))
		return -1;
	v = *pinteger;
	r = unmarshal_integer(evbuf, need_tag, 8, &v, "evtag_unmarshal_int");
	*pinteger = (ev_uint32_t)v;	/* set whenever the integer decoded */
	return r;
}

int evtag_unmarshal_int64(struct evbuffer *evbuf, ev_uint32_t need_tag, ev_uint64_t *pinteger)
{
	return unmarshal_integer(evbuf, need_tag, 16, pinteger, "evtag_unmarshal_int64");
}

int evtag_unmarshal_fixed(struct evbuffer *src, ev_uint32_t need_tag, void *data, size_t len)
{
	struct hdr h;
	int n;
	if (nullbuf(src, "evtag_unmarshal_fixed") || (len && nullarg(data, "evtag_unmarshal_fixed", "data")))
		return -1;
	if ((n = hdr_take(src, &h)) < 0 || h.tag != need_tag || (size_t)n != len)
		return -1;
	if (len)
		evbuffer_remove(src, data, len);
	return 0;
}

int evtag_unmarshal_string(struct evbuffer *evbuf, ev_uint32_t need_tag, char **pstring)
{
	struct hdr h;
	int n;
	char *s;
	if (nullbuf(evbuf, "evtag_unmarshal_string") || nullarg(pstring, "evtag_unmarshal_string", "output"))
		return -1;
	if ((n = hdr_take(evbuf, &h)) < 0 || h.tag != need_tag)
		return -1;
	/* the program frees it (free(), or its event_set_mem_functions' free) */
	if ((s = gev_malloc((size_t)n + 1)) == NULL) {
		*pstring = NULL;	/* as libevent leaves it */
		gev_warnx("evtag_unmarshal_string: out of memory");
		return -1;
	}
	if (n)
		evbuffer_remove(evbuf, s, (size_t)n);
	s[n] = '\0';
	*pstring = s;
	return 0;
}

int evtag_unmarshal_timeval(struct evbuffer *evbuf, ev_uint32_t need_tag, struct timeval *ptv)
{
	unsigned char p[2 * INT_MAX32];
	struct hdr h;
	ev_uint64_t v;
	int len, n, a, b, r = -1;
	if (nullbuf(evbuf, "evtag_unmarshal_timeval") || nullarg(ptv, "evtag_unmarshal_timeval", "timeval"))
		return -1;
	if ((len = hdr_take(evbuf, &h)) < 0)
		return -1;
	/* from here on the payload goes, whatever happens; each field is set
	 * as soon as it decodes, even when the whole turns out too long */
	if (h.tag != need_tag)
		goto done;
	n = front(evbuf, p, sizeof p);
	if (n < 0 || (a = int_decode(p, (size_t)n, 8, &v)) < 0)
		goto done;
	ptv->tv_sec = (time_t)(ev_uint32_t)v;
	if ((b = int_decode(p + a, (size_t)(n - a), 8, &v)) < 0)
		goto done;
	ptv->tv_usec = (suseconds_t)(ev_uint32_t)v;
	if (a + b <= len)
		r = 0;
done:
	evbuffer_drain(evbuf, (size_t)len);
	return r;
}
