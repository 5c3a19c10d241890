/*
 * A software model of an NE2000 (DP8390 + 32 KiB address space: the station address PROM at 0,
 * buffer memory at 0x4000-0x7FFF) for the NE2000 driver's host tests: paged registers, remote
 * DMA through the data port (word and byte mode, wrapping at PSTOP like the chip), the reset
 * port, transmit from TPSR/TBCR, and a receiver that stores frames in the ring with their 4-byte
 * headers, filters on PAR/broadcast/promiscuous, and overflows (ISR.OVW, CNTR2) when the ring is
 * full, refusing frames until OVW is cleared.
 */
#ifndef SVF_MODEL_NE2000_H
#define SVF_MODEL_NE2000_H

#include <stdbool.h>
#include <stdint.h>

#define MODEL_NE_SENT 64

typedef struct model_ne2000 {
    uint16_t base;
    /* configuration */
    bool absent, no_reset_ack, stuck_dma, tx_abort;
    bool no_dma_wrap;            /* remote DMA runs past PSTOP instead of wrapping */
    bool corrupt_next_header;    /* the next stored frame gets a header pointing outside the ring */
    uint8_t prom[16];
    /* registers */
    uint8_t cr, pstart, pstop, bnry, tpsr, isr, rcr, tcr, dcr, imr, curr, tsr, rsr;
    uint16_t tbcr, rsar, rbcr;
    uint8_t par[6], mar[8], cntr[3];
    uint8_t mem[0x8000];
    /* records */
    struct {
        uint16_t len;
        uint8_t data[1536];
    } sent[MODEL_NE_SENT];
    unsigned nsent, loopback_sent, resets, filtered, overflows, dma_misuse;
} model_ne2000_t;

void model_ne2000_init(model_ne2000_t *m, uint16_t base, const uint8_t mac[6]);
/* A frame arrives from the wire; false when it was not stored (filtered, stopped, no room). */
bool model_ne2000_receive(model_ne2000_t *m, const void *frame, unsigned len);
bool model_ne2000_in(void *model, uint16_t port, unsigned size, uint32_t *value);
bool model_ne2000_out(void *model, uint16_t port, unsigned size, uint32_t value);

#endif
