/*
 * shim.c
 *		Just enough of the PostgreSQL backend to run the pure parts of the
 *		extension (rollup.c, evidence_stream.c, the method grammar, bkt_fit's
 *		options, binary receive) in a standalone fuzzer under
 *		AddressSanitizer, where every palloc is its own malloc: ASan sees
 *		each allocation's exact bounds, which it cannot inside a server.
 *
 * ereport(ERROR) jumps back to the harness; every allocation of an input is
 * released after it, so LeakSanitizer stays quiet.
 */
#include "postgres.h"

#include <setjmp.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "shim.h"

#undef qsort
#undef snprintf
#undef vsnprintf
#undef fprintf
#undef vfprintf

/*
 * ---------- memory ----------
 * Every chunk is its own malloc, so AddressSanitizer sees its exact bounds,
 * and belongs to the memory context that was current (or named) when it was
 * allocated.  Deleting or resetting a context frees its chunks and deletes
 * its children, as the server does: a pointer kept past that is a
 * use-after-free ASan reports.  Whatever is left is freed after each input.
 * Sizes are checked as mcxt.c checks them (an invalid size is an internal
 * error there, and so a finding here).
 */

typedef struct FuzzContext
{
	MemoryContextData hdr;		/* what code may look at */
	struct FuzzContext *parent;
	struct FuzzContext *next_context;	/* every context, for release */
	bool		deleted;
} FuzzContext;

typedef struct Chunk
{
	struct Chunk *prev,
			   *next;
	FuzzContext *context;		/* NULL: no context was current */
	size_t		size;
	max_align_t data[];
} Chunk;

static Chunk *chunks;
static FuzzContext *contexts;

MemoryContext CurrentMemoryContext;
MemoryContext TopMemoryContext;

static void *
track(Chunk *c, size_t size, FuzzContext *context)
{
	c->size = size;
	c->context = context;
	c->prev = NULL;
	c->next = chunks;
	if (chunks)
		chunks->prev = c;
	chunks = c;
	return c->data;
}

static Chunk *
untrack(void *p)
{
	Chunk	   *c = (Chunk *) ((char *) p - offsetof(Chunk, data));

	if (c->prev)
		c->prev->next = c->next;
	else
		chunks = c->next;
	if (c->next)
		c->next->prev = c->prev;
	return c;
}

static void *
alloc_in(FuzzContext *context, Size size, bool huge)
{
	Chunk	   *c;

	if (context != NULL && context->deleted)
	{
		fprintf(stderr, "fuzz shim: allocation in a deleted memory context\n");
		abort();
	}
	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	c = malloc(sizeof(Chunk) + size);
	if (c == NULL)
		abort();
	return track(c, size, context);
}

void *
palloc(Size size)
{
	return alloc_in((FuzzContext *) CurrentMemoryContext, size, false);
}

void *
palloc0(Size size)
{
	void	   *p = palloc(size);

	memset(p, 0, size);
	return p;
}

void *
palloc_extended(Size size, int flags)
{
	void	   *p = alloc_in((FuzzContext *) CurrentMemoryContext, size, (flags & MCXT_ALLOC_HUGE) != 0);

	if (flags & MCXT_ALLOC_ZERO)
		memset(p, 0, size);
	return p;
}

void
pfree(void *p)
{
	free(untrack(p));
}

static void *
realloc_chunk(void *p, Size size, bool huge)
{
	Chunk	   *old = (Chunk *) ((char *) p - offsetof(Chunk, data));
	FuzzContext *context = old->context;
	Chunk	   *c;

	if (huge ? !AllocHugeSizeIsValid(size) : !AllocSizeIsValid(size))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	c = realloc(untrack(p), sizeof(Chunk) + size);
	if (c == NULL)
		abort();
	return track(c, size, context);
}

void *
repalloc(void *p, Size size)
{
	return realloc_chunk(p, size, false);
}

void *
repalloc_huge(void *p, Size size)
{
	return realloc_chunk(p, size, true);
}

MemoryContext
AllocSetContextCreateInternal(MemoryContext parent, const char *name,
							  Size minContextSize, Size initBlockSize, Size maxBlockSize)
{
	FuzzContext *c = calloc(1, sizeof(FuzzContext));

	if (c == NULL)
		abort();
	c->hdr.name = name;
	c->parent = (FuzzContext *) parent;
	c->next_context = contexts;
	contexts = c;
	return (MemoryContext) c;
}

static bool
descends_from(FuzzContext *c, FuzzContext *ancestor)
{
	for (; c != NULL; c = c->parent)
		if (c == ancestor)
			return true;
	return false;
}

/* frees the chunks of context and of every context under it; with
 * and_itself, context is deleted too (else reset: its children are) */
static void
release_context(FuzzContext *context, bool and_itself)
{
	Chunk	   *c = chunks;

	while (c != NULL)
	{
		Chunk	   *next = c->next;

		if (c->context != NULL && descends_from(c->context, context))
			free(untrack(c->data));
		c = next;
	}
	for (FuzzContext *x = contexts; x != NULL; x = x->next_context)
		if (x != context && descends_from(x, context))
			x->deleted = true;
	if (and_itself)
		context->deleted = true;
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	return alloc_in((FuzzContext *) context, size, false);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	void	   *p = MemoryContextAlloc(context, size);

	memset(p, 0, size);
	return p;
}

void *
MemoryContextAllocHuge(MemoryContext context, Size size)
{
	return alloc_in((FuzzContext *) context, size, true);
}

void *
MemoryContextAllocExtended(MemoryContext context, Size size, int flags)
{
	void	   *p = alloc_in((FuzzContext *) context, size, (flags & MCXT_ALLOC_HUGE) != 0);

	if (flags & MCXT_ALLOC_ZERO)
		memset(p, 0, size);
	return p;
}

void
MemoryContextDelete(MemoryContext context)
{
	release_context((FuzzContext *) context, true);
}

void
MemoryContextReset(MemoryContext context)
{
	release_context((FuzzContext *) context, false);
}

void
MemoryContextRegisterResetCallback(MemoryContext context, MemoryContextCallback *cb)
{
}

char *
psprintf(const char *fmt,...)
{
	va_list		args;
	char		buf[1024];
	char	   *out;

	va_start(args, fmt);
	vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	out = palloc(strlen(buf) + 1);
	strcpy(out, buf);
	return out;
}

void
fuzz_release_all(void)
{
	while (chunks)
	{
		Chunk	   *next = chunks->next;

		free(chunks);
		chunks = next;
	}
	while (contexts)
	{
		FuzzContext *next = contexts->next_context;

		free(contexts);
		contexts = next;
	}
	CurrentMemoryContext = NULL;
}

/* ---------- errors: ERROR jumps back to the harness ---------- */

sigjmp_buf fuzz_on_error;
int			fuzz_last_errcode;
const char *fuzz_last_errmsg;
static int	current_level;

bool
errstart(int elevel, const char *domain)
{
	current_level = elevel;
	if (elevel >= ERROR)
	{
		fuzz_last_errcode = 0;
		fuzz_last_errmsg = NULL;
	}
	return elevel >= ERROR;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	if (current_level >= ERROR)
		siglongjmp(fuzz_on_error, 1);
}

int
errcode(int sqlerrcode)
{
	fuzz_last_errcode = sqlerrcode;
	return 0;
}

int
errmsg(const char *fmt,...)
{
	fuzz_last_errmsg = fmt;
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
	fuzz_last_errmsg = fmt;
	return 0;
}

int
errdetail(const char *fmt,...)
{
	return 0;
}

int
errhint(const char *fmt,...)
{
	return 0;
}

/* ---------- the rest ---------- */

volatile sig_atomic_t InterruptPending = false;

void
ProcessInterrupts(void)
{
}

void
pg_qsort(void *base, size_t nel, size_t elsize, int (*cmp) (const void *, const void *))
{
	qsort(base, nel, elsize, cmp);
}

int
pg_snprintf(char *str, size_t count, const char *fmt,...)
{
	va_list		args;
	int			n;

	va_start(args, fmt);
	n = vsnprintf(str, count, fmt, args);
	va_end(args);
	return n;
}

int
pg_fprintf(FILE *stream, const char *fmt,...)
{
	va_list		args;
	int			n;

	va_start(args, fmt);
	n = vfprintf(stream, fmt, args);
	va_end(args);
	return n;
}

/* ---------- strings, as src/common/stringinfo.c and mcxt.c have them ---------- */

char *
pstrdup(const char *in)
{
	char	   *out = palloc(strlen(in) + 1);

	strcpy(out, in);
	return out;
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}

void
initStringInfo(StringInfo str)
{
	str->maxlen = 1024;
	str->data = palloc(str->maxlen);
	resetStringInfo(str);
}

void
resetStringInfo(StringInfo str)
{
	str->data[0] = '\0';
	str->len = 0;
	str->cursor = 0;
}

void
enlargeStringInfo(StringInfo str, int needed)
{
	if (needed < 0 || (Size) needed >= MaxAllocSize - (Size) str->len)
		abort();
	needed += str->len + 1;
	if (needed <= str->maxlen)
		return;
	while (needed > str->maxlen)
		str->maxlen *= 2;
	str->data = repalloc(str->data, str->maxlen);
}

void
appendBinaryStringInfo(StringInfo str, const char *data, int datalen)
{
	enlargeStringInfo(str, datalen);
	memcpy(str->data + str->len, data, datalen);
	str->len += datalen;
	str->data[str->len] = '\0';
}

void
appendStringInfoString(StringInfo str, const char *s)
{
	appendBinaryStringInfo(str, s, strlen(s));
}

void
appendStringInfoChar(StringInfo str, char ch)
{
	appendBinaryStringInfo(str, &ch, 1);
}

void
appendStringInfo(StringInfo str, const char *fmt,...)
{
	va_list		args;
	char		buf[4096];
	int			n;

	va_start(args, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	if (n < 0 || n >= (int) sizeof(buf))
		abort();
	appendBinaryStringInfo(str, buf, n);
}

/* ---------- binary messages, as libpq/pqformat.c reads them ---------- */

static void
message_short(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROTOCOL_VIOLATION),
			 errmsg("insufficient data left in message")));
}

int
pq_getmsgbyte(StringInfo msg)
{
	if (msg->cursor >= msg->len)
		message_short();
	return (unsigned char) msg->data[msg->cursor++];
}

void
pq_copymsgbytes(StringInfo msg, char *buf, int datalen)
{
	if (datalen < 0 || datalen > (msg->len - msg->cursor))
		message_short();
	memcpy(buf, &msg->data[msg->cursor], datalen);
	msg->cursor += datalen;
}

const char *
pq_getmsgbytes(StringInfo msg, int datalen)
{
	const char *result;

	if (datalen < 0 || datalen > (msg->len - msg->cursor))
		message_short();
	result = &msg->data[msg->cursor];
	msg->cursor += datalen;
	return result;
}

unsigned int
pq_getmsgint(StringInfo msg, int b)
{
	unsigned char c[4];
	unsigned int result = 0;

	if (b != 1 && b != 2 && b != 4)
		abort();
	pq_copymsgbytes(msg, (char *) c, b);
	for (int i = 0; i < b; i++)
		result = (result << 8) | c[i];
	return result;
}

int64
pq_getmsgint64(StringInfo msg)
{
	uint64		hi = pq_getmsgint(msg, 4);
	uint64		lo = pq_getmsgint(msg, 4);

	return (int64) ((hi << 32) | lo);
}

float4
pq_getmsgfloat4(StringInfo msg)
{
	union
	{
		float4		f;
		uint32		i;
	}			swap;

	swap.i = pq_getmsgint(msg, 4);
	return swap.f;
}

float8
pq_getmsgfloat8(StringInfo msg)
{
	union
	{
		float8		f;
		int64		i;
	}			swap;

	swap.i = pq_getmsgint64(msg);
	return swap.f;
}

/*
 * Client and server both UTF8 outside a server: no conversion, but the
 * bytes checked, as pg_client_to_server checks them
 */
char *
pq_getmsgtext(StringInfo msg, int rawbytes, int *nbytes)
{
	const char *p = pq_getmsgbytes(msg, rawbytes);
	char	   *text = palloc(rawbytes + 1);

	memcpy(text, p, rawbytes);
	text[rawbytes] = '\0';
	pg_verifymbstr(text, rawbytes, false);
	*nbytes = rawbytes;
	return text;
}

void
pq_getmsgend(StringInfo msg)
{
	if (msg->cursor != msg->len)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("invalid message format")));
}

/* what the receive and send functions return is never compressed or external */
struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	if (VARATT_IS_EXTENDED(datum))
		abort();
	return datum;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	if (VARATT_IS_EXTERNAL(datum) || VARATT_IS_COMPRESSED(datum))
		abort();
	return datum;
}

/*
 * ---------- binary messages, as libpq/pqformat.c writes them ----------
 * (the inline pq_sendint* of pqformat.h write into the buffer directly)
 */

void
pq_begintypsend(StringInfo buf)
{
	initStringInfo(buf);
	appendBinaryStringInfo(buf, "\0\0\0\0", 4);
}

bytea *
pq_endtypsend(StringInfo buf)
{
	bytea	   *result = (bytea *) buf->data;

	SET_VARSIZE(result, buf->len);
	return result;
}

void
pq_sendbytes(StringInfo buf, const char *data, int datalen)
{
	appendBinaryStringInfo(buf, data, datalen);
}

/* no encoding conversion outside a server: the bytes as they are */
void
pq_sendtext(StringInfo buf, const char *str, int slen)
{
	appendBinaryStringInfo(buf, str, slen);
}

void
pq_sendfloat4(StringInfo buf, float4 f)
{
	union
	{
		float4		f;
		uint32		i;
	}			swap;

	swap.f = f;
	pq_sendint32(buf, swap.i);
}

void
pq_sendfloat8(StringInfo buf, float8 f)
{
	union
	{
		float8		f;
		int64		i;
	}			swap;

	swap.f = f;
	pq_sendint64(buf, swap.i);
}

/* ---------- expanded objects: the header as utils/adt/expandeddatum.c sets it ---------- */

void
EOH_init_header(ExpandedObjectHeader *eohptr, const ExpandedObjectMethods *methods,
				MemoryContext obj_context)
{
	varattrib_1b_e *ptr;

	eohptr->vl_len_ = EOH_HEADER_MAGIC;
	eohptr->eoh_methods = methods;
	eohptr->eoh_context = obj_context;
	ptr = (varattrib_1b_e *) eohptr->eoh_rw_ptr;
	SET_VARTAG_EXTERNAL(ptr, VARTAG_EXPANDED_RW);
	memcpy(VARDATA_EXTERNAL(ptr), &eohptr, sizeof(eohptr));
	ptr = (varattrib_1b_e *) eohptr->eoh_ro_ptr;
	SET_VARTAG_EXTERNAL(ptr, VARTAG_EXPANDED_RO);
	memcpy(VARDATA_EXTERNAL(ptr), &eohptr, sizeof(eohptr));
}

/* ---------- the server's encoding: UTF8, checked by PostgreSQL's own verifier ---------- */

bool
pg_verifymbstr(const char *mbstr, int len, bool noError)
{
	if (pg_encoding_verifymbstr(PG_UTF8, mbstr, len) == len)
		return true;
	if (noError)
		return false;
	ereport(ERROR,
			(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
			 errmsg("invalid byte sequence for encoding \"UTF8\"")));
	return false;
}

/* numbers in error messages */
char *
float8out_internal(double num)
{
	return psprintf("%.17g", num);
}

/* a SQLSTATE as its five characters, as utils/error/elog.c unpacks it */
char *
unpack_sql_state(int sql_state)
{
	static char buf[12];

	for (int i = 0; i < 5; i++)
	{
		buf[i] = PGUNSIXBIT(sql_state);
		sql_state >>= 6;
	}
	buf[5] = '\0';
	return buf;
}

/* numutils.c is the server's: the bigint learners of bkt_fit write their digits here */
int
pg_lltoa(int64 value, char *a)
{
	char		digits[24];
	uint64		u = value < 0 ? -(uint64) value : (uint64) value;
	int			n = 0,
				len = 0;

	do
	{
		digits[n++] = (char) ('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (value < 0)
		a[len++] = '-';
	while (n > 0)
		a[len++] = digits[--n];
	a[len] = '\0';
	return len;
}
