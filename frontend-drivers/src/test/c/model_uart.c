/*
 * The UART model; see model_uart.h. Register facts from the PC16550D datasheet.
 */
#include "model_uart.h"

#include <string.h>

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_RXFE 0x80

void model_uart_init(model_uart_t *m, uint16_t base) {
    memset(m, 0, sizeof *m);
    m->base = base;
    m->divisor = 12;
    m->mcr = 0x08;
}

static unsigned tx_capacity(const model_uart_t *m) { return m->fifo_on && !m->no_fifo ? 16 : 1; }
static unsigned rx_capacity(const model_uart_t *m) { return m->fifo_on && !m->no_fifo ? 16 : 1; }

static void receive(model_uart_t *m, uint8_t b, uint8_t flags) {
    if (m->rx_count >= rx_capacity(m)) {
        m->overrun = true;   /* the byte in the shift register is lost */
        return;
    }
    unsigned tail = (m->rx_head + m->rx_count) % 16;
    m->rx[tail] = b;
    m->rx_flags[tail] = flags;
    m->rx_count++;
}

void model_uart_send_to_guest(model_uart_t *m, const void *data, unsigned n, uint8_t flags) {
    const uint8_t *p = data;
    for (unsigned i = 0; i < n && m->pending_count < sizeof m->pending; i++) {
        unsigned tail = (m->pending_head + m->pending_count) % sizeof m->pending;
        m->pending[tail] = p[i];
        m->pending_flags[tail] = flags;
        m->pending_count++;
    }
}

static uint8_t line_status(model_uart_t *m) {
    m->lsr_reads++;
    /* Time passes with each read: the line sends, one byte arrives. */
    if (m->tx_fifo && !m->stuck_tx) {
        if (m->line_left > 0) m->line_left--;
        if (m->line_left == 0) m->tx_fifo = 0;
    }
    while (m->pending_count && !(m->mcr & 0x10)) {
        receive(m, m->pending[m->pending_head], m->pending_flags[m->pending_head]);
        m->pending_head = (m->pending_head + 1) % sizeof m->pending;
        m->pending_count--;
        if (!m->burst) break;
    }
    uint8_t v = 0;
    if (m->rx_count) v |= LSR_DR | (m->rx_flags[m->rx_head] & 0x1C);
    for (unsigned i = 0; i < m->rx_count; i++)
        if (m->rx_flags[(m->rx_head + i) % 16]) v |= LSR_RXFE;
    if (m->overrun) v |= LSR_OE;
    m->overrun = false;   /* OE clears when LSR is read */
    if (m->tx_fifo == 0) v |= LSR_THRE | LSR_TEMT;
    return v;
}

bool model_uart_in(void *model, uint16_t port, unsigned size, uint32_t *value) {
    model_uart_t *m = model;
    (void)size;
    if (port < m->base || port >= m->base + 8) return false;
    if (m->absent) {
        *value = 0xFF;
        return true;
    }
    bool dlab = m->lcr & 0x80;
    switch (port - m->base) {
    case 0:
        if (dlab) {
            *value = m->divisor & 0xFF;
        } else if (m->rx_count) {
            *value = m->rx[m->rx_head];
            m->rx_flags[m->rx_head] = 0;
            m->rx_head = (m->rx_head + 1) % 16;
            m->rx_count--;
        } else {
            *value = 0;
        }
        break;
    case 1: *value = dlab ? m->divisor >> 8 : m->ier; break;
    case 2: *value = 0x01 | (m->fifo_on && !m->no_fifo ? 0xC0 : 0); break;
    case 3: *value = m->lcr; break;
    case 4: *value = m->mcr; break;
    case 5: *value = line_status(m); break;
    case 6: *value = 0xB0; break;
    default: *value = m->scr; break;
    }
    return true;
}

bool model_uart_out(void *model, uint16_t port, unsigned size, uint32_t value) {
    model_uart_t *m = model;
    (void)size;
    if (port < m->base || port >= m->base + 8) return false;
    if (m->absent) return true;
    uint8_t v = (uint8_t)value;
    bool dlab = m->lcr & 0x80;
    switch (port - m->base) {
    case 0:
        if (dlab) {
            m->divisor = (uint16_t)((m->divisor & 0xFF00) | v);
            break;
        }
        if (m->tx_fifo >= tx_capacity(m)) {
            m->tx_overflows++;
            break;
        }
        if (m->mcr & 0x10) {
            m->loopback_bytes++;
            if (!m->broken_loopback) receive(m, v, 0);
            break;
        }
        if (m->sent_len < MODEL_UART_LOG) m->sent[m->sent_len++] = v;
        m->tx_fifo++;
        m->line_left = m->line_reads;
        if (m->line_reads == 0 && !m->stuck_tx) m->tx_fifo = 0;
        break;
    case 1:
        if (dlab) m->divisor = (uint16_t)((m->divisor & 0x00FF) | v << 8);
        else m->ier = v & 0x0F;
        break;
    case 2:
        m->fcr = v;
        m->fifo_on = v & 0x01;
        if (v & 0x02) m->rx_count = 0;
        if (v & 0x04) m->tx_fifo = 0;
        break;
    case 3: m->lcr = v; break;
    case 4:
        m->mcr = v & 0x1F;
        if (m->mcr > m->max_mcr_seen) m->max_mcr_seen = m->mcr;
        break;
    case 7: m->scr = v; break;
    default: break;
    }
    return true;
}
