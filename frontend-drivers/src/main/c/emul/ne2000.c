/*
 * The NE2000 (DP8390) driver; see svfront/ne2000.h. Portable C over svfront/portio.h.
 */
#include "svfront/ne2000.h"

#include <stdarg.h>

#include <splitvisor/abi.h>
#include <splitvisor/printf.h>
#include <splitvisor/string.h>

#include "emul_wait.h"

#define DEFAULT_TIMEOUT_NS 100000000ull
#define MIN_TX 60u              /* shorter frames are padded (the NIC does not) */
#define MIN_FRAME 14u
#define MAX_RX 1518u            /* a frame with its FCS, as some chips count it */
#define HEADER 4u
#define PROM_BYTES 32u
#define OVERFLOW_STOP_NS 2000000ull   /* the datasheet's 1.6 ms for the receiver to stop, rounded up */

static inline uint16_t port(const svf_ne2000_t *n, unsigned r) { return (uint16_t)(n->cfg.base + r); }
static inline void wr(svf_ne2000_t *n, unsigned r, uint8_t v) { svf_outb(port(n, r), v); }
static inline uint8_t rd(svf_ne2000_t *n, unsigned r) { return svf_inb(port(n, r)); }

static int fail(svf_ne2000_t *n, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(svf_ne2000_t *n, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int k = sv_snprintf(n->error, sizeof n->error, "%s: ", n->name);
    if (k > 0 && (size_t)k < sizeof n->error) sv_vsnprintf(n->error + k, sizeof n->error - (size_t)k, fmt, ap);
    va_end(ap);
    return status;
}

/* Polls ISR until one of mask's bits is set; the ISR in *isr. */
static int wait_isr(svf_ne2000_t *n, uint8_t mask, uint64_t timeout_ns, uint8_t *isr, const char *what) {
    svf_emul_wait_t w;
    svf_emul_wait_start(&w, n->cfg.now_ns, timeout_ns);
    for (;;) {
        n->stats.polls++;
        uint8_t v = rd(n, SVF_DP_ISR);
        if (v & mask) {
            if (isr) *isr = v;
            return SV_STATUS_OK;
        }
        if (svf_emul_wait_expired(&w)) {
            n->needs_reset = true;
            return fail(n, SV_STATUS_ETIMEDOUT, "%s did not complete within %llu ms (ISR 0x%02x)", what,
                        (unsigned long long)(timeout_ns / 1000000u), v);
        }
    }
}

/* ---- remote DMA: the host's window on the NIC's buffer memory ---- */

static void remote_setup(svf_ne2000_t *n, uint16_t addr, uint16_t len, uint8_t command) {
    wr(n, SVF_DP_CR, SVF_DP_CR_STA | SVF_DP_CR_RD_ABORT);
    wr(n, SVF_DP_ISR, SVF_DP_ISR_RDC);
    wr(n, SVF_DP_RBCR0, (uint8_t)len);
    wr(n, SVF_DP_RBCR1, (uint8_t)(len >> 8));
    wr(n, SVF_DP_RSAR0, (uint8_t)addr);
    wr(n, SVF_DP_RSAR1, (uint8_t)(addr >> 8));
    wr(n, SVF_DP_CR, SVF_DP_CR_STA | command);
}

static int remote_done(svf_ne2000_t *n, const char *what) {
    int rc = wait_isr(n, SVF_DP_ISR_RDC, n->cfg.timeout_ns, NULL, what);
    if (rc == SV_STATUS_OK) wr(n, SVF_DP_ISR, SVF_DP_ISR_RDC);
    return rc;
}

/* len even (word mode). */
static int remote_read(svf_ne2000_t *n, uint16_t addr, void *buf, uint16_t len) {
    remote_setup(n, addr, len, SVF_DP_CR_RD_READ);
    svf_insw(port(n, SVF_NE2000_DATA), buf, len / 2u);
    return remote_done(n, "remote DMA read");
}

static int remote_write(svf_ne2000_t *n, uint16_t addr, const void *buf, uint16_t len) {
    remote_setup(n, addr, len, SVF_DP_CR_RD_WRITE);
    svf_outsw(port(n, SVF_NE2000_DATA), buf, len / 2u);
    return remote_done(n, "remote DMA write");
}

/* ---- bring-up ---- */

static void stop_and_configure(svf_ne2000_t *n) {
    wr(n, SVF_DP_CR, SVF_DP_CR_STP | SVF_DP_CR_RD_ABORT);
    wr(n, SVF_DP_DCR, SVF_DP_DCR_WORD);
    wr(n, SVF_DP_RBCR0, 0);
    wr(n, SVF_DP_RBCR1, 0);
    wr(n, SVF_DP_RCR, SVF_DP_RCR_MON);
    wr(n, SVF_DP_TCR, SVF_DP_TCR_LOOPBACK);
    wr(n, SVF_DP_IMR, 0);
    wr(n, SVF_DP_ISR, 0xFF);
}

/* The DP8390's initialisation order; the ring starts empty (BNRY + 1 == CURR). */
static void program(svf_ne2000_t *n) {
    stop_and_configure(n);
    wr(n, SVF_DP_PSTART, SVF_NE2000_RX_START);
    wr(n, SVF_DP_BNRY, SVF_NE2000_RX_STOP - 1);
    wr(n, SVF_DP_PSTOP, SVF_NE2000_RX_STOP);
    wr(n, SVF_DP_ISR, 0xFF);
    wr(n, SVF_DP_CR, SVF_DP_CR_PAGE1 | SVF_DP_CR_STP | SVF_DP_CR_RD_ABORT);
    for (unsigned i = 0; i < 6; i++) wr(n, SVF_DP_PAR0 + i, n->mac[i]);
    for (unsigned i = 0; i < 8; i++) wr(n, SVF_DP_MAR0 + i, n->cfg.promiscuous ? 0xFF : 0);
    wr(n, SVF_DP_CURR, SVF_NE2000_RX_START);
    wr(n, SVF_DP_CR, SVF_DP_CR_STA | SVF_DP_CR_RD_ABORT);
    wr(n, SVF_DP_ISR, 0xFF);
    wr(n, SVF_DP_TCR, 0);
    wr(n, SVF_DP_RCR, (uint8_t)(SVF_DP_RCR_AB | (n->cfg.promiscuous ? SVF_DP_RCR_PRO : 0)));
    n->next = n->curr_seen = SVF_NE2000_RX_START;
    n->recovering = n->resend = n->needs_reset = false;
}

static int reset_card(svf_ne2000_t *n) {
    uint8_t v = svf_inb(port(n, SVF_NE2000_RESET));   /* a read starts the reset; writing it back ends it */
    svf_outb(port(n, SVF_NE2000_RESET), v);
    int rc = wait_isr(n, SVF_DP_ISR_RST, n->cfg.timeout_ns, NULL, "reset");
    n->needs_reset = false;
    if (rc) return fail(n, SV_STATUS_ENODEV, "no NE2000: the reset was not acknowledged (ISR.RST)");
    wr(n, SVF_DP_ISR, 0xFF);
    return SV_STATUS_OK;
}

static int read_prom(svf_ne2000_t *n) {
    uint16_t words[PROM_BYTES / 2];
    int rc = remote_read(n, 0, words, PROM_BYTES);
    if (rc) return rc;
    for (unsigned i = 0; i < 16; i++) n->prom[i] = (uint8_t)words[i];   /* word mode: one PROM byte per word */
    if (!n->cfg.use_mac) {
        sv_memcpy(n->mac, n->prom, 6);
        bool zero = true, ones = true;
        for (unsigned i = 0; i < 6; i++) zero &= n->mac[i] == 0, ones &= n->mac[i] == 0xFF;
        if (zero || ones || (n->mac[0] & 1)) {
            return fail(n, SV_STATUS_ENODEV, "the station address PROM holds no usable MAC (%02x:%02x:%02x:%02x:%02x:%02x)",
                        n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
        }
    }
    return SV_STATUS_OK;
}

int svf_ne2000_init(svf_ne2000_t *n, const svf_ne2000_config_t *cfg) {
    sv_memset(n, 0, sizeof *n);
    n->cfg = *cfg;
    if (!n->cfg.timeout_ns) n->cfg.timeout_ns = DEFAULT_TIMEOUT_NS;
    sv_snprintf(n->name, sizeof n->name, "ne2000@0x%x", n->cfg.base);
    if (n->cfg.use_mac) sv_memcpy(n->mac, n->cfg.mac, 6);
    if (rd(n, SVF_DP_CR) == 0xFF) return fail(n, SV_STATUS_ENODEV, "no NE2000 (the command register floats at 0xff)");
    int rc = reset_card(n);
    if (rc) return rc;
    stop_and_configure(n);
    rc = read_prom(n);
    if (rc) return rc;
    program(n);
    n->stats = (svf_ne2000_stats_t){0};
    return SV_STATUS_OK;
}

void svf_ne2000_stop(svf_ne2000_t *n) { wr(n, SVF_DP_CR, SVF_DP_CR_STP | SVF_DP_CR_RD_ABORT); }

/* After a timeout: reset and program again; what was in the ring is lost. */
static int recover(svf_ne2000_t *n) {
    n->stats.ring_resets++;
    int rc = reset_card(n);
    if (rc) return rc;
    program(n);
    return SV_STATUS_OK;
}

/* ---- transmit ---- */

static int wait_tx_idle(svf_ne2000_t *n) {
    svf_emul_wait_t w;
    svf_emul_wait_start(&w, n->cfg.now_ns, n->cfg.timeout_ns);
    for (;;) {
        n->stats.polls++;
        uint8_t cr = rd(n, SVF_DP_CR);
        if (!(cr & SVF_DP_CR_TXP)) return SV_STATUS_OK;
        if (svf_emul_wait_expired(&w)) {
            n->needs_reset = true;
            return fail(n, SV_STATUS_ETIMEDOUT, "the previous transmission did not end (CR 0x%02x)", cr);
        }
    }
}

int svf_ne2000_send(svf_ne2000_t *n, const void *frame, size_t len) {
    if (len < MIN_FRAME) return fail(n, SV_STATUS_EINVAL, "a frame of %zu bytes (at least 14)", len);
    if (len > SVF_NE2000_MAX_FRAME) return fail(n, SV_STATUS_EMSGSIZE, "a frame of %zu bytes (at most 1514)", len);
    int rc;
    if (n->needs_reset && (rc = recover(n)) != SV_STATUS_OK) return rc;
    if ((rc = wait_tx_idle(n)) != SV_STATUS_OK) return rc;
    size_t wire = len < MIN_TX ? MIN_TX : len;
    sv_memcpy(n->bounce, frame, len);
    sv_memset(n->bounce + len, 0, wire + 1 - len);   /* padding, and the odd byte of the last word */
    rc = remote_write(n, SVF_NE2000_TX_PAGE << 8, n->bounce, (uint16_t)((wire + 1) & ~1u));
    if (rc) return rc;
    wr(n, SVF_DP_TPSR, SVF_NE2000_TX_PAGE);
    wr(n, SVF_DP_TBCR0, (uint8_t)wire);
    wr(n, SVF_DP_TBCR1, (uint8_t)(wire >> 8));
    wr(n, SVF_DP_CR, SVF_DP_CR_STA | SVF_DP_CR_TXP | SVF_DP_CR_RD_ABORT);
    uint8_t isr;
    rc = wait_isr(n, SVF_DP_ISR_PTX | SVF_DP_ISR_TXE, n->cfg.timeout_ns, &isr, "transmit");
    if (rc) return rc;
    wr(n, SVF_DP_ISR, isr & (SVF_DP_ISR_PTX | SVF_DP_ISR_TXE));
    if (isr & SVF_DP_ISR_TXE) {
        uint8_t tsr = rd(n, SVF_DP_TSR);
        n->stats.tx_errors++;
        return fail(n, SV_STATUS_EIO, "transmit aborted (TSR 0x%02x%s%s%s)", tsr, (tsr & 0x08) ? ": excessive collisions" : "",
                    (tsr & 0x20) ? ": FIFO underrun" : "", (tsr & 0x10) ? ": carrier lost" : "");
    }
    n->stats.tx_frames++;
    n->stats.tx_bytes += len;
    return SV_STATUS_OK;
}

/* ---- receive ---- */

static uint8_t read_curr(svf_ne2000_t *n) {
    wr(n, SVF_DP_CR, SVF_DP_CR_PAGE1 | SVF_DP_CR_STA | SVF_DP_CR_RD_ABORT);
    uint8_t curr = rd(n, SVF_DP_CURR);
    wr(n, SVF_DP_CR, SVF_DP_CR_STA | SVF_DP_CR_RD_ABORT);
    return curr;
}

static void count_missed(svf_ne2000_t *n) {
    n->stats.rx_missed += rd(n, SVF_DP_CNTR2);   /* reading the tally counters clears them */
    (void)rd(n, SVF_DP_CNTR2 - 1);
    (void)rd(n, SVF_DP_CNTR2 - 2);
    wr(n, SVF_DP_ISR, SVF_DP_ISR_CNT);
}

/* Overflow, the datasheet's first steps: stop, let the receiver finish, clear the remote byte
 * count, loop back transmissions, start again. The ring is then drained by recv. */
static void overflow_begin(svf_ne2000_t *n) {
    bool txp = rd(n, SVF_DP_CR) & SVF_DP_CR_TXP;
    wr(n, SVF_DP_CR, SVF_DP_CR_STP | SVF_DP_CR_RD_ABORT);
    uint8_t isr = 0;
    (void)wait_isr(n, SVF_DP_ISR_RST, OVERFLOW_STOP_NS, &isr, "the receiver's stop");
    n->needs_reset = false;
    n->error[0] = 0;
    wr(n, SVF_DP_RBCR0, 0);
    wr(n, SVF_DP_RBCR1, 0);
    isr = rd(n, SVF_DP_ISR);
    n->resend = txp && !(isr & (SVF_DP_ISR_PTX | SVF_DP_ISR_TXE));
    wr(n, SVF_DP_TCR, SVF_DP_TCR_LOOPBACK);
    wr(n, SVF_DP_CR, SVF_DP_CR_STA | SVF_DP_CR_RD_ABORT);
    n->recovering = true;
    n->stats.overflows++;
    count_missed(n);
}

/* ...and, once at least one frame has left the ring: clear OVW, transmit normally again. */
static void overflow_end(svf_ne2000_t *n) {
    wr(n, SVF_DP_ISR, SVF_DP_ISR_OVW);
    wr(n, SVF_DP_TCR, 0);
    if (n->resend) wr(n, SVF_DP_CR, SVF_DP_CR_STA | SVF_DP_CR_TXP | SVF_DP_CR_RD_ABORT);
    n->recovering = n->resend = false;
}

static bool in_ring(uint8_t page) { return page >= SVF_NE2000_RX_START && page < SVF_NE2000_RX_STOP; }

/* Takes the frame at n->next: > 0 its length, 0 when it was dropped (a receive error), < 0 an
 * error. */
static int take_frame(svf_ne2000_t *n, void *buf, size_t cap) {
    uint8_t hdr[HEADER];
    int rc = remote_read(n, (uint16_t)(n->next << 8), hdr, HEADER);
    if (rc) return rc;
    uint8_t status = hdr[0], next = hdr[1];
    unsigned count = (unsigned)hdr[2] | (unsigned)hdr[3] << 8;
    if (!in_ring(next) || count < HEADER + MIN_FRAME || count > HEADER + MAX_RX) {
        /* Nothing in the ring can be trusted now: start it again. */
        fail(n, SV_STATUS_EIO, "corrupt receive ring: header at page 0x%02x says next 0x%02x, %u bytes; ring reset", n->next,
             next, count);
        n->stats.ring_resets++;
        program(n);
        return 0;
    }
    unsigned len = count - HEADER;
    uint16_t start = (uint16_t)((n->next << 8) + HEADER);
    uint16_t even = (uint16_t)((len + 1) & ~1u);
    uint16_t room = (uint16_t)((SVF_NE2000_RX_STOP << 8) - start);
    if (even <= room) {
        rc = remote_read(n, start, n->bounce, even);
    } else {   /* the frame wraps at PSTOP: its rest is at PSTART */
        rc = remote_read(n, start, n->bounce, room);
        if (rc == SV_STATUS_OK) rc = remote_read(n, SVF_NE2000_RX_START << 8, n->bounce + room, (uint16_t)(even - room));
    }
    if (rc) return rc;
    n->next = next;
    wr(n, SVF_DP_BNRY, (uint8_t)((next == SVF_NE2000_RX_START ? SVF_NE2000_RX_STOP : next) - 1));
    if (!(status & SVF_DP_RSR_PRX)) return 0;   /* received with an error: dropped */
    size_t k = len < cap ? len : cap;
    sv_memcpy(buf, n->bounce, k);
    if (len > cap) n->stats.rx_truncated++;
    n->stats.rx_frames++;
    n->stats.rx_bytes += len;
    return (int)len;
}

int svf_ne2000_recv(svf_ne2000_t *n, void *buf, size_t cap, uint64_t timeout_ns) {
    int rc;
    if (n->needs_reset && (rc = recover(n)) != SV_STATUS_OK) return rc;
    svf_emul_wait_t w;
    svf_emul_wait_start(&w, n->cfg.now_ns, timeout_ns);
    for (;;) {
        n->stats.polls++;
        uint8_t isr = rd(n, SVF_DP_ISR);
        if (isr & SVF_DP_ISR_CNT) count_missed(n);
        if ((isr & SVF_DP_ISR_OVW) && !n->recovering) overflow_begin(n);
        /* PRX is cleared before CURR is read: a frame stored after that read sets it again. */
        if (isr & (SVF_DP_ISR_PRX | SVF_DP_ISR_RXE)) wr(n, SVF_DP_ISR, isr & (SVF_DP_ISR_PRX | SVF_DP_ISR_RXE));
        if (n->next == n->curr_seen && (isr & (SVF_DP_ISR_PRX | SVF_DP_ISR_RXE | SVF_DP_ISR_OVW)))
            n->curr_seen = read_curr(n);
        while (n->next != n->curr_seen) {
            rc = take_frame(n, buf, cap);
            if (rc < 0) return rc;
            if (n->recovering) overflow_end(n);
            if (rc > 0) return rc;
            if (n->next == n->curr_seen) n->curr_seen = read_curr(n);
        }
        if (n->recovering) overflow_end(n);   /* the ring was empty after all */
        if (timeout_ns == 0 || svf_emul_wait_expired(&w)) return 0;
    }
}
