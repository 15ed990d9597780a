/*
 * fuzz_inputs.c
 *		libFuzzer harness for the input grammars that run without a server:
 *		the mastery_method grammar (every method, bkt with the parameters a
 *		fit gives, options), bkt_fit's options and the binary receive of
 *		mastery_method.  Built with AddressSanitizer and UBSan by `make fuzz`.
 *
 * The first byte picks the target, the rest is the input.  Invariants:
 * a refusal is an ereport with a SQLSTATE (never an internal error); a
 * method accepted in text has a normal form that parses back to the same
 * method and the same normal form; a method accepted in binary is valid
 * and its normal form parses back to it; bkt_fit options accepted lie in
 * their documented ranges.
 *
 * The text inputs of the profile and graph types go through jsonb_in and
 * timestamptz_in, which need a server: test/fuzz/mutation.sql mutates those
 * (and every binary receive) inside one.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/elog.h"

#include "shim.h"

/* the options parser is static: compile the file into this harness */
#include "../../src/knowledge_tracing.c"

extern Datum mastery_method_recv(PG_FUNCTION_ARGS);

static void
fail(const char *what, const char *input)
{
	fprintf(stderr, "invariant broken: %s\ninput: %s\n", what, input ? input : "(binary)");
	abort();
}

static void
refused_properly(const char *input)
{
	if (fuzz_last_errcode == 0 || fuzz_last_errcode == ERRCODE_INTERNAL_ERROR)
		fail("input refused with an internal error, not a SQLSTATE of its own", input);
}

static void
method_text(const char *text)
{
	RollupMethod m,
				again;
	char	   *normal;

	if (sigsetjmp(fuzz_on_error, 0) != 0)
	{
		refused_properly(text);
		return;
	}
	method_parse(text, &m);
	method_check(&m);
	normal = method_to_text(&m);
	method_parse(normal, &again);
	if (memcmp(&m, &again, sizeof(m)) != 0)
		fail("the normal form parses to another method", text);
	if (strcmp(method_to_text(&again), normal) != 0)
		fail("the normal form is not stable", text);
}

static void
method_binary(const uint8_t *data, size_t size)
{
	StringInfoData msg;
	LOCAL_FCINFO(fcinfo, 1);
	Datum		d;
	RollupMethod again;
	const RollupMethod *m;
	char	   *normal;

	if (sigsetjmp(fuzz_on_error, 0) != 0)
	{
		refused_properly(NULL);
		return;
	}
	msg.data = palloc(size + 1);
	memcpy(msg.data, data, size);
	msg.data[size] = '\0';
	msg.len = size;
	msg.maxlen = size + 1;
	msg.cursor = 0;
	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = PointerGetDatum(&msg);
	fcinfo->args[0].isnull = false;
	d = mastery_method_recv(fcinfo);
	m = checked_method((const MasteryMethod *) DatumGetPointer(d));
	normal = method_to_text(m);
	method_parse(normal, &again);
	if (memcmp(m, &again, sizeof(again)) != 0)
		fail("a method received in binary has a normal form that parses to another", normal);
}

static void
bkt_options(const char *text)
{
	BktOptions o;

	if (sigsetjmp(fuzz_on_error, 0) != 0)
	{
		refused_properly(text);
		return;
	}
	parse_options(text, &o);
	if (o.restarts < (o.has_init ? 0 : 1) || o.max_iter < 1 || !(o.tol > 0) || !isfinite(o.tol))
		fail("restarts, max_iter or tol out of range", text);
	if (!(o.max_guess > 0 && o.max_guess <= 1) || !(o.max_slip > 0 && o.max_slip <= 1))
		fail("max_guess or max_slip out of range", text);
	if (o.has_init)
	{
		const BktModel *m = &o.init;

		if (!(m->prior >= 0 && m->prior <= 1) || !(m->learn >= 0 && m->learn <= 1) ||
			!(m->guess >= 0 && m->guess <= 1) || !(m->slip >= 0 && m->slip <= 1) ||
			!(m->forget >= 0 && m->forget <= 1))
			fail("an init probability outside [0, 1]", text);
	}
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text;

	if (size < 1)
		return 0;
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';		/* a cstring ends at its first NUL, as in the server */
	switch (data[0] % 3)
	{
		case 0:
			method_text(text);
			break;
		case 1:
			bkt_options(text);
			break;
		case 2:
			method_binary(data + 1, size - 1);
			break;
	}
	fuzz_release_all();
	free(text);
	return 0;
}
