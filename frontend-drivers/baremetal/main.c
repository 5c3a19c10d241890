/*
 * drivertest: the emulated-device drivers on a PC without Splitvisor (QEMU with its serial, IDE
 * and ne2k_isa devices). Entered in long mode by boot.S; everything it says goes out of COM1,
 * and its return value ends QEMU through the isa-debug-exit port.
 *
 *   COM1   init, then every line below
 *   ATA    the primary master: IDENTIFY, 256 sectors of the test pattern written (LBA28,
 *          MULTIPLE), flushed, read back and checked; 16 sectors again with the LBA48 commands
 *   NE2000 at 0x300: the PROM's MAC, then 100 ARP requests for 10.0.2.2 (QEMU's user-mode
 *          network answers them): each reply received and checked, through the ring's wrap
 * The last line is "drivertest: ok" (return 0) or "drivertest: FAILED: ..." (return 1).
 */
#include <stdarg.h>

#include <splitvisor/abi.h>
#include <splitvisor/printf.h>
#include <splitvisor/string.h>

#include "svfront/ata.h"
#include "svfront/ne2000.h"
#include "svfront/uart16550.h"
#include "svfront/util.h"

int bm_main(void);

static svf_uart_t com1;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    int n = sv_vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof line - 1) n = (int)sizeof line - 1;
    svf_uart_write(&com1, line, (size_t)n);
}

static int failed(const char *what, const char *detail) {
    say("drivertest: FAILED: %s: %s\n", what, detail);
    svf_uart_flush(&com1, 0);
    return 1;
}

static uint8_t sectors[256 * 512];

static int ata_check(bool lba48, uint64_t lba, uint32_t count, uint32_t seed) {
    svf_ata_t disk;
    svf_ata_config_t cfg = SVF_ATA_PRIMARY_MASTER;
    cfg.force_lba48 = lba48;
    if (svf_ata_init(&disk, &cfg)) return failed("ata init", disk.error);
    if (!lba48) {
        say("drivertest: ata: %s, %llu sectors, lba48 %s, multiple %u\n", disk.model, (unsigned long long)disk.sectors,
            disk.lba48 ? "yes" : "no", disk.multiple);
    }
    size_t len = (size_t)count * 512;
    svf_pattern_fill(sectors, len, lba * 512, seed);
    uint32_t crc = svf_crc32(0, sectors, len);
    if (svf_ata_write(&disk, lba, sectors, count)) return failed("ata write", disk.error);
    int rc = svf_ata_flush(&disk);
    if (rc && rc != SV_STATUS_ENOSYS) return failed("ata flush", disk.error);
    sv_memset(sectors, 0, len);
    if (svf_ata_read(&disk, lba, sectors, count)) return failed("ata read", disk.error);
    if (svf_pattern_check(sectors, len, lba * 512, seed) != len) return failed("ata", "the data read back differs");
    say("drivertest: ata: %u sectors at %llu (%s) written, flushed, read back: crc32 0x%08x, verified\n", count,
        (unsigned long long)lba, lba48 ? "LBA48" : "LBA28", crc);
    if (svf_ata_read(&disk, disk.sectors, sectors, 1) != SV_STATUS_ERANGE) return failed("ata", "a read past the end was not refused");
    return 0;
}

static const uint8_t my_ip[4] = {10, 0, 2, 15}, gw_ip[4] = {10, 0, 2, 2};

static size_t arp_request(uint8_t *f, const uint8_t mac[6]) {
    sv_memset(f, 0xff, 6);
    sv_memcpy(f + 6, mac, 6);
    f[12] = 0x08, f[13] = 0x06;                       /* ARP */
    f[14] = 0x00, f[15] = 0x01, f[16] = 0x08, f[17] = 0x00, f[18] = 6, f[19] = 4;
    f[20] = 0x00, f[21] = 0x01;                       /* request */
    sv_memcpy(f + 22, mac, 6);
    sv_memcpy(f + 28, my_ip, 4);
    sv_memset(f + 32, 0, 6);
    sv_memcpy(f + 38, gw_ip, 4);
    return 42;
}

static bool is_reply(const uint8_t *f, int n, const uint8_t mac[6]) {
    return n >= 42 && sv_memcmp(f, mac, 6) == 0 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 0x02 &&
           sv_memcmp(f + 28, gw_ip, 4) == 0 && sv_memcmp(f + 38, my_ip, 4) == 0;
}

static int ne2000_check(void) {
    static svf_ne2000_t nic;
    svf_ne2000_config_t cfg = SVF_NE2000_DEFAULT;
    if (svf_ne2000_init(&nic, &cfg)) return failed("ne2000 init", nic.error);
    char mac[18];
    svf_mac_format(nic.mac, mac);
    say("drivertest: ne2000: mac %s from the PROM\n", mac);
    uint8_t f[64], rx[1600];
    unsigned replies = 0;
    uint8_t gw_mac[6] = {0};
    for (unsigned i = 0; i < 100; i++) {
        if (svf_ne2000_send(&nic, f, arp_request(f, nic.mac))) return failed("ne2000 send", nic.error);
        for (unsigned tries = 0; tries < 200; tries++) {
            int n = svf_ne2000_recv(&nic, rx, sizeof rx, 10000000ull);
            if (n < 0) return failed("ne2000 recv", nic.error);
            if (n > 0 && is_reply(rx, n, nic.mac)) {
                sv_memcpy(gw_mac, rx + 22, 6);
                replies++;
                break;
            }
        }
    }
    svf_mac_format(gw_mac, mac);
    say("drivertest: ne2000: %u of 100 ARP requests answered by %s, %llu frames through the ring\n", replies, mac,
        (unsigned long long)nic.stats.rx_frames);
    if (replies != 100) return failed("ne2000", "ARP replies missing");
    return 0;
}

int bm_main(void) {
    svf_uart_config_t ucfg = SVF_UART_COM1;
    if (svf_uart_init(&com1, &ucfg)) return 2;
    say("drivertest: uart: %s, %s\n", com1.name, com1.fifo ? "16550A with FIFOs" : "no FIFO");
    if (ata_check(false, 0, 256, 7) || ata_check(true, 4096, 16, 8) || ne2000_check()) return 1;
    say("drivertest: ok\n");
    svf_uart_flush(&com1, 0);
    return 0;
}
