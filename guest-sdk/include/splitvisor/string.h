/*
 * splitvisor/string.h: memory and string functions for freestanding guests.
 *
 * Every function exists under its sv_ name. Inside a guest the usual C names (memcpy, memset,
 * memmove, memcmp, strlen, strcmp, ...) are aliases of the sv_ ones, because gcc emits calls to
 * memcpy, memset, memmove and memcmp even in freestanding code.
 */
#ifndef SPLITVISOR_STRING_H
#define SPLITVISOR_STRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *sv_memcpy(void *dst, const void *src, size_t n);
void *sv_memmove(void *dst, const void *src, size_t n);
void *sv_memset(void *dst, int c, size_t n);
int sv_memcmp(const void *a, const void *b, size_t n);
void *sv_memchr(const void *s, int c, size_t n);

size_t sv_strlen(const char *s);
size_t sv_strnlen(const char *s, size_t max);
int sv_strcmp(const char *a, const char *b);
int sv_strncmp(const char *a, const char *b, size_t n);
int sv_strcasecmp(const char *a, const char *b);
char *sv_strcpy(char *dst, const char *src);
char *sv_strncpy(char *dst, const char *src, size_t n);
char *sv_strcat(char *dst, const char *src);
char *sv_strchr(const char *s, int c);
char *sv_strrchr(const char *s, int c);
char *sv_strstr(const char *haystack, const char *needle);
/* BSD strlcpy/strlcat: always NUL-terminate (when cap > 0); return the length they tried to make. */
size_t sv_strlcpy(char *dst, const char *src, size_t cap);
size_t sv_strlcat(char *dst, const char *src, size_t cap);
/* True when s begins with prefix. */
bool sv_str_starts_with(const char *s, const char *prefix);

/* strtoul/strtol semantics (base 0 detects 0x and 0 prefixes; leading spaces and a sign are
 * accepted), without errno: values that overflow saturate. */
unsigned long sv_strtoul(const char *s, char **end, int base);
long sv_strtol(const char *s, char **end, int base);
unsigned long long sv_strtoull(const char *s, char **end, int base);
/* Parses a whole string as an unsigned decimal or 0x-hex number; false on anything else. */
bool sv_parse_u64(const char *s, uint64_t *out);

int sv_isdigit(int c);
int sv_isxdigit(int c);
int sv_isspace(int c);
int sv_isalpha(int c);
int sv_isalnum(int c);
int sv_isprint(int c);
int sv_isupper(int c);
int sv_islower(int c);
int sv_tolower(int c);
int sv_toupper(int c);

#ifndef SV_HOST_TEST
/* The standard names, defined as aliases of the sv_ functions in libsvguest.a. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
#endif

#ifdef __cplusplus
}
#endif

#endif /* SPLITVISOR_STRING_H */
