package io.splitvisor.backend.net;

import java.util.Locale;

/** 48-bit Ethernet addresses held in the low bits of a {@code long}, and their "aa:bb:cc:dd:ee:ff" text. */
public final class MacAddress {
    /** Xen's OUI (00:16:3e), used for generated addresses. */
    public static final long XEN_OUI = 0x00163EL;

    private MacAddress() {
    }

    /** Parses "aa:bb:cc:dd:ee:ff" (or with '-'); IllegalArgumentException otherwise. */
    public static long parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + text);
        }
        long mac = 0;
        for (String p : parts) {
            if (p.length() != 2) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
            try {
                mac = mac << 8 | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address: " + text);
            }
        }
        return mac;
    }

    public static String format(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            b.append(String.format(Locale.ROOT, "%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0) {
                b.append(':');
            }
        }
        return b.toString();
    }

    /** The address at {@code offset} of a frame (0: destination, 6: source). */
    public static long read(byte[] frame, int offset) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | (frame[offset + i] & 0xFF);
        }
        return mac;
    }

    public static void write(byte[] frame, int offset, long mac) {
        for (int i = 0; i < 6; i++) {
            frame[offset + i] = (byte) (mac >>> (8 * (5 - i)));
        }
    }

    /** Group addresses (broadcast included): the I/G bit of the first octet. */
    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    /** A locally unique address in Xen's OUI: 00:16:3e:&lt;domid high&gt;:&lt;domid low&gt;:&lt;index&gt;. */
    public static long generated(int domid, int index) {
        return XEN_OUI << 24 | (long) (domid & 0xFFFF) << 8 | (index & 0xFF);
    }
}
