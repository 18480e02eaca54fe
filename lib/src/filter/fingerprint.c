/* fingerprint.c - a finding's fingerprint: what ignore files and baselines
 * (fpset.c) name it by, stable while the rule, path and secret stay. */
#include <string.h>

#include "internal.h"

void lw_fingerprint(char out[33], const char *rule_id, const char *path,
	const unsigned char *secret, size_t secret_len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char secret_hash[32], digest[32];
	size_t idl = strlen(rule_id), pl = strlen(path);
	size_t total = idl + 1 + pl + 1 + sizeof(secret_hash);
	unsigned char buf[4096];
	unsigned char *p = total <= sizeof(buf) ? buf : NULL;

	/* The secret enters only through its own hash, so the fingerprint
	 * cannot be reversed into the secret by reading the ignore file. */
	lw_sha256(secret, secret_len, secret_hash);
	if (!p) {
		/* very long path: hash it first to keep the buffer bounded */
		unsigned char path_hash[32];
		lw_sha256(path, pl, path_hash);
		memcpy(buf, rule_id, idl < 1024 ? idl : 1024);
		size_t o = idl < 1024 ? idl : 1024;
		buf[o++] = 0;
		memcpy(buf + o, path_hash, 32);
		o += 32;
		buf[o++] = 0;
		memcpy(buf + o, secret_hash, 32);
		lw_sha256(buf, o + 32, digest);
	} else {
		memcpy(p, rule_id, idl);
		p[idl] = 0;
		memcpy(p + idl + 1, path, pl);
		p[idl + 1 + pl] = 0;
		memcpy(p + idl + 2 + pl, secret_hash, 32);
		lw_sha256(p, total, digest);
	}
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[32] = '\0';
	lw_wipe(secret_hash, sizeof(secret_hash));
}
