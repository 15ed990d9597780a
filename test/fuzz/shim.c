/*
 * shim.c
 *		Just enough of the PostgreSQL backend to run the pure parts of the
 *		extension (rollup.c, evidence_stream.c) in a standalone fuzzer under
 *		AddressSanitizer, where every palloc is its own malloc: ASan sees
 *		each allocation's exact bounds, which it cannot inside a server.
 *
 * ereport(ERROR) jumps back to the harness; every allocation of an input is
 * released after it, so LeakSanitizer stays quiet.
 */
#include "postgres.h"

#include <setjmp.h>

#include "common/hashfn.h"
#include "miscadmin.h"

#include "shim.h"

#undef qsort
#undef snprintf
#undef vsnprintf
#undef fprintf
#undef vfprintf

/* ---------- memory: every chunk on one list, freed per input ---------- */

typedef struct Chunk
{
	struct Chunk *prev,
			   *next;
	size_t		size;
	max_align_t data[];
} Chunk;

static Chunk *chunks;

static void *
track(Chunk *c, size_t size)
{
	c->size = size;
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

void *
palloc(Size size)
{
	Chunk	   *c = malloc(sizeof(Chunk) + size);

	if (c == NULL)
		abort();
	return track(c, size);
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
	return (flags & MCXT_ALLOC_ZERO) ? palloc0(size) : palloc(size);
}

void
pfree(void *p)
{
	free(untrack(p));
}

void *
repalloc(void *p, Size size)
{
	Chunk	   *c = realloc(untrack(p), sizeof(Chunk) + size);

	if (c == NULL)
		abort();
	return track(c, size);
}

void *
repalloc_huge(void *p, Size size)
{
	return repalloc(p, size);
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
}

/* ---------- errors: ERROR jumps back to the harness ---------- */

sigjmp_buf fuzz_on_error;
static int	current_level;

bool
errstart(int elevel, const char *domain)
{
	current_level = elevel;
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
	return 0;
}

int
errmsg(const char *fmt,...)
{
	return 0;
}

int
errmsg_internal(const char *fmt,...)
{
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

uint32
hash_bytes(const unsigned char *k, int keylen)
{
	uint32		h = 2166136261u;	/* FNV-1a */

	for (int i = 0; i < keylen; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
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
