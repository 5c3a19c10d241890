/*
 * svfront/util.h: small helpers shared by the frontends, the example guests and the shared test
 * suite: CRC-32, the test data pattern, MAC addresses and a fast page copy. Portable C (also built
 * into the host tests).
 */
#ifndef SVFRONT_UTIL_H
#define SVFRONT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), chained like zlib's crc32(crc, buf,
 * len) and java.util.zip.CRC32: start with 0, pass the previous result to continue. */
uint32_t svf_crc32(uint32_t crc, const void *data, size_t len);

/*
 * The data pattern the example guests and the frontend-under-test write and check, defined so
 * that any implementation (the Java suite too) can compute it from a seed and a byte position:
 * the byte at absolute position p (on a disk: sector * 512 + offset) is byte (p % 8) of the
 * little-endian 64-bit word
 *
 *     x = ((p / 8) + 1) * 0x9E3779B97F4A7C15  XOR  (seed * 0xBF58476D1CE4E5B9)    (mod 2^64)
 *     word = x XOR (x >> 31)                                                      (logical shift)
 *
 * with seed a 32-bit value widened to 64 bits.
 */
uint64_t svf_pattern_word(uint64_t word_index, uint32_t seed);
/* Fills buf with the pattern for positions pos .. pos + len - 1. */
void svf_pattern_fill(void *buf, size_t len, uint64_t pos, uint32_t seed);
/* Checks buf against the pattern; returns the index of the first wrong byte, or len if none. */
size_t svf_pattern_check(const void *buf, size_t len, uint64_t pos, uint32_t seed);

/* Parses "aa:bb:cc:dd:ee:ff" (hex digits of either case, exactly this shape). */
bool svf_mac_parse(const char *s, uint8_t mac[6]);
/* Formats a MAC as "aa:bb:cc:dd:ee:ff" (out must hold 18 bytes). */
void svf_mac_format(const uint8_t mac[6], char out[18]);

/* Copies n bytes; fast (REP MOVSQ in a guest) when dst, src and n are multiples of 8. */
void svf_copy(void *dst, const void *src, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_UTIL_H */
