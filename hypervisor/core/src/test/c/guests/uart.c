/* Drives the emulated 16550 at 0x3F8 the way a polling driver does: 115200 8N1 with FIFOs, prints a
 * line, checks the scratch register and loopback, echoes one line of console input, exits 0. */
#include "rt.h"

#define COM1 0x3F8

static void put(char c) {
    while (!(rt_inb(COM1 + 5) & 0x20)) { }
    rt_outb(COM1, (uint8_t)c);
}

static void puts_(const char *s) { while (*s) put(*s++); }

int main(void) {
    rt_outb(COM1 + 1, 0x00);            /* no interrupts */
    rt_outb(COM1 + 3, 0x80);            /* DLAB */
    rt_outb(COM1 + 0, 0x01);            /* 115200 */
    rt_outb(COM1 + 1, 0x00);
    rt_outb(COM1 + 3, 0x03);            /* 8N1 */
    rt_outb(COM1 + 2, 0xC7);            /* FIFOs on, cleared, trigger 14 */
    rt_outb(COM1 + 7, 0xA5);
    if (rt_inb(COM1 + 7) != 0xA5 || (rt_inb(COM1 + 2) & 0xC0) != 0xC0) return 1;
    rt_outb(COM1 + 4, 0x1E);            /* loopback */
    rt_outb(COM1, 0xAE);
    if (!(rt_inb(COM1 + 5) & 1) || rt_inb(COM1) != 0xAE) return 2;
    rt_outb(COM1 + 4, 0x0B);            /* normal operation, DTR RTS OUT2 */
    rt_outb(COM1 + 2, 0xC7);            /* drop whatever arrived during the checks */
    puts_("uart says hi\n");
    char line[64];
    unsigned n = 0;
    for (;;) {
        while (!(rt_inb(COM1 + 5) & 1)) __asm__ volatile("pause");
        char c = (char)rt_inb(COM1);
        if (c == '\n' || n == sizeof line - 1) break;
        line[n++] = c;
    }
    line[n] = 0;
    puts_("got: ");
    puts_(line);
    put('\n');
    return 0;
}
