/*
 * netping: two domains exchange echo frames over dom0's virtual switch through the network
 * frontend, and report round-trip times.
 *
 *   ./splitvisor run netping.elf netping.elf --nic --nic --cmdline role=ping --cmdline role=pong
 *
 *   role=ping     sends echo requests and measures each round trip
 *   role=pong     answers echo requests until ping says goodbye
 *   count=N       round trips (default 100)
 *   size=BYTES    frame size, 60..1514 (default 64)
 *   burst=N       after the round trips, N more requests with up to window=W (default 32) in
 *                 flight, queued and published together: round trips per second with batching
 *                 (default 0: none)
 *   timeout=S     seconds to wait for the peer (default 60); a request unanswered for a second
 *                 is sent again (three times at most before it counts as lost)
 *   nic=N         which interface (default 0)
 *   peer=<domid>  accepted for symmetry with pingpong; not needed (see below)
 *
 * Frames are Ethernet frames of EtherType 0x88B5 (IEEE local experimental):
 *   dst[6] src[6] type[2]=88 b5 | "SVNP" | kind u8 (1 request, 2 reply, 3 goodbye) | 3 zero bytes
 *   | seq u32 | sender's timestamp u64 | pattern bytes up to the frame size
 * (multi-byte fields little-endian). Ping finds pong without any configuration: it broadcasts its
 * first request (ff:ff:ff:ff:ff:ff); pong answers to the sender's MAC, and ping sends to pong's
 * MAC from then on (the switch learns both).
 *
 * Both print "netping: ok" at the end (ping with "N round trips, rtt min/avg/max = a/b/c us") and
 * exit 0; "netping: FAILED: ..." and exit 1 otherwise.
 */
#include <splitvisor/sdk.h>
#include <svfront/svfront.h>

#define ETHERTYPE 0x88B5u
#define KIND_REQUEST 1
#define KIND_REPLY 2
#define KIND_BYE 3
#define HDR 14u
#define PAYLOAD_HDR 20u   /* magic 4, kind 1, pad 3, seq 4, stamp 8 */

static svf_net_t *nic;
static uint8_t self_mac[6];
static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static uint8_t frame[SVF_NET_MAX_FRAME], rx[2048];

/* Round-trip times in 10 us buckets up to 100 ms (the last bucket holds everything above), for
 * the median and the 99th percentile: averages on a shared machine mostly measure its load. */
#define BUCKET_NS 10000ull
#define BUCKETS 10000u
static uint32_t histogram[BUCKETS];

static void record(uint64_t rtt_ns) {
    uint64_t b = rtt_ns / BUCKET_NS;
    histogram[b < BUCKETS ? b : BUCKETS - 1]++;
}

/* The upper edge, in microseconds, of the bucket holding the q-th per-mille sample. */
static uint64_t percentile_us(uint64_t total, unsigned permille) {
    uint64_t want = (total * permille + 999) / 1000, seen = 0;
    if (want == 0) want = 1;
    for (unsigned b = 0; b < BUCKETS; b++) {
        seen += histogram[b];
        if (seen >= want) return (b + 1) * BUCKET_NS / 1000;
    }
    return BUCKETS * BUCKET_NS / 1000;
}

static int failed(const char *what, int rc) {
    if (rc) sv_printf("netping: FAILED: %s (%s)\n", what, sv_status_name(rc));
    else sv_printf("netping: FAILED: %s\n", what);
    return 1;
}

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

static size_t build(uint8_t *f, const uint8_t dst[6], int kind, uint32_t seq, uint64_t stamp, size_t size) {
    sv_memcpy(f, dst, 6);
    sv_memcpy(f + 6, self_mac, 6);
    f[12] = ETHERTYPE >> 8;
    f[13] = ETHERTYPE & 0xFF;
    sv_memcpy(f + HDR, "SVNP", 4);
    f[HDR + 4] = (uint8_t)kind;
    f[HDR + 5] = f[HDR + 6] = f[HDR + 7] = 0;
    put32(f + HDR + 8, seq);
    put64(f + HDR + 12, stamp);
    svf_pattern_fill(f + HDR + PAYLOAD_HDR, size - HDR - PAYLOAD_HDR, 0, seq);
    return size;
}

/* A netping frame for us: its kind (0 when it is not one). */
static int parse(const uint8_t *f, int len, uint32_t *seq, uint64_t *stamp) {
    if (len < (int)(HDR + PAYLOAD_HDR)) return 0;
    if (f[12] != (ETHERTYPE >> 8) || f[13] != (ETHERTYPE & 0xFF)) return 0;
    if (sv_memcmp(f + HDR, "SVNP", 4) != 0) return 0;
    if (sv_memcmp(f, self_mac, 6) != 0 && sv_memcmp(f, broadcast, 6) != 0) return 0;
    *seq = get32(f + HDR + 8);
    *stamp = get64(f + HDR + 12);
    return f[HDR + 4];
}

static int run_ping(uint64_t count, size_t size, uint64_t burst, uint64_t window, uint64_t timeout_ns) {
    uint8_t peer[6];
    bool have_peer = false;
    uint64_t min = UINT64_MAX, max = 0, total = 0, ok = 0, lost = 0, resent = 0;
    uint64_t start_wait = sv_time_ns();
    for (uint32_t seq = 0; seq < count; seq++) {
        bool answered = false;
        for (int attempt = 0; !answered; attempt++) {
            if (have_peer && attempt >= 3) break;
            if (!have_peer && sv_time_ns() - start_wait > timeout_ns) return failed("no answer from a pong (is it running, on the same switch?)", 0);
            if (attempt > 0) resent++;
            uint64_t t0 = sv_time_ns();
            build(frame, have_peer ? peer : broadcast, KIND_REQUEST, seq, t0, size);
            int rc = svf_net_send(nic, frame, size);
            if (rc) return failed("sending a request", rc);
            /* Wait up to a second for this request's reply; other frames are ignored. */
            uint64_t deadline = t0 + SV_NS_PER_SEC;
            for (;;) {
                uint64_t now = sv_time_ns();
                if (now >= deadline) break;
                int n = svf_net_recv(nic, rx, sizeof rx, deadline - now);
                if (n < 0) return failed("receiving", n);
                if (n == 0) break;
                uint32_t rseq;
                uint64_t stamp;
                if (parse(rx, n, &rseq, &stamp) != KIND_REPLY || rseq != seq || stamp != t0) continue;
                if ((size_t)n != size || svf_pattern_check(rx + HDR + PAYLOAD_HDR, size - HDR - PAYLOAD_HDR, 0, seq) !=
                                             size - HDR - PAYLOAD_HDR) {
                    return failed("a reply does not carry the request's bytes", 0);
                }
                uint64_t rtt = sv_time_ns() - t0;
                if (!have_peer) {
                    sv_memcpy(peer, rx + 6, 6);
                    have_peer = true;
                    char m[18];
                    svf_mac_format(peer, m);
                    sv_printf("netping: ping: pong is %s\n", m);
                }
                record(rtt);
                if (rtt < min) min = rtt;
                if (rtt > max) max = rtt;
                total += rtt;
                ok++;
                answered = true;
                break;
            }
        }
        if (!answered) lost++;
    }
    if (ok == 0) return failed("no round trip succeeded", 0);
    sv_printf("netping: ping: %lu round trips of %lu-byte frames, rtt min/avg/max = %lu/%lu/%lu us, median %lu us, "
              "99%% below %lu us, %lu resent, %lu lost\n",
              (unsigned long)ok, (unsigned long)size, (unsigned long)(min / 1000), (unsigned long)(total / ok / 1000),
              (unsigned long)(max / 1000), (unsigned long)percentile_us(ok, 500), (unsigned long)percentile_us(ok, 990),
              (unsigned long)resent, (unsigned long)lost);

    if (burst) {
        /* Throughput: up to `window` requests in flight, queued together and published with one
         * index update; a reply frees a place in the window. Replies lost (the switch drops what
         * a full receiver cannot take) are given up after a second without progress. */
        uint64_t t0 = sv_time_ns(), sent = 0, got = 0, last_progress = t0;
        uint32_t base = (uint32_t)count + 1000;
        while (got < burst) {
            while (sent < burst && sent - got < window) {
                build(frame, peer, KIND_REQUEST, base + (uint32_t)sent, t0, size);
                int rc = svf_net_queue(nic, frame, size);
                if (rc) return failed("queueing a burst request", rc);
                sent++;
            }
            svf_net_push(nic);
            int n = svf_net_recv(nic, rx, sizeof rx, 100 * SV_NS_PER_MS);
            if (n < 0) return failed("receiving", n);
            uint64_t now = sv_time_ns();
            while (n > 0) {
                uint32_t rseq;
                uint64_t stamp;
                if (parse(rx, n, &rseq, &stamp) == KIND_REPLY && rseq >= base && stamp == t0) {
                    got++;
                    last_progress = now;
                }
                n = svf_net_recv(nic, rx, sizeof rx, SVF_NET_NO_WAIT);
                if (n < 0) return failed("receiving", n);
            }
            if (now - last_progress > SV_NS_PER_SEC) {
                if (sent < burst) {
                    last_progress = now;
                    sent = got;   /* the rest of the window was lost: refill it */
                    continue;
                }
                break;
            }
        }
        uint64_t ns = sv_time_ns() - t0;
        uint64_t rate = got * SV_NS_PER_SEC / (ns ? ns : 1);
        uint64_t kbit = rate * size * 8 / 1000;
        sv_printf("netping: ping: burst of %lu requests (window %lu): %lu replies in %lu ms, %lu round trips/s (%lu.%03lu Mbit/s each way)\n",
                  (unsigned long)burst, (unsigned long)window, (unsigned long)got, (unsigned long)(ns / SV_NS_PER_MS),
                  (unsigned long)rate, (unsigned long)(kbit / 1000), (unsigned long)(kbit % 1000));
    }
    for (int i = 0; i < 3; i++) {
        build(frame, peer, KIND_BYE, 0, 0, 60);
        svf_net_send(nic, frame, 60);
    }
    if (lost * 10 > count) return failed("more than a tenth of the requests were lost", 0);
    return 0;
}

/* Answers one frame if it is a request; returns its kind. */
static int answer(int n, uint64_t *answered) {
    uint32_t seq;
    uint64_t stamp;
    int kind = parse(rx, n, &seq, &stamp);
    if (kind != KIND_REQUEST) return kind;
    /* The reply: the request with the addresses swapped and the kind changed. */
    sv_memcpy(frame, rx, (size_t)n);
    sv_memcpy(frame, rx + 6, 6);
    sv_memcpy(frame + 6, self_mac, 6);
    frame[HDR + 4] = KIND_REPLY;
    int rc = svf_net_queue(nic, frame, (size_t)n);
    if (rc) return rc;
    (*answered)++;
    return kind;
}

static int run_pong(uint64_t timeout_ns) {
    uint64_t answered = 0;
    for (;;) {
        int n = svf_net_recv(nic, rx, sizeof rx, timeout_ns);
        if (n < 0) return failed("receiving", n);
        if (n == 0) {
            sv_printf("netping: FAILED: pong: nothing for %lu s (%lu requests answered)\n",
                      (unsigned long)(timeout_ns / SV_NS_PER_SEC), (unsigned long)answered);
            return 1;
        }
        /* Answer everything that is already here, then publish the replies together. */
        bool bye = false;
        while (n > 0) {
            int kind = answer(n, &answered);
            if (kind < 0) return failed("queueing a reply", kind);
            if (kind == KIND_BYE) bye = true;
            n = svf_net_recv(nic, rx, sizeof rx, SVF_NET_NO_WAIT);
            if (n < 0) return failed("receiving", n);
        }
        svf_net_push(nic);
        if (bye) break;
    }
    sv_printf("netping: pong: answered %lu requests\n", (unsigned long)answered);
    return 0;
}

int main(void) {
    char role[16] = "";
    sv_cmdline_get("role", role, sizeof role);
    bool ping = sv_strcmp(role, "ping") == 0;
    if (!ping && sv_strcmp(role, "pong") != 0) {
        sv_printf("netping: usage: role=ping|pong [count=N] [size=BYTES] [burst=N] [window=W] [timeout=S] [nic=N]\n");
        return 2;
    }
    uint64_t count = sv_cmdline_get_u64("count", 100);
    uint64_t size = sv_cmdline_get_u64("size", 64);
    uint64_t burst = sv_cmdline_get_u64("burst", 0);
    uint64_t timeout_ns = sv_cmdline_get_u64("timeout", 60) * SV_NS_PER_SEC;
    if (size < 60) size = 60;
    if (size > SVF_NET_MAX_FRAME) size = SVF_NET_MAX_FRAME;

    unsigned id;
    int rc = svf_front_find("vif", (unsigned)sv_cmdline_get_u64("nic", 0), &id);
    if (rc) return failed("no network interface (attach one with --nic)", 0);
    svf_net_options_t opts = {.connect_timeout_ns = timeout_ns};
    if ((rc = svf_net_open(&nic, id, &opts))) return failed("opening the network interface", rc);
    sv_memcpy(self_mac, svf_net_mac(nic), 6);
    uint64_t window = sv_cmdline_get_u64("window", 32);
    if (window == 0) window = 1;
    int result = ping ? run_ping(count, size, burst, window, timeout_ns) : run_pong(timeout_ns);
    svf_net_stats_t st;
    svf_net_get_stats(nic, &st);
    sv_printf("netping: %s: tx %lu frames in %lu publications, rx %lu frames (%lu dropped); %lu notifications sent, %lu received\n",
              role, (unsigned long)st.ring.tx_frames, (unsigned long)st.ring.tx_pushes, (unsigned long)st.ring.rx_frames,
              (unsigned long)(st.ring.rx_bad + st.ring.rx_errors), (unsigned long)st.kicks, (unsigned long)st.events);
    svf_net_close(nic);
    if (result == 0) sv_printf("netping: ok\n");
    return result;
}
