/*
 * The network cases, between this guest and a peer running the same program with case=echo, on
 * the same switch. Frames are Ethernet frames of EtherType 0x88B5 (IEEE local experimental):
 *
 *    0        6        12     14       18     19      22      26         34
 *   +--------+--------+------+--------+------+-------+-------+----------+-------------------+
 *   | dst    | src    | 88b5 | "SVIB" | kind | 0 0 0 | seq   | stamp    | payload (pattern) |
 *   +--------+--------+------+--------+------+-------+-------+----------+-------------------+
 *   (seq u32 and stamp u64 little-endian)
 *
 * kind: HELLO/HELLO_REPLY find the peer (broadcast, then unicast to the MAC that answered);
 * RTT/RTT_REPLY are the round trip (the reply is the request with the addresses swapped); DATA
 * are the flood (stamp = the credit interval); the peer sends a CREDIT (seq = frames received so
 * far) every interval frames, so at most `window` frames are in flight and the switch's queue
 * never overflows; END asks for the SUMMARY (payload: received, bad, bytes, first-to-last ns, each
 * u64); BYE ends the peer. The payload is the pattern of svfront/util.h with the run's seed from
 * position 0, so both sides can check every byte without sending a checksum.
 */
#include "iobench.h"

#define ETHERTYPE 0x88B5u
#define HDR 34u
#define MAX_FRAME 1514u
enum { HELLO = 1, HELLO_REPLY, RTT, RTT_REPLY, DATA, CREDIT, END, SUMMARY, BYE };

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static uint8_t self_mac[6], peer_mac[6];
static uint8_t tx[MAX_FRAME], rx[2048], payload[MAX_FRAME];

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}
static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

/* Writes the header; the payload (positions HDR..size) is the caller's. */
static void header(uint8_t *f, const uint8_t dst[6], int kind, uint32_t seq, uint64_t stamp) {
    sv_memcpy(f, dst, 6);
    sv_memcpy(f + 6, self_mac, 6);
    f[12] = ETHERTYPE >> 8;
    f[13] = ETHERTYPE & 0xFF;
    sv_memcpy(f + 14, "SVIB", 4);
    f[18] = (uint8_t)kind;
    f[19] = f[20] = f[21] = 0;
    put32(f + 22, seq);
    put64(f + 26, stamp);
}

/* The kind of an iobench frame addressed to us, or 0. */
static int parse(const uint8_t *f, int len, uint32_t *seq, uint64_t *stamp) {
    if (len < (int)HDR || f[12] != (ETHERTYPE >> 8) || f[13] != (ETHERTYPE & 0xFF) || sv_memcmp(f + 14, "SVIB", 4) != 0) return 0;
    if (sv_memcmp(f, self_mac, 6) != 0 && sv_memcmp(f, broadcast, 6) != 0) return 0;
    *seq = get32(f + 22);
    *stamp = get64(f + 26);
    return f[18];
}

static bool payload_ok(const uint8_t *f, int len) {
    return sv_memcmp(f + HDR, payload, (size_t)len - HDR) == 0;
}

/* Waits up to timeout_ns for a frame of `kind` (and seq, unless any_seq); others are dropped. */
static int await(svf_nic_t *nic, int kind, uint32_t want_seq, bool any_seq, uint64_t timeout_ns, uint32_t *seq, uint64_t *stamp) {
    uint64_t deadline = sv_time_ns() + timeout_ns;
    for (;;) {
        uint64_t now = sv_time_ns();
        if (now >= deadline) return 0;
        int n = svf_nic_recv(nic, rx, sizeof rx, deadline - now);
        if (n <= 0) return n;
        if (parse(rx, n, seq, stamp) == kind && (any_seq || *seq == want_seq)) return n;
    }
}

static int discover(const iob_config_t *cfg, svf_nic_t *nic) {
    uint64_t give_up = sv_time_ns() + cfg->timeout_ns;
    for (uint32_t attempt = 0; sv_time_ns() < give_up; attempt++) {
        header(tx, broadcast, HELLO, attempt, 0);
        int rc = svf_nic_send(nic, tx, 60);
        if (rc) return iob_failed("sending a hello", rc);
        uint32_t seq;
        uint64_t stamp;
        int n = await(nic, HELLO_REPLY, attempt, false, 200 * SV_NS_PER_MS, &seq, &stamp);
        if (n < 0) return iob_failed("receiving", n);
        if (n > 0) {
            sv_memcpy(peer_mac, rx + 6, 6);
            return 0;
        }
    }
    return iob_failed("no answer from an echo peer (is one running on the same switch?)", 0);
}

static int round_trips(const iob_config_t *cfg, svf_nic_t *nic) {
    uint64_t size = cfg->rtt_size;
    iob_samples_t s;
    if (!iob_samples_init(&s, cfg->rtt_count)) return iob_failed("no memory for the samples", 0);
    sv_memcpy(tx + HDR, payload, size - HDR);
    uint64_t lost = 0, resent = 0;
    if (iob_mark(cfg, "begin", "net-rtt")) return 1;
    uint64_t t0 = sv_time_ns();
    for (uint32_t seq = 0; seq < cfg->rtt_count; seq++) {
        bool answered = false;
        for (int attempt = 0; attempt < 3 && !answered; attempt++) {
            uint64_t start = sv_time_ns();
            header(tx, peer_mac, RTT, seq, start);
            int rc = svf_nic_send(nic, tx, size);
            if (rc) return iob_failed("sending a request", rc);
            uint32_t rseq;
            uint64_t stamp;
            int n;
            do {
                n = await(nic, RTT_REPLY, seq, false, SV_NS_PER_SEC, &rseq, &stamp);
            } while (n > 0 && stamp != start);   /* a late reply to an earlier attempt */
            if (n < 0) return iob_failed("receiving", n);
            if (n == 0) {
                resent++;
                continue;
            }
            if ((uint64_t)n != size || !payload_ok(rx, n)) return iob_failed("a reply does not carry the request's bytes", 0);
            iob_samples_add(&s, sv_time_ns() - start);
            answered = true;
        }
        if (!answered) lost++;
    }
    uint64_t ns = sv_time_ns() - t0;
    if (iob_mark(cfg, "end", "net-rtt")) return 1;
    /* A request unanswered after three tries is lost (a NIC may drop frames), not wrong data. */
    char extra[80];
    sv_snprintf(extra, sizeof extra, "frame=%lu resent=%lu lost=%lu", (unsigned long)size, (unsigned long)resent,
                (unsigned long)lost);
    iob_report(cfg, &(iob_result_t){.name = "net-rtt", .bytes = s.count * size * 2, .ops = cfg->rtt_count, .ns = ns,
                                     .samples = &s, .extra = extra});
    bool none = s.count == 0;
    iob_samples_free(&s);
    return none ? iob_failed("no round trip was answered", 0) : 0;
}

static int flood(const iob_config_t *cfg, svf_nic_t *nic) {
    uint64_t size = cfg->flood_size, count = cfg->flood_count, window = cfg->window;
    uint64_t interval = window / 2 ? window / 2 : 1;
    iob_samples_t s;
    if (!iob_samples_init(&s, count)) return iob_failed("no memory for the samples", 0);
    sv_memcpy(tx + HDR, payload, size - HDR);
    uint64_t sent = 0, acknowledged = 0, stalls = 0;
    if (iob_mark(cfg, "begin", "net-flood")) return 1;
    uint64_t t0 = sv_time_ns();
    while (sent < count) {
        if (sent - acknowledged >= window) {
            /* The window is full: wait for a credit; after 100 ms, count what is in flight as lost. */
            uint32_t got;
            uint64_t stamp;
            int n = await(nic, CREDIT, 0, true, 100 * SV_NS_PER_MS, &got, &stamp);
            if (n < 0) return iob_failed("receiving a credit", n);
            if (n == 0) {
                stalls++;
                acknowledged = sent;
            } else if (got > acknowledged) {
                acknowledged = got;
            }
            continue;
        }
        header(tx, peer_mac, DATA, (uint32_t)sent, interval);
        uint64_t start = sv_time_ns();
        int rc = svf_nic_send(nic, tx, size);
        if (rc) return iob_failed("sending a flood frame", rc);
        iob_samples_add(&s, sv_time_ns() - start);
        sent++;
    }
    /* Ask for the peer's count; resend END until the summary arrives. */
    uint64_t received = 0, bad = 0, peer_bytes = 0, peer_ns = 0;
    bool summarised = false;
    for (int attempt = 0; attempt < 10 && !summarised; attempt++) {
        header(tx, peer_mac, END, (uint32_t)sent, 0);
        int rc = svf_nic_send(nic, tx, 60);
        if (rc) return iob_failed("sending the end of the flood", rc);
        uint32_t seq;
        uint64_t stamp;
        int n = await(nic, SUMMARY, 0, true, 500 * SV_NS_PER_MS, &seq, &stamp);
        if (n < 0) return iob_failed("receiving the summary", n);
        if (n >= (int)(HDR + 32)) {
            received = get64(rx + HDR);
            bad = get64(rx + HDR + 8);
            peer_bytes = get64(rx + HDR + 16);
            peer_ns = get64(rx + HDR + 24);
            summarised = true;
        }
    }
    uint64_t ns = sv_time_ns() - t0;
    if (iob_mark(cfg, "end", "net-flood")) return 1;
    if (!summarised) return iob_failed("the echo peer sent no flood summary", 0);
    char extra[128];
    sv_snprintf(extra, sizeof extra, "frame=%lu sent=%lu received=%lu lost=%lu stalls=%lu peer_ns=%lu", (unsigned long)size,
                (unsigned long)sent, (unsigned long)received, (unsigned long)(sent > received ? sent - received : 0),
                (unsigned long)stalls, (unsigned long)peer_ns);
    iob_report(cfg, &(iob_result_t){.name = "net-flood", .bytes = peer_bytes, .ops = sent, .ns = ns, .errors = bad,
                                     .samples = &s, .extra = extra});
    iob_samples_free(&s);
    if (bad) return iob_failed("the peer received corrupted flood frames", 0);
    return 0;
}

static int open_nic(const iob_config_t *cfg, svf_nic_t **nic) {
    svf_io_options_t opts = iob_io_options(cfg);
    int rc = svf_nic_open(nic, &opts);
    if (rc && rc != SV_STATUS_ENOSYS) sv_printf("iobench: %s\n", svf_io_open_error());
    return rc;
}

static void prepare(const iob_config_t *cfg, svf_nic_t *nic) {
    sv_memcpy(self_mac, svf_nic_mac(nic), 6);
    svf_pattern_fill(payload, sizeof payload, 0, cfg->seed);
}

int iob_run_net(const iob_config_t *cfg, bool rtt, bool fl) {
    svf_nic_t *nic;
    int rc = open_nic(cfg, &nic);
    if (rc == SV_STATUS_ENOSYS) {   /* this guest build has no driver for it */
        if (rtt) iob_skip(cfg, "net-rtt", svf_io_open_error());
        if (fl) iob_skip(cfg, "net-flood", svf_io_open_error());
        return 0;
    }
    if (rc) return iob_failed("opening the network interface", rc);
    prepare(cfg, nic);
    int result = discover(cfg, nic);
    if (result == 0 && rtt) result = round_trips(cfg, nic);
    if (result == 0 && fl) result = flood(cfg, nic);
    for (int i = 0; i < 3; i++) {
        header(tx, peer_mac, BYE, 0, 0);
        svf_nic_send(nic, tx, 60);
    }
    svf_nic_close(nic);
    return result;
}

int iob_run_echo(const iob_config_t *cfg) {
    svf_nic_t *nic;
    int rc = open_nic(cfg, &nic);
    if (rc == SV_STATUS_ENOSYS) {
        sv_printf("iobench: echo: %s\n", svf_io_open_error());
        return 0;
    }
    if (rc) return iob_failed("opening the network interface", rc);
    prepare(cfg, nic);
    uint64_t answered = 0, received = 0, bad = 0, bytes = 0, first = 0, last = 0, since_credit = 0;
    uint32_t seq;
    uint64_t stamp;
    for (;;) {
        int n = svf_nic_recv(nic, rx, sizeof rx, cfg->timeout_ns);
        if (n < 0) return iob_failed("receiving", n);
        if (n == 0) return iob_failed("echo: nothing arrived before the timeout", 0);
        int kind = parse(rx, n, &seq, &stamp);
        if (kind == HELLO || kind == RTT) {
            sv_memcpy(tx, rx, (size_t)n);
            header(tx, rx + 6, kind == HELLO ? HELLO_REPLY : RTT_REPLY, seq, stamp);
            if ((rc = svf_nic_send(nic, tx, (size_t)n))) return iob_failed("sending a reply", rc);
            answered++;
        } else if (kind == DATA) {
            uint64_t now = sv_time_ns();
            if (received == 0) first = now;
            last = now;
            received++;
            bytes += (uint64_t)n;
            if (!payload_ok(rx, n)) bad++;
            if (++since_credit >= stamp) {
                since_credit = 0;
                header(tx, rx + 6, CREDIT, (uint32_t)received, 0);
                if ((rc = svf_nic_send(nic, tx, 60))) return iob_failed("sending a credit", rc);
            }
        } else if (kind == END) {
            header(tx, rx + 6, SUMMARY, (uint32_t)received, 0);
            put64(tx + HDR, received);
            put64(tx + HDR + 8, bad);
            put64(tx + HDR + 16, bytes);
            put64(tx + HDR + 24, last - first);
            if ((rc = svf_nic_send(nic, tx, HDR + 32))) return iob_failed("sending the summary", rc);
        } else if (kind == BYE) {
            break;
        }
    }
    sv_printf("iobench: echo: answered %lu requests, received %lu flood frames (%lu bad)\n", (unsigned long)answered,
              (unsigned long)received, (unsigned long)bad);
    svf_nic_close(nic);
    return bad ? 1 : 0;
}
