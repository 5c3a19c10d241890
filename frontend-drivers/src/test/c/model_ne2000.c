/*
 * The NE2000 model; see model_ne2000.h. Register facts from the DP8390D datasheet and the
 * NE2000's port map (registers at base, data port at base+0x10, reset port at base+0x1F).
 */
#include "model_ne2000.h"

#include <string.h>

#define CR_STP 0x01
#define CR_STA 0x02
#define CR_TXP 0x04
#define CR_RD_MASK 0x38
#define CR_RD_READ 0x08
#define CR_RD_WRITE 0x10
#define ISR_PRX 0x01
#define ISR_PTX 0x02
#define ISR_TXE 0x08
#define ISR_OVW 0x10
#define ISR_RDC 0x40
#define ISR_RST 0x80

void model_ne2000_init(model_ne2000_t *m, uint16_t base, const uint8_t mac[6]) {
    memset(m, 0, sizeof *m);
    m->base = base;
    memcpy(m->prom, mac, 6);
    m->prom[14] = m->prom[15] = 0x57;   /* 'W': an NE2000 */
    m->cr = CR_STP | 0x20;
    m->isr = ISR_RST;
}

static void reset(model_ne2000_t *m) {
    m->resets++;
    m->cr = CR_STP | 0x20;
    m->isr = m->no_reset_ack ? 0 : ISR_RST;
    m->rbcr = 0;
}

static uint8_t mem_byte(const model_ne2000_t *m, uint16_t a) {
    if (a < 32) return m->prom[a / 2];   /* the PROM bytes appear doubled */
    if (a >= 0x4000 && a < 0x8000) return m->mem[a];
    return 0xFF;
}

static void set_mem(model_ne2000_t *m, uint16_t a, uint8_t v) {
    if (a >= 0x4000 && a < 0x8000) m->mem[a] = v;
}

static void dma_advance(model_ne2000_t *m, unsigned n) {
    m->rsar = (uint16_t)(m->rsar + n);
    if (!m->no_dma_wrap && m->rsar == (uint16_t)(m->pstop << 8)) m->rsar = (uint16_t)(m->pstart << 8);
    m->rbcr = (uint16_t)(m->rbcr - n);
    if (m->rbcr == 0 && !m->stuck_dma) m->isr |= ISR_RDC;
}

static bool running(const model_ne2000_t *m) { return (m->cr & (CR_STP | CR_STA)) == CR_STA; }

static void transmit(model_ne2000_t *m) {
    m->cr &= (uint8_t)~CR_TXP;
    if (m->tcr & 0x06) {   /* loopback: nothing reaches the wire */
        m->loopback_sent++;
        m->isr |= ISR_PTX;
        return;
    }
    if (m->tx_abort) {
        m->tsr = 0x08;
        m->isr |= ISR_TXE;
        return;
    }
    if (m->nsent < MODEL_NE_SENT && m->tbcr <= 1536) {
        m->sent[m->nsent].len = m->tbcr;
        for (unsigned i = 0; i < m->tbcr; i++) m->sent[m->nsent].data[i] = mem_byte(m, (uint16_t)((m->tpsr << 8) + i));
        m->nsent++;
    }
    m->tsr = 0x01;
    m->isr |= ISR_PTX;
}

bool model_ne2000_receive(model_ne2000_t *m, const void *frame, unsigned len) {
    const uint8_t *f = frame;
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (!running(m)) return false;
    bool ours = memcmp(f, m->par, 6) == 0 || (memcmp(f, bcast, 6) == 0 && (m->rcr & 0x04)) || (m->rcr & 0x10);
    if (!ours || (m->rcr & 0x20)) {
        m->filtered++;
        return false;
    }
    unsigned stored = len < 60 ? 60 : len;
    unsigned total = stored + 4, pages = (total + 255) / 256, ring = (unsigned)(m->pstop - m->pstart);
    unsigned avail = (unsigned)(m->bnry - m->curr + ring) % ring;
    if ((m->isr & ISR_OVW) || pages > avail) {
        m->isr |= ISR_OVW;
        m->overflows++;
        m->cntr[2]++;
        return false;
    }
    uint8_t next = (uint8_t)(m->curr + pages);
    if (next >= m->pstop) next = (uint8_t)(next - ring);
    uint8_t hdr[4] = {0x01, m->corrupt_next_header ? 0x10 : next, (uint8_t)total, (uint8_t)(total >> 8)};
    m->corrupt_next_header = false;
    uint16_t a = (uint16_t)(m->curr << 8);
    for (unsigned i = 0; i < total; i++) {
        uint8_t b = i < 4 ? hdr[i] : (i - 4 < len ? f[i - 4] : 0);
        set_mem(m, a, b);
        a++;
        if (a == (uint16_t)(m->pstop << 8)) a = (uint16_t)(m->pstart << 8);
    }
    m->curr = next;
    m->rsr = 0x01;
    m->isr |= ISR_PRX;
    return true;
}

bool model_ne2000_in(void *model, uint16_t port, unsigned size, uint32_t *value) {
    model_ne2000_t *m = model;
    if (port < m->base || port >= m->base + 0x20) return false;
    if (m->absent) {
        *value = size == 2 ? 0xFFFF : 0xFF;
        return true;
    }
    unsigned r = port - m->base;
    if (r == 0x1F) {
        reset(m);
        *value = 0;
        return true;
    }
    if (r >= 0x10) {
        if ((m->cr & CR_RD_MASK) != CR_RD_READ || m->rbcr == 0) {
            m->dma_misuse++;
            *value = 0;
            return true;
        }
        if (size == 2 && (m->dcr & 0x01)) {
            *value = (uint32_t)(mem_byte(m, m->rsar) | mem_byte(m, (uint16_t)(m->rsar + 1)) << 8);
            dma_advance(m, 2);
        } else {
            *value = mem_byte(m, m->rsar);
            dma_advance(m, 1);
        }
        return true;
    }
    unsigned page = m->cr >> 6;
    uint8_t v = 0;
    if (r == 0) v = m->cr;
    else if (page == 1) v = r <= 6 ? m->par[r - 1] : r == 7 ? m->curr : m->mar[r - 8];
    else {
        switch (r) {
        case 0x03: v = m->bnry; break;
        case 0x04: v = m->tsr; break;
        case 0x07: v = m->isr; break;
        case 0x08: v = (uint8_t)m->rsar; break;
        case 0x09: v = (uint8_t)(m->rsar >> 8); break;
        case 0x0C: v = m->rsr; break;
        case 0x0D: case 0x0E: case 0x0F: v = m->cntr[r - 0x0D]; m->cntr[r - 0x0D] = 0; break;
        default: v = 0; break;
        }
    }
    *value = v;
    return true;
}

bool model_ne2000_out(void *model, uint16_t port, unsigned size, uint32_t value) {
    model_ne2000_t *m = model;
    if (port < m->base || port >= m->base + 0x20) return false;
    if (m->absent) return true;
    unsigned r = port - m->base;
    uint8_t v = (uint8_t)value;
    if (r == 0x1F) return true;   /* writing the reset port ends the reset */
    if (r >= 0x10) {
        if ((m->cr & CR_RD_MASK) != CR_RD_WRITE || m->rbcr == 0) {
            m->dma_misuse++;
            return true;
        }
        if (size == 2 && (m->dcr & 0x01)) {
            set_mem(m, m->rsar, (uint8_t)value);
            set_mem(m, (uint16_t)(m->rsar + 1), (uint8_t)(value >> 8));
            dma_advance(m, 2);
        } else {
            set_mem(m, m->rsar, v);
            dma_advance(m, 1);
        }
        return true;
    }
    if (r == 0) {
        m->cr = (uint8_t)(v & ~CR_TXP) | (m->cr & CR_TXP);
        if (v & CR_STP) m->cr = (uint8_t)((m->cr & ~CR_STA) | CR_STP);
        else if (v & CR_STA) {
            m->cr &= (uint8_t)~CR_STP;
            m->isr &= (uint8_t)~ISR_RST;
        }
        if (v & CR_STP) m->isr |= ISR_RST;   /* stopped: the receiver is idle at once */
        unsigned rd = v & CR_RD_MASK;
        if ((rd == CR_RD_READ || rd == CR_RD_WRITE) && m->rbcr == 0 && !m->stuck_dma) m->isr |= ISR_RDC;
        if ((v & CR_TXP) && running(m)) transmit(m);
        return true;
    }
    unsigned page = m->cr >> 6;
    if (page == 1) {
        if (r <= 6) m->par[r - 1] = v;
        else if (r == 7) m->curr = v;
        else m->mar[r - 8] = v;
        return true;
    }
    switch (r) {
    case 0x01: m->pstart = v; break;
    case 0x02: m->pstop = v; break;
    case 0x03: m->bnry = v; break;
    case 0x04: m->tpsr = v; break;
    case 0x05: m->tbcr = (uint16_t)((m->tbcr & 0xFF00) | v); break;
    case 0x06: m->tbcr = (uint16_t)((m->tbcr & 0x00FF) | v << 8); break;
    case 0x07: m->isr &= (uint8_t)~(v & 0x7F); break;   /* RST is not cleared by writing it */
    case 0x08: m->rsar = (uint16_t)((m->rsar & 0xFF00) | v); break;
    case 0x09: m->rsar = (uint16_t)((m->rsar & 0x00FF) | v << 8); break;
    case 0x0A: m->rbcr = (uint16_t)((m->rbcr & 0xFF00) | v); break;
    case 0x0B: m->rbcr = (uint16_t)((m->rbcr & 0x00FF) | v << 8); break;
    case 0x0C: m->rcr = v; break;
    case 0x0D: m->tcr = v; break;
    case 0x0E: m->dcr = v; break;
    case 0x0F: m->imr = v; break;
    }
    return true;
}
