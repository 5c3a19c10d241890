/*
 * The 16550A UART driver; see svfront/uart16550.h. Portable C over svfront/portio.h.
 */
#include "svfront/uart16550.h"

#include <stdarg.h>

#include <splitvisor/abi.h>
#include <splitvisor/printf.h>
#include <splitvisor/string.h>

#include "emul_wait.h"

#define DEFAULT_TIMEOUT_NS 1000000000ull
#define LOOPBACK_BYTE 0xAE
#define LOOPBACK_TIMEOUT_NS 10000000ull   /* 10 ms: one character time is under 1 ms at 9600 baud */

static inline uint16_t reg(const svf_uart_t *u, unsigned r) { return (uint16_t)(u->cfg.base + r); }

static int fail(svf_uart_t *u, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(svf_uart_t *u, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = sv_snprintf(u->error, sizeof u->error, "%s: ", u->name);
    if (n > 0 && (size_t)n < sizeof u->error) sv_vsnprintf(u->error + n, sizeof u->error - (size_t)n, fmt, ap);
    va_end(ap);
    return status;
}

static uint8_t lsr(svf_uart_t *u) {
    u->stats.lsr_polls++;
    return svf_inb(reg(u, SVF_UART_LSR));
}

/* Waits for any of the LSR bits in mask. */
static int wait_lsr(svf_uart_t *u, uint8_t mask, uint64_t timeout_ns, const char *what) {
    svf_emul_wait_t w;
    svf_emul_wait_start(&w, u->cfg.now_ns, timeout_ns);
    for (;;) {
        uint8_t s = lsr(u);
        if (s & mask) return SV_STATUS_OK;
        if (svf_emul_wait_expired(&w)) {
            return fail(u, SV_STATUS_ETIMEDOUT, "%s did not come within %llu ms (LSR 0x%02x)", what,
                        (unsigned long long)(timeout_ns / 1000000u), s);
        }
    }
}

/* Takes one received byte if LSR says one is there; false when none. A byte that arrived with a
 * parity or framing error, or a break, is read (to remove it) and dropped. */
static bool take(svf_uart_t *u, uint8_t *out, bool *dropped) {
    uint8_t s = lsr(u);
    if (s & SVF_UART_LSR_OE) u->stats.overruns++;
    if (!(s & SVF_UART_LSR_DR)) return false;
    uint8_t b = svf_inb(reg(u, SVF_UART_RBR));
    *dropped = (s & (SVF_UART_LSR_PE | SVF_UART_LSR_FE | SVF_UART_LSR_BI)) != 0;
    if (*dropped) u->stats.rx_errors++;
    else *out = b;
    return true;
}

static int loopback_test(svf_uart_t *u) {
    svf_outb(reg(u, SVF_UART_MCR), SVF_UART_MCR_LOOP | SVF_UART_MCR_OUT2 | SVF_UART_MCR_OUT1 | SVF_UART_MCR_RTS);
    svf_outb(reg(u, SVF_UART_THR), LOOPBACK_BYTE);
    int rc = wait_lsr(u, SVF_UART_LSR_DR, LOOPBACK_TIMEOUT_NS, "the loopback byte");
    uint8_t got = rc == SV_STATUS_OK ? svf_inb(reg(u, SVF_UART_RBR)) : 0;
    svf_outb(reg(u, SVF_UART_MCR), SVF_UART_MCR_DTR | SVF_UART_MCR_RTS | SVF_UART_MCR_OUT2);
    if (rc) return fail(u, SV_STATUS_ENODEV, "no UART: a byte sent in loopback mode did not come back");
    if (got != LOOPBACK_BYTE) {
        return fail(u, SV_STATUS_ENODEV, "no working UART: sent 0x%02x in loopback mode, received 0x%02x", LOOPBACK_BYTE, got);
    }
    return SV_STATUS_OK;
}

int svf_uart_init(svf_uart_t *u, const svf_uart_config_t *cfg) {
    sv_memset(u, 0, sizeof *u);
    u->cfg = *cfg;
    if (!u->cfg.baud) u->cfg.baud = SVF_UART_CLOCK_BAUD;
    if (!u->cfg.timeout_ns) u->cfg.timeout_ns = DEFAULT_TIMEOUT_NS;
    sv_snprintf(u->name, sizeof u->name, "uart@0x%x", u->cfg.base);
    if (u->cfg.baud > SVF_UART_CLOCK_BAUD || SVF_UART_CLOCK_BAUD % u->cfg.baud) {
        return fail(u, SV_STATUS_EINVAL, "%u baud is not 115200 divided by a whole number", u->cfg.baud);
    }
    if (lsr(u) == 0xFF) return fail(u, SV_STATUS_ENODEV, "no UART (the line status register floats at 0xff)");
    uint16_t divisor = (uint16_t)(SVF_UART_CLOCK_BAUD / u->cfg.baud);
    svf_outb(reg(u, SVF_UART_IER), 0);
    svf_outb(reg(u, SVF_UART_LCR), SVF_UART_LCR_DLAB);
    svf_outb(reg(u, SVF_UART_DLL), (uint8_t)divisor);
    svf_outb(reg(u, SVF_UART_DLM), (uint8_t)(divisor >> 8));
    svf_outb(reg(u, SVF_UART_LCR), SVF_UART_LCR_8N1);
    svf_outb(reg(u, SVF_UART_FCR),
             SVF_UART_FCR_ENABLE | SVF_UART_FCR_CLEAR_RX | SVF_UART_FCR_CLEAR_TX | SVF_UART_FCR_TRIGGER_14);
    uint8_t iir = svf_inb(reg(u, SVF_UART_IIR));
    u->fifo = (iir & SVF_UART_IIR_FIFO_MASK) == SVF_UART_IIR_FIFO_MASK;
    if (!u->fifo) svf_outb(reg(u, SVF_UART_FCR), 0);   /* an 8250/16450, or a 16550 with the broken FIFO */
    u->tx_burst = u->fifo ? SVF_UART_FIFO_SIZE : 1;
    if (!u->cfg.skip_loopback_test) {
        int rc = loopback_test(u);
        if (rc) return rc;
    } else {
        svf_outb(reg(u, SVF_UART_MCR), SVF_UART_MCR_DTR | SVF_UART_MCR_RTS | SVF_UART_MCR_OUT2);
    }
    /* Start clean: nothing half received, no error bits from before. */
    if (u->fifo) svf_outb(reg(u, SVF_UART_FCR), SVF_UART_FCR_ENABLE | SVF_UART_FCR_CLEAR_RX | SVF_UART_FCR_TRIGGER_14);
    for (unsigned i = 0; i < SVF_UART_FIFO_SIZE && (lsr(u) & SVF_UART_LSR_DR); i++) (void)svf_inb(reg(u, SVF_UART_RBR));
    u->stats = (svf_uart_stats_t){0};
    return SV_STATUS_OK;
}

int svf_uart_write(svf_uart_t *u, const void *data, size_t len) {
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        int rc = wait_lsr(u, SVF_UART_LSR_THRE, u->cfg.timeout_ns, "transmitter empty (THRE)");
        if (rc) return rc;
        size_t n = len - done < u->tx_burst ? len - done : u->tx_burst;
        for (size_t i = 0; i < n; i++) svf_outb(reg(u, SVF_UART_THR), p[done + i]);
        done += n;
        u->stats.tx_bytes += n;
    }
    return (int)len;
}

int svf_uart_read(svf_uart_t *u, void *buf, size_t cap, uint64_t timeout_ns) {
    uint8_t *out = buf;
    size_t n = 0;
    svf_emul_wait_t w;
    svf_emul_wait_start(&w, u->cfg.now_ns, timeout_ns);
    for (;;) {
        uint8_t b;
        bool dropped = false;
        while (n < cap && take(u, &b, &dropped)) {
            if (!dropped) out[n++] = b;
        }
        if (n > 0 || timeout_ns == 0 || svf_emul_wait_expired(&w)) break;
    }
    u->stats.rx_bytes += n;
    return (int)n;
}

int svf_uart_flush(svf_uart_t *u, uint64_t timeout_ns) {
    return wait_lsr(u, SVF_UART_LSR_TEMT, timeout_ns ? timeout_ns : u->cfg.timeout_ns, "transmitter idle (TEMT)");
}
