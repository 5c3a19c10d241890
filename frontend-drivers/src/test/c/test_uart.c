/*
 * The 16550A UART driver (emul/uart16550.c) against the register model (model_uart.c).
 */
#include <stdio.h>
#include <string.h>

#include <splitvisor/abi.h>

#include "model_uart.h"
#include "svfront/uart16550.h"
#include "test.h"
#include "test_ports.h"

static model_uart_t model;
static uint64_t fake_now;

static uint64_t clock_1us(void) { return fake_now += 1000; }

static svf_uart_t uart;

static int open_uart(void) {
    svf_uart_config_t c = SVF_UART_COM1;
    c.now_ns = clock_1us;
    c.timeout_ns = 20ull * 1000 * 1000;
    return svf_uart_init(&uart, &c);
}

static void test_init(void) {
    model_uart_init(&model, 0x3F8);
    CHECK_EQ_INT(open_uart(), SV_STATUS_OK);
    CHECK_EQ_INT(model.divisor, 1);          /* 115200 baud */
    CHECK_EQ_INT(model.lcr, 0x03);           /* 8N1, DLAB off */
    CHECK_EQ_INT(model.ier, 0);
    CHECK(model.fifo_on);
    CHECK(uart.fifo);
    CHECK_EQ_INT(uart.tx_burst, 16);
    CHECK_EQ_INT(model.loopback_bytes, 1);
    CHECK(model.max_mcr_seen & 0x10);        /* loopback was used */
    CHECK_EQ_INT(model.mcr, 0x0B);           /* DTR RTS OUT2, loopback off */
    CHECK_EQ_INT(model.sent_len, 0);         /* the loopback byte never reached the line */
    CHECK_EQ_INT(model.rx_count, 0);
    CHECK(strcmp(uart.name, "uart@0x3f8") == 0);
    CHECK_EQ_INT(test_ports_stray, 0);

    /* 9600 baud: divisor 12; COM2. */
    model_uart_init(&model, 0x2F8);
    svf_uart_config_t c = {.base = 0x2F8, .baud = 9600, .now_ns = clock_1us};
    CHECK_EQ_INT(svf_uart_init(&uart, &c), SV_STATUS_OK);
    CHECK_EQ_INT(model.divisor, 12);
    c.baud = 7000;
    CHECK_EQ_INT(svf_uart_init(&uart, &c), SV_STATUS_EINVAL);
    CHECK_CONTAINS(uart.error, "7000 baud");
}

static void test_write(void) {
    model_uart_init(&model, 0x3F8);
    model.line_reads = 3;   /* a slow line */
    CHECK_EQ_INT(open_uart(), SV_STATUS_OK);
    char text[200];
    for (int i = 0; i < 200; i++) text[i] = (char)('a' + i % 26);
    CHECK_EQ_INT(svf_uart_write(&uart, text, sizeof text), 200);
    CHECK_EQ_INT(model.sent_len, 200);
    CHECK(memcmp(model.sent, text, 200) == 0);
    CHECK_EQ_INT(model.tx_overflows, 0);
    CHECK_EQ_INT(uart.stats.tx_bytes, 200);
    CHECK_EQ_INT(svf_uart_flush(&uart, 0), SV_STATUS_OK);
    CHECK_EQ_INT(model.tx_fifo, 0);

    /* An 8250/16450 without a FIFO: one byte per THRE. */
    model_uart_init(&model, 0x3F8);
    model.no_fifo = true;
    model.line_reads = 2;
    CHECK_EQ_INT(open_uart(), SV_STATUS_OK);
    CHECK(!uart.fifo);
    CHECK_EQ_INT(uart.tx_burst, 1);
    CHECK_EQ_INT(svf_uart_write(&uart, "hello, world\n", 13), 13);
    CHECK_EQ_INT(model.sent_len, 13);
    CHECK(memcmp(model.sent, "hello, world\n", 13) == 0);
    CHECK_EQ_INT(model.tx_overflows, 0);

    /* A transmitter that never empties: ETIMEDOUT after the configured time. */
    model_uart_init(&model, 0x3F8);
    CHECK_EQ_INT(open_uart(), SV_STATUS_OK);
    model.stuck_tx = true;
    uint64_t t0 = fake_now;
    CHECK_EQ_INT(svf_uart_write(&uart, text, 40), SV_STATUS_ETIMEDOUT);
    CHECK(fake_now - t0 >= 20ull * 1000 * 1000);
    CHECK_CONTAINS(uart.error, "uart@0x3f8: transmitter empty (THRE) did not come within 20 ms");
    CHECK_EQ_INT(model.tx_overflows, 0);
    CHECK_EQ_INT(svf_uart_flush(&uart, 5ull * 1000 * 1000), SV_STATUS_ETIMEDOUT);
    CHECK_CONTAINS(uart.error, "TEMT");
}

static void test_read(void) {
    model_uart_init(&model, 0x3F8);
    CHECK_EQ_INT(open_uart(), SV_STATUS_OK);
    char buf[64];
    CHECK_EQ_INT(svf_uart_read(&uart, buf, sizeof buf, 0), 0);
    uint64_t t0 = fake_now;
    CHECK_EQ_INT(svf_uart_read(&uart, buf, sizeof buf, 3ull * 1000 * 1000), 0);
    CHECK(fake_now - t0 >= 3ull * 1000 * 1000);
    model_uart_send_to_guest(&model, "hello\n", 6, 0);
    int n = svf_uart_read(&uart, buf, sizeof buf, 1000ull * 1000 * 1000);
    CHECK_EQ_INT(n, 6);
    CHECK(n == 6 && memcmp(buf, "hello\n", 6) == 0);
    /* At most cap bytes; the rest stays for the next read. */
    model_uart_send_to_guest(&model, "abcdefgh", 8, 0);
    CHECK_EQ_INT(svf_uart_read(&uart, buf, 3, UINT64_MAX), 3);
    CHECK(memcmp(buf, "abc", 3) == 0);
    CHECK_EQ_INT(svf_uart_read(&uart, buf, sizeof buf, UINT64_MAX), 5);
    CHECK(memcmp(buf, "defgh", 5) == 0);
    CHECK_EQ_INT(uart.stats.rx_bytes, 14);

    /* Bytes with a framing or parity error, or a break, are dropped and counted. */
    model_uart_send_to_guest(&model, "x", 1, 0x08);
    model_uart_send_to_guest(&model, "y", 1, 0x04);
    model_uart_send_to_guest(&model, "\0", 1, 0x10);
    model_uart_send_to_guest(&model, "ok", 2, 0);
    n = svf_uart_read(&uart, buf, sizeof buf, 1000ull * 1000 * 1000);
    CHECK_EQ_INT(n, 2);
    CHECK(memcmp(buf, "ok", 2) == 0);
    CHECK_EQ_INT(uart.stats.rx_errors, 3);

    /* Twenty bytes arrive at once: sixteen fit the FIFO, the rest is an overrun (LSR.OE). */
    model.burst = true;
    model_uart_send_to_guest(&model, "ABCDEFGHIJKLMNOPQRST", 20, 0);
    n = svf_uart_read(&uart, buf, sizeof buf, 0);
    CHECK_EQ_INT(n, 16);
    CHECK(n == 16 && memcmp(buf, "ABCDEFGHIJKLMNOP", 16) == 0);
    CHECK_EQ_INT(uart.stats.overruns, 1);
    CHECK_EQ_INT(svf_uart_read(&uart, buf, sizeof buf, 0), 0);
}

static void test_no_uart(void) {
    model_uart_init(&model, 0x3F8);
    model.absent = true;
    CHECK_EQ_INT(open_uart(), SV_STATUS_ENODEV);
    CHECK_CONTAINS(uart.error, "floats at 0xff");

    model_uart_init(&model, 0x3F8);
    model.broken_loopback = true;
    CHECK_EQ_INT(open_uart(), SV_STATUS_ENODEV);
    CHECK_CONTAINS(uart.error, "did not come back");
    CHECK_EQ_INT(model.mcr & 0x10, 0);   /* loopback is switched off again */

    /* Without the loopback test the same device is taken as it is. */
    svf_uart_config_t c = {.base = 0x3F8, .skip_loopback_test = true, .now_ns = clock_1us};
    CHECK_EQ_INT(svf_uart_init(&uart, &c), SV_STATUS_OK);
    CHECK_EQ_INT(model.mcr, 0x0B);
}

int main(void) {
    test_ports_attach(&model, model_uart_in, model_uart_out);
    RUN(test_init);
    RUN(test_write);
    RUN(test_read);
    RUN(test_no_uart);
    return tests_done("test_uart");
}
