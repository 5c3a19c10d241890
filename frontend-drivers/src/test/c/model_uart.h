/*
 * A software model of a 16550A UART (or, with no_fifo, an 8250/16450) for the UART driver's host
 * tests: the divisor latch, IER, IIR/FCR, LCR, MCR with loopback, LSR, MSR, SCR; a line that
 * takes a number of LSR reads to send what is in the transmit FIFO, and received bytes that arrive
 * one per LSR read, with their parity/framing/break flags and overruns when the FIFO is full.
 */
#ifndef SVF_MODEL_UART_H
#define SVF_MODEL_UART_H

#include <stdbool.h>
#include <stdint.h>

#define MODEL_UART_LOG 8192

typedef struct model_uart {
    uint16_t base;
    /* configuration */
    bool absent;                 /* the bus floats: every read is 0xFF */
    bool no_fifo;                /* an 8250/16450: IIR bits 7..6 stay 00, one byte of transmit buffer */
    bool broken_loopback;        /* LOOP does not route THR to RBR */
    bool stuck_tx;               /* THRE never comes back */
    unsigned line_reads;         /* LSR reads until the transmit FIFO has left (0: at once) */
    bool burst;                  /* all pending input arrives at the next LSR read (overruns a full FIFO) */
    /* registers */
    uint16_t divisor;
    uint8_t ier, lcr, mcr, scr, fcr;
    bool fifo_on;
    uint8_t tx_fifo;             /* bytes waiting to be sent */
    unsigned line_left;
    uint8_t rx[16], rx_flags[16];
    unsigned rx_head, rx_count;
    bool overrun;
    /* input that arrives later: one byte per LSR read */
    uint8_t pending[256], pending_flags[256];
    unsigned pending_head, pending_count;
    /* records */
    uint8_t sent[MODEL_UART_LOG];
    unsigned sent_len;
    unsigned tx_overflows;       /* bytes written to THR while the transmit buffer was full */
    unsigned loopback_bytes;
    unsigned lsr_reads;
    uint8_t max_mcr_seen;
} model_uart_t;

void model_uart_init(model_uart_t *m, uint16_t base);
/* Bytes the far end sends; flags per byte are LSR error bits (PE 0x04, FE 0x08, BI 0x10). */
void model_uart_send_to_guest(model_uart_t *m, const void *data, unsigned n, uint8_t flags);
/* Port accesses from the driver (the shape test_ports.h attaches); false when the port is not the model's. */
bool model_uart_in(void *model, uint16_t port, unsigned size, uint32_t *value);
bool model_uart_out(void *model, uint16_t port, unsigned size, uint32_t value);

#endif
