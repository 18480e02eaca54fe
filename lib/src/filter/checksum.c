/* checksum.c - the offline checksums of tokens: a candidate whose check
 * fails is a typo or a made-up value. Which names a rule may give is
 * rules/checksum_names.c; the checks run here, on candidates. */
#include <string.h>
#include <zlib.h>

#include "internal.h"

/* zlib's table-driven CRC-32 (the same polynomial as the tokens use). */
static uint32_t lw_crc32(const unsigned char *p, size_t n)
{
	uLong c = crc32(0L, Z_NULL, 0);

	while (n) {
		uInt step = n > 0x40000000u ? 0x40000000u : (uInt)n;
		c = crc32(c, p, step);
		p += step;
		n -= step;
	}
	return (uint32_t)c;
}

/* GitHub (and npm) tokens: prefix_, 30 random base62 characters, then the
 * CRC32 of those 30 characters in base62, left-padded with '0' to 6. */
static lw_checksum_state lw_check_crc32_base62(const unsigned char *s, size_t len)
{
	static const char b62[] =
		"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const unsigned char *us = memchr(s, '_', len);
	char enc[7];
	uint32_t crc;

	if (!us)
		return LW_CHECKSUM_INVALID;
	us++;
	if ((size_t)(s + len - us) != 36)
		return LW_CHECKSUM_INVALID;
	crc = lw_crc32(us, 30);
	for (int i = 5; i >= 0; i--) {
		enc[i] = b62[crc % 62];
		crc /= 62;
	}
	enc[6] = 0;
	return memcmp(enc, us + 30, 6) == 0 ? LW_CHECKSUM_VALID : LW_CHECKSUM_INVALID;
}

/* Atlassian tokens (Bitbucket ATBB app passwords, ATATT API tokens): the
 * last 8 characters are the CRC32, upper-case hex, of everything before. */
static lw_checksum_state lw_check_crc32_hex_suffix(const unsigned char *s, size_t len)
{
	char enc[9];

	if (len <= 8)
		return LW_CHECKSUM_INVALID;
	snprintf(enc, sizeof(enc), "%08X", lw_crc32(s, len - 8));
	return memcmp(enc, s + len - 8, 8) == 0 ? LW_CHECKSUM_VALID : LW_CHECKSUM_INVALID;
}

/* Bech32 (BIP-173), as in age secret keys (AGE-SECRET-KEY-1...). */
static uint32_t bech32_polymod(const uint8_t *v, size_t n)
{
	static const uint32_t g[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
	uint32_t chk = 1;

	for (size_t i = 0; i < n; i++) {
		uint8_t top = (uint8_t)(chk >> 25);
		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (int b = 0; b < 5; b++)
			if ((top >> b) & 1)
				chk ^= g[b];
	}
	return chk;
}

static lw_checksum_state lw_check_bech32(const unsigned char *s, size_t len)
{
	static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	uint8_t v[512];
	size_t sep = 0, n = 0;

	if (len > 200)
		return LW_CHECKSUM_INVALID;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '1')
			sep = i;
	if (sep == 0 || sep + 7 > len)
		return LW_CHECKSUM_INVALID;
	for (size_t i = 0; i < sep; i++)
		v[n++] = (uint8_t)((s[i] | 0x20) >> 5);
	v[n++] = 0;
	for (size_t i = 0; i < sep; i++)
		v[n++] = (uint8_t)((s[i] | 0x20) & 31);
	for (size_t i = sep + 1; i < len; i++) {
		const char *p = memchr(charset, s[i] | 0x20, 32);
		if (!p)
			return LW_CHECKSUM_INVALID;
		v[n++] = (uint8_t)(p - charset);
	}
	return bech32_polymod(v, n) == 1 ? LW_CHECKSUM_VALID : LW_CHECKSUM_INVALID;
}

/* Docker's config.json `auth` and npm's `_auth` hold base64 of
 * "user:password": the value is a credential only when it decodes to
 * printable text with a colon and a password after it that is not a
 * placeholder. The decoded bytes are wiped. */
static lw_checksum_state lw_check_b64_basic_auth(const unsigned char *s, size_t len)
{
	unsigned char out[768];
	size_t n = 0, colon = SIZE_MAX;
	uint32_t acc = 0;
	int bits = 0;
	lw_checksum_state st = LW_CHECKSUM_INVALID;

	while (len && s[len - 1] == '=')
		len--;
	if (len < 4 || len > 1000)
		return LW_CHECKSUM_INVALID;
	for (size_t i = 0; i < len; i++) {
		int v = lw_b64_digit(s[i]);
		if (v < 0)
			goto done;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			unsigned char c = (unsigned char)(acc >> bits);
			if (c < 0x20 || c == 0x7f)
				goto done;
			if (c == ':' && colon == SIZE_MAX)
				colon = n;
			out[n++] = c;
		}
	}
	if (colon != SIZE_MAX && colon + 1 < n && !lw_is_placeholder(out + colon + 1, n - colon - 1))
		st = LW_CHECKSUM_VALID;
done:
	lw_wipe(out, sizeof(out));
	lw_wipe(&acc, sizeof(acc));
	return st;
}

static lw_checksum_state lw_checksum_run(lw_checksum_kind kind, const unsigned char *s, size_t len)
{
	switch (kind) {
	case LW_CHECKSUM_CRC32_BASE62:
		return lw_check_crc32_base62(s, len);
	case LW_CHECKSUM_CRC32_HEX_SUFFIX:
		return lw_check_crc32_hex_suffix(s, len);
	case LW_CHECKSUM_BECH32:
		return lw_check_bech32(s, len);
	case LW_CHECKSUM_B64_BASIC_AUTH:
		return lw_check_b64_basic_auth(s, len);
	case LW_CHECKSUM_UNKNOWN:
		break;
	}
	return LW_CHECKSUM_NONE;
}

int lw_checksum_rejects(const char *name, const unsigned char *s, size_t len)
{
	int decides = 0;
	lw_checksum_kind kind;

	if (!name)
		return 0;
	kind = lw_checksum_kind_of(name, &decides);
	return decides && lw_checksum_run(kind, s, len) == LW_CHECKSUM_INVALID;
}

lw_checksum_state lw_checksum_verify(const char *name,
	const unsigned char *secret, size_t len)
{
	if (!name)
		return LW_CHECKSUM_NONE;
	return lw_checksum_run(lw_checksum_kind_of(name, NULL), secret, len);
}
