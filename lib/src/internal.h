/*
 * internal.h - what every file of the library includes: the public header
 * and each folder's own declarations (util/util.h, rules/rules.h, ...),
 * lowest layer first. Not installed.
 *
 * Invariants: a lw_rule owns every string its lw_rule_info points to; a
 * rule's regex is compiled at most once (under the rule set's lock) and is
 * read-only afterwards, so scanners on several threads share it.
 */
#ifndef LW_INTERNAL_H
#define LW_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

#include "leakwalk.h"
#include "util/banned.h"

/* each folder's declarations, lowest layer first */
#include "util/util.h"
#include "rules/rules.h"
#include "filter/filter.h"
#include "detect/detect.h"
#include "finding/finding.h"
#include "source/feed.h"

#endif
