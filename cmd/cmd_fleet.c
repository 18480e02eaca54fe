/* cmd_fleet.c - `leakwalk fleet add|run|status`: many repositories audited
 * incrementally into one store, by workers on one or many machines. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "cli.h"
#include "store/store.h"

static const char fleet_help[] =
	"usage: leakwalk fleet add --store STORE [--from FILE] [REPO|URL...]\n"
	"       leakwalk fleet run --store STORE [--workers N] [--lease SECONDS]\n"
	"                          [--mirror-dir DIR] [--follow] [--config FILE] [-j N] [-q]\n"
	"       leakwalk fleet status --store STORE [--format text|json]\n"
	"\n"
	"Audits many repositories into one store (an SQLite file, or a postgresql://\n"
	"URI that workers on many machines share), each incrementally: only the\n"
	"commits its recorded tips do not reach.\n"
	"\n"
	"  add     registers repositories (local paths, or clone URLs: file://, ssh://,\n"
	"          https://, user@host:path) and queues them; adding again queues again.\n"
	"          --from FILE reads one per line ('-' for stdin; # comments).\n"
	"  run     claims queued repositories one at a time under a lease (default 3600 s)\n"
	"          and audits them; a repository given by URL is fetched first into\n"
	"          --mirror-dir (default ~/.cache/leakwalk/mirrors). Its findings, tips and\n"
	"          counters are written in one transaction: a worker killed at any point\n"
	"          loses nothing; when its lease expires another redoes the repository\n"
	"          (a live worker renews its lease while it audits).\n"
	"          --workers N runs N worker processes. Exits when nothing is queued;\n"
	"          with --follow it waits for more.\n"
	"  status  per repository: last audit, tips, commits and blobs read, open\n"
	"          findings, errors.\n"
	"\n"
	"exit status: 0 done; 3 when a repository could not be fetched or audited (see\n"
	"status); 2 usage or store error. Findings are in the store: leakwalk report.\n"
	"\n"
	"examples:\n"
	"  leakwalk fleet add --store lw.db /srv/git/*.git\n"
	"  leakwalk fleet add --store postgresql://lw@db/leakwalk --from repos.txt\n"
	"  leakwalk fleet run --store postgresql://lw@db/leakwalk --workers 4\n"
	"  leakwalk fleet status --store lw.db --format json\n";

enum { F_STORE = OPT_LAST_COMMON + 1, F_FROM, F_WORKERS, F_LEASE, F_MIRROR, F_FOLLOW };

static lw_store *fleet_open(const char *where)
{
	lw_store *s = NULL;
	lw_error err = { 0 };

	if (!where) {
		lw_cli_error("fleet: --store STORE is required");
		return NULL;
	}
	if (lw_store_open(&s, where, &err) < 0)
		lw_cli_error("%s", err.msg);
	return s;
}

/* A URL with a password would put it in the store, and in every status
 * and report: refused. */
static int url_has_password(const char *u)
{
	const char *p = strstr(u, "://"), *at, *slash;

	if (!p)
		return 0;
	p += 3;
	at = strchr(p, '@');
	slash = strchr(p, '/');
	return at && (!slash || at < slash) && memchr(p, ':', (size_t)(at - p)) != NULL;
}

static int fleet_add_one(lw_store *s, const char *arg)
{
	lw_error err = { 0 };

	if (url_has_password(arg)) {
		lw_cli_error("a URL with a password is refused: the store would keep it; use an ssh "
			"key (ssh-agent) or a URL without credentials");
		return LW_EXIT_USAGE;
	}
	char *loc = lw_store_is_url(arg) ? strdup(arg) : realpath(arg, NULL);
	int rc;

	if (!loc) {
		lw_cli_error("%s: no such repository", arg);
		return LW_EXIT_USAGE;
	}
	rc = lw_store_repo_add(s, loc, &err);
	if (rc < 0)
		lw_cli_error("%s", err.msg);
	free(loc);
	return rc < 0 ? LW_EXIT_USAGE : 0;
}

static int fleet_add(const char *store, const char *from, char **args, int nargs)
{
	lw_store *s = fleet_open(store);
	size_t added = 0;
	int status = 0;

	if (!s)
		return LW_EXIT_USAGE;
	for (int i = 0; i < nargs && !status; i++, added++)
		status = fleet_add_one(s, args[i]);
	if (from && !status) {
		FILE *f = strcmp(from, "-") ? fopen(from, "r") : stdin;
		char line[PATH_MAX + 256];
		if (!f) {
			lw_cli_error("%s: cannot read the list of repositories", from);
			status = LW_EXIT_USAGE;
		}
		while (f && !status && fgets(line, sizeof(line), f)) {
			char *b = line, *e = line + strlen(line);
			while (*b == ' ' || *b == '\t')
				b++;
			while (e > b && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
				*--e = '\0';
			if (!*b || *b == '#')
				continue;
			status = fleet_add_one(s, b);
			added++;
		}
		if (f && f != stdin)
			fclose(f);
	}
	lw_store_close(s);
	if (!status)
		fprintf(stderr, "leakwalk: %zu repositor%s queued\n", added, added == 1 ? "y" : "ies");
	return status;
}

typedef struct fleet_run_opts {
	const char *store, *mirror;
	unsigned lease;
	int follow, quiet;
	lw_ruleset *rs;
	lw_history_options ho;
} fleet_run_opts;

static volatile sig_atomic_t fleet_stop;

/* While a repository is audited, its lease is renewed every third of the
 * lease, on a connection of its own: a long audit is not taken over. */
typedef struct heartbeat {
	const char *store, *location, *owner;
	unsigned lease;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
	pthread_t th;
} heartbeat;

static void *heartbeat_main(void *arg)
{
	heartbeat *h = arg;
	lw_store *s = NULL;
	lw_error err = { 0 };
	unsigned every = h->lease / 3 ? h->lease / 3 : 1;

	pthread_mutex_lock(&h->lock);
	while (!h->done) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += every;
		if (pthread_cond_timedwait(&h->cond, &h->lock, &ts) == 0 || h->done)
			continue;
		pthread_mutex_unlock(&h->lock);
		if (!s && lw_store_open(&s, h->store, &err) < 0)
			s = NULL;
		if (s && lw_store_renew(s, h->location, h->owner, h->lease, &err) < 0) {
			lw_store_close(s);
			s = NULL;
		}
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	lw_store_close(s);
	return NULL;
}

static int heartbeat_start(heartbeat *h, const char *store, const char *location,
	const char *owner, unsigned lease)
{
	memset(h, 0, sizeof(*h));
	h->store = store;
	h->location = location;
	h->owner = owner;
	h->lease = lease;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	return pthread_create(&h->th, NULL, heartbeat_main, h) == 0 ? 0 : -1;
}

static void heartbeat_stop(heartbeat *h, int started)
{
	if (started == 0) {
		pthread_mutex_lock(&h->lock);
		h->done = 1;
		pthread_cond_signal(&h->cond);
		pthread_mutex_unlock(&h->lock);
		pthread_join(h->th, NULL);
	}
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cond);
}

static void fleet_on_signal(int sig)
{
	(void)sig;
	fleet_stop = 1;
}

/* One worker: claims and audits until nothing is queued. A repository
 * queued but leased by another worker may come back (its worker died):
 * wait for it rather than leave it. */
static int fleet_worker(const fleet_run_opts *o, int id)
{
	lw_store *s = fleet_open(o->store);
	char owner[300], host[256] = "?";
	int status = 0;

	if (!s)
		return LW_EXIT_USAGE;
	/* libgit2 stays initialised across repositories: each init after a
	 * full shutdown loads the system's certificates again (half the time
	 * of a repository with nothing new) */
	git_libgit2_init();
	gethostname(host, sizeof(host) - 1);
	snprintf(owner, sizeof(owner), "%s:%ld", host, (long)getpid());
	while (!fleet_stop) {
		lw_error err = { 0 };
		char *loc = NULL, *path = NULL;
		uint64_t queued = 0;
		int rc = lw_store_claim(s, owner, o->lease, &loc, &err);
		if (rc == LW_ENOTFOUND) {
			if (lw_store_queued(s, &queued, &err) < 0) {
				lw_cli_error("%s", err.msg);
				status = LW_EXIT_USAGE;
				break;
			}
			if (!queued && !o->follow)
				break;
			sleep(queued ? 1 : 2);
			continue;
		}
		if (rc < 0) {
			lw_cli_error("%s", err.msg);
			status = LW_EXIT_USAGE;
			break;
		}
		heartbeat hb;
		int hb_started = heartbeat_start(&hb, o->store, loc, owner, o->lease);
		if (lw_store_is_url(loc)) {
			rc = lw_mirror_fetch(o->mirror, loc, &path, &err);
		} else {
			path = strdup(loc);
		}
		lw_history_stats st;
		lw_store_audit_info info;
		memset(&st, 0, sizeof(st));
		if (rc == 0)
			rc = path ? lw_store_audit(s, loc, path, o->rs, &o->ho, owner, &st, &info, &err) : LW_ENOMEM;
		heartbeat_stop(&hb, hb_started);
		lw_buf name;
		lw_buf_init(&name, 0);
		lw_escape_text(&name, (const unsigned char *)loc, strlen(loc));
		if (rc < 0) {
			lw_error e2 = { 0 };
			fprintf(stderr, "leakwalk: [worker %d] %s: %s\n", id, lw_buf_cstr(&name), err.msg);
			if (lw_store_repo_failed(s, loc, owner, err.msg, &e2) < 0) {
				lw_cli_error("%s", e2.msg);
				status = LW_EXIT_USAGE;
			} else if (!status) {
				status = LW_EXIT_INPUT;
			}
		} else if (!o->quiet) {
			fprintf(stderr, "leakwalk: [worker %d] %s: %llu commits, %llu blobs read (%s), "
				"%zu findings in this walk\n", id, lw_buf_cstr(&name),
				(unsigned long long)st.commits, (unsigned long long)st.blobs,
				info.full ? "full walk" : "incremental", info.new_findings);
		}
		lw_buf_release(&name);
		free(loc);
		free(path);
		if (status == LW_EXIT_USAGE)
			break;
	}
	lw_store_close(s);
	git_libgit2_shutdown();
	return status;
}

/* N workers are N processes: each has its own store connection and
 * libgit2 state, and one that crashes takes no other with it. */
static int fleet_run(fleet_run_opts *o, unsigned workers)
{
	struct sigaction sa;
	pid_t pids[256];
	unsigned n = 0;
	int status = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fleet_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (workers <= 1)
		return fleet_worker(o, 1);
	fflush(NULL);
	for (; n < workers; n++) {
		pid_t p = fork();
		if (p == 0)
			_exit(fleet_worker(o, (int)n + 1));
		if (p < 0) {
			lw_cli_error("cannot start worker %u", n + 1);
			break;
		}
		pids[n] = p;
	}
	for (unsigned i = 0; i < n; i++) {
		int ws;
		while (waitpid(pids[i], &ws, 0) < 0)
			if (fleet_stop)
				for (unsigned j = i; j < n; j++)
					kill(pids[j], SIGTERM);
		int rc = WIFEXITED(ws) ? WEXITSTATUS(ws) : LW_EXIT_INPUT;
		if (rc > status)
			status = rc == LW_EXIT_USAGE || status != LW_EXIT_USAGE ? rc : status;
	}
	return status;
}

static const char *fmt_time(const char *secs, char *buf, size_t n)
{
	time_t t = secs ? (time_t)strtoll(secs, NULL, 10) : 0;
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm))
		return "never";
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static int tip_cmp(const void *a, const void *b, void *rows)
{
	const lw_store_rows *t = rows;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(lw_store_cell(t, i, 0), lw_store_cell(t, j, 0));

	return c ? c : strcmp(lw_store_cell(t, i, 1), lw_store_cell(t, j, 1));
}

static int fleet_status(const char *store, const char *format)
{
	lw_store *s = fleet_open(store);
	lw_store_rows r, t;
	lw_error err = { 0 };
	size_t ti = 0;
	char when[40];
	int json = format && !strcmp(format, "json");

	if (format && !json && strcmp(format, "text")) {
		lw_cli_error("fleet status: --format takes text or json");
		lw_store_close(s);
		return LW_EXIT_USAGE;
	}
	if (!s)
		return LW_EXIT_USAGE;
	if (lw_store_fleet_status(s, &r, &t, &err) < 0) {
		lw_cli_error("%s", err.msg);
		lw_store_close(s);
		return LW_EXIT_USAGE;
	}
	size_t *torder = calloc(t.nrows + 1, sizeof(size_t));
	for (size_t i = 0; torder && i < t.nrows; i++)
		torder[i] = i;
	if (torder)
		qsort_r(torder, t.nrows, sizeof(size_t), tip_cmp, &t);
	else
		t.nrows = 0;
	cJSON *arr = cJSON_CreateArray();
	long long now = (long long)time(NULL);
	for (size_t i = 0; i < r.nrows; i++) {
		const char *loc = lw_store_cell(&r, i, 0);
		cJSON *o = cJSON_CreateObject(), *tips = cJSON_CreateObject();
		lw_buf line;
		lw_buf_init(&line, 0);
		/* the tips in byte order, whatever the database's collation */
		size_t lo = 0, hi = t.nrows;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(lw_store_cell(&t, torder[mid], 0), loc) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (ti = lo; ti < t.nrows && !strcmp(lw_store_cell(&t, torder[ti], 0), loc); ti++)
			cJSON_AddStringToObject(tips, lw_store_cell(&t, torder[ti], 1),
				lw_store_cell(&t, torder[ti], 2));
		const char *la = lw_store_cell(&r, i, 1), *e = lw_store_cell(&r, i, 4);
		int leased = lw_store_cell(&r, i, 6) && strtoll(lw_store_cell(&r, i, 6), NULL, 10) > now;
		cJSON_AddStringToObject(o, "repo", loc);
		if (la)
			cJSON_AddStringToObject(o, "last_audit", fmt_time(la, when, sizeof(when)));
		else
			cJSON_AddNullToObject(o, "last_audit");
		cJSON_AddItemToObject(o, "tips", tips);
		cJSON_AddNumberToObject(o, "commits", strtod(lw_store_cell(&r, i, 2), NULL));
		cJSON_AddNumberToObject(o, "blobs", strtod(lw_store_cell(&r, i, 3), NULL));
		cJSON_AddNumberToObject(o, "open", strtod(lw_store_cell(&r, i, 8), NULL));
		cJSON_AddNumberToObject(o, "findings", strtod(lw_store_cell(&r, i, 9), NULL));
		cJSON_AddBoolToObject(o, "queued", atoi(lw_store_cell(&r, i, 5)) == 1);
		if (leased)
			cJSON_AddStringToObject(o, "leased_by", lw_store_cell(&r, i, 7));
		if (e)
			cJSON_AddStringToObject(o, "error", e);
		else
			cJSON_AddNullToObject(o, "error");
		if (!json) {
			lw_escape_text(&line, (const unsigned char *)loc, strlen(loc));
			lw_buf_printf(&line, "\n  last audit %s, %d tips, %s commits and %s blobs read, "
				"%s open findings (%s in all)%s%s", fmt_time(la, when, sizeof(when)),
				cJSON_GetArraySize(tips), lw_store_cell(&r, i, 2), lw_store_cell(&r, i, 3),
				lw_store_cell(&r, i, 8), lw_store_cell(&r, i, 9),
				atoi(lw_store_cell(&r, i, 5)) == 1 ? ", queued" : "", leased ? ", being audited" : "");
			if (e) {
				lw_buf_puts(&line, "\n  error: ");
				lw_escape_text(&line, (const unsigned char *)e, strlen(e));
			}
			printf("%s\n", lw_buf_cstr(&line));
		}
		lw_buf_release(&line);
		cJSON_AddItemToArray(arr, o);
	}
	if (json) {
		char *out = cJSON_PrintUnformatted(arr);
		printf("%s\n", out ? out : "[]");
		cJSON_free(out);
	} else if (!r.nrows) {
		printf("no repositories: leakwalk fleet add --store STORE REPO...\n");
	}
	cJSON_Delete(arr);
	free(torder);
	lw_store_rows_free(&r);
	lw_store_rows_free(&t);
	lw_store_close(s);
	return 0;
}

static char *default_mirror_dir(void)
{
	const char *c = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
	char buf[PATH_MAX];

	if (c && *c)
		snprintf(buf, sizeof(buf), "%s/leakwalk/mirrors", c);
	else
		snprintf(buf, sizeof(buf), "%s/.cache/leakwalk/mirrors", h && *h ? h : ".");
	return strdup(buf);
}

int cmd_fleet(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, F_STORE },
		{ "from", required_argument, NULL, F_FROM },
		{ "workers", required_argument, NULL, F_WORKERS },
		{ "lease", required_argument, NULL, F_LEASE },
		{ "mirror-dir", required_argument, NULL, F_MIRROR },
		{ "follow", no_argument, NULL, F_FOLLOW },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	fleet_run_opts o;
	lw_history_options hdef = LW_HISTORY_OPTIONS_INIT;
	lw_cli cli;
	const char *sub, *store = NULL, *from = NULL, *format = NULL;
	char *mirror = NULL;
	unsigned long workers = 1, lease = 3600;
	int opt, status = LW_EXIT_USAGE;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(fleet_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? LW_EXIT_USAGE : 0;
	}
	sub = argv[1];
	argc--;
	argv++;
	memset(&o, 0, sizeof(o));
	lw_cli_init(&cli);
	while ((opt = getopt_long(argc, argv, "c:j:qh", longopts, NULL)) != -1) {
		char *end = NULL;
		switch (opt) {
		case F_STORE: store = optarg; break;
		case F_FROM: from = optarg; break;
		case F_MIRROR: free(mirror); mirror = strdup(optarg); break;
		case F_FOLLOW: o.follow = 1; break;
		case OPT_FORMAT: format = optarg; break;
		case F_WORKERS:
			workers = strtoul(optarg, &end, 10);
			if (*end || !workers || workers > 256) {
				lw_cli_error("--workers takes 1 to 256");
				goto done;
			}
			break;
		case F_LEASE:
			lease = strtoul(optarg, &end, 10);
			if (*end || !lease || lease > 7 * 86400) {
				lw_cli_error("--lease takes a number of seconds (1 to 604800)");
				goto done;
			}
			break;
		case 'h': case OPT_HELP: fputs(fleet_help, stdout); status = 0; goto done;
		default:
			if (lw_cli_option(&cli, opt, optarg) <= 0) {
				fputs(fleet_help, stderr);
				goto done;
			}
		}
	}
	if (!strcmp(sub, "add")) {
		if (optind == argc && !from) {
			lw_cli_error("fleet add: name repositories, or --from FILE");
			goto done;
		}
		status = fleet_add(store, from, argv + optind, argc - optind);
	} else if (!strcmp(sub, "run") && optind == argc) {
		if (!(o.mirror = mirror ? mirror : (mirror = default_mirror_dir())))
			goto done;
		if (!(o.rs = lw_cli_load_rules(&cli, NULL, 0, NULL, NULL)))
			goto done;
		o.store = store;
		o.lease = (unsigned)lease;
		o.quiet = cli.quiet;
		o.ho = hdef;
		o.ho.threads = cli.threads;
		lw_cli_scan_options(&cli, &o.ho.scan);
		status = fleet_run(&o, (unsigned)workers);
		lw_ruleset_free(o.rs);
	} else if (!strcmp(sub, "status") && optind == argc) {
		status = fleet_status(store, format);
	} else {
		lw_cli_error("fleet: unknown subcommand or argument; run 'leakwalk fleet --help'");
	}
done:
	free(mirror);
	return status;
}
