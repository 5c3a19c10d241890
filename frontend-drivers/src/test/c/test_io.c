/*
 * svfront/io.h: the path choice (io= on the command line, CPUID detection) and the handles'
 * checks and counts, over the emulated drivers and their register models. The pv openers are
 * stand-ins here (the pv path runs end to end in system-tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <splitvisor/abi.h>

#include "io_impl.h"
#include "model_ata.h"
#include "model_ne2000.h"
#include "model_uart.h"
#include "test.h"
#include "test_ports.h"

/* ---- what the io layer calls outside libsvfront ---- */

static const char *cmdline = "";
const char *sv_cmdline(void) { return cmdline; }
static uint64_t fake_now;
uint64_t sv_time_ns(void) { return fake_now += 1000; }

static unsigned pv_opens;
static int pv_unavailable(char *msg, size_t cap) {
    pv_opens++;
    snprintf(msg, cap, "pv: not in the host test");
    return SV_STATUS_ENODEV;
}
int svf_io_pv_disk_open(svf_disk_t *d, const svf_io_options_t *o, char *msg, size_t cap) {
    (void)d, (void)o;
    return pv_unavailable(msg, cap);
}
int svf_io_pv_nic_open(svf_nic_t *n, const svf_io_options_t *o, char *msg, size_t cap) {
    (void)n, (void)o;
    return pv_unavailable(msg, cap);
}
int svf_io_pv_console_open(svf_console_t *c, const svf_io_options_t *o, char *msg, size_t cap) {
    (void)c, (void)o;
    return pv_unavailable(msg, cap);
}

/* ---- the devices behind the ports ---- */

static model_ata_t ata;
static model_uart_t com1;
static model_ne2000_t ne;


/* ---- tests ---- */

static void test_path_from_cmdline(void) {
    svf_io_path_t p;
    CHECK_EQ_INT(svf_io_path_from_cmdline("", &p), SV_STATUS_OK);
    CHECK_EQ_INT(p, SVF_IO_AUTO);
    CHECK_EQ_INT(svf_io_path_from_cmdline(NULL, &p), SV_STATUS_OK);
    CHECK_EQ_INT(p, SVF_IO_AUTO);
    CHECK_EQ_INT(svf_io_path_from_cmdline("size=4 io=emulated seed=3", &p), SV_STATUS_OK);
    CHECK_EQ_INT(p, SVF_IO_EMULATED);
    CHECK_EQ_INT(svf_io_path_from_cmdline("io=pv", &p), SV_STATUS_OK);
    CHECK_EQ_INT(p, SVF_IO_PV);
    CHECK_EQ_INT(svf_io_path_from_cmdline("--io=emulated", &p), SV_STATUS_OK);
    CHECK_EQ_INT(p, SVF_IO_EMULATED);
    CHECK_EQ_INT(svf_io_path_from_cmdline("x=1\t--io  pv  y", &p), SV_STATUS_OK);
    CHECK_EQ_INT(p, SVF_IO_PV);
    CHECK_EQ_INT(svf_io_path_from_cmdline("radio=pv ioo=emulated", &p), SV_STATUS_OK);   /* other words */
    CHECK_EQ_INT(p, SVF_IO_AUTO);
    CHECK_EQ_INT(svf_io_path_from_cmdline("io=emulatedx", &p), SV_STATUS_EINVAL);
    CHECK_CONTAINS(svf_io_open_error(), "io=emulatedx: the I/O path is pv or emulated");
    CHECK_EQ_INT(svf_io_path_from_cmdline("io=", &p), SV_STATUS_EINVAL);
    CHECK_EQ_INT(svf_io_path_from_cmdline("--io", &p), SV_STATUS_EINVAL);
    CHECK_CONTAINS(svf_io_open_error(), "--io needs a value");
    CHECK(strcmp(svf_io_path_name(SVF_IO_PV), "pv") == 0);
    CHECK(strcmp(svf_io_path_name(SVF_IO_EMULATED), "emulated") == 0);
}

static void test_choose(void) {
    /* The host is not Splitvisor: detection says emulated. */
    CHECK_EQ_INT(svf_io_detect(), SVF_IO_EMULATED);
    svf_io_path_t p;
    cmdline = "";
    CHECK_EQ_INT(svf_io_choose(&p), SV_STATUS_OK);
    CHECK_EQ_INT(p, SVF_IO_EMULATED);
    cmdline = "io=pv";
    CHECK_EQ_INT(svf_io_choose(&p), SV_STATUS_OK);
    CHECK_EQ_INT(p, SVF_IO_PV);
    /* AUTO follows the command line: pv here, so the pv opener is asked. */
    svf_disk_t *d;
    pv_opens = 0;
    CHECK_EQ_INT(svf_disk_open(&d, NULL), SV_STATUS_ENODEV);
    CHECK_EQ_INT(pv_opens, 1);
    CHECK(d == NULL);
    CHECK_CONTAINS(svf_io_open_error(), "pv: not in the host test");
    cmdline = "io=bogus";
    CHECK_EQ_INT(svf_disk_open(&d, NULL), SV_STATUS_EINVAL);
    CHECK_CONTAINS(svf_io_open_error(), "io=bogus");
    /* An explicit path wins over the command line. */
    svf_io_options_t o = SVF_IO_DEFAULTS;
    o.path = SVF_IO_EMULATED;
    model_ata_init(&ata, 64);
    CHECK_EQ_INT(svf_disk_open(&d, &o), SV_STATUS_OK);
    CHECK_EQ_INT(svf_disk_info(d)->path, SVF_IO_EMULATED);
    svf_disk_close(d);
    o.path = (svf_io_path_t)7;
    CHECK_EQ_INT(svf_disk_open(&d, &o), SV_STATUS_EINVAL);
    model_ata_free(&ata);
    cmdline = "";
}

static void test_emulated_disk(void) {
    model_ata_init(&ata, 2048);
    cmdline = "io=emulated";
    svf_disk_t *d;
    CHECK_EQ_INT(svf_disk_open(&d, NULL), SV_STATUS_OK);
    const svf_disk_info_t *i = svf_disk_info(d);
    CHECK(strcmp(i->name, "ata0-master") == 0);
    CHECK(strcmp(i->model, "SPLITVISOR MODEL DISK") == 0);
    CHECK_EQ_INT(i->sectors, 2048);
    CHECK_EQ_INT(i->sector_size, 512);
    CHECK(i->flush && !i->readonly);

    static uint8_t out[1 << 20], in[1 << 20];
    for (size_t k = 0; k < sizeof out; k++) out[k] = (uint8_t)(k * 131 + 7);
    CHECK_EQ_INT(svf_disk_write(d, 0, out, 1 << 20), SV_STATUS_OK);   /* 1 MiB: 8 commands of 256 sectors */
    CHECK_EQ_INT(svf_disk_flush(d), SV_STATUS_OK);
    CHECK_EQ_INT(svf_disk_read(d, 0, in, 1 << 20), SV_STATUS_OK);
    CHECK(memcmp(in, out, sizeof in) == 0);
    CHECK(memcmp(model_ata_sector(&ata, 2047), out + 2047 * 512, 512) == 0);

    /* The checks made above the driver, the same as on pv. */
    unsigned commands = ata.commands;
    CHECK_EQ_INT(svf_disk_read(d, 0, in, 100), SV_STATUS_EINVAL);
    CHECK_CONTAINS(svf_disk_error(d), "ata0-master: sector 0, 100 bytes: not whole 512-byte sectors");
    CHECK_EQ_INT(svf_disk_read(d, 0, in, 0), SV_STATUS_EINVAL);
    CHECK_EQ_INT(svf_disk_write(d, 2047, out, 1024), SV_STATUS_ERANGE);
    CHECK_CONTAINS(svf_disk_error(d), "sectors 2047..2048 are beyond the end of the disk (2048 sectors)");
    CHECK_EQ_INT(svf_disk_read(d, 1ull << 40, in, 512), SV_STATUS_ERANGE);
    CHECK_EQ_INT(ata.commands, commands);

    /* The driver's failure reaches the caller with the driver's words. */
    ata.bad_sector = 9;
    CHECK_EQ_INT(svf_disk_read(d, 8, in, 1024), SV_STATUS_EIO);
    CHECK_CONTAINS(svf_disk_error(d), "ata0-master: read failed");
    CHECK_CONTAINS(svf_disk_error(d), "uncorrectable");
    ata.bad_sector = -1;
    /* A device that aborts FLUSH CACHE: ENOSYS, and the info says so from then on. */
    ata.no_flush = true;
    CHECK_EQ_INT(svf_disk_flush(d), SV_STATUS_ENOSYS);
    CHECK(!svf_disk_info(d)->flush);
    CHECK_EQ_INT(svf_disk_flush(d), SV_STATUS_ENOSYS);
    CHECK_CONTAINS(svf_disk_error(d), "no cache flush");

    svf_io_stats_t st;
    svf_disk_stats(d, &st);
    CHECK_EQ_INT(st.ops, 3);
    CHECK_EQ_INT(st.bytes_out, 1 << 20);
    CHECK_EQ_INT(st.bytes_in, 1 << 20);
    CHECK_EQ_INT(st.errors, 7);
    CHECK(st.waits > 0);
    CHECK_EQ_INT(st.notifications, 0);
    CHECK_EQ_INT(svf_disk_close(d), SV_STATUS_OK);
    model_ata_free(&ata);

    /* No disk at the ports: ENODEV with the driver's message; index 2 does not exist. */
    model_ata_init(&ata, 64);
    ata.absent = true;
    CHECK_EQ_INT(svf_disk_open(&d, NULL), SV_STATUS_ENODEV);
    CHECK_CONTAINS(svf_io_open_error(), "ata0-master: no device");
    svf_io_options_t o = {.path = SVF_IO_EMULATED, .index = 2};
    CHECK_EQ_INT(svf_disk_open(&d, &o), SV_STATUS_ENODEV);
    CHECK_CONTAINS(svf_io_open_error(), "disk 2");
    model_ata_free(&ata);
    cmdline = "";
}

static void test_emulated_console(void) {
    model_uart_init(&com1, 0x3F8);
    com1.absent = false;
    svf_io_options_t o = {.path = SVF_IO_EMULATED};
    svf_console_t *c;
    CHECK_EQ_INT(svf_console_open(&c, &o), SV_STATUS_OK);
    CHECK(strcmp(svf_console_name(c), "uart@0x3f8") == 0);
    CHECK_EQ_INT(svf_console_path(c), SVF_IO_EMULATED);
    const char *text = "line one\nline two\n";
    CHECK_EQ_INT(svf_console_write(c, text, strlen(text)), (int)strlen(text));
    CHECK_EQ_INT(svf_console_flush(c, SVF_IO_FOREVER), SV_STATUS_OK);
    CHECK_EQ_INT(com1.sent_len, strlen(text));
    CHECK(memcmp(com1.sent, text, strlen(text)) == 0);
    char buf[32];
    CHECK_EQ_INT(svf_console_read(c, buf, sizeof buf, SVF_IO_NO_WAIT), 0);
    model_uart_send_to_guest(&com1, "typed", 5, 0);
    CHECK_EQ_INT(svf_console_read(c, buf, sizeof buf, SVF_IO_FOREVER), 5);
    CHECK(memcmp(buf, "typed", 5) == 0);
    com1.stuck_tx = true;
    com1.tx_fifo = 1;
    CHECK_EQ_INT(svf_console_write(c, text, 4), SV_STATUS_ETIMEDOUT);
    CHECK_CONTAINS(svf_console_error(c), "uart@0x3f8: transmitter empty (THRE) did not come within");
    svf_io_stats_t st;
    svf_console_stats(c, &st);
    CHECK_EQ_INT(st.ops, 2);   /* the write and the read that got bytes */
    CHECK_EQ_INT(st.bytes_out, strlen(text));
    CHECK_EQ_INT(st.bytes_in, 5);
    CHECK_EQ_INT(st.errors, 1);
    CHECK(st.waits > 0);
    CHECK_EQ_INT(svf_console_close(c), SV_STATUS_OK);

    /* COM2 is not there (the bus floats); console 2 does not exist. */
    o.index = 1;
    CHECK_EQ_INT(svf_console_open(&c, &o), SV_STATUS_ENODEV);
    CHECK_CONTAINS(svf_io_open_error(), "uart@0x2f8: no UART");
    o.index = 2;
    CHECK_EQ_INT(svf_console_open(&c, &o), SV_STATUS_ENODEV);
    CHECK_CONTAINS(svf_io_open_error(), "console 2");
}

static void test_emulated_nic(void) {
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x07};
    model_ne2000_init(&ne, 0x300, mac);
    svf_io_options_t o = {.path = SVF_IO_EMULATED};
    svf_nic_t *n;
    CHECK_EQ_INT(svf_nic_open(&n, &o), SV_STATUS_OK);
    CHECK(strcmp(svf_nic_name(n), "ne2000@0x300") == 0);
    CHECK(memcmp(svf_nic_mac(n), mac, 6) == 0);
    CHECK_EQ_INT(svf_nic_path(n), SVF_IO_EMULATED);
    uint8_t f[1600], buf[1600];
    memset(f, 0xA5, sizeof f);
    memcpy(f, mac, 6);
    CHECK_EQ_INT(svf_nic_send(n, f, 300), SV_STATUS_OK);
    CHECK_EQ_INT(ne.nsent, 1);
    CHECK_EQ_INT(ne.sent[0].len, 300);
    /* Sizes are checked above the driver, as on pv. */
    CHECK_EQ_INT(svf_nic_send(n, f, 1515), SV_STATUS_EMSGSIZE);
    CHECK_CONTAINS(svf_nic_error(n), "ne2000@0x300: a frame of 1515 bytes");
    CHECK_EQ_INT(svf_nic_send(n, f, 10), SV_STATUS_EINVAL);
    CHECK_EQ_INT(ne.nsent, 1);
    CHECK_EQ_INT(svf_nic_recv(n, buf, sizeof buf, SVF_IO_NO_WAIT), 0);
    CHECK(model_ne2000_receive(&ne, f, 1000));
    CHECK_EQ_INT(svf_nic_recv(n, buf, sizeof buf, SVF_IO_FOREVER), 1000);
    CHECK(memcmp(buf, f, 1000) == 0);
    ne.tx_abort = true;
    CHECK_EQ_INT(svf_nic_send(n, f, 100), SV_STATUS_EIO);
    CHECK_CONTAINS(svf_nic_error(n), "transmit aborted");
    svf_io_stats_t st;
    svf_nic_stats(n, &st);
    CHECK_EQ_INT(st.ops, 2);
    CHECK_EQ_INT(st.bytes_out, 300);
    CHECK_EQ_INT(st.bytes_in, 1000);
    CHECK_EQ_INT(st.errors, 3);
    CHECK_EQ_INT(svf_nic_close(n), SV_STATUS_OK);
    CHECK(ne.cr & 0x01);   /* stopped: nothing more is received */
    CHECK(!model_ne2000_receive(&ne, f, 100));

    ne.absent = true;
    CHECK_EQ_INT(svf_nic_open(&n, &o), SV_STATUS_ENODEV);
    CHECK_CONTAINS(svf_io_open_error(), "ne2000@0x300: no NE2000");
    o.index = 1;
    CHECK_EQ_INT(svf_nic_open(&n, &o), SV_STATUS_ENODEV);
    CHECK_CONTAINS(svf_io_open_error(), "NIC 1");
}

int main(void) {
    test_ports_attach(&ata, model_ata_in, model_ata_out);
    test_ports_attach(&com1, model_uart_in, model_uart_out);
    test_ports_attach(&ne, model_ne2000_in, model_ne2000_out);
    ne.absent = true;
    RUN(test_path_from_cmdline);
    RUN(test_choose);
    RUN(test_emulated_disk);
    RUN(test_emulated_console);
    RUN(test_emulated_nic);
    return tests_done("test_io");
}
