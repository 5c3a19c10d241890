/*
 * abi_harness: the C end of the Java/C codec round-trip tests. Reads commands from stdin:
 *
 *   D <message> <hex>    decode; print "OK", the dump, "ENC <hex>" of the re-encoding, "."
 *                        or "ERR <code>" and "."
 *   R <message> <seed>   fill a random message, encode it; print "OK", the dump, "ENC <hex>", "."
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_support.h"

#define MAX_INPUT (1 << 20)

static uint8_t input[MAX_INPUT];
static uint8_t output[MAX_INPUT];

static void finish(text_t *out, const sv_pb_msgdesc_t *desc, const void *msg) {
    size_t len = 0;
    int rc = sv_pb_encode(desc, msg, output, sizeof output, &len);
    if (rc != SV_PB_OK) {
        printf("ERR encode %d\n.\n", rc);
        return;
    }
    text_append(out, "OK\n");
    dump_message(out, desc, msg, 0);
    text_append(out, "ENC ");
    hex_append(out, output, len);
    text_append(out, "\n.\n");
    fputs(out->data, stdout);
}

int main(void) {
    static char line[2 * MAX_INPUT + 256];
    while (fgets(line, sizeof line, stdin)) {
        char *cmd = strtok(line, " \n");
        char *name = strtok(NULL, " \n");
        char *arg = strtok(NULL, " \n");
        if (!cmd || !name) {
            continue;
        }
        const sv_pb_msgdesc_t *desc = find_message(name);
        if (!desc) {
            printf("ERR unknown-message\n.\n");
            continue;
        }
        void *msg = malloc(desc->size);
        text_t out;
        text_init(&out);
        if (cmd[0] == 'D') {
            long n = hex_decode(arg ? arg : "", input, sizeof input);
            if (n < 0) {
                printf("ERR bad-hex\n.\n");
            } else {
                /* Decode from an exact-size heap copy so an over-read is caught by ASan. */
                uint8_t *exact = malloc(n > 0 ? (size_t)n : 1);
                memcpy(exact, input, (size_t)n);
                int rc = sv_pb_decode(desc, msg, exact, (size_t)n);
                free(exact);
                if (rc != SV_PB_OK) {
                    printf("ERR %d\n.\n", rc);
                } else {
                    finish(&out, desc, msg);
                }
            }
        } else {
            uint64_t rng = strtoull(arg ? arg : "1", NULL, 10) | 1;
            random_message(desc, msg, &rng, 0);
            finish(&out, desc, msg);
        }
        text_free(&out);
        free(msg);
        fflush(stdout);
    }
    return 0;
}
