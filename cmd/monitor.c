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

/* The audit's line. Phases: planning (no commit total yet), the walk
 * (commits; blobs are only collected), then reading the blobs in pack
 * order (their total is known from then on). An ETA is shown only where
 * one can be estimated: for the walk from the commits, for the blobs from
 * the blobs read since that phase began. */
static void mon_history_line(lw_monitor *m, lw_buf *b, double now)
{
	const lw_history_stats *s = m->stats;
	double el = now - m->start;

	if (!s->commits_total && !s->blobs_total) {
		lw_buf_printf(b, "planning the walk (reading refs and commits), %.0fs", el);
		return;
	}
	lw_buf_printf(b, "commits %llu/%llu", (unsigned long long)s->commits,
		(unsigned long long)s->commits_total);
	if (!s->blobs_total) {
		lw_buf_printf(b, ", findings %llu", (unsigned long long)s->unique_findings);
		if (s->commits && s->commits_total > s->commits)
			lw_buf_printf(b, ", walk ETA %.0fs",
				el * (double)(s->commits_total - s->commits) / (double)s->commits);
		return;
	}
	if (m->blob_start == 0)
		m->blob_start = now;
	double bel = now - m->blob_start, mb = (double)s->bytes / 1e6;
	uint64_t done = __atomic_load_n(&s->blobs_done, __ATOMIC_RELAXED);
	lw_buf_printf(b, ", blobs %llu/%llu, %.1f MB, %.1f MB/s, findings %llu",
		(unsigned long long)done, (unsigned long long)s->blobs_total, mb,
		el > 0 ? mb / el : 0, (unsigned long long)s->unique_findings);
	if (done && s->blobs_total > done && bel >= 1)
		lw_buf_printf(b, ", ETA %.0fs", bel * (double)(s->blobs_total - done) / (double)done);
}

static void mon_fs_line(lw_monitor *m, lw_buf *b, double now)
{
	const lw_fs_stats *s = m->fs_stats;
	double el = now - m->start, mb = (double)s->bytes / 1e6;

	lw_buf_printf(b, "files %llu, %.1f MB, %.1f MB/s, findings %llu",
		(unsigned long long)s->files, mb, el > 0 ? mb / el : 0,
		(unsigned long long)(m->fs_findings ? __atomic_load_n(m->fs_findings, __ATOMIC_RELAXED) : 0));
}

/* On a terminal the line is redrawn in place every 250 ms and erased at
 * the end; elsewhere (a CI log) a plain line every 5 s, and the last
 * counts once more when the scan ends. */
static void mon_progress(lw_monitor *m, double now, int final)
{
	lw_buf b;

	if (!m->tty && !final && m->last_line && now - m->last_line < 5)
		return;
	lw_buf_init(&b, 4096);
	if (m->stats)
		mon_history_line(m, &b, now);
	else if (m->fs_stats)
		mon_fs_line(m, &b, now);
	if (m->tty)
		fprintf(stderr, "\r\033[K%s", lw_buf_cstr(&b));
	else
		fprintf(stderr, "leakwalk: progress: %s\n", lw_buf_cstr(&b));
	fflush(stderr);
	lw_buf_release(&b);
	m->last_line = now;
	m->drew = m->tty;
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
	m->drew = 0;
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
		double now = mon_now();
		if (m->timeout && now - m->start >= (double)m->timeout)
			mon_expire(m);
		if (m->progress && (m->stats || m->fs_stats))
			mon_progress(m, now, 0);
	}
	if (m->progress && !m->tty && (m->stats || m->fs_stats))
		mon_progress(m, mon_now(), 1);
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
	m->tty = isatty(STDERR_FILENO);
	m->start = mon_now();
	m->blob_start = m->last_line = 0;
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
