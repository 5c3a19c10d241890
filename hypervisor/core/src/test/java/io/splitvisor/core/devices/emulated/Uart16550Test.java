package io.splitvisor.core.devices.emulated;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Uart16550Test {
    private static final int BASE = Uart16550.COM1;
    private static final int RBR = BASE, THR = BASE, DLL = BASE, IER = BASE + 1, DLM = BASE + 1, IIR = BASE + 2,
            FCR = BASE + 2, LCR = BASE + 3, MCR = BASE + 4, LSR = BASE + 5, MSR = BASE + 6, SCR = BASE + 7;

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final ArrayDeque<Byte> pending = new ArrayDeque<>();
    private long now;
    private final Uart16550 uart = new Uart16550("uart0", sent::write, this::take, () -> now);

    private byte[] take(int max) {
        int n = Math.min(max, pending.size());
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = pending.removeFirst();
        }
        return out;
    }

    private void type(String s) {
        for (byte b : s.getBytes(StandardCharsets.US_ASCII)) {
            pending.addLast(b);
        }
    }

    private int in(int port) {
        return (int) uart.in(port, 1);
    }

    private void out(int port, int v) {
        uart.out(port, 1, v);
    }

    @Test
    void resetStateMatchesTheChipAsQemuModelsIt() {
        assertEquals(0x00, in(IER));
        assertEquals(0x01, in(IIR));
        assertEquals(0x00, in(LCR));
        assertEquals(0x08, in(MCR));
        assertEquals(0x60, in(LSR));
        assertEquals(0xB0, in(MSR));
        out(LCR, 0x83);
        assertEquals(12, in(DLL));
        assertEquals(0, in(DLM));
    }

    @Test
    void divisorLatchIsBehindDlabAndDoesNotDisturbIerOrData() {
        out(IER, 0x05);
        out(LCR, 0x80 | 0x03);
        out(DLL, 0x01);
        out(DLM, 0x02);
        assertEquals(0x01, in(DLL));
        assertEquals(0x02, in(DLM));
        assertEquals(0, sent.size(), "a DLL write is not a transmitted byte");
        out(LCR, 0x03);
        assertEquals(0x05, in(IER));
        assertEquals(0x03, in(LCR));
        out(THR, 'A');
        assertEquals("A", sent.toString(StandardCharsets.US_ASCII));
        out(LCR, 0x83);
        assertEquals(0x0201, in(DLL) | in(DLM) << 8);
    }

    @Test
    void transmittedBytesReachTheConsoleAndTheTransmitterIsAlwaysEmpty() {
        for (byte b : "hello\n".getBytes(StandardCharsets.US_ASCII)) {
            assertEquals(0x60, in(LSR) & 0x60);
            out(THR, b);
        }
        assertEquals("hello\n", sent.toString(StandardCharsets.US_ASCII));
        assertEquals(0x60, in(LSR));
    }

    @Test
    void receivedBytesComeFromConsoleInputThroughTheFifo() {
        out(FCR, 0x07);
        assertEquals(0x00, in(LSR) & 0x01);
        type("ping");
        assertEquals(0x61, in(LSR));
        StringBuilder got = new StringBuilder();
        while ((in(LSR) & 0x01) != 0) {
            got.append((char) in(RBR));
        }
        assertEquals("ping", got.toString());
        assertEquals(0, in(RBR), "an empty receiver reads 0");
    }

    @Test
    void fifoTakesAtMostSixteenBytesAtATimeAndLosesNone() {
        out(FCR, 0x01);
        type("abcdefghijklmnopqrstuvwxyz");
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            got.append((char) in(RBR));
        }
        assertEquals(10, pending.size(), "the rest waits in the console input");
        while ((in(LSR) & 0x01) != 0) {
            got.append((char) in(RBR));
        }
        assertEquals("abcdefghijklmnopqrstuvwxyz", got.toString());
        assertEquals(0, in(LSR) & 0x02, "no overrun");
    }

    @Test
    void loopbackEchoesAndReflectsModemLinesWithDeltas() {
        out(FCR, 0x01);
        out(MCR, 0x10);
        in(MSR);
        out(THR, 'x');
        assertEquals(0, sent.size(), "loopback keeps the byte off the line");
        assertEquals(0x61, in(LSR));
        assertEquals('x', in(RBR));
        out(MCR, 0x10 | 0x0F);   // DTR RTS OUT1 OUT2 -> DSR CTS RI DCD
        assertEquals(0xF0 | 0x0B, in(MSR), "CTS, DSR and DCD rose (RI's delta is its trailing edge only)");
        assertEquals(0xF0, in(MSR), "reading MSR clears the deltas");
        out(MCR, 0x10 | 0x03);   // OUT1 and OUT2 fall
        assertEquals(0x30 | 0x0C, in(MSR));
        type("q");
        assertEquals(0x60, in(LSR), "console input does not reach the receiver in loopback");
        out(MCR, 0x08);
        assertEquals(0xB0, in(MSR) & 0xF0);
        assertEquals('q', in(RBR));
    }

    @Test
    void loopbackOverrunSetsOeOnceAndKeepsTheFifo() {
        out(FCR, 0x01);
        out(MCR, 0x10);
        for (int i = 0; i < 17; i++) {
            out(THR, 'a' + i);
        }
        assertEquals(0x63, in(LSR), "DR, OE, THRE, TEMT");
        assertEquals(0x61, in(LSR), "reading LSR cleared OE");
        for (int i = 0; i < 16; i++) {
            assertEquals('a' + i, in(RBR));
        }
        assertEquals(0x60, in(LSR));
    }

    @Test
    void withoutFifoASecondByteOverwritesTheFirst() {
        out(MCR, 0x10);
        out(THR, '1');
        out(THR, '2');
        assertEquals(0x63, in(LSR));
        assertEquals('2', in(RBR));
        assertEquals(0x60, in(LSR));
    }

    @Test
    void fcrClearsTheReceiveFifoAndTogglingEnableEmptiesIt() {
        out(FCR, 0x01);
        out(MCR, 0x10);
        out(THR, 'a');
        out(FCR, 0x03);
        assertEquals(0x60, in(LSR));
        out(THR, 'b');
        out(FCR, 0x00);
        assertEquals(0x60, in(LSR));
        assertEquals(0x01, in(IIR), "FIFO bits off");
        out(FCR, 0x01);
        assertEquals(0xC1, in(IIR), "FIFO bits on");
    }

    @Test
    void iirReportsSourcesInPriorityOrder() {
        out(FCR, 0x01 | 0x80);   // trigger level 8
        out(MCR, 0x10);
        in(MSR);                 // entering loopback dropped CTS, DSR and DCD: clear those deltas
        out(IER, 0x0F);
        assertEquals(0xC2, in(IIR), "enabling ETBEI with THR empty raises THR empty");
        assertEquals(0xC1, in(IIR), "reading IIR cleared it");
        for (int i = 0; i < 8; i++) {
            out(THR, 'a' + i);
        }
        assertEquals(0xC4, in(IIR), "received data at the trigger level");
        in(RBR);
        now += 1;
        assertEquals(0xC2, in(IIR), "below the trigger: no data interrupt yet, THR empty (each write raised it)");
        now += 4 * 10 * 1_000_000_000L * 12 / 115_200;
        assertEquals(0xCC, in(IIR), "character timeout after 4 character times");
        for (int i = 0; i < 10; i++) {
            out(THR, 'z');
        }
        assertEquals(0xC6, in(IIR), "overrun: line status first");
        in(LSR);
        assertEquals(0xC4, in(IIR));
        out(FCR, 0x03);
        in(IIR);
        out(MCR, 0x10 | 0x02);
        assertEquals(0xC0, in(IIR), "modem status (CTS changed)");
        in(MSR);
        assertEquals(0xC1, in(IIR));
    }

    @Test
    void scratchAndWideAccesses() {
        out(SCR, 0x5A);
        assertEquals(0x5A, in(SCR));
        uart.out(IER, 2, 0x0301);   // IER and FCR in one 16-bit write
        assertEquals(0x01, in(IER));
        assertEquals(0xC1, in(IIR));
        assertEquals(0x60, (int) uart.in(LSR, 2) & 0xFF);
    }
}
