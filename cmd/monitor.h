/* monitor.h - progress and watchdog thread for long scans. */
#ifndef LW_MONITOR_H
#define LW_MONITOR_H

#include <pthread.h>
#include <stdint.h>

#include "leakwalk.h"

typedef struct lw_monitor {
	const lw_history_stats *stats; /* read for progress and the watchdog message */
	const lw_fs_stats *fs_stats;  /* scan: files and bytes (instead of stats) */
	const uint64_t *fs_findings;  /* scan: findings so far */
	unsigned timeout;             /* seconds, 0: none */
	int progress;                 /* draw progress on stderr */
	int exit_code;                /* status when the deadline passes */
	const char *what;             /* "the audit" */
	void (*on_expire)(void *);    /* last words before _exit, may be NULL */
	void *payload;
	/* private */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int finished, running, drew, tty;
	double start, blob_start, last_line;
} lw_monitor;

int lw_monitor_start(lw_monitor *m);
void lw_monitor_stop(lw_monitor *m);

#endif
