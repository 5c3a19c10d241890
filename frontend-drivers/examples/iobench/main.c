/*
 * iobench: the PV-versus-emulation benchmark guest. The same program measures the split-driver
 * (PV) devices or the emulated PC devices, chosen on its command line; `./splitvisor bench` runs
 * it on every path and engine and writes the report. It can also be run by hand:
 *
 *   ./splitvisor run iobench.elf --disk d.img --cmdline "io=pv cases=seq,rand mib=8"
 *   ./splitvisor run iobench.elf iobench.elf --nic --cmdline "io=pv cases=rtt,flood" --cmdline "io=pv cases=echo"
 *
 * Command line:
 *   io=pv|emulated  which devices (default pv)
 *   cases=LIST      comma-separated, in this order whatever the list's: seq (sequential write,
 *                   flush, then read of mib MiB, verified), rand (random 4 KiB reads, verified),
 *                   rtt (round trips with an echo peer), flood (one-way frames, counted and
 *                   verified by the peer), console (lines of output); or echo alone: the peer
 *                   of rtt and flood (default seq)
 *   mib=N           sequential region in MiB (default 8); xfer=KiB bytes per transfer (default 1024)
 *   randops=N       random reads (default 256, at most 4096)
 *   rtts=N          round trips (default 1000); rttsize=B frame bytes (default 64)
 *   frames=N        flood frames (default 2000); framesize=B (default 1514); window=W (default 32)
 *   lines=K         console lines of 86 characters and a newline (default 1000)
 *   seed=N          data pattern seed (default 1; the peer needs the same)
 *   marks           stop at each case's begin and end marks until the host sends "go" on console 0
 *   timeout=S       seconds to wait for a device, the peer or the host (default 60)
 *
 * Output (console 0), one line per event, fields as key=value:
 *   iobench: mark begin|end CASE
 *   iobench: result case=CASE io=PATH bytes=B ops=N ns=T p50_ns=X p99_ns=Y errors=E [more fields]
 *     CASE is seq-write, seq-read, rand-read, net-rtt, net-flood or console; T is the guest's time
 *     for the case, X and Y the median and 99th percentile of its per-operation times (a
 *     transfer, a 4 KiB read, a round trip, a frame sent, a line written), E the verification
 *     failures; net cases add frame= and lost= (round trips unanswered after three tries,
 *     flood frames that never arrived), rtt resent=, flood sent= received= stalls= peer_ns=
 *   iobench: skipped case=CASE io=PATH reason=WORDS   (this build has no driver for its device there)
 *   iobench: ok                      (exit 0) or iobench: FAILED: reason (exit 1; 2 for bad options)
 */
#include "iobench.h"

static bool has_case(const char *list, const char *name) {
    size_t n = sv_strlen(name);
    for (const char *p = list; *p;) {
        const char *end = p;
        while (*end && *end != ',') end++;
        if ((size_t)(end - p) == n && sv_memcmp(p, name, n) == 0) return true;
        p = *end ? end + 1 : end;
    }
    return false;
}

/* Every word of the list is a known case. */
static bool cases_known(const char *list) {
    static const char *const known[] = {"seq", "rand", "rtt", "flood", "console", "echo"};
    for (const char *p = list; *p;) {
        const char *end = p;
        while (*end && *end != ',') end++;
        bool ok = false;
        for (unsigned i = 0; i < sizeof known / sizeof known[0]; i++) {
            size_t n = sv_strlen(known[i]);
            if ((size_t)(end - p) == n && sv_memcmp(p, known[i], n) == 0) ok = true;
        }
        if (!ok) return false;
        p = *end ? end + 1 : end;
    }
    return true;
}

static int usage(const char *problem) {
    sv_printf("iobench: FAILED: %s (usage: io=pv|emulated cases=seq,rand,rtt,flood,console|echo [mib=N] [xfer=KiB] "
              "[randops=N] [rtts=N] [rttsize=B] [frames=N] [framesize=B] [window=W] [lines=K] [seed=N] [marks] [timeout=S])\n",
              problem);
    return 2;
}

int main(void) {
    iob_config_t cfg = {
        .marks = sv_cmdline_has("marks"),
        .mib = sv_cmdline_get_u64("mib", 8),
        .xfer = sv_cmdline_get_u64("xfer", 1024) * 1024,
        .rand_ops = sv_cmdline_get_u64("randops", 256),
        .rtt_count = sv_cmdline_get_u64("rtts", 1000),
        .rtt_size = sv_cmdline_get_u64("rttsize", 64),
        .flood_count = sv_cmdline_get_u64("frames", 2000),
        .flood_size = sv_cmdline_get_u64("framesize", 1514),
        .window = sv_cmdline_get_u64("window", 32),
        .lines = sv_cmdline_get_u64("lines", 1000),
        .seed = (uint32_t)sv_cmdline_get_u64("seed", 1),
        .timeout_ns = sv_cmdline_get_u64("timeout", 60) * SV_NS_PER_SEC,
    };
    char io[16] = "pv", cases[96] = "seq";
    sv_cmdline_get("io", io, sizeof io);
    sv_cmdline_get("cases", cases, sizeof cases);
    if (sv_strcmp(io, "pv") == 0) cfg.path = SVF_IO_PV;
    else if (sv_strcmp(io, "emulated") == 0) cfg.path = SVF_IO_EMULATED;
    else return usage("io must be pv or emulated");
    if (!cases_known(cases)) return usage("unknown case in cases=");
    if (cfg.mib == 0 || cfg.mib > 1024) return usage("mib must be 1 to 1024");
    if (cfg.xfer == 0 || cfg.xfer > (16u << 20)) return usage("xfer must be 1 to 16384 KiB");
    if (cfg.rand_ops == 0 || cfg.rand_ops > 4096) return usage("randops must be 1 to 4096");
    if (cfg.rtt_size < 60 || cfg.rtt_size > 1514 || cfg.flood_size < 60 || cfg.flood_size > 1514)
        return usage("frame sizes must be 60 to 1514");
    if (cfg.window == 0 || cfg.window > 128) return usage("window must be 1 to 128");
    if (cfg.rtt_count == 0 || cfg.flood_count == 0 || cfg.lines == 0 || cfg.lines > 1000000)
        return usage("rtts, frames and lines must be at least 1 (lines at most 1000000)");

    int rc = 0;
    if (has_case(cases, "echo")) {
        rc = iob_run_echo(&cfg);
    } else {
        if (rc == 0 && (has_case(cases, "seq") || has_case(cases, "rand")))
            rc = iob_run_disk(&cfg, has_case(cases, "seq"), has_case(cases, "rand"));
        if (rc == 0 && (has_case(cases, "rtt") || has_case(cases, "flood")))
            rc = iob_run_net(&cfg, has_case(cases, "rtt"), has_case(cases, "flood"));
        if (rc == 0 && has_case(cases, "console")) rc = iob_run_console(&cfg);
    }
    if (rc == 0) sv_printf("iobench: ok\n");
    return rc;
}
