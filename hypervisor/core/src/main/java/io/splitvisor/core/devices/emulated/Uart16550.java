package io.splitvisor.core.devices.emulated;

import io.splitvisor.core.devices.PortDevice;

import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * A 16550A UART (COM1 at 0x3F8). Transmission is instantaneous (THRE and TEMT are set again before
 * the guest can look), so transmitted bytes go straight to the domain's console; received bytes
 * are taken from the domain's console input whenever the receiver is empty, so none is ever lost
 * to an overrun (only loopback can overrun it, as on the chip). No interrupt line is wired: the
 * guest polls, but IIR reports the pending source as the chip would.
 *
 * <pre>
 *  offset  DLAB=0 read / write         DLAB=1
 *   +0     RBR receive / THR transmit  DLL divisor low
 *   +1     IER  (ERBFI ETBEI ELSI EDSSI) DLM divisor high
 *   +2     IIR read / FCR write        (same)
 *   +3     LCR  (bit 7 DLAB, bit 6 break, 0-5 frame format)
 *   +4     MCR  (DTR RTS OUT1 OUT2 LOOP)
 *   +5     LSR  (DR OE PE FE BI THRE TEMT RXFE)
 *   +6     MSR  (DCTS DDSR TERI DDCD | CTS DSR RI DCD)
 *   +7     SCR  scratch
 *  IIR: bit 0 = 1 when nothing is pending; bits 3..1 = 011 line status, 010 data, 110 character
 *  timeout, 001 THR empty, 000 modem status (that priority order); bits 7..6 = 11 with FIFOs on.
 * </pre>
 * Reset state as in QEMU's serial device: divisor 12 (9600 baud), MCR OUT2, LSR 0x60, MSR 0xB0
 * (DCD, DSR and CTS asserted by the far end).
 */
public final class Uart16550 implements PortDevice {
    public static final int COM1 = 0x3F8;
    public static final int PORTS = 8;
    static final int FIFO_SIZE = 16;

    static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_BI = 0x10, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    static final int IIR_NONE = 0x01, IIR_LINE = 0x06, IIR_DATA = 0x04, IIR_TIMEOUT = 0x0C, IIR_THR = 0x02,
            IIR_MODEM = 0x00, IIR_FIFO = 0xC0;
    static final int IER_DATA = 0x01, IER_THR = 0x02, IER_LINE = 0x04, IER_MODEM = 0x08;
    static final int FCR_ENABLE = 0x01, FCR_CLEAR_RX = 0x02, FCR_CLEAR_TX = 0x04;
    static final int LCR_DLAB = 0x80, LCR_BREAK = 0x40;
    static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    static final int MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;
    private static final int[] TRIGGER = {1, 4, 8, 14};
    private static final long BAUD_CLOCK = 115_200;

    /** Where transmitted bytes go. */
    public interface Output {
        void write(byte b);
    }

    private final String name;
    private final Output output;
    private final IntFunction<byte[]> input;
    private final LongSupplier nanoClock;

    private final byte[] rx = new byte[FIFO_SIZE];
    private int rxHead;
    private int rxCount;
    private long lastRxActivity;
    private int divisor = 12;
    private int ier;
    private int fcr;
    private int lcr;
    private int mcr = MCR_OUT2;
    private int lsrErrors;
    private int msr = MSR_DCD | MSR_DSR | MSR_CTS;
    private int scr;
    private boolean thrInterrupt;

    /**
     * @param output    receives every transmitted byte (the domain's console)
     * @param input     gives up to N received bytes (the domain's console input); never blocks
     * @param nanoClock {@link System#nanoTime()} or a test clock (the character timeout is 4 character times)
     */
    public Uart16550(String name, Output output, IntFunction<byte[]> input, LongSupplier nanoClock) {
        this.name = name;
        this.output = output;
        this.input = input;
        this.nanoClock = nanoClock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long in(int port, int size) {
        int v = read(port & 7);
        // wider accesses read the next registers too, as two byte accesses would on the ISA bus
        for (int i = 1; i < size; i++) {
            v |= read((port + i) & 7) << (8 * i);
        }
        return v & 0xFFFFFFFFL;
    }

    @Override
    public void out(int port, int size, long value) {
        for (int i = 0; i < size; i++) {
            write((port + i) & 7, (int) (value >>> (8 * i)) & 0xFF);
        }
    }

    private int read(int reg) {
        return switch (reg) {
            case 0 -> (lcr & LCR_DLAB) != 0 ? divisor & 0xFF : receive();
            case 1 -> (lcr & LCR_DLAB) != 0 ? divisor >>> 8 : ier;
            case 2 -> interruptIdentification();
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> lineStatus();
            case 6 -> modemStatus();
            default -> scr;
        };
    }

    private void write(int reg, int v) {
        switch (reg) {
            case 0 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = divisor & 0xFF00 | v;
                } else {
                    transmit((byte) v);
                }
            }
            case 1 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = divisor & 0xFF | v << 8;
                } else {
                    // enabling the THR interrupt while THR is empty raises it at once (the chip does)
                    if ((v & IER_THR) != 0 && (ier & IER_THR) == 0) {
                        thrInterrupt = true;
                    }
                    ier = v & 0x0F;
                }
            }
            case 2 -> fifoControl(v);
            case 3 -> lcr = v;
            case 4 -> modemControl(v & 0x1F);
            case 5 -> { }   // LSR: factory test register on the chip; writes ignored
            case 6 -> { }   // MSR is read-only
            default -> scr = v;
        }
    }

    private void transmit(byte b) {
        thrInterrupt = true;   // the byte leaves at once: THR is empty again
        if ((mcr & MCR_LOOP) != 0) {
            push(b);
        } else {
            output.write(b);
        }
    }

    private int receive() {
        refill();
        if (rxCount == 0) {
            return 0;   // RBR keeps no stale byte we could repeat; reading an empty receiver gives 0
        }
        int b = rx[rxHead] & 0xFF;
        rxHead = (rxHead + 1) % FIFO_SIZE;
        rxCount--;
        lastRxActivity = nanoClock.getAsLong();
        return b;
    }

    /** A byte arriving at the receiver: into the FIFO (or the holding register), or an overrun. */
    private void push(byte b) {
        int capacity = fifoEnabled() ? FIFO_SIZE : 1;
        if (rxCount >= capacity) {
            lsrErrors |= LSR_OE;
            if (!fifoEnabled()) {
                rx[rxHead] = b;   // without a FIFO the new byte replaces the unread one
            }
            return;
        }
        rx[(rxHead + rxCount) % FIFO_SIZE] = b;
        rxCount++;
        lastRxActivity = nanoClock.getAsLong();
    }

    /** Takes waiting console input into an empty receiver (not in loopback, where the line is disconnected). */
    private void refill() {
        if (rxCount != 0 || (mcr & MCR_LOOP) != 0) {
            return;
        }
        byte[] data = input.apply(fifoEnabled() ? FIFO_SIZE : 1);
        for (byte b : data) {
            push(b);
        }
    }

    private boolean fifoEnabled() {
        return (fcr & FCR_ENABLE) != 0;
    }

    private void fifoControl(int v) {
        if (((v ^ fcr) & FCR_ENABLE) != 0) {
            rxCount = 0;   // turning the FIFOs on or off empties them
        }
        if ((v & FCR_ENABLE) == 0) {
            fcr = 0;
            return;
        }
        if ((v & FCR_CLEAR_RX) != 0) {
            rxCount = 0;
            lsrErrors &= ~LSR_OE;
        }
        fcr = v & 0xC9;   // the clear bits are self-clearing; keep enable, DMA mode and trigger
        // FCR_CLEAR_TX: the transmitter is always empty here
    }

    private int lineStatus() {
        refill();
        int v = lsrErrors | LSR_THRE | LSR_TEMT | (rxCount > 0 ? LSR_DR : 0);
        lsrErrors = 0;   // reading LSR clears OE, PE, FE and BI
        return v;
    }

    private int interruptIdentification() {
        refill();
        int fifo = fifoEnabled() ? IIR_FIFO : 0;
        if ((ier & IER_LINE) != 0 && lsrErrors != 0) {
            return IIR_LINE | fifo;
        }
        if ((ier & IER_DATA) != 0 && rxCount > 0) {
            if (!fifoEnabled() || rxCount >= TRIGGER[fcr >>> 6]) {
                return IIR_DATA | fifo;
            }
            if (nanoClock.getAsLong() - lastRxActivity >= characterTimeoutNanos()) {
                return IIR_TIMEOUT | fifo;
            }
        }
        if ((ier & IER_THR) != 0 && thrInterrupt) {
            thrInterrupt = false;   // reading IIR while it names THR empty clears that interrupt
            return IIR_THR | fifo;
        }
        if ((ier & IER_MODEM) != 0 && (msr & 0x0F) != 0) {
            return IIR_MODEM | fifo;
        }
        return IIR_NONE | fifo;
    }

    /** Four character times of 10 bits at the programmed rate (divisor 0 treated as 65536, its slowest). */
    private long characterTimeoutNanos() {
        long div = divisor == 0 ? 0x10000 : divisor;
        return 4 * 10 * 1_000_000_000L * div / BAUD_CLOCK;
    }

    private void modemControl(int v) {
        mcr = v;
        int lines = (v & MCR_LOOP) != 0
                ? ((v & MCR_RTS) != 0 ? MSR_CTS : 0) | ((v & MCR_DTR) != 0 ? MSR_DSR : 0)
                        | ((v & MCR_OUT1) != 0 ? MSR_RI : 0) | ((v & MCR_OUT2) != 0 ? MSR_DCD : 0)
                : MSR_DCD | MSR_DSR | MSR_CTS;
        int changed = (msr ^ lines) & 0xF0;
        int deltas = (changed & MSR_CTS) != 0 ? 0x01 : 0;
        deltas |= (changed & MSR_DSR) != 0 ? 0x02 : 0;
        deltas |= (changed & MSR_RI) != 0 && (lines & MSR_RI) == 0 ? 0x04 : 0;   // TERI: trailing edge only
        deltas |= (changed & MSR_DCD) != 0 ? 0x08 : 0;
        msr = lines | (msr & 0x0F) | deltas;
    }

    private int modemStatus() {
        int v = msr;
        msr &= 0xF0;   // reading MSR clears the delta bits
        return v;
    }
}
