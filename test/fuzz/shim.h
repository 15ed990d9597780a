/* shim.h: what the fuzz harness needs of shim.c */
#ifndef COMPETENCY_FUZZ_SHIM_H
#define COMPETENCY_FUZZ_SHIM_H

#include <setjmp.h>

extern sigjmp_buf fuzz_on_error;
extern int	fuzz_last_errcode;	/* of the last ereport: 0 when it set none */
extern const char *fuzz_last_errmsg;	/* its errmsg format string */
extern void fuzz_release_all(void);

#endif
