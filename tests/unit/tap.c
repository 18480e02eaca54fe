/* tap.c - see tap.h */
#include <stdio.h>

#include "tap.h"

static size_t tap_passed, tap_failed;

void tap_check(int ok, const char *expr, const char *file, int line)
{
	if (ok) {
		tap_passed++;
		return;
	}
	tap_failed++;
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
}

int tap_done(void)
{
	printf("%zu passed, %zu failed\n", tap_passed, tap_failed);
	return tap_failed ? 1 : 0;
}
