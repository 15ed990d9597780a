/*
 * competency.c
 *		The loadable module itself: its magic block.  Every SQL-callable
 *		function lives in the file of its feature (see README, "Layout").
 */
#include "competency.h"

PG_MODULE_MAGIC;
