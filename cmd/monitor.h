/* monitor.h - progress and watchdog thread for long scans. */
#ifndef LW_MONITOR_H
#define LW_MONITOR_H

#include <pthread.h>

#include "leakwalk.h"

typedef struct lw_monitor {
	const lw_history_stats *stats; /* read for progress and the watchdog message */
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
	int finished, running, drew;
} lw_monitor;

int lw_monitor_start(lw_monitor *m);
void lw_monitor_stop(lw_monitor *m);

#endif
