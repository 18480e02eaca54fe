/* filter.h - what is not a secret: placeholders, stand-in words,
 * stopwords, documentation examples, published example values, structured
 * non-secrets, failed checksums.
 * Included through internal.h; the layers (lib/README.md) decide who may
 * call what. */
#ifndef LW_FILTER_H
#define LW_FILTER_H

/* 1 if one byte makes up 70 % or more of a value of 6 bytes or more: a
 * placeholder such as "aaaaaa1" (filter.c) */
int lw_is_mostly_one_char(const unsigned char *s, size_t len);

/* Stand-in words ("changeme", "your_", "*****"...) and references
 * ("process.env", "getenv"...) anywhere in a value: the global placeholder
 * filter and the generic rules' one share them (filter.c) */
int lw_has_standin_word(const unsigned char *s, size_t len);

int lw_has_reference_mark(const unsigned char *s, size_t len);

/* `word` as a whole component of s: no letter or digit touches its
 * alphanumeric ends (stopword.c) */
int lw_has_stopword(const unsigned char *s, size_t len, const char *word);

/* a line showing code in documentation: indented under a comment marker,
 * or after a doctest or shell prompt (docexample.c) */
int lw_line_is_doc_example(const unsigned char *line, size_t len);

/* the placeholder filter of the key-name rules: template marks only in
 * their real shape, since passwords hold any punctuation (genplaceholder.c) */
int lw_is_generic_placeholder(const unsigned char *s, size_t len);

/* 1 when the check `name` decides what is a secret (base64-basic-auth) and
 * says `s` is not one: the rule's candidate is dropped */
int lw_checksum_rejects(const char *name, const unsigned char *s, size_t len);

/* values published as examples (patterns/known, generated) */
extern const lw_embedded_file lw_embedded_known[];

extern const size_t lw_embedded_known_count;

/* 1 if the secret is exactly a value a provider or specification publishes
 * as an example (patterns/known); known.c */
int lw_is_documented_example(const unsigned char *s, size_t len);

/* 1 if the candidate [soff, soff+slen) of d is a structured value that is
 * not a secret: an AWS SigV4 credential scope, a SignedHeaders list, a
 * SigV4 signature, an ISO 8601 timestamp, a value elided with "...", a
 * Windows answer file's configuration pass name (oobeSystem); known.c */
int lw_is_structured_nonsecret(const unsigned char *d, size_t dlen, size_t soff, size_t slen);

#endif
