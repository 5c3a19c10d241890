#include "codec_support.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splitvisor/abi_messages.h"
#include "splitvisor/abitest_messages.h"

void text_init(text_t *t) {
    t->cap = 256;
    t->len = 0;
    t->data = malloc(t->cap);
    t->data[0] = 0;
}

void text_free(text_t *t) {
    free(t->data);
    t->data = NULL;
}

void text_append(text_t *t, const char *s) {
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        while (t->len + n + 1 > t->cap) {
            t->cap *= 2;
        }
        t->data = realloc(t->data, t->cap);
    }
    memcpy(t->data + t->len, s, n + 1);
    t->len += n;
}

void hex_append(text_t *t, const uint8_t *data, size_t len) {
    static const char digits[] = "0123456789abcdef";
    char pair[3] = { 0, 0, 0 };
    for (size_t i = 0; i < len; i++) {
        pair[0] = digits[data[i] >> 4];
        pair[1] = digits[data[i] & 15];
        text_append(t, pair);
    }
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

long hex_decode(const char *hex, uint8_t *out, size_t cap) {
    size_t n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap) {
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static void indent(text_t *out, int depth) {
    for (int i = 0; i < depth; i++) {
        text_append(out, "  ");
    }
}

static void dump_value(text_t *out, const sv_pb_field_t *f, const uint8_t *p, int depth) {
    char buf[64];
    switch (f->type) {
    case SV_PB_INT32: case SV_PB_SINT32: case SV_PB_SFIXED32: case SV_PB_ENUM:
        snprintf(buf, sizeof buf, "%" PRId32, *(const int32_t *)p);
        break;
    case SV_PB_INT64: case SV_PB_SINT64: case SV_PB_SFIXED64:
        snprintf(buf, sizeof buf, "%" PRId64, *(const int64_t *)p);
        break;
    case SV_PB_UINT32: case SV_PB_FIXED32:
        snprintf(buf, sizeof buf, "%" PRIu32, *(const uint32_t *)p);
        break;
    case SV_PB_UINT64: case SV_PB_FIXED64:
        snprintf(buf, sizeof buf, "%" PRIu64, *(const uint64_t *)p);
        break;
    case SV_PB_BOOL:
        snprintf(buf, sizeof buf, "%s", *(const bool *)p ? "true" : "false");
        break;
    case SV_PB_STRING:
        text_append(out, "s:");
        hex_append(out, p, strlen((const char *)p));
        text_append(out, "\n");
        return;
    case SV_PB_BYTES:
        text_append(out, "b:");
        hex_append(out, p + SV_PB_BYTES_DATA_OFFSET, *(const uint32_t *)p);
        text_append(out, "\n");
        return;
    case SV_PB_MESSAGE:
        text_append(out, "{\n");
        dump_message(out, f->message, p, depth + 1);
        indent(out, depth);
        text_append(out, "}\n");
        return;
    }
    text_append(out, buf);
    text_append(out, "\n");
}

static void dump_named(text_t *out, const sv_pb_field_t *f, const uint8_t *p, int depth, long index) {
    char head[128];
    indent(out, depth);
    if (index >= 0) {
        snprintf(head, sizeof head, "%s[%ld]", f->name, index);
    } else {
        snprintf(head, sizeof head, "%s", f->name);
    }
    text_append(out, head);
    text_append(out, f->type == SV_PB_MESSAGE ? " " : ": ");
    dump_value(out, f, p, depth);
}

void dump_message(text_t *out, const sv_pb_msgdesc_t *desc, const void *msg, int depth) {
    const uint8_t *m = msg;
    for (uint32_t i = 0; i < desc->field_count; i++) {
        const sv_pb_field_t *f = &desc->fields[i];
        const uint8_t *p = m + f->offset;
        switch (f->label) {
        case SV_PB_IMPLICIT:
            dump_named(out, f, p, depth, -1);
            break;
        case SV_PB_HAS:
            if (*(const bool *)(m + f->aux_offset)) {
                dump_named(out, f, p, depth, -1);
            } else {
                indent(out, depth);
                text_append(out, f->name);
                text_append(out, ": <absent>\n");
            }
            break;
        case SV_PB_ONEOF:
            if (*(const uint32_t *)(m + f->aux_offset) == f->number) {
                dump_named(out, f, p, depth, -1);
            }
            break;
        case SV_PB_REPEATED: {
            uint32_t count = *(const uint32_t *)(m + f->aux_offset);
            for (uint32_t k = 0; k < count; k++) {
                dump_named(out, f, p + (size_t)k * f->elem_size, depth, k);
            }
            break;
        }
        }
    }
}

uint64_t rng_next(uint64_t *s) {
    /* xorshift64* */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t random_bits(uint64_t *rng) {
    switch (rng_next(rng) % 8) {
    case 0: return 0;
    case 1: return 1;
    case 2: return ~0ULL;
    case 3: return 0x8000000000000000ULL;
    case 4: return 0x7FFFFFFFFFFFFFFFULL;
    case 5: return rng_next(rng) % 300;
    case 6: return (uint64_t)-(int64_t)(rng_next(rng) % 300);
    default: return rng_next(rng);
    }
}

static void random_scalar(const sv_pb_field_t *f, uint8_t *p, uint64_t *rng) {
    uint64_t v = random_bits(rng);
    switch (f->type) {
    case SV_PB_INT32: case SV_PB_SINT32: case SV_PB_SFIXED32:
        *(int32_t *)p = (int32_t)(uint32_t)(rng_next(rng) % 2 ? v : v >> 32);
        break;
    case SV_PB_UINT32: case SV_PB_FIXED32:
        *(uint32_t *)p = (uint32_t)(rng_next(rng) % 2 ? v : v >> 32);
        break;
    case SV_PB_ENUM:
        *(int32_t *)p = f->enumeration->values[rng_next(rng) % f->enumeration->value_count];
        break;
    case SV_PB_BOOL:
        *(bool *)p = rng_next(rng) % 2;
        break;
    default:
        *(uint64_t *)p = v;
        break;
    }
}

/* Valid UTF-8 without NUL: ASCII, then 2-, 3- and 4-byte sequences. */
static const char *const utf8_pieces[] = { "a", "Z", "0", "/", " ", "~", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80" };

static void random_string(const sv_pb_field_t *f, char *s, uint64_t *rng) {
    size_t target = rng_next(rng) % (f->max_size + 1), len = 0;
    while (len < target) {
        const char *piece = utf8_pieces[rng_next(rng) % (sizeof utf8_pieces / sizeof *utf8_pieces)];
        size_t n = strlen(piece);
        if (len + n > f->max_size) {
            break;
        }
        memcpy(s + len, piece, n);
        len += n;
    }
    s[len] = 0;
}

static void random_value(const sv_pb_field_t *f, uint8_t *p, uint64_t *rng, int depth) {
    switch (f->type) {
    case SV_PB_STRING:
        random_string(f, (char *)p, rng);
        break;
    case SV_PB_BYTES: {
        uint32_t n = (uint32_t)(rng_next(rng) % (f->max_size + 1));
        *(uint32_t *)p = n;
        for (uint32_t i = 0; i < n; i++) {
            p[SV_PB_BYTES_DATA_OFFSET + i] = (uint8_t)rng_next(rng);
        }
        break;
    }
    case SV_PB_MESSAGE:
        random_message(f->message, p, rng, depth + 1);
        break;
    default:
        random_scalar(f, p, rng);
        break;
    }
}

void random_message(const sv_pb_msgdesc_t *desc, void *msg, uint64_t *rng, int depth) {
    uint8_t *m = msg;
    memset(m, 0, desc->size);
    for (uint32_t i = 0; i < desc->field_count; i++) {
        const sv_pb_field_t *f = &desc->fields[i];
        uint8_t *p = m + f->offset;
        switch (f->label) {
        case SV_PB_IMPLICIT:
            if (rng_next(rng) % 4 != 0) random_value(f, p, rng, depth);
            break;
        case SV_PB_HAS:
            if (depth < 6 && rng_next(rng) % 2) {
                *(bool *)(m + f->aux_offset) = true;
                random_value(f, p, rng, depth);
            }
            break;
        case SV_PB_ONEOF: {
            /* Each member gets a chance; a later pick replaces an earlier one, as on the wire. */
            uint32_t *which = (uint32_t *)(m + f->aux_offset);
            if (depth < 6 && rng_next(rng) % 3 == 0) {
                memset(p, 0, f->elem_size);
                *which = f->number;
                random_value(f, p, rng, depth);
            }
            break;
        }
        case SV_PB_REPEATED: {
            uint32_t count = depth < 6 ? (uint32_t)(rng_next(rng) % (f->max_count + 1)) : 0;
            *(uint32_t *)(m + f->aux_offset) = count;
            for (uint32_t k = 0; k < count; k++) {
                random_value(f, p + (size_t)k * f->elem_size, rng, depth);
            }
            break;
        }
        }
    }
}

const sv_pb_msgdesc_t *find_message(const char *name) {
    for (uint32_t i = 0; i < sv_abi_message_count; i++) {
        if (strcmp(sv_abi_messages[i]->name, name) == 0) return sv_abi_messages[i];
    }
    for (uint32_t i = 0; i < sv_abitest_message_count; i++) {
        if (strcmp(sv_abitest_messages[i]->name, name) == 0) return sv_abitest_messages[i];
    }
    return NULL;
}

const sv_pb_msgdesc_t *random_descriptor(uint64_t *rng) {
    uint64_t i = rng_next(rng) % (sv_abi_message_count + sv_abitest_message_count);
    return i < sv_abi_message_count ? sv_abi_messages[i] : sv_abitest_messages[i - sv_abi_message_count];
}
