/* Per-operation times and their percentiles; the result and mark lines. */
#include "iobench.h"

bool iob_samples_init(iob_samples_t *s, uint64_t cap) {
    s->count = 0;
    s->cap = cap ? cap : 1;
    s->ns = sv_malloc(s->cap * sizeof(uint64_t));
    return s->ns != NULL;
}

void iob_samples_add(iob_samples_t *s, uint64_t ns) {
    if (s->count < s->cap) s->ns[s->count++] = ns;
}

static void sift_down(uint64_t *a, uint64_t root, uint64_t n) {
    for (;;) {
        uint64_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && a[child + 1] > a[child]) child++;
        if (a[root] >= a[child]) return;
        uint64_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

/* Heap sort: no recursion, no extra memory, n log n for a million samples. */
static void sort(uint64_t *a, uint64_t n) {
    if (n < 2) return;
    for (uint64_t i = n / 2; i-- > 0;) sift_down(a, i, n);
    for (uint64_t end = n - 1; end > 0; end--) {
        uint64_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

uint64_t iob_samples_percentile(iob_samples_t *s, unsigned permille) {
    if (s->count == 0) return 0;
    sort(s->ns, s->count);
    uint64_t rank = (s->count * permille + 999) / 1000;   /* nearest rank, 1-based */
    if (rank == 0) rank = 1;
    return s->ns[rank - 1];
}

void iob_samples_free(iob_samples_t *s) {
    sv_free(s->ns);
    s->ns = NULL;
    s->count = s->cap = 0;
}

int iob_failed(const char *what, int rc) {
    if (rc) sv_printf("iobench: FAILED: %s (%s)\n", what, sv_status_name(rc));
    else sv_printf("iobench: FAILED: %s\n", what);
    return 1;
}

svf_io_options_t iob_io_options(const iob_config_t *cfg) {
    return (svf_io_options_t){.path = cfg->path, .timeout_ns = cfg->timeout_ns, .quiet = true};
}

void iob_skip(const iob_config_t *cfg, const char *name, const char *reason) {
    sv_printf("iobench: skipped case=%s io=%s reason=%s\n", name, svf_io_path_name(cfg->path), reason);
}

int iob_mark(const iob_config_t *cfg, const char *edge, const char *name) {
    sv_printf("iobench: mark %s %s\n", edge, name);
    if (!cfg->marks) return 0;
    char line[32];
    for (;;) {
        int n = sv_console_readline(line, sizeof line, cfg->timeout_ns);
        if (n < 0) return iob_failed("the host did not answer a mark with \"go\"", SV_STATUS_ETIMEDOUT);
        if (sv_strcmp(line, "go") == 0) return 0;
    }
}

void iob_report(const iob_config_t *cfg, const iob_result_t *r) {
    uint64_t p50 = 0, p99 = 0;
    if (r->samples && r->samples->count) {
        p50 = iob_samples_percentile(r->samples, 500);
        p99 = iob_samples_percentile(r->samples, 990);
    }
    sv_printf("iobench: result case=%s io=%s bytes=%lu ops=%lu ns=%lu p50_ns=%lu p99_ns=%lu errors=%lu%s%s\n", r->name,
              svf_io_path_name(cfg->path), (unsigned long)r->bytes, (unsigned long)r->ops, (unsigned long)r->ns,
              (unsigned long)p50, (unsigned long)p99, (unsigned long)r->errors, r->extra ? " " : "",
              r->extra ? r->extra : "");
}
