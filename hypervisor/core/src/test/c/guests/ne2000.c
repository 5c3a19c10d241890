/* Drives the emulated NE2000 at 0x300 as the Linux ne driver does: reset, the PROM in byte mode, word mode,
 * ring 0x46-0x80, start; sends a broadcast frame with REP OUTSW and waits for the reply in the ring, read with
 * REP INSW. Exits 0 when the reply carries "pong" and what it sent. */
#include "rt.h"

#define NE 0x300
#define DATA (NE + 0x10)
#define RESET (NE + 0x1F)
#define PSTART 0x46
#define PSTOP 0x80

static uint8_t frame[64];
static uint8_t rx[1600];

static void remote(uint8_t cmd, uint16_t addr, uint16_t count) {
    rt_outb(NE + 0x0A, (uint8_t)count);
    rt_outb(NE + 0x0B, (uint8_t)(count >> 8));
    rt_outb(NE + 0x08, (uint8_t)addr);
    rt_outb(NE + 0x09, (uint8_t)(addr >> 8));
    rt_outb(NE, cmd);
}

static void insw(uint16_t port, void *dst, unsigned long words) {
    __asm__ volatile("rep insw" : "+D"(dst), "+c"(words) : "d"(port) : "memory");
}

static void outsw(uint16_t port, const void *src, unsigned long words) {
    __asm__ volatile("rep outsw" : "+S"(src), "+c"(words) : "d"(port) : "memory");
}

int main(void) {
    rt_outb(RESET, rt_inb(RESET));
    if (!(rt_inb(NE + 7) & 0x80)) return 1;
    rt_outb(NE + 7, 0xFF);
    rt_outb(NE, 0x21);
    rt_outb(NE + 0x0E, 0x48);                            /* byte mode to read the PROM */
    uint8_t prom[32];
    remote(0x0A, 0, 32);
    for (int i = 0; i < 32; i++) prom[i] = rt_inb(DATA);
    if (prom[28] != 0x57 || prom[30] != 0x57) return 2;
    rt_outb(NE + 0x0E, 0x49);                            /* word mode */
    rt_outb(NE + 0x0C, 0x20);
    rt_outb(NE + 0x0D, 0x02);
    rt_outb(NE + 0x04, 0x40);
    rt_outb(NE + 0x01, PSTART);
    rt_outb(NE + 0x03, PSTART);
    rt_outb(NE + 0x02, PSTOP);
    rt_outb(NE + 0x07, 0xFF);
    rt_outb(NE + 0x0F, 0x00);
    rt_outb(NE, 0x61);
    for (int i = 0; i < 6; i++) rt_outb(NE + 1 + i, prom[2 * i]);
    rt_outb(NE + 0x07, PSTART + 1);
    rt_outb(NE, 0x22);
    rt_outb(NE + 0x0D, 0x00);
    rt_outb(NE + 0x0C, 0x04);                            /* own address and broadcast */
    rt_print_num("ne2000: mac last byte ", prom[10]);

    memset(frame, 0xFF, 6);
    for (int i = 0; i < 6; i++) frame[6 + i] = prom[2 * i];
    frame[12] = 0x88; frame[13] = 0xB5;
    memcpy(frame + 14, "ping from ne2000", 16);
    remote(0x12, 0x4000, sizeof frame);
    outsw(DATA, frame, sizeof frame / 2);
    while (!(rt_inb(NE + 7) & 0x40)) { }                 /* remote DMA complete */
    rt_outb(NE + 7, 0x40);
    rt_outb(NE + 0x04, 0x40);
    rt_outb(NE + 0x05, sizeof frame);
    rt_outb(NE + 0x06, 0);
    rt_outb(NE, 0x26);
    while (!(rt_inb(NE + 7) & 0x0A)) { }
    rt_print(rt_inb(NE + 7) & 0x02 ? "ne2000: sent\n" : "ne2000: transmit error\n");
    rt_outb(NE + 7, 0x0A);

    unsigned long spins = 0;
    while (!(rt_inb(NE + 7) & 0x01)) if (++spins > 10000000) return 3;
    rt_outb(NE + 7, 0x01);
    uint8_t page = rt_inb(NE + 3) + 1;
    if (page >= PSTOP) page = PSTART;
    uint8_t hdr[4];
    remote(0x0A, page << 8, 4);
    insw(DATA, hdr, 2);
    unsigned len = (hdr[2] | hdr[3] << 8) - 4;
    if (len > sizeof rx) return 4;
    remote(0x0A, (page << 8) + 4, len);
    insw(DATA, rx, (len + 1) / 2);
    rt_outb(NE + 3, hdr[1] == PSTART ? PSTOP - 1 : hdr[1] - 1);   /* BNRY one behind the next frame */
    int ok = len >= 34 && memcmp(rx + 14, "pong", 4) == 0 && memcmp(rx + 18, "ping from ne2000", 16) == 0;
    for (int i = 0; i < 6; i++) ok &= rx[i] == prom[2 * i];   /* addressed to us */
    rt_print_num("ne2000: reply bytes ", len);
    rt_print(ok ? "ne2000: reply ok\n" : "ne2000: reply wrong\n");
    return ok ? 0 : 5;
}
