/*
 * scan_buffer.c - libleakwalk embedded in a program of its own: load the
 * built-in rules, scan one buffer (the arguments joined by spaces, or stdin
 * when there are none), print each finding with its secret redacted.
 *
 * Build against an installed library:
 *     cc scan_buffer.c $(pkg-config --cflags --libs leakwalk) -o scan_buffer
 * Run:
 *     ./scan_buffer 'DB_PASSWORD="..."'      or      ./scan_buffer < file
 * Exit status: 0 nothing found, 1 findings, 2 an error.
 *
 * It uses nothing but the public header, so it also proves that the shared
 * library exports what the header declares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leakwalk.h>

#define MAX_INPUT (16u << 20)

typedef struct count {
	size_t findings;
} count;

static int on_finding(const lw_finding *f, void *payload)
{
	count *c = payload;
	lw_buf line;

	lw_buf_init(&line, 0);
	lw_buf_printf(&line, "%s:%u:%u: %s [%s] ", f->path, f->line, f->column, f->rule->id,
		lw_severity_name(f->rule->severity));
	/* never print the secret itself: its redacted form, and the fingerprint
	 * that an ignore file would list */
	lw_redact(&line, f->secret, f->secret_len);
	lw_buf_printf(&line, " fingerprint %s", f->fingerprint);
	if (!line.overflow)
		puts(lw_buf_cstr(&line));
	lw_buf_release(&line);
	c->findings++;
	return 0;
}

static void on_diag(const lw_diag *d, void *payload)
{
	(void)payload;
	fprintf(stderr, "scan_buffer: warning: %s:%u: %s\n", d->path, d->line, d->message);
}

/* The arguments joined by spaces, or all of stdin. */
static int read_input(lw_buf *in, int argc, char **argv)
{
	char tmp[65536];
	size_t n;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if ((i > 1 && lw_buf_putc(in, ' ') < 0) || lw_buf_puts(in, argv[i]) < 0)
				return -1;
		return 0;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), stdin)) > 0)
		if (lw_buf_put(in, tmp, n) < 0)
			return -1;
	return ferror(stdin) ? -1 : 0;
}

int main(int argc, char **argv)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	lw_buf in;
	count c = { 0 };
	lw_sink sink = { on_finding, on_diag, &c };
	lw_chunk chunk = LW_CHUNK_INIT;
	int status = 2;

	lw_buf_init(&in, MAX_INPUT);
	in.wipe = 1; /* it may hold secrets */
	if (read_input(&in, argc, argv) < 0) {
		fprintf(stderr, "scan_buffer: cannot read the input (or it is over %u bytes)\n", MAX_INPUT);
		goto done;
	}
	if (lw_ruleset_new(&rs) < 0 || lw_ruleset_add_defaults(rs, &err) < 0 ||
	    lw_ruleset_finalize(rs, &err) < 0) {
		fprintf(stderr, "scan_buffer: cannot load the rules: %s\n", err.msg);
		goto done;
	}
	chunk.data = (const unsigned char *)lw_buf_cstr(&in);
	chunk.len = in.len;
	chunk.path = argc > 1 ? "<argv>" : "<stdin>";
	if (lw_scan_buffer(rs, NULL, &chunk, &sink) < 0) {
		fprintf(stderr, "scan_buffer: the scan failed\n");
		goto done;
	}
	fprintf(stderr, "scan_buffer: %zu rules, %zu bytes, %zu finding%s\n", lw_ruleset_count(rs),
		in.len, c.findings, c.findings == 1 ? "" : "s");
	status = c.findings ? 1 : 0;
done:
	lw_ruleset_free(rs);
	lw_buf_release(&in);
	return status;
}
