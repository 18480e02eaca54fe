/* tap.h - a minimal test harness: CHECK records a failure and goes on;
 * tap_done() prints "N passed, N failed" and returns the exit status. */
#ifndef LW_TAP_H
#define LW_TAP_H

#include <stddef.h>

void tap_check(int ok, const char *expr, const char *file, int line);
int tap_done(void);

#define CHECK(e) tap_check(!!(e), #e, __FILE__, __LINE__)

#endif
