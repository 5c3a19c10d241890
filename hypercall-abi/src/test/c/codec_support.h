/*
 * codec_support.h: test-side helpers over the generated descriptor tables: a canonical text
 * dump of a decoded message (the Java tests print the same format from DynamicMessage), a
 * random message filler, hex conversion, and message lookup by name.
 */
#ifndef CODEC_SUPPORT_H
#define CODEC_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include "splitvisor/sv_pb.h"

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} text_t;

void text_init(text_t *t);
void text_free(text_t *t);
void text_append(text_t *t, const char *s);

/* Appends the canonical dump of msg, one line per value. */
void dump_message(text_t *out, const sv_pb_msgdesc_t *desc, const void *msg, int depth);

/* Fills msg (zeroed first) with random values within every field's bounds. */
void random_message(const sv_pb_msgdesc_t *desc, void *msg, uint64_t *rng, int depth);
uint64_t rng_next(uint64_t *state);

/* hex: lower-case, two digits a byte. Returns the decoded length or -1. */
long hex_decode(const char *hex, uint8_t *out, size_t cap);
void hex_append(text_t *t, const uint8_t *data, size_t len);

/* Finds a message descriptor by full name in the linked message sets. */
const sv_pb_msgdesc_t *find_message(const char *name);
/* Picks a message descriptor at random. */
const sv_pb_msgdesc_t *random_descriptor(uint64_t *rng);

#endif
