/*
 * fswalk.c - the filesystem source: one walker thread opens files (never
 * following symlinks below a root) and hands open descriptors through a
 * bounded queue to workers that read and scan them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define LW_FS_QUEUE 256

typedef struct fs_item {
	int fd;
	char *path;   /* shown */
	char *rel;    /* fingerprinted: relative to the root */
	uint64_t size;
} fs_item;

typedef struct fs_ctx {
	const lw_ruleset *rs;
	const lw_fs_options *opts;
	const lw_sink *user;
	lw_sink sink; /* serialising wrapper around user */
	lw_fs_stats *stats;
	pthread_mutex_t lock; /* queue, stats and sink */
	pthread_cond_t not_empty, not_full;
	fs_item q[LW_FS_QUEUE];
	size_t qh, qn;
	int done;
	int stop;
	int fatal;
} fs_ctx;

unsigned int lw_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned int)n : 1;
}

static int fs_on_finding(const lw_finding *f, void *p)
{
	fs_ctx *c = p;
	int rc;

	pthread_mutex_lock(&c->lock);
	rc = c->stop ? 1 : c->user->on_finding(f, c->user->payload);
	if (rc)
		c->stop = 1;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

static void fs_on_diag(const lw_diag *d, void *p)
{
	fs_ctx *c = p;

	pthread_mutex_lock(&c->lock);
	if (c->user->on_diag)
		c->user->on_diag(d, c->user->payload);
	pthread_mutex_unlock(&c->lock);
}

static void fs_diag(fs_ctx *c, const char *path, const char *msg)
{
	lw_diag d = { NULL, path, 0, msg };

	fs_on_diag(&d, c);
}

static void fs_count(fs_ctx *c, uint64_t *field, uint64_t n)
{
	pthread_mutex_lock(&c->lock);
	*field += n;
	pthread_mutex_unlock(&c->lock);
}

static int fs_push(fs_ctx *c, fs_item it)
{
	pthread_mutex_lock(&c->lock);
	while (c->qn == LW_FS_QUEUE && !c->stop)
		pthread_cond_wait(&c->not_full, &c->lock);
	if (c->stop) {
		pthread_mutex_unlock(&c->lock);
		close(it.fd);
		free(it.path);
		free(it.rel);
		return LW_ESTOP;
	}
	c->q[(c->qh + c->qn++) % LW_FS_QUEUE] = it;
	pthread_cond_signal(&c->not_empty);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

static int fs_pop(fs_ctx *c, fs_item *it)
{
	pthread_mutex_lock(&c->lock);
	while (c->qn == 0 && !c->done)
		pthread_cond_wait(&c->not_empty, &c->lock);
	if (c->qn == 0) {
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	*it = c->q[c->qh];
	c->qh = (c->qh + 1) % LW_FS_QUEUE;
	c->qn--;
	pthread_cond_signal(&c->not_full);
	pthread_mutex_unlock(&c->lock);
	return 1;
}

/* Reads straight into the buffer, sized once from fstat; a file that grows
 * while it is read is still bounded by the buffer's maximum. */
static int fs_read_all(int fd, lw_buf *b, uint64_t size)
{
	char probe;

	if (lw_buf_reserve(b, (size_t)size) < 0)
		return LW_ELIMIT;
	for (;;) {
		if (b->cap - b->len <= 1) {
			size_t room = b->max - b->len < 65536 ? b->max - b->len : 65536;
			if (room == 0 || lw_buf_reserve(b, room) < 0) {
				/* full at the bound: an error only if the file goes on */
				ssize_t r = read(fd, &probe, 1);
				return r == 0 ? 0 : LW_ELIMIT;
			}
		}
		ssize_t r = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return LW_EIO;
		if (r == 0)
			return 0;
		b->len += (size_t)r;
		b->data[b->len] = '\0';
	}
}

/* `b` is the worker's buffer, reused from file to file so large scans do
 * not pay for fresh pages each time. */
static void fs_scan_item(fs_ctx *c, lw_scanner *sc, fs_item *it, lw_buf *b_)
{
	lw_buf *bp = b_, b;
	int rc;

	bp->len = 0;
	bp->overflow = 0;
	/* a file that is a leak by its path alone: binary or too large too */
	if (lw_scanner_scan_path(sc, it->path, it->rel, &c->sink) == LW_ESTOP)
		c->stop = 1;
	if (it->size > c->opts->max_file_size) {
		fs_count(c, &c->stats->skipped_large, 1);
		return;
	}
	rc = fs_read_all(it->fd, bp, it->size);
	b = *bp;
	if (rc == LW_ELIMIT) {
		fs_count(c, &c->stats->skipped_large, 1);
	} else if (rc < 0) {
		fs_diag(c, it->path, strerror(errno));
		fs_count(c, &c->stats->errors, 1);
	} else {
		lw_feed f = { (const unsigned char *)lw_buf_cstr(&b), b.len, LW_CHUNK_INIT, 0,
			c->opts->max_file_size, NULL, NULL, NULL, NULL };
		f.where.path = it->path;
		f.where.fingerprint_path = it->rel;
		if (lw_source_feed(sc, &f, &c->sink) == LW_ESTOP)
			c->stop = 1;
		pthread_mutex_lock(&c->lock);
		c->stats->files++;
		c->stats->bytes += b.len;
		pthread_mutex_unlock(&c->lock);
	}
	*bp = b;
	if (bp->cap > ((size_t)64 << 20))
		lw_buf_release(bp); /* do not hold on to one huge file's memory */
}

static void *fs_worker(void *p)
{
	fs_ctx *c = p;
	lw_scanner *sc = NULL;
	fs_item it;
	lw_buf buf;

	lw_buf_init(&buf, (size_t)c->opts->max_file_size);
	buf.wipe = 1;
	if (lw_scanner_new(&sc, c->rs, &c->opts->scan) < 0) {
		pthread_mutex_lock(&c->lock);
		c->fatal = LW_ENOMEM;
		c->stop = 1;
		pthread_cond_broadcast(&c->not_full);
		pthread_mutex_unlock(&c->lock);
	}
	while (fs_pop(c, &it)) {
		if (sc && !c->stop)
			fs_scan_item(c, sc, &it, &buf);
		close(it.fd);
		free(it.path);
		free(it.rel);
	}
	if (sc) {
		pthread_mutex_lock(&c->lock);
		c->stats->limit_hits += lw_scanner_limit_hits(sc);
		pthread_mutex_unlock(&c->lock);
	}
	lw_scanner_free(sc);
	lw_buf_release(&buf);
	return NULL;
}

static char *fs_join(const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);
	int slash = al && a[al - 1] != '/';
	char *p = malloc(al + slash + bl + 1);

	if (!p)
		return NULL;
	memcpy(p, a, al);
	if (slash)
		p[al] = '/';
	memcpy(p + al + slash, b, bl + 1);
	return p;
}

static int fs_walk_dir(fs_ctx *c, int dfd, const char *path, const char *rel, unsigned depth);

/* Hands an open file to the workers, or counts why it is skipped. Takes
 * ownership of fd. */
static int fs_queue_file(fs_ctx *c, int fd, const struct stat *st, const char *path,
	const char *rel)
{
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		fs_count(c, &c->stats->skipped_other, 1);
		return 0;
	}
	/* one too large is still queued: path rules judge it by its name */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	fs_item it = { fd, lw_strdup(path), lw_strdup(rel), (uint64_t)st->st_size };
	if (!it.path || !it.rel) {
		close(fd);
		free(it.path);
		free(it.rel);
		return LW_ENOMEM;
	}
	return fs_push(c, it);
}

static int fs_visit(fs_ctx *c, int dfd, const char *name, const char *path, const char *rel,
	unsigned depth)
{
	struct stat st;
	int fd;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP) {
			fs_count(c, &c->stats->skipped_symlink, 1);
			return 0;
		}
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			fs_count(c, &c->stats->skipped_symlink, 1);
			return 0;
		}
		fs_diag(c, path, strerror(errno));
		fs_count(c, &c->stats->errors, 1);
		return 0;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		fs_count(c, &c->stats->errors, 1);
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return fs_walk_dir(c, fd, path, rel, depth + 1);
	return fs_queue_file(c, fd, &st, path, rel);
}

/* Takes ownership of dfd. */
static int fs_walk_dir(fs_ctx *c, int dfd, const char *path, const char *rel, unsigned depth)
{
	DIR *dir;
	struct dirent *de;
	int rc = 0;

	if (depth > c->opts->max_depth) {
		close(dfd);
		fs_diag(c, path, "directory nesting too deep; not scanned");
		fs_count(c, &c->stats->errors, 1);
		return 0;
	}
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		fs_count(c, &c->stats->errors, 1);
		return 0;
	}
	while (rc == 0 && !c->stop && (de = readdir(dir))) {
		const char *n = de->d_name;
		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, ".git"))
			continue;
		char *p = fs_join(path, n), *r = rel[0] ? fs_join(rel, n) : lw_strdup(n);
		if (!p || !r)
			rc = LW_ENOMEM;
		else
			rc = fs_visit(c, dirfd(dir), n, p, r, depth);
		free(p);
		free(r);
	}
	closedir(dir);
	return rc;
}

static int fs_walk_root(fs_ctx *c, const char *root)
{
	struct stat st;
	int fd;

	/* The root itself was named by the user, so a symlink there is followed. */
	fd = open(root, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fs_diag(c, root, strerror(errno));
		fs_count(c, &c->stats->errors, 1);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		const char *shown = strcmp(root, ".") == 0 ? "" : root;
		return fs_walk_dir(c, fd, shown, "", 0);
	}
	/* a file named as a root (even through a symlink) is scanned as named */
	return fs_queue_file(c, fd, &st, root, root);
}

int lw_fs_scan(const char *const *roots, size_t nroots, const lw_ruleset *rs,
	const lw_fs_options *opts, const lw_sink *sink, lw_fs_stats *stats, lw_error *err)
{
	lw_fs_options defaults = LW_FS_OPTIONS_INIT;
	fs_ctx c;
	pthread_t th[256];
	unsigned nth;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	memset(stats, 0, sizeof(*stats));
	c.rs = rs;
	c.opts = opts ? opts : &defaults;
	c.user = sink;
	c.sink = (lw_sink){ fs_on_finding, fs_on_diag, &c };
	c.stats = stats;
	pthread_mutex_init(&c.lock, NULL);
	pthread_cond_init(&c.not_empty, NULL);
	pthread_cond_init(&c.not_full, NULL);
	nth = c.opts->threads ? c.opts->threads : lw_cpu_count();
	if (nth > 256)
		nth = 256;
	for (unsigned i = 0; i < nth; i++) {
		if (pthread_create(&th[i], NULL, fs_worker, &c) != 0) {
			nth = i;
			break;
		}
	}
	if (nth == 0)
		rc = lw_error_set(err, LW_ERROR, "cannot start worker threads");
	for (size_t i = 0; rc == 0 && i < nroots && !c.stop; i++)
		rc = fs_walk_root(&c, roots[i]);
	pthread_mutex_lock(&c.lock);
	c.done = 1;
	pthread_cond_broadcast(&c.not_empty);
	pthread_mutex_unlock(&c.lock);
	for (unsigned i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&c.lock);
	pthread_cond_destroy(&c.not_empty);
	pthread_cond_destroy(&c.not_full);
	if (rc == LW_ESTOP)
		rc = 0;
	if (rc == 0 && c.fatal)
		rc = lw_error_set(err, c.fatal, "out of memory");
	else if (rc < 0 && err && !err->msg[0])
		lw_error_set(err, rc, "scan failed");
	return rc;
}
