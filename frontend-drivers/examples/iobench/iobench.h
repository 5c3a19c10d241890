/*
 * iobench: the PV-versus-emulation benchmark guest (see main.c for the command line and the
 * result line format). What the case files share.
 */
#ifndef IOBENCH_H
#define IOBENCH_H

#include <splitvisor/sdk.h>
#include <svfront/io.h>
#include <svfront/util.h>

/* Per-operation times of one case, for the median and the 99th percentile. */
typedef struct iob_samples {
    uint64_t *ns;
    uint64_t count, cap;
} iob_samples_t;

bool iob_samples_init(iob_samples_t *s, uint64_t cap);
void iob_samples_add(iob_samples_t *s, uint64_t ns);
/* The per-mille percentile (500: median, 990: 99th) by nearest rank; sorts the samples. */
uint64_t iob_samples_percentile(iob_samples_t *s, unsigned permille);
void iob_samples_free(iob_samples_t *s);

/* What a case measured, printed as one result line. */
typedef struct iob_result {
    const char *name;        /* "seq-write", "rand-read", ... */
    uint64_t bytes;          /* payload bytes moved */
    uint64_t ops;            /* operations timed */
    uint64_t ns;             /* guest time of the whole case */
    uint64_t errors;         /* verification failures, lost frames, ... (0 when all is well) */
    iob_samples_t *samples;  /* per-operation times (may be NULL) */
    const char *extra;       /* more key=value words, or NULL */
} iob_result_t;

/* Settings from the command line. */
typedef struct iob_config {
    svf_io_path_t path;      /* SVF_IO_PV or SVF_IO_EMULATED */
    bool marks;              /* stop at each case's start and end until the host answers "go" */
    uint64_t mib;            /* sequential: MiB written then read */
    uint64_t xfer;           /* sequential: bytes per transfer */
    uint64_t rand_ops;       /* random 4 KiB reads */
    uint64_t rtt_count;      /* round trips */
    uint64_t flood_count;    /* frames of the flood */
    uint64_t rtt_size;       /* bytes per round-trip frame, 60..1514 */
    uint64_t flood_size;     /* bytes per flood frame, 60..1514 */
    uint64_t window;         /* flood frames in flight before a credit */
    uint64_t lines;          /* console lines */
    uint32_t seed;
    uint64_t timeout_ns;
} iob_config_t;

/* Prints "iobench: mark begin|end CASE" and, with marks on, waits for the host's "go". */
int iob_mark(const iob_config_t *cfg, const char *edge, const char *name);
/* Prints the result line of a case. */
void iob_report(const iob_config_t *cfg, const iob_result_t *r);
/* The options that open a device of the run's path (the first of its kind). */
svf_io_options_t iob_io_options(const iob_config_t *cfg);
/* Prints "iobench: skipped case=NAME io=PATH reason=..." for a case this guest cannot run. */
void iob_skip(const iob_config_t *cfg, const char *name, const char *reason);
/* Prints "iobench: FAILED: what (status)" and returns 1. */
int iob_failed(const char *what, int rc);

int iob_run_disk(const iob_config_t *cfg, bool seq, bool rand);
int iob_run_net(const iob_config_t *cfg, bool rtt, bool flood);
int iob_run_echo(const iob_config_t *cfg);
int iob_run_console(const iob_config_t *cfg);

/* The text of console line i (without the newline) into out (IOB_LINE_MAX bytes). */
#define IOB_LINE_MAX 96
size_t iob_console_line(uint64_t i, char *out);

/* A 64-bit xorshift generator (the random read offsets). */
static inline uint64_t iob_xorshift(uint64_t *state) {
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

#endif /* IOBENCH_H */
