/*
 * svfront/ne2000.h: a polled driver for an NE2000 (a DP8390 with 16 KiB of buffer memory reached
 * through remote DMA) at 0x300, as Splitvisor's emulated NIC (--ne2000), QEMU's ne2k_isa and the
 * ISA cards present it.
 *
 *   svf_ne2000_t nic;
 *   svf_ne2000_config_t cfg = SVF_NE2000_DEFAULT;
 *   cfg.now_ns = sv_time_ns;
 *   if (svf_ne2000_init(&nic, &cfg) != SV_STATUS_OK) ...    // nic.error says why
 *   svf_ne2000_send(&nic, frame, len);                       // 14..1514 bytes
 *   int n = svf_ne2000_recv(&nic, buf, sizeof buf, SV_NS_PER_SEC);
 *
 * Ports: base+0x00..0x0F the DP8390 registers (paged by CR bits 7..6), base+0x10 the data port of
 * remote DMA (16-bit in word mode), base+0x1F the reset port.
 *
 *   reg   page 0 read  page 0 write   page 1 (read/write)
 *   0x00  CR           CR             CR      STP 0x01 STA 0x02 TXP 0x04 RD 0x08 read / 0x10 write
 *                                             / 0x20 abort-complete, PS 0x40/0x80 page
 *   0x01  CLDA0        PSTART         PAR0    receive ring start page
 *   0x02  CLDA1        PSTOP          PAR1    receive ring end page (exclusive)
 *   0x03  BNRY         BNRY           PAR2    last ring page the host has taken
 *   0x04  TSR          TPSR           PAR3    transmit start page
 *   0x05  NCR          TBCR0          PAR4    transmit byte count
 *   0x06  FIFO         TBCR1          PAR5
 *   0x07  ISR          ISR            CURR    ISR: PRX 01 PTX 02 RXE 04 TXE 08 OVW 10 CNT 20 RDC 40 RST 80
 *   0x08  CRDA0        RSAR0          MAR0    remote DMA start address
 *   0x09  CRDA1        RSAR1          ...
 *   0x0A  -            RBCR0                  remote DMA byte count
 *   0x0B  -            RBCR1
 *   0x0C  RSR          RCR                    RCR: AB 04 (broadcast) AM 08 PRO 10 MON 20
 *   0x0D  CNTR0        TCR                    TCR: LB 02 (internal loopback)
 *   0x0E  CNTR1        DCR                    DCR: WTS 01 (word DMA) LS 08 (normal) FT 40
 *   0x0F  CNTR2        IMR            MAR7    CNTR2: frames missed
 *
 * Buffer memory (word mode) at 0x4000-0x7FFF: pages 0x40-0x45 the transmit buffer (one full
 * frame), pages 0x46-0x7F the receive ring. Each received frame starts on a page with a 4-byte
 * header: receive status (RSR), the next frame's page, the byte count (header included, LE).
 * The station address PROM is at remote address 0; in word mode each word holds one MAC byte
 * (the PROM bytes are doubled).
 *
 * init: reset (a read of the reset port, written back), wait for ISR.RST; then the DP8390's
 * initialisation order: CR stop + abort DMA, DCR 0x49 (word DMA, normal operation, FIFO threshold
 * 8), RBCR 0, RCR monitor, TCR internal loopback, PSTART/BNRY/PSTOP, ISR cleared, IMR 0 (polled);
 * the MAC read from the PROM by remote DMA (or cfg.mac) into PAR0-5, MAR0-7 0, CURR = PSTART + 1;
 * CR start, TCR normal, RCR: broadcast (and all frames with cfg.promiscuous).
 * send: waits until the previous transmission is done (CR.TXP clear), remote DMA write of the
 * frame (padded to 60 bytes) to the transmit buffer, waits for ISR.RDC, TPSR/TBCR, CR TXP, then
 * waits for PTX or TXE (TXE: SV_STATUS_EIO, the TSR bits in the message).
 * recv: while BNRY + 1 != CURR, reads the frame header and the frame by remote DMA (split at the
 * ring's end), moves BNRY behind it. A header that cannot be right (a next page outside the
 * ring, a length outside 60..1518 + 4) means the ring is corrupt: the NIC is reinitialised and
 * the frames in it lost (counted). Ring overflow (ISR.OVW): the datasheet's recovery: stop, clear
 * the remote byte count, internal loopback, start, drain the ring (the frames still in it are
 * delivered), clear OVW, normal transmit, and resend a frame the stop interrupted.
 *
 * Errors: SV_STATUS_ENODEV (nothing answers at the ports, or no reset acknowledgement),
 * SV_STATUS_EMSGSIZE / SV_STATUS_EINVAL (a frame above 1514 / below 14 bytes), SV_STATUS_EIO
 * (transmit aborted), SV_STATUS_ETIMEDOUT (remote DMA or transmit did not complete in
 * cfg.timeout_ns; the NIC is reinitialised at the next call).
 */
#ifndef SVFRONT_NE2000_H
#define SVFRONT_NE2000_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svfront/portio.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SVF_NE2000_BASE 0x300
#define SVF_NE2000_DATA 0x10
#define SVF_NE2000_RESET 0x1F

/* Registers (page 0 unless named). */
#define SVF_DP_CR 0x00
#define SVF_DP_PSTART 0x01
#define SVF_DP_PSTOP 0x02
#define SVF_DP_BNRY 0x03
#define SVF_DP_TPSR 0x04   /* write */
#define SVF_DP_TSR 0x04    /* read */
#define SVF_DP_TBCR0 0x05
#define SVF_DP_TBCR1 0x06
#define SVF_DP_ISR 0x07
#define SVF_DP_RSAR0 0x08
#define SVF_DP_RSAR1 0x09
#define SVF_DP_RBCR0 0x0A
#define SVF_DP_RBCR1 0x0B
#define SVF_DP_RCR 0x0C
#define SVF_DP_TCR 0x0D
#define SVF_DP_DCR 0x0E
#define SVF_DP_IMR 0x0F
#define SVF_DP_CNTR2 0x0F  /* read: frames missed */
#define SVF_DP_PAR0 0x01   /* page 1 */
#define SVF_DP_CURR 0x07   /* page 1 */
#define SVF_DP_MAR0 0x08   /* page 1 */

#define SVF_DP_CR_STP 0x01
#define SVF_DP_CR_STA 0x02
#define SVF_DP_CR_TXP 0x04
#define SVF_DP_CR_RD_READ 0x08
#define SVF_DP_CR_RD_WRITE 0x10
#define SVF_DP_CR_RD_ABORT 0x20
#define SVF_DP_CR_PAGE1 0x40

#define SVF_DP_ISR_PRX 0x01
#define SVF_DP_ISR_PTX 0x02
#define SVF_DP_ISR_RXE 0x04
#define SVF_DP_ISR_TXE 0x08
#define SVF_DP_ISR_OVW 0x10
#define SVF_DP_ISR_CNT 0x20
#define SVF_DP_ISR_RDC 0x40
#define SVF_DP_ISR_RST 0x80

#define SVF_DP_RCR_AB 0x04
#define SVF_DP_RCR_PRO 0x10
#define SVF_DP_RCR_MON 0x20
#define SVF_DP_TCR_LOOPBACK 0x02
#define SVF_DP_DCR_WORD 0x49   /* WTS | LS | FT 8 bytes */
#define SVF_DP_RSR_PRX 0x01

#define SVF_NE2000_TX_PAGE 0x40
#define SVF_NE2000_RX_START 0x46
#define SVF_NE2000_RX_STOP 0x80
#define SVF_NE2000_MAX_FRAME 1514u

typedef struct svf_ne2000_config {
    uint16_t base;                /* 0x300 */
    bool use_mac;                 /* program mac instead of the PROM's */
    uint8_t mac[6];
    bool promiscuous;
    svf_clock_fn now_ns;          /* NULL: count polls (1 us each) */
    uint64_t timeout_ns;          /* reset, remote DMA and transmit waits (0: 100 ms) */
} svf_ne2000_config_t;

#define SVF_NE2000_DEFAULT ((svf_ne2000_config_t){.base = SVF_NE2000_BASE})

typedef struct svf_ne2000_stats {
    uint64_t tx_frames, tx_bytes, tx_errors;
    uint64_t rx_frames, rx_bytes;
    uint64_t rx_truncated;        /* frames longer than the caller's buffer (the rest dropped) */
    uint64_t rx_missed;           /* CNTR2: frames the NIC dropped for want of ring space */
    uint64_t overflows;           /* ring overflows recovered (ISR.OVW) */
    uint64_t ring_resets;         /* corrupt headers: the NIC reinitialised, the ring emptied */
    uint64_t polls;               /* ISR/CR reads while waiting */
} svf_ne2000_stats_t;

typedef struct svf_ne2000 {
    svf_ne2000_config_t cfg;
    uint8_t mac[6];
    uint8_t prom[16];             /* the PROM's first 16 bytes (one per word) */
    uint8_t next;                 /* the ring page the next frame starts at */
    uint8_t curr_seen;            /* CURR when last read: frames up to it need no new look */
    bool recovering;              /* an overflow is being drained */
    bool resend;                  /* a transmission the overflow recovery interrupted */
    bool needs_reset;             /* a timeout left remote DMA or transmit half done */
    char name[16];                /* "ne2000@0x300" */
    svf_ne2000_stats_t stats;
    char error[128];
    uint8_t bounce[1536];         /* word-mode transfers of odd lengths and padding */
} svf_ne2000_t;

int svf_ne2000_init(svf_ne2000_t *n, const svf_ne2000_config_t *cfg);
int svf_ne2000_send(svf_ne2000_t *n, const void *frame, size_t len);
/* One frame: copies at most cap bytes, returns its length (> 0), 0 when none came within
 * timeout_ns (0: no wait, UINT64_MAX: forever), or an error. */
int svf_ne2000_recv(svf_ne2000_t *n, void *buf, size_t cap, uint64_t timeout_ns);
/* Stops the NIC (CR stop): nothing is received or sent after it. */
void svf_ne2000_stop(svf_ne2000_t *n);

#ifdef __cplusplus
}
#endif

#endif /* SVFRONT_NE2000_H */
