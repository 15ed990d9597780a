/*
 * fuzz_inputs.c
 *		libFuzzer harness for the input grammars that run without a server:
 *		the mastery_method grammar (every method, bkt with the parameters a
 *		fit gives, options), bkt_fit's options and the binary receive of
 *		mastery_method, mastery_evidence, mastery_state, learner_profile and
 *		learner_profile_state.  Built with AddressSanitizer and UBSan by
 *		`make fuzz`.
 *
 * The first byte picks the target, the rest is the input.  Invariants:
 * a refusal is an ereport with a SQLSTATE (never an internal error); a
 * method accepted in text has a normal form that parses back to the same
 * method and the same normal form; a method accepted in binary is valid
 * and its normal form parses back to it; bkt_fit options accepted lie in
 * their documented ranges; evidence, a state, a profile or a profile state
 * accepted in binary sends bytes that receive to the same stored value.
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
extern Datum mastery_evidence_recv(PG_FUNCTION_ARGS);
extern Datum mastery_evidence_send(PG_FUNCTION_ARGS);
extern Datum mastery_state_recv(PG_FUNCTION_ARGS);
extern Datum mastery_state_send(PG_FUNCTION_ARGS);
extern Datum learner_profile_recv(PG_FUNCTION_ARGS);
extern Datum learner_profile_send(PG_FUNCTION_ARGS);
extern Datum learner_profile_state_recv(PG_FUNCTION_ARGS);
extern Datum learner_profile_state_send(PG_FUNCTION_ARGS);

static void
fail(const char *what, const char *input)
{
	fprintf(stderr, "invariant broken: %s\ninput: %s\nlast error: %s (SQLSTATE %s)\n", what,
			input ? input : "(binary)", fuzz_last_errmsg ? fuzz_last_errmsg : "none",
			unpack_sql_state(fuzz_last_errcode));
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

/* a function of one argument, called as fmgr would */
static Datum
call1(PGFunction f, Datum arg)
{
	LOCAL_FCINFO(fcinfo, 1);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg;
	fcinfo->args[0].isnull = false;
	result = f(fcinfo);
	if (fcinfo->isnull)
		fail("a function returned NULL", NULL);
	return result;
}

/* a binary message as the server hands it to a receive function */
static Datum
receive(PGFunction recv, const void *data, size_t size)
{
	StringInfo	msg = palloc(sizeof(StringInfoData));

	msg->data = palloc(size + 1);
	memcpy(msg->data, data, size);
	msg->data[size] = '\0';
	msg->len = size;
	msg->maxlen = size + 1;
	msg->cursor = 0;
	return call1(recv, PointerGetDatum(msg));
}

/*
 * A value accepted in binary: what send writes of it must receive to the
 * same stored bytes (the builder's normal form).  fixed_length: the type's
 * length when it is not a varlena (mastery_evidence), else 0.
 */
static void
binary_round_trip(PGFunction recv, PGFunction send, int fixed_length, const uint8_t *data, size_t size)
{
	Size		length;
	Datum		value;
	bytea	   *sent;
	Datum		again;

	if (sigsetjmp(fuzz_on_error, 0) != 0)
	{
		refused_properly(NULL);
		return;
	}
	value = receive(recv, data, size);
	if (sigsetjmp(fuzz_on_error, 0) != 0)
		fail("a value accepted in binary fails to send or to receive what it sent", NULL);
	sent = DatumGetByteaPP(call1(send, value));
	again = receive(recv, VARDATA_ANY(sent), VARSIZE_ANY_EXHDR(sent));
	length = fixed_length > 0 ? fixed_length : VARSIZE(DatumGetPointer(value));
	if ((fixed_length == 0 && VARSIZE(DatumGetPointer(again)) != length) ||
		memcmp(DatumGetPointer(value), DatumGetPointer(again), length) != 0)
		fail("what send writes of a received value receives to another value", NULL);
}

static void
method_binary(const uint8_t *data, size_t size)
{
	Datum		d;
	RollupMethod again;
	const RollupMethod *m;
	char	   *normal;

	if (sigsetjmp(fuzz_on_error, 0) != 0)
	{
		refused_properly(NULL);
		return;
	}
	d = receive(mastery_method_recv, data, size);
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
	bkt_parse_options(text, &o);
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
	switch (data[0] % 7)
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
		case 3:
			binary_round_trip(learner_profile_recv, learner_profile_send, 0, data + 1, size - 1);
			break;
		case 4:
			binary_round_trip(learner_profile_state_recv, learner_profile_state_send, 0, data + 1, size - 1);
			break;
		case 5:
			binary_round_trip(mastery_state_recv, mastery_state_send, 0, data + 1, size - 1);
			break;
		case 6:
			binary_round_trip(mastery_evidence_recv, mastery_evidence_send, sizeof(MasteryEvidence), data + 1, size - 1);
			break;
	}
	fuzz_release_all();
	free(text);
	return 0;
}
