package io.splitvisor.core.devices.emulated;

import java.nio.charset.StandardCharsets;

/**
 * The 256-word IDENTIFY DEVICE block of the emulated disk (ATA/ATAPI-7 layout; words little-endian,
 * strings with the first character of each pair in the high byte):
 * <pre>
 *  word    content
 *  0       0x0040 fixed device
 *  1 3 6   default cylinders, heads (16), sectors per track (63)
 *  10-19   serial number (20 chars)     23-26 firmware revision (8)    27-46 model (40)
 *  47      0x80 | most sectors per READ/WRITE MULTIPLE block
 *  49      capabilities: LBA supported (no DMA)              50  0x4000
 *  53      words 54-58 and 64-70 valid
 *  54-58   current cylinders, heads, sectors per track, CHS capacity (58:57)
 *  59      0x0100 | current multiple setting, when one is set
 *  60-61   sectors addressable with LBA28 (at most 0x0FFFFFFF)
 *  64      PIO modes 3 and 4    65-68 cycle times (120 ns)
 *  80      major versions ATA-4 to ATA-7
 *  83, 86  supported / enabled: 48-bit addresses (bit 10), FLUSH CACHE (12), FLUSH CACHE EXT (13)
 *  84, 87  0x4000
 *  100-103 sectors addressable with LBA48
 *  255     integrity word: 0xA5 and a checksum byte making the 512 bytes sum to 0
 * </pre>
 */
final class AtaIdentify {
    static final int HEADS = 16;
    static final int SECTORS_PER_TRACK = 63;
    static final int MAX_CYLINDERS = 16383;
    static final long LBA28_LIMIT = 0x0FFF_FFFFL;

    private AtaIdentify() {
    }

    /** Default cylinders for a disk of {@code sectors} (CHS addresses the first 16383 * 16 * 63 sectors at most). */
    static int cylinders(long sectors) {
        return (int) Math.max(1, Math.min(MAX_CYLINDERS, sectors / (HEADS * SECTORS_PER_TRACK)));
    }

    static byte[] build(long sectors, String serial, String model, int maxMultiple, int multiple) {
        int[] w = new int[256];
        int cyl = cylinders(sectors);
        long chsCapacity = (long) cyl * HEADS * SECTORS_PER_TRACK;
        w[0] = 0x0040;
        w[1] = cyl;
        w[3] = HEADS;
        w[6] = SECTORS_PER_TRACK;
        string(w, 10, 20, serial);
        string(w, 23, 8, "1.0");
        string(w, 27, 40, model);
        w[47] = 0x8000 | maxMultiple;
        w[49] = 0x0200;
        w[50] = 0x4000;
        w[53] = 0x0003;
        w[54] = cyl;
        w[55] = HEADS;
        w[56] = SECTORS_PER_TRACK;
        w[57] = (int) (chsCapacity & 0xFFFF);
        w[58] = (int) (chsCapacity >>> 16);
        w[59] = multiple != 0 ? 0x0100 | multiple : 0;
        long lba28 = Math.min(sectors, LBA28_LIMIT);
        w[60] = (int) (lba28 & 0xFFFF);
        w[61] = (int) (lba28 >>> 16);
        w[64] = 0x0003;
        w[65] = w[66] = w[67] = w[68] = 120;
        w[80] = 0x00F0;
        w[83] = 0x4000 | 0x2000 | 0x1000 | 0x0400;
        w[84] = 0x4000;
        w[86] = 0x2000 | 0x1000 | 0x0400;
        w[87] = 0x4000;
        for (int i = 0; i < 4; i++) {
            w[100 + i] = (int) (sectors >>> (16 * i)) & 0xFFFF;
        }
        byte[] out = new byte[512];
        for (int i = 0; i < 256; i++) {
            out[2 * i] = (byte) w[i];
            out[2 * i + 1] = (byte) (w[i] >>> 8);
        }
        out[510] = (byte) 0xA5;
        int sum = 0;
        for (int i = 0; i < 511; i++) {
            sum += out[i] & 0xFF;
        }
        out[511] = (byte) -sum;
        return out;
    }

    /** An ATA string: space padded, two characters per word, the first in the high byte. */
    private static void string(int[] w, int word, int chars, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < chars; i += 2) {
            int hi = i < b.length ? b[i] & 0x7F : ' ';
            int lo = i + 1 < b.length ? b[i + 1] & 0x7F : ' ';
            w[word + i / 2] = hi << 8 | lo;
        }
    }
}
