/* monitor.c - a thread beside a long scan: progress on a terminal and a
 * watchdog that ends the process when a deadline passes, even if libgit2
 * is stuck in a loop that no flag can interrupt. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "monitor.h"

static double mon_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void mon_progress(lw_monitor *m, double elapsed)
{
	const lw_history_stats *s = m->stats;
	double mb = (double)s->bytes / 1e6, rate = elapsed > 0 ? mb / elapsed : 0;
	double eta = s->commits && s->commits_total > s->commits
			     ? elapsed * (double)(s->commits_total - s->commits) / (double)s->commits
			     : 0;

	fprintf(stderr, "\r\033[Kcommits %llu/%llu, blobs %llu, %.1f MB, findings %llu, %.1f MB/s, ETA %.0fs",
		(unsigned long long)s->commits, (unsigned long long)s->commits_total,
		(unsigned long long)s->blobs, mb, (unsigned long long)s->findings, rate, eta);
	m->drew = 1;
}

static void mon_expire(lw_monitor *m)
{
	char objs[16 * 42 + 1] = "";
	size_t o = 0;

	for (int i = 0; i < 16 && m->stats; i++) {
		if (m->stats->inflight[i][0] && o + 42 < sizeof(objs))
			o += (size_t)snprintf(objs + o, sizeof(objs) - o, " %.40s", m->stats->inflight[i]);
	}
	if (m->drew)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "leakwalk: error: %s did not finish within %u seconds; stopped%s%s\n",
		m->what, m->timeout, objs[0] ? " while reading object" : "", objs);
	fflush(stderr);
	if (m->on_expire)
		m->on_expire(m->payload);
	_exit(m->exit_code);
}

static void *mon_main(void *p)
{
	lw_monitor *m = p;
	double start = mon_now();

	pthread_mutex_lock(&m->lock);
	while (!m->finished) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&m->cond, &m->lock, &ts);
		if (m->finished)
			break;
		double el = mon_now() - start;
		if (m->timeout && el >= (double)m->timeout)
			mon_expire(m);
		if (m->progress && m->stats)
			mon_progress(m, el);
	}
	if (m->drew)
		fputs("\r\033[K", stderr);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

int lw_monitor_start(lw_monitor *m)
{
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	m->finished = 0;
	m->drew = 0;
	if (!m->timeout && !m->progress)
		return 0;
	m->running = pthread_create(&m->thread, NULL, mon_main, m) == 0;
	return m->running ? 0 : -1;
}

void lw_monitor_stop(lw_monitor *m)
{
	pthread_mutex_lock(&m->lock);
	m->finished = 1;
	pthread_cond_signal(&m->cond);
	pthread_mutex_unlock(&m->lock);
	if (m->running)
		pthread_join(m->thread, NULL);
	m->running = 0;
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
}
