package io.splitvisor.core.devices.emulated;

import io.splitvisor.core.devices.PortDevice;

/**
 * An NE2000 (DP8390 core) at 0x300-0x31F: the register pages, 32 KiB of card memory at 0x4000 with
 * the station PROM at 0x0000, remote DMA through the data port, transmit from card memory and
 * receive into the ring, on an {@link EthernetSegment}. Received frames are taken from the link
 * whenever the guest touches the card (drivers poll ISR; no interrupt line is wired).
 *
 * <pre>
 *  0x300+  page 0 read   page 0 write   page 1 (r/w)   page 2 read
 *   0x00   CR            CR             CR             CR     (CR: STP 01 STA 02 TXP 04 RD 38 PS C0)
 *   0x01   CLDA0         PSTART         PAR0           PSTART
 *   0x02   CLDA1         PSTOP          PAR1           PSTOP
 *   0x03   BNRY          BNRY           PAR2           -
 *   0x04   TSR           TPSR           PAR3           TPSR
 *   0x05   NCR           TBCR0          PAR4           -
 *   0x06   FIFO          TBCR1          PAR5           -
 *   0x07   ISR           ISR (1 clears) CURR           -
 *   0x08   CRDA0         RSAR0          MAR0           -
 *   0x09   CRDA1         RSAR1          MAR1..         -
 *   0x0A   -             RBCR0          ..             -
 *   0x0B   -             RBCR1          ..             -
 *   0x0C   RSR           RCR            ..             RCR
 *   0x0D   CNTR0         TCR            ..             TCR
 *   0x0E   CNTR1         DCR            ..             DCR
 *   0x0F   CNTR2         IMR            MAR7           IMR
 *   0x10-0x17 data port (remote DMA; bytes or words per DCR.WTS, 32-bit accesses move 4 bytes)
 *   0x18-0x1F reset port (a read resets the card)
 *  ISR: PRX 01 PTX 02 RXE 04 TXE 08 OVW 10 CNT 20 RDC 40 RST 80
 *  ring entry: [status RSR][next page][length lo][length hi] frame...   (length = frame + 4)
 * </pre>
 * Like QEMU's ne2k_isa the memory is 32 KiB at 0x4000-0xBFFF (pages 0x40-0xBF) and the PROM holds
 * each MAC byte twice and 0x57 0x57 at PROM words 14/15. Frames shorter than 60 bytes are padded
 * (both ways); a transmit longer than 1514 bytes is refused (ISR.TXE, TSR.ABT); a received frame longer
 * than 1514 bytes, or one the ring has no room for (ISR.OVW), is dropped and counted in CNTR2
 * (missed). In loopback (TCR.LB) a transmitted frame is received by the card itself. The data port
 * moves bytes only while a remote read or write is active with bytes left; otherwise reads give all
 * ones and writes are ignored.
 */
public final class Ne2000 implements PortDevice {
    public static final int BASE = 0x300;
    public static final int PORTS = 0x20;
    static final int MEMORY_START = 0x4000;
    static final int MEMORY_SIZE = 0x8000;
    static final int MIN_FRAME = 60;
    static final int MAX_FRAME = 1514;

    static final int CR_STP = 0x01, CR_STA = 0x02, CR_TXP = 0x04, CR_RD_READ = 0x08, CR_RD_WRITE = 0x10,
            CR_RD_ABORT = 0x20;
    static final int ISR_PRX = 0x01, ISR_PTX = 0x02, ISR_TXE = 0x08, ISR_OVW = 0x10, ISR_RDC = 0x40, ISR_RST = 0x80;
    static final int RCR_AB = 0x04, RCR_AM = 0x08, RCR_PRO = 0x10, RCR_MON = 0x20;
    static final int TSR_PTX = 0x01, TSR_ABT = 0x08;
    static final int RSR_PRX = 0x01, RSR_PHY = 0x20;

    private final String name;
    private final EthernetSegment.Link link;
    private final byte[] prom = new byte[32];
    private final byte[] memory = new byte[MEMORY_SIZE];
    private final int[] par = new int[6];
    private final int[] mar = new int[8];

    private int cr = CR_STP | CR_RD_ABORT;
    private int pstart = 0x40;
    private int pstop = 0xC0;
    private int bnry = 0x40;
    private int tpsr;
    private int tbcr;
    private int isr = ISR_RST;
    private int rsar;
    private int rbcr;
    private int rcr;
    private int tcr;
    private int dcr;
    private int imr;
    private int curr = 0x40;
    private int tsr;
    private int rsr;
    private int missed;

    public Ne2000(String name, long mac, EthernetSegment.Link link) {
        this.name = name;
        this.link = link;
        for (int i = 0; i < 6; i++) {
            int b = (int) (mac >>> (8 * (5 - i))) & 0xFF;
            prom[2 * i] = prom[2 * i + 1] = (byte) b;
        }
        for (int i = 28; i < 32; i++) {
            prom[i] = 0x57;   // PROM words 14 and 15: the NE2000 signature drivers probe for
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long in(int port, int size) {
        int offset = port - BASE;
        if (offset >= 0x18) {
            reset();
            return 0;
        }
        pollReceive();
        if (offset >= 0x10) {
            return readData(size);
        }
        return readRegister(offset);
    }

    @Override
    public void out(int port, int size, long value) {
        int offset = port - BASE;
        if (offset >= 0x18) {
            return;   // writes to the reset port do nothing; the read resets
        }
        if (offset >= 0x10) {
            writeData(size, value);
        } else {
            writeRegister(offset, (int) value & 0xFF);
        }
        pollReceive();
    }

    @Override
    public void inString(int port, int size, int count, byte[] dst) {
        if (port - BASE < 0x10 || port - BASE >= 0x18) {
            PortDevice.super.inString(port, size, count, dst);
            return;
        }
        for (int i = 0; i < count; i++) {
            long v = readData(size);
            for (int k = 0; k < size; k++) {
                dst[i * size + k] = (byte) (v >>> (8 * k));
            }
        }
    }

    @Override
    public void outString(int port, int size, int count, java.nio.ByteBuffer src) {
        if (port - BASE < 0x10 || port - BASE >= 0x18) {
            PortDevice.super.outString(port, size, count, src);
            return;
        }
        for (int i = 0; i < count; i++) {
            long v = 0;
            for (int k = 0; k < size; k++) {
                v |= (src.get() & 0xFFL) << (8 * k);
            }
            writeData(size, v);
        }
    }

    private int page() {
        return cr >>> 6;
    }

    private int readRegister(int reg) {
        if (reg == 0) {
            return cr;
        }
        return switch (page()) {
            case 0 -> switch (reg) {
                case 3 -> bnry;
                case 4 -> tsr;
                case 7 -> isr;
                case 8 -> rsar & 0xFF;
                case 9 -> rsar >>> 8;
                case 0x0C -> rsr;
                case 0x0D, 0x0E -> 0;
                case 0x0F -> {
                    int v = Math.min(missed, 0xFF);
                    missed = 0;   // the tally counters clear when read
                    yield v;
                }
                case 1, 2, 5, 6 -> 0;
                default -> 0xFF;
            };
            case 1 -> reg <= 6 ? par[reg - 1] : reg == 7 ? curr : mar[reg - 8];
            case 2 -> switch (reg) {
                case 1 -> pstart;
                case 2 -> pstop;
                case 4 -> tpsr;
                case 0x0C -> rcr;
                case 0x0D -> tcr;
                case 0x0E -> dcr;
                case 0x0F -> imr;
                default -> 0xFF;
            };
            default -> 0xFF;
        };
    }

    private void writeRegister(int reg, int v) {
        if (reg == 0) {
            command(v);
            return;
        }
        if (page() == 1) {
            if (reg <= 6) {
                par[reg - 1] = v;
            } else if (reg == 7) {
                curr = v;
            } else {
                mar[reg - 8] = v;
            }
            return;
        }
        if (page() != 0) {
            return;   // pages 2 and 3 are read-only here (diagnostics on the chip)
        }
        switch (reg) {
            case 1 -> pstart = v;
            case 2 -> pstop = v;
            case 3 -> bnry = v;
            case 4 -> tpsr = v;
            case 5 -> tbcr = tbcr & 0xFF00 | v;
            case 6 -> tbcr = tbcr & 0xFF | v << 8;
            case 7 -> isr &= ~v;   // write 1 to clear
            case 8 -> rsar = rsar & 0xFF00 | v;
            case 9 -> rsar = rsar & 0xFF | v << 8;
            case 0x0A -> rbcr = rbcr & 0xFF00 | v;
            case 0x0B -> rbcr = rbcr & 0xFF | v << 8;
            case 0x0C -> rcr = v & 0x3F;
            case 0x0D -> tcr = v & 0x1F;
            case 0x0E -> dcr = v & 0x7F;
            default -> imr = v & 0x7F;
        }
    }

    private void command(int v) {
        cr = v & ~CR_TXP;
        if ((v & CR_STP) != 0) {
            isr |= ISR_RST;
            cr &= ~CR_STA;
            return;
        }
        if ((v & CR_STA) == 0) {
            return;
        }
        isr &= ~ISR_RST;
        if ((v & (CR_RD_READ | CR_RD_WRITE)) != 0 && (v & CR_RD_ABORT) == 0 && rbcr == 0) {
            isr |= ISR_RDC;   // a zero-length remote DMA completes at once
        }
        if ((v & CR_TXP) != 0) {
            transmit();
        }
    }

    private boolean remoteDma(int direction) {
        return (cr & (CR_RD_READ | CR_RD_WRITE | CR_RD_ABORT)) == direction && rbcr > 0;
    }

    private long readData(int size) {
        int bytes = size == 4 ? 4 : (dcr & 0x01) != 0 ? 2 : 1;
        if (!remoteDma(CR_RD_READ)) {
            return (1L << (8 * bytes)) - 1;
        }
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v |= (long) readMemory(rsar) << (8 * i);
            advanceDma();
        }
        dmaDone(bytes);
        return v;
    }

    private void writeData(int size, long value) {
        int bytes = size == 4 ? 4 : (dcr & 0x01) != 0 ? 2 : 1;
        if (!remoteDma(CR_RD_WRITE)) {
            return;
        }
        for (int i = 0; i < bytes; i++) {
            writeMemory(rsar, (int) (value >>> (8 * i)) & 0xFF);
            advanceDma();
        }
        dmaDone(bytes);
    }

    /** The remote DMA address moves on, wrapping from PSTOP to PSTART as the ring does. */
    private void advanceDma() {
        rsar = (rsar + 1) & 0xFFFF;
        if (rsar == pstop << 8 && pstop > pstart) {
            rsar = pstart << 8;
        }
    }

    private void dmaDone(int bytes) {
        if (rbcr <= bytes) {
            rbcr = 0;
            isr |= ISR_RDC;
        } else {
            rbcr -= bytes;
        }
    }

    private int readMemory(int address) {
        if (address < prom.length) {
            return prom[address] & 0xFF;
        }
        int i = address - MEMORY_START;
        return i >= 0 && i < MEMORY_SIZE ? memory[i] & 0xFF : 0xFF;
    }

    private void writeMemory(int address, int v) {
        int i = address - MEMORY_START;
        if (i >= 0 && i < MEMORY_SIZE) {
            memory[i] = (byte) v;
        }
    }

    private void transmit() {
        int length = tbcr;
        if (length > MAX_FRAME) {
            tsr = TSR_ABT;
            isr |= ISR_TXE;
            return;
        }
        byte[] frame = new byte[Math.max(length, MIN_FRAME)];
        for (int i = 0; i < length; i++) {
            frame[i] = (byte) readMemory((tpsr << 8) + i);
        }
        tsr = TSR_PTX;
        isr |= ISR_PTX;
        if ((tcr & 0x06) != 0) {
            receive(frame);   // loopback: the frame comes back to this card only
        } else {
            link.transmit(frame);
        }
    }

    private void pollReceive() {
        byte[] frame;
        while ((frame = link.receive()) != null) {
            link.received(frame, receive(frame));
        }
    }

    /** Stores a frame in the receive ring if the card is started and its address filter accepts it. */
    private boolean receive(byte[] frame) {
        if ((cr & CR_STP) != 0 || (cr & CR_STA) == 0 || !accepts(frame)) {
            return false;
        }
        if (frame.length > MAX_FRAME) {
            missed++;
            return false;
        }
        int size = Math.max(frame.length, MIN_FRAME);
        int total = size + 4;
        int pages = (total + 255) >>> 8;
        int ring = pstop - pstart;
        if (ring <= 0 || curr < pstart || curr >= pstop) {
            return false;   // no usable ring programmed
        }
        int free = bnry > curr ? bnry - curr : ring - (curr - bnry);
        if (pages >= free) {
            isr |= ISR_OVW;
            missed++;
            return false;
        }
        if ((rcr & RCR_MON) != 0) {
            return true;   // monitor mode: checked and counted, not stored
        }
        int next = curr + pages;
        if (next >= pstop) {
            next -= ring;
        }
        boolean group = (frame[0] & 1) != 0;
        int start = curr << 8;
        rsr = RSR_PRX | (group ? RSR_PHY : 0);
        writeRing(start, 0, rsr);
        writeRing(start, 1, next);
        writeRing(start, 2, total & 0xFF);
        writeRing(start, 3, total >>> 8);
        for (int i = 0; i < size; i++) {
            writeRing(start, 4 + i, i < frame.length ? frame[i] & 0xFF : 0);
        }
        curr = next;
        isr |= ISR_PRX;
        return true;
    }

    /** Writes byte {@code offset} of a ring entry starting at {@code start}, wrapping from PSTOP to PSTART. */
    private void writeRing(int start, int offset, int v) {
        int address = start + offset;
        if (address >= pstop << 8) {
            address -= (pstop - pstart) << 8;
        }
        writeMemory(address, v);
    }

    private boolean accepts(byte[] frame) {
        if (frame.length < 6) {
            return false;
        }
        if ((rcr & RCR_PRO) != 0) {
            return true;
        }
        boolean broadcast = true;
        for (int i = 0; i < 6; i++) {
            broadcast &= frame[i] == (byte) 0xFF;
        }
        if (broadcast) {
            return (rcr & RCR_AB) != 0;
        }
        if ((frame[0] & 1) != 0) {
            int index = EthernetCrc.multicastIndex(frame);
            return (rcr & RCR_AM) != 0 && (mar[index >>> 3] & (1 << (index & 7))) != 0;
        }
        for (int i = 0; i < 6; i++) {
            if ((frame[i] & 0xFF) != par[i]) {
                return false;
            }
        }
        return true;
    }

    /** A read of the reset port: stopped, remote DMA aborted, ISR.RST (card memory and registers stay). */
    private void reset() {
        cr = CR_STP | CR_RD_ABORT;
        isr = ISR_RST;
        rbcr = 0;
    }
}
