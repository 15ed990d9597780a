/* shim.h: what the fuzz harness needs of shim.c */
#ifndef COMPETENCY_FUZZ_SHIM_H
#define COMPETENCY_FUZZ_SHIM_H

#include <setjmp.h>

extern sigjmp_buf fuzz_on_error;
extern void fuzz_release_all(void);

#endif
