package io.splitvisor.core.devices.emulated;

import io.splitvisor.core.devices.PortDevice;
import io.splitvisor.core.devices.RawImage;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An ATA disk, master on the primary channel, PIO only, on a {@link RawImage}. Every command
 * completes within the exit that issues it, so BSY is seen only while SRST is held.
 *
 * <pre>
 *  0x1F0 data (16 bit; 32-bit accesses move two words)
 *  0x1F1 error / features        0x1F2-0x1F6 task file ({@link AtaTaskFile}, with HOB pairs)
 *  0x1F7 status / command        0x3F6 alternate status / device control (HOB 0x80, SRST 0x04, nIEN 0x02)
 *  status: BSY 0x80  DRDY 0x40  DF 0x20  DSC 0x10  DRQ 0x08  ERR 0x01
 *  error:  IDNF 0x10 (address past the end)  ABRT 0x04 (command refused or failed)
 * </pre>
 * Behaviour on bad sequences, as the chip and QEMU's IDE disk: a data read without DRQ returns 0xFFFF
 * and changes nothing (QEMU returns 0; the value is indeterminate on the chip), a data write without DRQ
 * is ignored, a command or register write while BSY or DRQ is set is ignored, an unknown command is
 * ERR+ABRT, an address past the end is ERR+IDNF (before any data moves), a write command on a
 * read-only image is ERR+ABRT at once (no DRQ), a failed host read, write or fsync is ERR+ABRT. No
 * device 1 exists: with DEV set, status and alternate status read 0x00 (as QEMU's empty slave) and
 * commands are ignored. The multiple setting starts at 16 sectors, as in QEMU.
 */
public final class AtaDisk implements PortDevice {
    public static final int COMMAND_BLOCK = 0x1F0;
    public static final int CONTROL = 0x3F6;
    public static final int MAX_MULTIPLE = 16;
    static final int SECTOR = RawImage.SECTOR;

    static final int BSY = 0x80, DRDY = 0x40, DF = 0x20, DSC = 0x10, DRQ = 0x08, ERR = 0x01;
    static final int IDNF = 0x10, ABRT = 0x04;
    static final int CTL_HOB = 0x80, CTL_SRST = 0x04, CTL_NIEN = 0x02;

    private enum Transfer { NONE, IDENTIFY, READ, WRITE }

    private final String name;
    private final RawImage image;
    private final String serial;
    private final AtaTaskFile regs = new AtaTaskFile();
    private final byte[] buffer = new byte[MAX_MULTIPLE * SECTOR];
    private int status = DRDY | DSC;
    private int error = 0x01;   // power-on diagnostic: device 0 passed
    private int control;
    private int multiple = MAX_MULTIPLE;
    private int chsHeads = AtaIdentify.HEADS;
    private int chsSectors = AtaIdentify.SECTORS_PER_TRACK;

    private Transfer transfer = Transfer.NONE;
    private int position;
    private int end;
    private long nextLba;
    private int remaining;
    private int blockLimit;
    private boolean ext;

    public AtaDisk(String name, RawImage image, String serial) {
        this.name = name;
        this.image = image;
        this.serial = serial;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long in(int port, int size) {
        if (port == COMMAND_BLOCK) {
            long v = readWord();
            return size == 4 ? v | (long) readWord() << 16 : size == 1 ? v & 0xFF : v;
        }
        int v = port == CONTROL ? visibleStatus() : readRegister(port - COMMAND_BLOCK);
        return size == 1 ? v : v | (-1L << 8) & (-1L >>> (64 - 8 * size));
    }

    @Override
    public void out(int port, int size, long value) {
        if (port == COMMAND_BLOCK) {
            writeWord((int) value & 0xFFFF);
            if (size == 4) {
                writeWord((int) (value >>> 16) & 0xFFFF);
            }
        } else if (port == CONTROL) {
            deviceControl((int) value & 0xFF);
        } else if (port == COMMAND_BLOCK + 7) {
            command((int) value & 0xFF);
        } else if ((status & (BSY | DRQ)) == 0) {   // register writes while busy are ignored (QEMU does the same)
            regs.write(port - COMMAND_BLOCK, (int) value & 0xFF);
            control &= ~CTL_HOB;   // a command block write clears HOB
        }
    }

    @Override
    public void inString(int port, int size, int count, byte[] dst) {
        if (port != COMMAND_BLOCK || size == 1) {
            PortDevice.super.inString(port, size, count, dst);
            return;
        }
        int done = 0;
        int total = count * size;
        while (done < total && (transfer == Transfer.READ || transfer == Transfer.IDENTIFY)) {
            int n = Math.min(total - done, end - position);
            System.arraycopy(buffer, position, dst, done, n);
            position += n;
            done += n;
            if (position >= end) {
                blockDone();
            }
        }
        java.util.Arrays.fill(dst, done, total, (byte) 0xFF);
    }

    @Override
    public void outString(int port, int size, int count, ByteBuffer src) {
        if (port != COMMAND_BLOCK || size == 1) {
            PortDevice.super.outString(port, size, count, src);
            return;
        }
        int left = count * size;
        while (left > 0 && transfer == Transfer.WRITE) {
            int n = Math.min(left, end - position);
            src.get(buffer, position, n);
            position += n;
            left -= n;
            if (position >= end) {
                blockDone();
            }
        }
        src.position(src.position() + left);   // words after the transfer ended are ignored
    }

    private int visibleStatus() {
        return regs.slaveSelected() ? 0 : status;
    }

    private int readRegister(int reg) {
        return switch (reg) {
            case 1 -> error;
            case 7 -> visibleStatus();
            default -> regs.read(reg, (control & CTL_HOB) != 0);
        };
    }

    private int readWord() {
        if ((status & DRQ) == 0 || (transfer != Transfer.READ && transfer != Transfer.IDENTIFY)) {
            return 0xFFFF;
        }
        int v = buffer[position] & 0xFF | (buffer[position + 1] & 0xFF) << 8;
        position += 2;
        if (position >= end) {
            blockDone();
        }
        return v;
    }

    private void writeWord(int v) {
        if ((status & DRQ) == 0 || transfer != Transfer.WRITE) {
            return;
        }
        buffer[position] = (byte) v;
        buffer[position + 1] = (byte) (v >>> 8);
        position += 2;
        if (position >= end) {
            blockDone();
        }
    }

    private void deviceControl(int v) {
        boolean wasReset = (control & CTL_SRST) != 0;
        control = v;
        if ((v & CTL_SRST) != 0 && !wasReset) {
            transfer = Transfer.NONE;
            status = BSY | DSC;
        } else if ((v & CTL_SRST) == 0 && wasReset) {
            regs.signature();
            error = 0x01;
            status = DRDY | DSC;
        }
    }

    private void command(int cmd) {
        if (regs.slaveSelected() || (status & (BSY | DRQ)) != 0) {
            return;   // no device 1; a command during a transfer or a reset is ignored
        }
        control &= ~CTL_HOB;
        error = 0;
        status = DRDY | DSC;
        switch (cmd) {
            case 0xEC -> identify();
            case 0x20, 0x21 -> start(Transfer.READ, false, 1);
            case 0x24 -> start(Transfer.READ, true, 1);
            case 0x30, 0x31 -> start(Transfer.WRITE, false, 1);
            case 0x34 -> start(Transfer.WRITE, true, 1);
            case 0xC4 -> start(Transfer.READ, false, multiple);
            case 0x29 -> start(Transfer.READ, true, multiple);
            case 0xC5 -> start(Transfer.WRITE, false, multiple);
            case 0x39 -> start(Transfer.WRITE, true, multiple);
            case 0xC6 -> setMultiple(regs.count);
            case 0xE7, 0xEA -> flush();
            case 0x40, 0x41 -> verify(false);
            case 0x42 -> verify(true);
            case 0x90 -> {   // EXECUTE DEVICE DIAGNOSTIC: the signature, and "device 0 passed"
                regs.signature();
                error = 0x01;
            }
            case 0x91 -> {   // INITIALIZE DEVICE PARAMETERS: the CHS translation
                chsHeads = (regs.device & 0x0F) + 1;
                chsSectors = regs.count;
            }
            case 0xE5 -> regs.count = 0xFF;   // CHECK POWER MODE: active
            case 0xEF -> setFeatures(regs.features, regs.count);
            default -> {
                if ((cmd & 0xF0) != 0x10) {   // 0x1x: RECALIBRATE, nothing to do
                    fail(ABRT);
                }
            }
        }
    }

    private void identify() {
        byte[] block = AtaIdentify.build(image.sectors(), serial, "Splitvisor ATA disk", MAX_MULTIPLE, multiple);
        System.arraycopy(block, 0, buffer, 0, SECTOR);
        transfer = Transfer.IDENTIFY;
        position = 0;
        end = SECTOR;
        remaining = 1;
        status = DRDY | DSC | DRQ;
    }

    private void start(Transfer kind, boolean lba48, int blockSectors) {
        if (blockSectors == 0) {
            fail(ABRT);   // READ/WRITE MULTIPLE with multiple mode off
            return;
        }
        if (kind == Transfer.WRITE && image.readOnly()) {
            fail(ABRT);
            return;
        }
        long lba = lba48 ? regs.lba48() : address28();
        int count = lba48 ? regs.count48() : regs.count28();
        if (lba < 0 || !image.contains(lba, count)) {
            fail(IDNF);
            return;
        }
        transfer = kind;
        ext = lba48;
        nextLba = lba;
        remaining = count;
        blockLimit = blockSectors;
        nextBlock();
    }

    /** The address of an LBA28 or CHS command; -1 for a CHS address that names no sector. */
    private long address28() {
        if (regs.lbaMode()) {
            return regs.lba28();
        }
        int cylinder = regs.lbaHigh << 8 | regs.lbaMid;
        int head = regs.device & 0x0F;
        int sector = regs.lbaLow;
        if (sector == 0 || sector > chsSectors || head >= chsHeads) {
            return -1;
        }
        return ((long) cylinder * chsHeads + head) * chsSectors + sector - 1;
    }

    /** Makes the next DRQ block ready: read from the image, or an empty buffer to fill. */
    private void nextBlock() {
        int sectors = Math.min(blockLimit, remaining);
        position = 0;
        end = sectors * SECTOR;
        if (transfer == Transfer.READ) {
            try {
                image.read(nextLba, ByteBuffer.wrap(buffer, 0, end));
            } catch (IOException e) {
                fail(ABRT);
                return;
            }
        }
        status = DRDY | DSC | DRQ;
    }

    /** The guest moved a whole DRQ block. */
    private void blockDone() {
        if (transfer == Transfer.IDENTIFY) {
            finish();
            return;
        }
        int sectors = end / SECTOR;
        if (transfer == Transfer.WRITE) {
            try {
                image.write(nextLba, ByteBuffer.wrap(buffer, 0, end));
            } catch (IOException e) {
                fail(ABRT);
                return;
            }
        }
        nextLba += sectors;
        remaining -= sectors;
        regs.progress(nextLba, remaining, ext);
        if (remaining == 0) {
            finish();
        } else {
            nextBlock();
        }
    }

    private void finish() {
        transfer = Transfer.NONE;
        status = DRDY | DSC;
    }

    private void fail(int why) {
        transfer = Transfer.NONE;
        error = why;
        status = DRDY | DSC | ERR;
    }

    private void setMultiple(int count) {
        if (count > MAX_MULTIPLE || (count & (count - 1)) != 0) {
            fail(ABRT);
        } else {
            multiple = count;   // 0 turns multiple mode off
        }
    }

    private void flush() {
        try {
            image.flush();
        } catch (IOException e) {
            fail(ABRT);
        }
    }

    private void verify(boolean lba48) {
        long lba = lba48 ? regs.lba48() : address28();
        int count = lba48 ? regs.count48() : regs.count28();
        if (lba < 0 || !image.contains(lba, count)) {
            fail(IDNF);
        }
    }

    /** SET FEATURES: PIO transfer modes and the write cache switches are accepted; DMA modes and the rest abort. */
    private void setFeatures(int feature, int value) {
        boolean ok = switch (feature) {
            case 0x03 -> value <= 0x01 || (value >= 0x08 && value <= 0x0C);
            case 0x02, 0x82, 0x66, 0xCC -> true;
            default -> false;
        };
        if (!ok) {
            fail(ABRT);
        }
    }
}
