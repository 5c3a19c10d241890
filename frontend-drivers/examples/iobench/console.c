/*
 * The console case: `lines` lines through the benchmark's console (console 0's ring on the PV
 * path, the UART on the emulated one). Line i is "iobench-line <i, 8 digits> " and 64 letters
 * starting at letter i % 26 of the alphabet, so the host checks every line it received.
 */
#include "iobench.h"

size_t iob_console_line(uint64_t i, char *out) {
    int n = sv_snprintf(out, IOB_LINE_MAX, "iobench-line %08lu ", (unsigned long)i);
    for (int k = 0; k < 64; k++) out[n + k] = (char)('a' + (i + (uint64_t)k) % 26);
    out[n + 64] = '\n';
    return (size_t)n + 65;
}

int iob_run_console(const iob_config_t *cfg) {
    svf_console_t *console;
    svf_io_options_t opts = iob_io_options(cfg);
    int rc = svf_console_open(&console, &opts);
    if (rc == SV_STATUS_ENOSYS) {   /* this guest build has no driver for it */
        iob_skip(cfg, "console", svf_io_open_error());
        return 0;
    }
    if (rc) {
        sv_printf("iobench: %s\n", svf_io_open_error());
        return iob_failed("opening the console", rc);
    }
    /* The text is made before the case begins: only the writes are measured. */
    char *text = sv_malloc(cfg->lines * IOB_LINE_MAX);
    uint32_t *len = sv_malloc(cfg->lines * sizeof(uint32_t));
    iob_samples_t s;
    if (!text || !len || !iob_samples_init(&s, cfg->lines)) return iob_failed("no memory for the console lines", 0);
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < cfg->lines; i++) {
        len[i] = (uint32_t)iob_console_line(i, text + i * IOB_LINE_MAX);
        bytes += len[i];
    }
    if (iob_mark(cfg, "begin", "console")) return 1;
    uint64_t t0 = sv_time_ns();
    for (uint64_t i = 0; i < cfg->lines; i++) {
        uint64_t start = sv_time_ns();
        rc = svf_console_write(console, text + i * IOB_LINE_MAX, len[i]);
        if (rc < 0) return iob_failed("writing a line", rc);
        iob_samples_add(&s, sv_time_ns() - start);
    }
    if ((rc = svf_console_flush(console, cfg->timeout_ns))) return iob_failed("flushing the console", rc);
    uint64_t ns = sv_time_ns() - t0;
    if (iob_mark(cfg, "end", "console")) return 1;
    iob_report(cfg, &(iob_result_t){.name = "console", .bytes = bytes, .ops = cfg->lines, .ns = ns, .samples = &s});
    iob_samples_free(&s);
    svf_console_close(console);
    sv_free(text);
    sv_free(len);
    return 0;
}
