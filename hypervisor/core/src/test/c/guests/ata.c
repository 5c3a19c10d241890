/* Drives the emulated ATA disk at 0x1F0 with polling PIO: IDENTIFY, an LBA28 READ SECTORS, a WRITE MULTIPLE
 * EXT, FLUSH CACHE EXT, a READ SECTORS EXT of what it wrote, and a read past the end (IDNF). The image's
 * sector n is filled with the byte n. Exits 0 when every step behaved. */
#include "rt.h"

#define ATA 0x1F0
#define CTL 0x3F6

static uint16_t buf[512];

static int wait_ready(void) {
    uint8_t s;
    do { s = rt_inb(CTL); } while (s & 0x80);
    return s;
}

static void insw(uint16_t port, void *dst, unsigned long words) {
    __asm__ volatile("rep insw" : "+D"(dst), "+c"(words) : "d"(port) : "memory");
}

static void outsw(uint16_t port, const void *src, unsigned long words) {
    __asm__ volatile("rep outsw" : "+S"(src), "+c"(words) : "d"(port) : "memory");
}

static void task28(uint32_t lba, uint8_t count, uint8_t cmd) {
    rt_outb(ATA + 2, count);
    rt_outb(ATA + 3, (uint8_t)lba);
    rt_outb(ATA + 4, (uint8_t)(lba >> 8));
    rt_outb(ATA + 5, (uint8_t)(lba >> 16));
    rt_outb(ATA + 6, 0xE0 | ((lba >> 24) & 0x0F));
    rt_outb(ATA + 7, cmd);
}

static void task48(uint64_t lba, uint16_t count, uint8_t cmd) {
    rt_outb(ATA + 2, (uint8_t)(count >> 8));
    rt_outb(ATA + 2, (uint8_t)count);
    rt_outb(ATA + 3, (uint8_t)(lba >> 24));
    rt_outb(ATA + 3, (uint8_t)lba);
    rt_outb(ATA + 4, (uint8_t)(lba >> 32));
    rt_outb(ATA + 4, (uint8_t)(lba >> 8));
    rt_outb(ATA + 5, (uint8_t)(lba >> 40));
    rt_outb(ATA + 5, (uint8_t)(lba >> 16));
    rt_outb(ATA + 6, 0x40);
    rt_outb(ATA + 7, cmd);
}

static int all(const void *p, unsigned n, uint8_t v) {
    const uint8_t *b = p;
    for (unsigned i = 0; i < n; i++) if (b[i] != v) return 0;
    return 1;
}

int main(void) {
    rt_outb(CTL, 0x02);                                 /* nIEN: we poll */
    rt_outb(ATA + 6, 0xA0);
    rt_outb(ATA + 7, 0xEC);
    if ((wait_ready() & 0x09) != 0x08) return 1;
    insw(ATA, buf, 256);
    rt_print(buf[83] & (1 << 10) ? "identify: lba48\n" : "identify: no lba48\n");
    rt_print_num("identify: sectors ", buf[100] | (long)buf[101] << 16);

    task28(5, 1, 0x20);
    if ((wait_ready() & 0x09) != 0x08) return 2;
    insw(ATA, buf, 256);
    rt_print(all(buf, 512, 5) && (rt_inb(ATA + 7) & 0x08) == 0 ? "read28 ok\n" : "read28 bad\n");

    rt_outb(ATA + 2, 2);
    rt_outb(ATA + 7, 0xC6);                             /* SET MULTIPLE MODE 2 */
    memset(buf, 0xC3, 1024);
    task48(10, 2, 0x39);                                /* WRITE MULTIPLE EXT, one block of 2 */
    if ((wait_ready() & 0x09) != 0x08) return 3;
    outsw(ATA, buf, 512);
    rt_outb(ATA + 7, 0xEA);                             /* FLUSH CACHE EXT */
    rt_print((wait_ready() & 0x29) == 0 ? "write48 flushed\n" : "write48 failed\n");

    memset(buf, 0, 1024);
    task48(10, 2, 0x24);
    for (int s = 0; s < 2; s++) {
        if ((wait_ready() & 0x09) != 0x08) return 4;
        insw(ATA, (uint8_t *)buf + 512 * s, 256);
    }
    rt_print(all(buf, 1024, 0xC3) ? "read48 ok\n" : "read48 bad\n");

    task28(64, 1, 0x20);                                /* one past the 64-sector image */
    uint8_t st = wait_ready();
    rt_print((st & 0x09) == 0x01 && rt_inb(ATA + 1) == 0x10 ? "past the end: IDNF\n" : "past the end: wrong\n");
    return 0;
}
