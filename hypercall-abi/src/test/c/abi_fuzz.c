/*
 * abi_fuzz: feeds mutated encodings to the generated decoders. Built with
 * -fsanitize=address,undefined, so any read or write out of bounds aborts the run.
 *
 *   abi_fuzz <corpus-file> <iterations> <seed>
 *
 * The corpus has one valid encoding per line: "<message> <hex>". Each iteration mutates one
 * entry and decodes it as its own type and as a random other type, from an exact-size heap
 * buffer into an exact-size heap struct. Checks: the result is one of the documented codes;
 * a successful decode re-encodes, the re-encoding decodes to the same dump, and encodes to the
 * same bytes again. Prints one summary line per result code; exits 1 on a broken invariant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_support.h"

#define MAX_LEN 8192
#define MAX_CORPUS 20000

typedef struct {
    const sv_pb_msgdesc_t *desc;
    uint8_t *data;
    size_t len;
} entry_t;

static entry_t corpus[MAX_CORPUS];
static size_t corpus_size;
static long counts[16];
static long decodes;

static size_t mutate(uint8_t *buf, size_t len, uint64_t *rng) {
    int rounds = 1 + (int)(rng_next(rng) % 4);
    for (int r = 0; r < rounds; r++) {
        size_t pos = len ? rng_next(rng) % len : 0;
        switch (rng_next(rng) % 10) {
        case 0: if (len) buf[pos] ^= (uint8_t)(1u << (rng_next(rng) % 8)); break;           /* bit flip */
        case 1: if (len) buf[pos] = (uint8_t)rng_next(rng); break;                           /* random byte */
        case 2: if (len) len = rng_next(rng) % len; break;                                   /* truncate */
        case 3:                                                                             /* insert byte */
            if (len < MAX_LEN - 1) {
                memmove(buf + pos + 1, buf + pos, len - pos);
                buf[pos] = (uint8_t)rng_next(rng);
                len++;
            }
            break;
        case 4:                                                                             /* delete byte */
            if (len) {
                memmove(buf + pos, buf + pos + 1, len - pos - 1);
                len--;
            }
            break;
        case 5:                                                                             /* overlong varint */
            if (len < MAX_LEN - 12) {
                memmove(buf + pos + 11, buf + pos, len - pos);
                memset(buf + pos, 0x80 | (uint8_t)rng_next(rng), 11);
                len += 11;
            }
            break;
        case 6: if (len) buf[pos] = (uint8_t)(0x80 | rng_next(rng)); break;                 /* big length */
        case 7: if (len) buf[pos] = (uint8_t)((buf[pos] & ~7) | (rng_next(rng) % 8)); break; /* wire type */
        case 8:                                                                             /* duplicate a chunk */
            if (len && len < MAX_LEN / 2) {
                size_t n = 1 + rng_next(rng) % (len - pos);
                memmove(buf + pos + n, buf + pos, len - pos);
                len += n;
            }
            break;
        default:                                                                            /* splice another entry */
            {
                const entry_t *o = &corpus[rng_next(rng) % corpus_size];
                size_t n = o->len < MAX_LEN - len ? o->len : MAX_LEN - len;
                memcpy(buf + len, o->data, n);
                len += n;
            }
            break;
        }
    }
    return len;
}

static int check(const sv_pb_msgdesc_t *desc, const uint8_t *data, size_t len) {
    static uint8_t enc1[1 << 20], enc2[1 << 20];
    uint8_t *exact = malloc(len ? len : 1);
    void *msg = malloc(desc->size);
    memcpy(exact, data, len);
    int rc = sv_pb_decode(desc, msg, exact, len);
    decodes++;
    if (rc > 0 || rc < SV_PB_EINVAL || rc == SV_PB_ENOSPACE) {
        fprintf(stderr, "%s: unexpected result %d\n", desc->name, rc);
        return 1;
    }
    counts[-rc]++;
    int broken = 0;
    if (rc == SV_PB_OK) {
        size_t n1, n2;
        void *again = malloc(desc->size);
        text_t d1, d2;
        text_init(&d1);
        text_init(&d2);
        dump_message(&d1, desc, msg, 0);
        if (sv_pb_encode(desc, msg, enc1, sizeof enc1, &n1) != SV_PB_OK
                || sv_pb_decode(desc, again, enc1, n1) != SV_PB_OK) {
            fprintf(stderr, "%s: decoded message does not re-encode and decode\n", desc->name);
            broken = 1;
        } else {
            dump_message(&d2, desc, again, 0);
            if (strcmp(d1.data, d2.data) != 0
                    || sv_pb_encode(desc, again, enc2, sizeof enc2, &n2) != SV_PB_OK
                    || n1 != n2 || memcmp(enc1, enc2, n1) != 0) {
                fprintf(stderr, "%s: re-encoding is not stable\n", desc->name);
                broken = 1;
            }
        }
        text_free(&d1);
        text_free(&d2);
        free(again);
    }
    free(msg);
    free(exact);
    return broken;
}

int main(int argc, char **argv) {
    static char line[2 * MAX_LEN + 256];
    static uint8_t buf[MAX_LEN];
    if (argc != 4) {
        fprintf(stderr, "usage: abi_fuzz CORPUS ITERATIONS SEED\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    while (corpus_size < MAX_CORPUS && fgets(line, sizeof line, in)) {
        char *name = strtok(line, " \n"), *hex = strtok(NULL, " \n");
        const sv_pb_msgdesc_t *desc = name ? find_message(name) : NULL;
        long n = hex_decode(hex ? hex : "", buf, sizeof buf);
        if (!desc || n < 0) {
            fprintf(stderr, "bad corpus line for %s\n", name ? name : "?");
            return 2;
        }
        corpus[corpus_size].desc = desc;
        corpus[corpus_size].data = malloc(n ? (size_t)n : 1);
        memcpy(corpus[corpus_size].data, buf, (size_t)n);
        corpus[corpus_size].len = (size_t)n;
        corpus_size++;
    }
    fclose(in);
    if (corpus_size == 0) {
        fprintf(stderr, "empty corpus\n");
        return 2;
    }
    long iterations = atol(argv[2]);
    uint64_t rng = strtoull(argv[3], NULL, 10) | 1;
    for (long i = 0; i < iterations; i++) {
        const entry_t *e = &corpus[rng_next(&rng) % corpus_size];
        memcpy(buf, e->data, e->len);
        size_t len = mutate(buf, e->len, &rng);
        if (check(e->desc, buf, len) || check(random_descriptor(&rng), buf, len)) {
            text_t hex;
            text_init(&hex);
            hex_append(&hex, buf, len);
            fprintf(stderr, "failing input (%s, iteration %ld): %s\n", e->desc->name, i, hex.data);
            return 1;
        }
    }
    printf("decodes %ld\n", decodes);
    for (int c = 0; c <= -SV_PB_EINVAL; c++) {
        printf("result %d %ld\n", -c, counts[c]);
    }
    return 0;
}
