/*
 * svfront/uart16550.h: a polled driver for a 16550A UART (COM1 at 0x3F8, COM2 at 0x2F8), as
 * Splitvisor's emulated UART (--uart), QEMU's serial device and PC hardware present it.
 *
 *   svf_uart_t u;
 *   svf_uart_config_t cfg = SVF_UART_COM1;
 *   cfg.now_ns = sv_time_ns;
 *   if (svf_uart_init(&u, &cfg) != SV_STATUS_OK) ...       // u.error says why
 *   svf_uart_write(&u, "hello\n", 6);
 *   int n = svf_uart_read(&u, buf, sizeof buf, SV_NS_PER_SEC);
 *
 * Registers (offsets from base; DLAB is LCR bit 7):
 *
 *   +0  RBR (read) / THR (write)       DLAB=1: DLL, divisor low byte
 *   +1  IER                            DLAB=1: DLM, divisor high byte
 *   +2  IIR (read) / FCR (write)       IIR bits 7..6 = 11: FIFOs enabled (a 16550A)
 *   +3  LCR  bit 7 DLAB, 6 break, 5..3 parity, 2 stop bits, 1..0 word length (11 = 8 bits)
 *   +4  MCR  bit 0 DTR, 1 RTS, 2 OUT1, 3 OUT2, 4 LOOP
 *   +5  LSR  bit 0 DR, 1 OE, 2 PE, 3 FE, 4 BI, 5 THRE, 6 TEMT, 7 error in the receive FIFO
 *   +6  MSR
 *   +7  SCR  scratch
 *
 * init: an LSR of 0xFF is a floating bus (no UART); IER 0 (polled: no interrupts); the divisor
 * latch for cfg.baud (115200 / baud); LCR 8N1; FCR enable + clear both FIFOs, receive trigger 14;
 * IIR bits 7..6 tell a 16550A (FIFO, 16-byte transmit bursts) from an 8250/16450 (one byte per
 * THRE); then, unless cfg.skip_loopback_test, a byte sent in loopback mode (MCR LOOP) must come
 * back, which proves a UART is there; last MCR = DTR | RTS | OUT2.
 * write: waits for LSR.THRE (the transmit FIFO is empty), then writes up to 16 bytes (1 without a
 * FIFO) to THR, and again. read: while LSR.DR, takes RBR; bytes received with a parity or
 * framing error or as a break are dropped and counted, as are overruns (LSR.OE).
 *
 * Errors: SV_STATUS_ENODEV (no UART, or loopback failed), SV_STATUS_EINVAL (a baud rate that 115200
 * does not divide into), SV_STATUS_ETIMEDOUT (THRE or TEMT did not come within cfg.timeout_ns).
 */
#ifndef SVFRONT_UART16550_H
#define SVFRONT_UART16550_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svfront/portio.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SVF_UART_COM1_BASE 0x3F8
#define SVF_UART_COM2_BASE 0x2F8
#define SVF_UART_CLOCK_BAUD 115200u   /* the 1.8432 MHz clock / 16 */

#define SVF_UART_RBR 0
#define SVF_UART_THR 0
#define SVF_UART_DLL 0
#define SVF_UART_IER 1
#define SVF_UART_DLM 1
#define SVF_UART_IIR 2
#define SVF_UART_FCR 2
#define SVF_UART_LCR 3
#define SVF_UART_MCR 4
#define SVF_UART_LSR 5
#define SVF_UART_MSR 6
#define SVF_UART_SCR 7

#define SVF_UART_LSR_DR 0x01
#define SVF_UART_LSR_OE 0x02
#define SVF_UART_LSR_PE 0x04
#define SVF_UART_LSR_FE 0x08
#define SVF_UART_LSR_BI 0x10
#define SVF_UART_LSR_THRE 0x20
#define SVF_UART_LSR_TEMT 0x40
#define SVF_UART_LSR_RXFE 0x80
#define SVF_UART_LCR_DLAB 0x80
#define SVF_UART_LCR_8N1 0x03
#define SVF_UART_FCR_ENABLE 0x01
#define SVF_UART_FCR_CLEAR_RX 0x02
#define SVF_UART_FCR_CLEAR_TX 0x04
#define SVF_UART_FCR_TRIGGER_14 0xC0
#define SVF_UART_MCR_DTR 0x01
#define SVF_UART_MCR_RTS 0x02
#define SVF_UART_MCR_OUT1 0x04
#define SVF_UART_MCR_OUT2 0x08
#define SVF_UART_MCR_LOOP 0x10
#define SVF_UART_IIR_FIFO_MASK 0xC0
#define SVF_UART_FIFO_SIZE 16u

typedef struct svf_uart_config {
    uint16_t base;                /* 0x3F8 */
    uint32_t baud;                /* 0: 115200 */
    bool skip_loopback_test;
    svf_clock_fn now_ns;          /* NULL: count polls (1 us each) */
    uint64_t timeout_ns;          /* THRE / TEMT waits (0: 1 s) */
} svf_uart_config_t;

#define SVF_UART_COM1 ((svf_uart_config_t){.base = SVF_UART_COM1_BASE})

typedef struct svf_uart_stats {
    uint64_t tx_bytes, rx_bytes;
    uint64_t lsr_polls;           /* LSR reads while waiting or draining */
    uint64_t overruns;            /* LSR.OE seen: bytes lost before we read them */
    uint64_t rx_errors;           /* bytes dropped: parity, framing, break */
} svf_uart_stats_t;

typedef struct svf_uart {
    svf_uart_config_t cfg;
    bool fifo;                    /* a 16550A with working FIFOs */
    unsigned tx_burst;            /* bytes written per THRE */
    svf_uart_stats_t stats;
    char name[16];                /* "uart@0x3f8" */
    char error[96];
} svf_uart_t;

int svf_uart_init(svf_uart_t *u, const svf_uart_config_t *cfg);
/* Writes all len bytes; returns len or SV_STATUS_ETIMEDOUT. */
int svf_uart_write(svf_uart_t *u, const void *data, size_t len);
/* Reads what has arrived (at most cap bytes), waiting up to timeout_ns (0: not at all,
 * UINT64_MAX: forever) for the first byte; returns the count (0 when none came). */
int svf_uart_read(svf_uart_t *u, void *buf, size_t cap, uint64_t timeout_ns);
/* Waits until the transmitter is empty (LSR.TEMT): every byte has left the wire. */
int svf_uart_flush(svf_uart_t *u, uint64_t timeout_ns);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_UART16550_H */
