/*
 * rulecheck.c - rules from a configuration (--config, .leakwalk.json, a
 * pushed one) go through the same backtracking check as `rules check`
 * before they run: a rule that fails it is a configuration error. Verdicts
 * of rules that passed are cached by the hash of what the check depends on
 * (lw_rule_check_key), so a hook pays for the check once per rule.
 *
 * The cache is $XDG_CACHE_HOME/leakwalk/rule-checks (else
 * ~/.cache/leakwalk/rule-checks): one hash per line, newest last, at most
 * LW_RULECACHE_MAX lines, mode 0600, replaced atomically. It is only read
 * when it is a regular file of ours that no one else may write; anything
 * wrong with it means checking again, never an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define LW_RULECACHE_MAX 1024
#define LW_KEYLEN 64

typedef struct rc_cache {
	char dir[PATH_MAX], file[PATH_MAX];
	char *keys;   /* n keys of LW_KEYLEN + '\n', oldest first */
	size_t n;
	int loaded, changed;
} rc_cache;

static int rc_paths(rc_cache *c)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	int n;

	if (x && x[0] == '/')
		n = snprintf(c->dir, sizeof(c->dir), "%s/leakwalk", x);
	else if (home && home[0] == '/')
		n = snprintf(c->dir, sizeof(c->dir), "%s/.cache/leakwalk", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= sizeof(c->dir))
		return -1;
	n = snprintf(c->file, sizeof(c->file), "%s/rule-checks", c->dir);
	return n < 0 || (size_t)n >= sizeof(c->file) ? -1 : 0;
}

static void rc_load(rc_cache *c)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int fd;

	if (rc_paths(c) < 0)
		return;
	fd = open(c->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size > (LW_KEYLEN + 1) * LW_RULECACHE_MAX) {
		close(fd);
		return;
	}
	close(fd);
	if (lw_cli_read_file(c->file, (LW_KEYLEN + 1) * LW_RULECACHE_MAX, &data, &len) < 0)
		return;
	/* only well-formed lines are kept */
	c->keys = malloc(len + 1);
	for (size_t i = 0; c->keys && i + LW_KEYLEN < len + 1; i += LW_KEYLEN + 1) {
		int good = i + LW_KEYLEN < len && data[i + LW_KEYLEN] == '\n';
		for (size_t k = 0; good && k < LW_KEYLEN; k++)
			good = (data[i + k] >= '0' && data[i + k] <= '9') ||
			       (data[i + k] >= 'a' && data[i + k] <= 'f');
		if (!good)
			break;
		memcpy(c->keys + c->n * (LW_KEYLEN + 1), data + i, LW_KEYLEN + 1);
		c->n++;
	}
	free(data);
}

static int rc_has(const rc_cache *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (!memcmp(c->keys + i * (LW_KEYLEN + 1), key, LW_KEYLEN))
			return 1;
	return 0;
}

static void rc_add(rc_cache *c, const char *key)
{
	char *k = realloc(c->keys, (c->n + 1) * (LW_KEYLEN + 1));

	if (!k)
		return;
	c->keys = k;
	memcpy(k + c->n * (LW_KEYLEN + 1), key, LW_KEYLEN);
	k[c->n * (LW_KEYLEN + 1) + LW_KEYLEN] = '\n';
	c->n++;
	c->changed = 1;
}

/* best effort: a cache that cannot be written costs a check next time */
static void rc_save(rc_cache *c)
{
	char tmp[PATH_MAX + 16];
	size_t first = c->n > LW_RULECACHE_MAX ? c->n - LW_RULECACHE_MAX : 0;
	size_t len = (c->n - first) * (LW_KEYLEN + 1);
	int fd;

	if (!c->changed || !c->file[0])
		return;
	if (mkdir(c->dir, 0700) < 0 && errno == ENOENT) {
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%s", c->dir);
		char *slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			mkdir(parent, 0700);
		}
		mkdir(c->dir, 0700);
	}
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", c->file) >= (int)sizeof(tmp))
		return;
	mode_t old = umask(077);
	fd = mkstemp(tmp);
	umask(old);
	if (fd < 0)
		return;
	const char *p = c->keys + first * (LW_KEYLEN + 1);
	ssize_t w = write(fd, p, len);
	if (close(fd) < 0 || w != (ssize_t)len || rename(tmp, c->file) < 0)
		unlink(tmp);
}

int lw_cli_check_config_rules(lw_ruleset *rs, lw_error *err)
{
	rc_cache c;
	char key[LW_KEYLEN + 1];
	int rc = 0;

	memset(&c, 0, sizeof(c));
	for (size_t i = 0; i < lw_ruleset_count(rs) && rc == 0; i++) {
		const lw_rule_info *ri = lw_ruleset_rule(rs, i);
		/* the built-in rules are proven by `rules check` in CI */
		if (ri->disabled || !strncmp(ri->source, "<builtin>", 9))
			continue;
		if (!c.loaded) {
			rc_load(&c);
			c.loaded = 1;
		}
		if (lw_rule_check_key(rs, i, key) < 0) {
			rc = lw_ruleset_check_rule(rs, i, err);
			continue;
		}
		if (rc_has(&c, key))
			continue;
		rc = lw_ruleset_check_rule(rs, i, err);
		if (rc == 0)
			rc_add(&c, key);
	}
	rc_save(&c);
	free(c.keys);
	return rc;
}
