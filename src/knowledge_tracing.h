/*
 * knowledge_tracing.h
 *		What the fit (knowledge_tracing.c) shares with the evaluation of a
 *		fit (bkt_evaluation.c): the collected answers, the options, the
 *		sequences and EM from the starts.
 */
#ifndef COMPETENCY_KNOWLEDGE_TRACING_H
#define COMPETENCY_KNOWLEDGE_TRACING_H

#include "competency.h"

/* Response codes in a sequence */
#define BKT_WRONG		0
#define BKT_RIGHT		1
#define BKT_MISSING		2

/* 2: the folds and seed of bkt_crossvalidate after the options; 3: items */
#define BKT_STATE_FORMAT	3
/* 16 bytes a response: 50 million stay well inside a huge allocation */
#define BKT_MAX_RESPONSES	50000000
#define BKT_MAX_NAMES		((Size) 1 << 30)
#define BKT_MAX_RESTARTS	1000
#define BKT_MAX_ITER		100000
#define BKT_MAX_FOLDS		100
/*
 * bkt_item_fit: items of one group, and their identifiers' bytes.  An item
 * index travels in the two spare bytes of a BktResponse; the fit's text
 * form (items, then two float8 arrays) stays far below 1 GB.
 */
#define BKT_MAX_ITEMS		10000
#define BKT_MAX_ITEM_BYTES	((Size) 16 << 20)

/* p_guess or p_slip of exactly 0 or 1 move this far inside for the method */
#define BKT_METHOD_EPSILON	1e-9
/* bytes of a bkt_params value the window functions compare with the last */
#define BKT_PARAMS_CACHE	128

typedef struct BktResponse
{
	int64		key;			/* observed_at or seq */
	uint32		learner;		/* index into learners */
	uint16		item;			/* index into items (bkt_item_fit), else 0 */
	uint8		code;			/* BKT_WRONG, BKT_RIGHT or BKT_MISSING */
} BktResponse;

StaticAssertDecl(sizeof(BktResponse) == 16, "a response should stay 16 bytes");

typedef struct BktFitState
{
	char	   *options;		/* as given ("" for NULL), NUL-terminated */
	int			options_len;
	int32		folds;			/* bkt_crossvalidate: 2 to BKT_MAX_FOLDS; 0 for a fit */
	int64		fold_seed;		/* bkt_crossvalidate: the seed of the folds */
	StringTable learners;		/* one entry per distinct identifier */
	bool		has_items;		/* bkt_item_fit: every response names its item */
	StringTable items;			/* bkt_item_fit: one entry per distinct item */
	BktResponse *responses;
	Size		nresponses;
	Size		responses_cap;
} BktFitState;

typedef struct BktModel
{
	double		prior;
	double		learn;
	double		forget;
	double		guess;
	double		slip;
} BktModel;

typedef struct BktOptions
{
	int			restarts;
	uint64		seed;
	bool		has_init;
	BktModel	init;
	bool		init_forget_given;
	bool		forgets;
	double		tol;
	int			max_iter;
	bool		pybkt_compat;
	double		max_guess;
	double		max_slip;
	double		min_guess;		/* 0: a p_guess or p_slip of 0 makes one answer proof */
	double		min_slip;
	double		min_learn;
	double		max_learn;
	bool		accelerate;		/* SQUAREM steps and starts that rejoin a fit stop */
} BktOptions;

/* Sequences of a skill, one per learner, responses back to back */
typedef struct BktData
{
	uint8	   *code;
	uint16	   *item;			/* item rank of each code (bkt_item_fit), else NULL */
	uint32	   *item_order;		/* the items' entries in byte order (nitems) */
	int			nitems;
	int64	   *start;			/* nseq + 1 offsets into code */
	int64		nseq;
	int64		maxlen;
} BktData;

typedef struct BktFit
{
	BktModel	m;
	double		ll;
	int			iterations;		/* E-steps */
	bool		converged;		/* the stop rule held before max_iter */
} BktFit;

/* the options of a fit; errors name the offending key */
extern void bkt_parse_options(const char *options, BktOptions *o);

/*
 * One sequence per learner, in byte order of the identifiers; seq_learner,
 * when given, receives the learner index of each sequence (nseq entries,
 * allocated here).
 */
extern void bkt_build_sequences(BktFitState *st, BktData *d, uint32 **seq_learner);

/* EM from the given start and the random ones; the best wins */
extern BktFit bkt_fit_skill(const BktData *d, const BktOptions *o);

/* p_guess and p_slip moved 1e-9 inside (0, 1), for the predictions */
extern void bkt_clamp_emissions(BktModel *m);

#endif							/* COMPETENCY_KNOWLEDGE_TRACING_H */
