/*
 * The NE2000 driver (emul/ne2000.c) against the DP8390 model (model_ne2000.c): bring-up and the
 * PROM, transmit (padding, odd lengths, aborts), receive through the ring with its wrap at PSTOP,
 * ring overflow and its recovery, a corrupt ring, remote DMA that never completes, and no card.
 */
#include <stdio.h>
#include <string.h>

#include <splitvisor/abi.h>

#include "model_ne2000.h"
#include "svfront/ne2000.h"
#include "test.h"
#include "test_ports.h"

static model_ne2000_t model;
static uint64_t fake_now;
static uint64_t clock_1us(void) { return fake_now += 1000; }

static const uint8_t prom_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
static svf_ne2000_t nic;

static svf_ne2000_config_t config(void) {
    svf_ne2000_config_t c = SVF_NE2000_DEFAULT;
    c.now_ns = clock_1us;
    c.timeout_ns = 10ull * 1000 * 1000;
    return c;
}

static int open_nic(void) {
    model_ne2000_init(&model, 0x300, prom_mac);
    svf_ne2000_config_t c = config();
    return svf_ne2000_init(&nic, &c);
}

/* A frame to dst from peer_mac, EtherType 0x88B5, payload bytes from seed. */
static unsigned make_frame(uint8_t *f, const uint8_t *dst, unsigned len, unsigned seed) {
    memcpy(f, dst, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = 0x88;
    f[13] = 0xB5;
    for (unsigned i = 14; i < len; i++) f[i] = (uint8_t)(i * 7 + seed * 13);
    return len;
}

static void test_init(void) {
    CHECK_EQ_INT(open_nic(), SV_STATUS_OK);
    CHECK(memcmp(nic.mac, prom_mac, 6) == 0);
    CHECK(memcmp(model.par, prom_mac, 6) == 0);
    CHECK_EQ_INT(nic.prom[14], 0x57);
    CHECK_EQ_INT(model.resets, 1);
    CHECK_EQ_INT(model.dcr, 0x49);
    CHECK_EQ_INT(model.pstart, 0x46);
    CHECK_EQ_INT(model.pstop, 0x80);
    CHECK_EQ_INT(model.bnry, 0x7F);
    CHECK_EQ_INT(model.curr, 0x46);
    CHECK_EQ_INT(model.rcr, 0x04);
    CHECK_EQ_INT(model.tcr, 0);
    CHECK_EQ_INT(model.imr, 0);
    CHECK_EQ_INT(model.cr & 0x03, 0x02);   /* started */
    CHECK_EQ_INT(model.dma_misuse, 0);
    CHECK_EQ_INT(test_ports_stray, 0);
    CHECK(strcmp(nic.name, "ne2000@0x300") == 0);

    /* A configured MAC goes into PAR instead of the PROM's. */
    model_ne2000_init(&model, 0x300, prom_mac);
    svf_ne2000_config_t c = config();
    c.use_mac = true;
    memcpy(c.mac, peer_mac, 6);
    c.promiscuous = true;
    CHECK_EQ_INT(svf_ne2000_init(&nic, &c), SV_STATUS_OK);
    CHECK(memcmp(model.par, peer_mac, 6) == 0);
    CHECK_EQ_INT(model.rcr, 0x14);
}

static void test_send(void) {
    CHECK_EQ_INT(open_nic(), SV_STATUS_OK);
    uint8_t f[1600];
    unsigned lens[] = {100, 1514, 61, 14};
    for (unsigned i = 0; i < 4; i++) {
        unsigned len = make_frame(f, peer_mac, lens[i], i);
        CHECK_EQ_INT(svf_ne2000_send(&nic, f, len), SV_STATUS_OK);
        unsigned wire = len < 60 ? 60 : len;
        CHECK_EQ_INT(model.sent[i].len, wire);
        CHECK(memcmp(model.sent[i].data, f, len) == 0);
        bool padded_with_zeros = true;
        for (unsigned k = len; k < wire; k++) padded_with_zeros &= model.sent[i].data[k] == 0;
        CHECK(padded_with_zeros);
    }
    CHECK_EQ_INT(model.nsent, 4);
    CHECK_EQ_INT(nic.stats.tx_frames, 4);
    CHECK_EQ_INT(nic.stats.tx_bytes, 100 + 1514 + 61 + 14);
    CHECK_EQ_INT(model.dma_misuse, 0);
    CHECK_EQ_INT(svf_ne2000_send(&nic, f, 1515), SV_STATUS_EMSGSIZE);
    CHECK_EQ_INT(svf_ne2000_send(&nic, f, 13), SV_STATUS_EINVAL);
    CHECK_EQ_INT(model.nsent, 4);

    model.tx_abort = true;
    CHECK_EQ_INT(svf_ne2000_send(&nic, f, 100), SV_STATUS_EIO);
    CHECK_CONTAINS(nic.error, "ne2000@0x300: transmit aborted (TSR 0x08: excessive collisions)");
    CHECK_EQ_INT(nic.stats.tx_errors, 1);
    model.tx_abort = false;
    CHECK_EQ_INT(svf_ne2000_send(&nic, f, 100), SV_STATUS_OK);
}

static void test_recv(void) {
    CHECK_EQ_INT(open_nic(), SV_STATUS_OK);
    uint8_t f[1600], buf[1600];
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), 0);
    uint64_t t0 = fake_now;
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 2ull * 1000 * 1000), 0);
    CHECK(fake_now - t0 >= 2ull * 1000 * 1000);

    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    unsigned lens[] = {64, 1514, 300};
    for (unsigned i = 0; i < 3; i++) CHECK(model_ne2000_receive(&model, f, make_frame(f, i == 1 ? bcast : prom_mac, lens[i], i)));
    /* Not for us: the NIC filters it on PAR. */
    CHECK(!model_ne2000_receive(&model, f, make_frame(f, peer_mac, 100, 9)));
    for (unsigned i = 0; i < 3; i++) {
        make_frame(f, i == 1 ? bcast : prom_mac, lens[i], i);
        int n = svf_ne2000_recv(&nic, buf, sizeof buf, 0);
        CHECK_EQ_INT(n, lens[i]);
        CHECK(n == (int)lens[i] && memcmp(buf, f, lens[i]) == 0);
    }
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), 0);
    CHECK_EQ_INT(model.bnry, (nic.next == 0x46 ? 0x80 : nic.next) - 1);
    /* A short frame arrives padded to 60; a long one is cut to the caller's buffer. */
    CHECK(model_ne2000_receive(&model, f, make_frame(f, prom_mac, 20, 5)));
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), 60);
    CHECK(model_ne2000_receive(&model, f, make_frame(f, prom_mac, 200, 6)));
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, 50, 0), 200);
    CHECK(memcmp(buf, f, 50) == 0);
    CHECK_EQ_INT(nic.stats.rx_truncated, 1);
    CHECK_EQ_INT(nic.stats.rx_frames, 5);
    CHECK_EQ_INT(model.dma_misuse, 0);
}

/* Many frames through the 58-page ring: every frame size crosses PSTOP at some point. */
static void ring_wrap(bool chip_wraps) {
    CHECK_EQ_INT(open_nic(), SV_STATUS_OK);
    model.no_dma_wrap = !chip_wraps;
    uint8_t f[1600], buf[1600];
    unsigned wrapped = 0, bad = 0;
    for (unsigned i = 0; i < 200; i++) {
        unsigned len = 60 + (i * 397) % 1455;
        uint8_t before = model.curr;
        CHECK(model_ne2000_receive(&model, f, make_frame(f, prom_mac, len, i)));
        if (model.curr < before) wrapped++;
        int n = svf_ne2000_recv(&nic, buf, sizeof buf, 0);
        if (n != (int)len || memcmp(buf, f, len) != 0) bad++;
    }
    CHECK(wrapped >= 10);
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(nic.stats.rx_frames, 200);
    CHECK_EQ_INT(model.dma_misuse, 0);
}

static void test_ring_wrap(void) {
    ring_wrap(true);
    ring_wrap(false);   /* the driver splits the read itself: no reliance on the chip's wrap */
}

static void test_overflow(void) {
    CHECK_EQ_INT(open_nic(), SV_STATUS_OK);
    uint8_t f[1600], buf[1600];
    /* 1514-byte frames take 6 pages: 9 fit the 58-page ring, the 10th overflows it. */
    unsigned stored = 0;
    for (unsigned i = 0; i < 12; i++) stored += model_ne2000_receive(&model, f, make_frame(f, prom_mac, 1514, i));
    CHECK_EQ_INT(stored, 9);
    CHECK(model.isr & 0x10);
    CHECK_EQ_INT(model.cntr[2], 3);
    /* Every stored frame is delivered, in order, through the recovery. */
    for (unsigned i = 0; i < 9; i++) {
        make_frame(f, prom_mac, 1514, i);
        int n = svf_ne2000_recv(&nic, buf, sizeof buf, 0);
        CHECK_EQ_INT(n, 1514);
        CHECK(n == 1514 && memcmp(buf, f, 1514) == 0);
        if (i == 0) {
            CHECK(!(model.isr & 0x10));   /* OVW cleared after the first frame left the ring */
            CHECK_EQ_INT(model.tcr, 0);   /* transmit back from loopback */
            CHECK_EQ_INT(model.cr & 0x03, 0x02);
        }
    }
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), 0);
    CHECK_EQ_INT(nic.stats.overflows, 1);
    CHECK_EQ_INT(nic.stats.rx_missed, 3);
    /* The NIC receives again. */
    CHECK(model_ne2000_receive(&model, f, make_frame(f, prom_mac, 700, 77)));
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), 700);
    CHECK(memcmp(buf, f, 700) == 0);
    /* Transmit works after the recovery, and reaches the wire (not the loopback). */
    CHECK_EQ_INT(svf_ne2000_send(&nic, f, 700), SV_STATUS_OK);
    CHECK_EQ_INT(model.nsent, 1);
    CHECK_EQ_INT(model.loopback_sent, 0);
}

static void test_corrupt_ring(void) {
    CHECK_EQ_INT(open_nic(), SV_STATUS_OK);
    uint8_t f[1600], buf[1600];
    model.corrupt_next_header = true;
    CHECK(model_ne2000_receive(&model, f, make_frame(f, prom_mac, 100, 1)));
    CHECK(model_ne2000_receive(&model, f, make_frame(f, prom_mac, 100, 2)));
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), 0);   /* both lost with the ring */
    CHECK_EQ_INT(nic.stats.ring_resets, 1);
    CHECK_CONTAINS(nic.error, "corrupt receive ring: header at page 0x46 says next 0x10");
    CHECK_EQ_INT(model.curr, 0x46);
    CHECK(model_ne2000_receive(&model, f, make_frame(f, prom_mac, 100, 3)));
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), 100);
    CHECK(memcmp(buf, f, 100) == 0);
}

static void test_timeouts(void) {
    CHECK_EQ_INT(open_nic(), SV_STATUS_OK);
    uint8_t f[200], buf[1600];
    make_frame(f, peer_mac, 100, 1);
    model.stuck_dma = true;
    uint64_t t0 = fake_now;
    CHECK_EQ_INT(svf_ne2000_send(&nic, f, 100), SV_STATUS_ETIMEDOUT);
    CHECK(fake_now - t0 >= 10ull * 1000 * 1000);
    CHECK_CONTAINS(nic.error, "remote DMA write did not complete within 10 ms");
    CHECK(nic.needs_reset);
    model.stuck_dma = false;
    unsigned resets = model.resets;
    CHECK_EQ_INT(svf_ne2000_send(&nic, f, 100), SV_STATUS_OK);   /* reset and programmed again first */
    CHECK_EQ_INT(model.resets, resets + 1);
    CHECK_EQ_INT(model.nsent, 1);
    CHECK(model_ne2000_receive(&model, f, make_frame(f, prom_mac, 100, 2)));
    model.stuck_dma = true;
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), SV_STATUS_ETIMEDOUT);
    CHECK_CONTAINS(nic.error, "remote DMA read");
    model.stuck_dma = false;
    CHECK_EQ_INT(svf_ne2000_recv(&nic, buf, sizeof buf, 0), 0);   /* the ring was reset: the frame is gone */
    CHECK_EQ_INT(nic.stats.ring_resets, 2);
}

static void test_no_card(void) {
    model_ne2000_init(&model, 0x300, prom_mac);
    model.absent = true;
    svf_ne2000_config_t c = config();
    CHECK_EQ_INT(svf_ne2000_init(&nic, &c), SV_STATUS_ENODEV);
    CHECK_CONTAINS(nic.error, "floats at 0xff");

    model_ne2000_init(&model, 0x300, prom_mac);
    model.no_reset_ack = true;
    CHECK_EQ_INT(svf_ne2000_init(&nic, &c), SV_STATUS_ENODEV);
    CHECK_CONTAINS(nic.error, "reset was not acknowledged");

    static const uint8_t blank[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    model_ne2000_init(&model, 0x300, blank);
    CHECK_EQ_INT(svf_ne2000_init(&nic, &c), SV_STATUS_ENODEV);
    CHECK_CONTAINS(nic.error, "PROM holds no usable MAC (ff:ff:ff:ff:ff:ff)");
    c.use_mac = true;
    memcpy(c.mac, peer_mac, 6);
    CHECK_EQ_INT(svf_ne2000_init(&nic, &c), SV_STATUS_OK);
}

int main(void) {
    test_ports_attach(&model, model_ne2000_in, model_ne2000_out);
    RUN(test_init);
    RUN(test_send);
    RUN(test_recv);
    RUN(test_ring_wrap);
    RUN(test_overflow);
    RUN(test_corrupt_ring);
    RUN(test_timeouts);
    RUN(test_no_card);
    return tests_done("test_ne2000");
}
