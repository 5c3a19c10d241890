package io.splitvisor.core.devices.emulated;

/**
 * The ATA command block registers shared by both devices of a channel, with the LBA48 "previous
 * content" of the features, count and LBA registers: every write pushes the current value into the
 * previous one, so two writes load a 16-bit count or a 48-bit address (high bytes first).
 *
 * <pre>
 *  reg (0x1F0+)  read            write         LBA28 command        LBA48 command (prev | current)
 *   1            error           features
 *   2            sector count    sector count  count (0 = 256)      count 15..8 | 7..0 (0 = 65536)
 *   3            LBA low         LBA low       LBA 7..0             LBA 31..24 | 7..0
 *   4            LBA mid         LBA mid       LBA 15..8            LBA 39..32 | 15..8
 *   5            LBA high        LBA high      LBA 23..16           LBA 47..40 | 23..16
 *   6            device          device        1 L 1 DEV LBA27..24  1 L 1 DEV - - - -   (L = LBA mode)
 * </pre>
 * With HOB (bit 7 of device control) set, reads of registers 2-5 return the previous content.
 */
final class AtaTaskFile {
    static final int DEVICE_LBA = 0x40;
    static final int DEVICE_DEV = 0x10;
    /** Bits 7 and 5 of the device register are obsolete and read as one (as QEMU keeps them). */
    static final int DEVICE_ALWAYS_ON = 0xA0;

    int features;
    int featuresPrev;
    int count;
    int countPrev;
    int lbaLow;
    int lbaLowPrev;
    int lbaMid;
    int lbaMidPrev;
    int lbaHigh;
    int lbaHighPrev;
    int device = DEVICE_ALWAYS_ON;

    /** A write of register 1-6. */
    void write(int reg, int v) {
        switch (reg) {
            case 1 -> {
                featuresPrev = features;
                features = v;
            }
            case 2 -> {
                countPrev = count;
                count = v;
            }
            case 3 -> {
                lbaLowPrev = lbaLow;
                lbaLow = v;
            }
            case 4 -> {
                lbaMidPrev = lbaMid;
                lbaMid = v;
            }
            case 5 -> {
                lbaHighPrev = lbaHigh;
                lbaHigh = v;
            }
            default -> device = v | DEVICE_ALWAYS_ON;
        }
    }

    /** A read of register 2-6 (the error register is the device's). */
    int read(int reg, boolean hob) {
        return switch (reg) {
            case 2 -> hob ? countPrev : count;
            case 3 -> hob ? lbaLowPrev : lbaLow;
            case 4 -> hob ? lbaMidPrev : lbaMid;
            case 5 -> hob ? lbaHighPrev : lbaHigh;
            default -> device;
        };
    }

    boolean slaveSelected() {
        return (device & DEVICE_DEV) != 0;
    }

    boolean lbaMode() {
        return (device & DEVICE_LBA) != 0;
    }

    /** The 28-bit LBA of an LBA28 command. */
    long lba28() {
        return (long) (device & 0x0F) << 24 | lbaHigh << 16 | lbaMid << 8 | lbaLow;
    }

    /** The 48-bit LBA of an LBA48 command. */
    long lba48() {
        return (long) lbaHighPrev << 40 | (long) lbaMidPrev << 32 | (long) lbaLowPrev << 24
                | lbaHigh << 16 | lbaMid << 8 | lbaLow;
    }

    /** Sectors of an LBA28 command (0 means 256). */
    int count28() {
        return count == 0 ? 256 : count;
    }

    /** Sectors of an LBA48 command (0 means 65536). */
    int count48() {
        int c = countPrev << 8 | count;
        return c == 0 ? 65536 : c;
    }

    /** The address registers after a transfer reached {@code lba} with {@code remaining} sectors to go, as QEMU leaves them. */
    void progress(long lba, int remaining, boolean ext) {
        lbaLow = (int) lba & 0xFF;
        lbaMid = (int) (lba >>> 8) & 0xFF;
        lbaHigh = (int) (lba >>> 16) & 0xFF;
        count = remaining & 0xFF;
        if (ext) {
            lbaLowPrev = (int) (lba >>> 24) & 0xFF;
            lbaMidPrev = (int) (lba >>> 32) & 0xFF;
            lbaHighPrev = (int) (lba >>> 40) & 0xFF;
            countPrev = (remaining >>> 8) & 0xFF;
        } else if (lbaMode()) {
            device = device & 0xF0 | (int) (lba >>> 24) & 0x0F;
        }
    }

    /** The ATA device signature after a reset or a diagnostic: count 1, LBA 1/0/0, device 0. */
    void signature() {
        count = 1;
        lbaLow = 1;
        lbaMid = 0;
        lbaHigh = 0;
        countPrev = lbaLowPrev = lbaMidPrev = lbaHighPrev = 0;
        device = DEVICE_ALWAYS_ON;
    }
}
