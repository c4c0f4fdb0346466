/*
 * crypto.c - libsodium at the edge: SHA-256 of secrets, random tokens, argon2id
 * password hashes, constant-time comparison.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "http_int.h"

enum gr_err gr_crypto_init(void)
{
    return sodium_init() < 0 ? GR_EINTERNAL : GR_OK;
}

void gr_sha256_hex(const char *s, size_t n, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, n);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

void gr_random_hex(size_t bytes, char *out)
{
    unsigned char buf[64];
    if (bytes > sizeof(buf))
        bytes = sizeof(buf);
    randombytes_buf(buf, bytes);
    sodium_bin2hex(out, bytes * 2 + 1, buf, bytes);
}

enum gr_err gr_password_hash(const char *pw, char *out, size_t cap)
{
    if (cap < crypto_pwhash_STRBYTES)
        return GR_EINTERNAL;
    /* Interactive limits: about 64 MiB and 2 passes; a login costs ~50 ms by design. */
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return GR_EINTERNAL;
    return GR_OK;
}

bool gr_password_verify(const char *hash, const char *pw)
{
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

bool gr_ct_equal(const char *a, const char *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}
