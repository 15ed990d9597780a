/*
 * profile_state.c
 *		The flat form of learner_profile_state, what travels between
 *		workers and is stored, and its text and binary forms: read and
 *		written here, checked the same way on every path.
 */
#include "learner_profile.h"
#include "profile_state.h"
#include "skill_graph.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/expandeddatum.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memdebug.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"


/* ---------- flat form of the state: what travels and is stored ---------- */

/*
 * Format byte, three zero bytes, the method, the skill count, then per
 * skill: int32 code length, the code, padding to 4 bytes, int32 1 when the
 * skill has a method of its own, which follows (0: the state's method),
 * int32 length of the stream encoding, the encoding (evidence_stream.c),
 * padding to 4.  Format 1 (release 0.2.0) had no per-skill method.
 */

Size
expanded_profile_flat_size(ExpandedObjectHeader *eohptr)
{
	ExpandedProfileState *state = (ExpandedProfileState *) eohptr;
	ExpandedProfileState *ps;
	StringInfoData buf;
	ProfileStateHeader h;
	MemoryContext old;
	MemoryContext view;

	if (state->flat != NULL)
		return state->flat_size;
	/*
	 * Read from its skills and log; only the bytes go in the state's
	 * context (each skill's encoding and sorted copy are freed).
	 */
	ps = filed_view(state, &view);
	old = MemoryContextSwitchTo(eohptr->eoh_context);
	initStringInfo(&buf);
	MemoryContextSwitchTo(old);
	memset(&h, 0, sizeof(h));
	h.format = PROFILE_STATE_FORMAT;
	h.nskills = ps->nskills;
	h.method = ps->method;
	appendBinaryStringInfo(&buf, (char *) &h, sizeof(h));
	for (int i = 0; i < ps->nskills; i++)
	{
		ProfileSkill *sk = ps->skills[i];
		Size		len;
		char	   *enc = stream_encode(&sk->stream, true, 0, &len);
		int32		n32;
		static const char zeros[4] = {0};

		n32 = sk->len;
		appendBinaryStringInfo(&buf, (char *) &n32, 4);
		appendBinaryStringInfo(&buf, sk->code, sk->len);
		appendBinaryStringInfo(&buf, zeros, (4 - (sk->len & 3)) & 3);
		n32 = sk->own_method != NULL;
		appendBinaryStringInfo(&buf, (char *) &n32, 4);
		if (sk->own_method)
			appendBinaryStringInfo(&buf, (char *) sk->own_method, sizeof(RollupMethod));
		n32 = (int32) len;
		appendBinaryStringInfo(&buf, (char *) &n32, 4);
		appendBinaryStringInfo(&buf, enc, len);
		appendBinaryStringInfo(&buf, zeros, (4 - (len & 3)) & 3);
		pfree(enc);
	}
	SET_VARSIZE(buf.data, buf.len);
	state->flat = buf.data;
	state->flat_size = buf.len;
	if (view != NULL)
		MemoryContextDelete(view);
	return state->flat_size;
}

void
expanded_profile_flatten(ExpandedObjectHeader *eohptr, void *result, Size size)
{
	ExpandedProfileState *ps = (ExpandedProfileState *) eohptr;

	/* flattened a second time without a size request: build the bytes again */
	if (ps->flat == NULL)
		(void) expanded_profile_flat_size(eohptr);
	Assert(ps->flat != NULL && size == ps->flat_size);
	memcpy(result, ps->flat, size);
	/* one copy is enough: a parallel partial state is flattened once */
	pfree(ps->flat);
	ps->flat = NULL;
}

/*
 * Flat bytes that fail a check, with SQLSTATE sqlstate: data_corrupted for
 * stored and serialized bytes, invalid_binary_representation for the stored
 * bytes a client sends as binary input (formats 1 and 2 of
 * learner_profile_state_recv), as every other binary input reports.
 */
pg_attribute_noreturn()
static void
corrupt_profile_state(int sqlstate, const char *detail)
{
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("invalid learner_profile_state value"),
			 errdetail("%s", detail)));
}

void
profile_state_read_header(const char *data, Size size, ProfileStateHeader *h, int sqlstate)
{
	if (size < sizeof(ProfileStateHeader))
		corrupt_profile_state(sqlstate, "The value is shorter than its header.");
	memcpy(h, data, sizeof(ProfileStateHeader));
	if (h->format < 1 || h->format > PROFILE_STATE_FORMAT || h->pad[0] || h->pad[1] || h->pad[2] || h->pad2)
		corrupt_profile_state(sqlstate, psprintf("Format %d is not known; this version reads formats 1 to %d.",
												 h->format, PROFILE_STATE_FORMAT));
	if (h->nskills < 0 || h->nskills > PROFILE_MAX_SKILLS ||
		(Size) h->nskills * 8 > size - sizeof(ProfileStateHeader))
		corrupt_profile_state(sqlstate, "The skill count does not match the size.");
	method_check(&h->method);
}

/*
 * Adds every skill of a flat state to ps: a state of its own, or the
 * combine target, so that each piece of evidence is copied once, from the
 * flat bytes straight into its skill.  Every byte is checked: it may come
 * from another node.
 */
void
profile_state_read_into(ExpandedProfileState *ps, const char *data, Size size, int sqlstate)
{
	ProfileStateHeader h;
	Size		pos = sizeof(ProfileStateHeader);
	uint32		generation;

	/* 0 marks a skill no read has brought yet */
	if (++ps->reads == 0)
		ps->reads = 1;
	generation = ps->reads;

	profile_state_read_header(data, size, &h, sqlstate);
	for (int i = 0; i < h.nskills; i++)
	{
		int32		len;
		int32		enclen;
		const char *code;
		ProfileSkill *sk;
		EvidenceStream s;
		RollupMethod own;
		const RollupMethod *method = &h.method;

		if (size - pos < 4)
			corrupt_profile_state(sqlstate, "A skill is cut short.");
		memcpy(&len, data + pos, 4);
		pos += 4;
		if (len <= 0 || len > SKILL_CODE_MAX_LENGTH || (Size) len > size - pos)
			corrupt_profile_state(sqlstate, "A skill code has an invalid length.");
		code = data + pos;
		if (memchr(code, '\0', len) != NULL)
			corrupt_profile_state(sqlstate, "A skill code contains a zero byte.");
		if (!pg_verifymbstr(code, len, true))
			corrupt_profile_state(sqlstate, "A skill code is not valid in the server encoding.");
		pos += len + ((4 - (len & 3)) & 3);
		if (pos > size || size - pos < 4)
			corrupt_profile_state(sqlstate, "A skill is cut short.");
		if (h.format >= 2)
		{
			int32		flag;

			memcpy(&flag, data + pos, 4);
			pos += 4;
			if (flag != 0 && flag != 1)
				corrupt_profile_state(sqlstate, "A skill's method flag is neither 0 nor 1.");
			if (flag)
			{
				if (size - pos < sizeof(RollupMethod))
					corrupt_profile_state(sqlstate, "A skill's method is cut short.");
				memcpy(&own, data + pos, sizeof(RollupMethod));
				pos += sizeof(RollupMethod);
				method_check(&own);
				method = &own;
			}
			if (size - pos < 4)
				corrupt_profile_state(sqlstate, "A skill is cut short.");
		}
		memcpy(&enclen, data + pos, 4);
		pos += 4;
		if (enclen < 0 || (Size) enclen > size - pos)
			corrupt_profile_state(sqlstate, "An evidence stream has an invalid length.");
		sk = state_skill(ps, code, len);
		if (sk->read_mark == generation)
			corrupt_profile_state(sqlstate, "A skill appears twice.");
		sk->read_mark = generation;
		/* borrowed: the evidence is copied once, into the skill */
		stream_decode_as(&s, data + pos, enclen, true, sqlstate);
		skill_add_stream(ps, sk, &s, method);
		pos += enclen + ((4 - (enclen & 3)) & 3);
		if (pos > size)
			corrupt_profile_state(sqlstate, "An evidence stream is cut short.");
		CHECK_FOR_INTERRUPTS();
	}
	if (pos != size)
		corrupt_profile_state(sqlstate, "There are bytes after the last skill.");
}

/* A flat state read into a new state under parent */
static ExpandedProfileState *
profile_state_read(const char *data, Size size, MemoryContext parent, int sqlstate)
{
	ProfileStateHeader h;
	ExpandedProfileState *ps;

	profile_state_read_header(data, size, &h, sqlstate);
	ps = new_profile_state(AllocSetContextCreate(parent, "learner_profile_state",
												 ALLOCSET_SMALL_SIZES), &h.method);
	profile_state_read_into(ps, data, size, sqlstate);
	return ps;
}

/* The state argument as an expanded state: its own, or one read from bytes */
ExpandedProfileState *
profile_state_argument(FunctionCallInfo fcinfo, int argno, MemoryContext parent)
{
	Datum		d = PG_GETARG_DATUM(argno);
	struct varlena *flat;

	if (is_expanded_profile_state(d))
		return (ExpandedProfileState *) DatumGetEOHP(d);
	flat = PG_DETOAST_DATUM(d);
	return profile_state_read((const char *) flat, VARSIZE(flat), parent, ERRCODE_DATA_CORRUPTED);
}

/*
 * Text form, for Citus (which moves partial states as text) and dumps:
 * {"method": "average", "skills": {"ratios": "[3/4 @ ...; ...]", ...}},
 * every number exact and every time in UTC.
 */
PG_FUNCTION_INFO_V1(learner_profile_state_out);
Datum
learner_profile_state_out(PG_FUNCTION_ARGS)
{
	MemoryContext view;
	ExpandedProfileState *ps = filed_view(profile_state_argument(fcinfo, 0, CurrentMemoryContext),
										  &view);
	StringInfoData buf;
	StringInfoData stream;

	initStringInfo(&buf);
	initStringInfo(&stream);
	appendStringInfoString(&buf, "{\"method\": ");
	escape_json(&buf, method_to_text(&ps->method));
	appendStringInfoString(&buf, ", \"skills\": {");
	for (int i = 0; i < ps->nskills; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, ps->skills[i]->code);
		appendStringInfoString(&buf, ": ");
		resetStringInfo(&stream);
		stream_append_text(&stream, &ps->skills[i]->stream);
		escape_json(&buf, stream.data);
		CHECK_FOR_INTERRUPTS();
	}
	appendStringInfoChar(&buf, '}');
	/* the skills with a method of their own, when there are any */
	{
		int			n = 0;

		for (int i = 0; i < ps->nskills; i++)
		{
			if (ps->skills[i]->own_method == NULL)
				continue;
			appendStringInfoString(&buf, n++ == 0 ? ", \"methods\": {" : ", ");
			escape_json(&buf, ps->skills[i]->code);
			appendStringInfoString(&buf, ": ");
			escape_json(&buf, method_to_text(ps->skills[i]->own_method));
		}
		if (n > 0)
			appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, '}');
	if (view != NULL)
		MemoryContextDelete(view);
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(learner_profile_state_in);
Datum
learner_profile_state_in(PG_FUNCTION_ARGS)
{
	char	   *text = PG_GETARG_CSTRING(0);
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
	JsonbValue *method;
	JsonbValue *skills;
	JsonbValue *methods;
	ExpandedProfileState *ps;
	RollupMethod m;
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *code = NULL;

	if (!JB_ROOT_IS_OBJECT(jb) ||
		(method = getKeyJsonValueFromContainer(&jb->root, "method", 6, NULL)) == NULL ||
		method->type != jbvString ||
		(skills = getKeyJsonValueFromContainer(&jb->root, "skills", 6, NULL)) == NULL ||
		skills->type != jbvBinary || !JsonContainerIsObject(skills->val.binary.data) ||
		((methods = getKeyJsonValueFromContainer(&jb->root, "methods", 7, NULL)) != NULL &&
		 (methods->type != jbvBinary || !JsonContainerIsObject(methods->val.binary.data))) ||
		JB_ROOT_COUNT(jb) != (methods ? 3 : 2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type learner_profile_state"),
				 errdetail("A learner_profile_state is {\"method\": \"...\", \"skills\": {\"code\": \"[evidence; ...]\", ...}}, with \"methods\": {\"code\": \"method\", ...} for skills with a method of their own.")));
	method_parse(json_text(method), &m);
	ps = new_profile_state(CurrentMemoryContext, &m);
	it = JsonbIteratorInit(skills->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
			code = json_text(&v);
		else if (tok == WJB_VALUE)
		{
			char	   *stream_text;
			const char *end;
			ProfileSkill *sk;
			MemoryContext old;

			if (v.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("the evidence of skill \"%s\" in a learner_profile_state must be a string", code)));
			stream_text = json_text(&v);
			sk = state_skill(ps, code, strlen(code));
			if (sk->stream.n > 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("skill \"%s\" appears twice in a learner_profile_state", code)));
			old = MemoryContextSwitchTo(ps->hdr.eoh_context);
			end = stream_parse_text(stream_text, stream_text, true, &sk->stream);
			MemoryContextSwitchTo(old);
			/* the stream was empty; the skill's frame has the brackets */
			ps->text_bound += stream_text_bound(&sk->stream) - 2;
			while (isspace((unsigned char) *end))
				end++;
			if (*end != '\0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid evidence of skill \"%s\" in a learner_profile_state", code),
						 errdetail("Unexpected text after \"]\".")));
			sk->kinds = stream_kinds(&sk->stream);
		}
	}
	/* then the skills' own methods, each naming a skill of "skills" */
	if (methods)
	{
		it = JsonbIteratorInit(methods->val.binary.data);
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
				code = json_text(&v);
			else if (tok == WJB_VALUE)
			{
				RollupMethod own;
				ProfileSkill *sk;
				int			before = ps->nskills;

				if (v.type != jbvString)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("the method of skill \"%s\" in a learner_profile_state must be a string", code)));
				method_parse(json_text(&v), &own);
				sk = state_skill(ps, code, strlen(code));
				if (ps->nskills != before)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
							 errmsg("skill \"%s\" has a method but no evidence in a learner_profile_state", code),
							 errhint("Every key of \"methods\" names a skill of \"skills\".")));
				skill_set_method(ps, sk, &own);
			}
		}
	}
	check_state_text(ps);
	/* a stored value is flat */
	{
		Size		size = expanded_profile_flat_size(&ps->hdr);
		void	   *flat = palloc(size);

		expanded_profile_flatten(&ps->hdr, flat, size);
		PG_RETURN_POINTER(flat);
	}
}

/*
 * Binary form of a state, format 3: the state's method as mastery_method
 * sends it (its format byte first), the skill count, then per skill its
 * code (int32 length in the client encoding, then the bytes converted to
 * it), a byte 1 followed by the skill's own method when it has one (else
 * 0), and its evidence as mastery_state sends it (the count, then score,
 * out_of, observed_at, weight and kind of each piece in evidence order);
 * numbers in network order.  The method goes as numbers, not as its text,
 * so that a parameter travels exactly and is checked by the same
 * validator as a mastery_method's.  recv builds the state as text input
 * does (every code, method and piece of evidence checked the same way).
 *
 * Formats 1 and 2 (0.2.0, and this release before format 3) were a format
 * byte and the stored bytes as they lie in memory: byte order of the
 * sender's machine, codes in its server encoding.  They are still read,
 * through the checks of every stored state.
 */
#define PROFILE_STATE_SEND_FORMAT 3

PG_FUNCTION_INFO_V1(learner_profile_state_send);
Datum
learner_profile_state_send(PG_FUNCTION_ARGS)
{
	MemoryContext view;
	ExpandedProfileState *ps = filed_view(profile_state_argument(fcinfo, 0, CurrentMemoryContext),
										  &view);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PROFILE_STATE_SEND_FORMAT);
	method_send(&buf, &ps->method);
	pq_sendint32(&buf, ps->nskills);
	for (int i = 0; i < ps->nskills; i++)
	{
		const ProfileSkill *sk = ps->skills[i];

		send_counted_text(&buf, sk->code, sk->len);
		pq_sendbyte(&buf, sk->own_method != NULL);
		if (sk->own_method)
			method_send(&buf, sk->own_method);
		stream_send(&buf, &sk->stream);
		CHECK_FOR_INTERRUPTS();
	}
	if (view != NULL)
		MemoryContextDelete(view);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Formats 1 and 2: the sender's stored bytes, checked as every stored state */
static ExpandedProfileState *
profile_state_recv_flat(StringInfo msg, int format)
{
	int			len = msg->len - msg->cursor;
	char	   *flat;

	flat = palloc(VARHDRSZ + len);
	SET_VARSIZE(flat, VARHDRSZ + len);
	memcpy(flat + VARHDRSZ, pq_getmsgbytes(msg, len), len);
	pq_getmsgend(msg);
	if (len < 1 || (uint8) flat[VARHDRSZ] != format)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("learner_profile_state binary format %d does not match the format of its value", format)));
	return profile_state_read(flat, VARHDRSZ + len, CurrentMemoryContext,
							  ERRCODE_INVALID_BINARY_REPRESENTATION);
}

PG_FUNCTION_INFO_V1(learner_profile_state_recv);
Datum
learner_profile_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	int			format = pq_getmsgbyte(msg);
	ExpandedProfileState *ps;
	RollupMethod m;
	int			n;
	char	   *flat;
	Size		size;
	uint32		generation;

	if (format < 1 || format > PROFILE_STATE_SEND_FORMAT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported binary format version %d for learner_profile_state", format),
				 errdetail("This version of competency reads formats 1 to %d.", PROFILE_STATE_SEND_FORMAT)));
	if (format < PROFILE_STATE_SEND_FORMAT)
		ps = profile_state_recv_flat(msg, format);
	else
	{
		method_recv(msg, &m);
		n = pq_getmsgint(msg, 4);
		/* a skill takes at least 9 bytes (code length, method flag, evidence count) */
		if (n < 0 || n > PROFILE_MAX_SKILLS || (int64) n * 9 > msg->len - msg->cursor)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid skill count %d in binary learner_profile_state", n)));
		ps = new_profile_state(CurrentMemoryContext, &m);
		/* a skill this read brought carries its mark, evidence or not */
		generation = ++ps->reads;
		for (int i = 0; i < n; i++)
		{
			int			len;
			char	   *code = recv_counted_text(msg, SKILL_CODE_MAX_LENGTH, "skill code",
												 "learner_profile_state", &len);
			ProfileSkill *sk = state_skill(ps, code, len);
			int			has_method = pq_getmsgbyte(msg);
			RollupMethod own;
			MemoryContext old;

			if (sk->read_mark == generation)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("skill \"%s\" appears twice in a learner_profile_state", code)));
			sk->read_mark = generation;
			if (has_method != 0 && has_method != 1)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
						 errmsg("invalid method flag %d for skill \"%s\" in binary learner_profile_state",
								has_method, code)));
			if (has_method)
				method_recv(msg, &own);
			old = MemoryContextSwitchTo(ps->hdr.eoh_context);
			stream_recv(msg, &sk->stream, "learner_profile_state", true);
			MemoryContextSwitchTo(old);
			/* the stream was empty; the skill's frame has the brackets */
			ps->text_bound += stream_text_bound(&sk->stream) - 2;
			sk->kinds = stream_kinds(&sk->stream);
			if (has_method)
				skill_set_method(ps, sk, &own);
			CHECK_FOR_INTERRUPTS();
		}
		pq_getmsgend(msg);
	}
	check_state_text(ps);
	/* a stored value is flat */
	size = expanded_profile_flat_size(&ps->hdr);
	flat = palloc(size);
	expanded_profile_flatten(&ps->hdr, flat, size);
	PG_RETURN_POINTER(flat);
}

