package io.splitvisor.core.devices.emulated;

/** The Ethernet CRC-32 as the DP8390's multicast filter uses it: the top 6 bits of the CRC of the destination address. */
final class EthernetCrc {
    private static final int POLYNOMIAL = 0x04C11DB7;

    private EthernetCrc() {
    }

    /** The CRC of {@code length} bytes from {@code offset}, bits taken least significant first, no final inversion. */
    static int crc(byte[] data, int offset, int length) {
        int crc = -1;
        for (int i = offset; i < offset + length; i++) {
            int octet = data[i];
            for (int bit = 0; bit < 8; bit++, octet >>= 1) {
                crc = (crc << 1) ^ (((crc < 0) ^ ((octet & 1) != 0)) ? POLYNOMIAL : 0);
            }
        }
        return crc;
    }

    /** The bit of MAR0-7 (0-63) that a frame to the multicast address at the start of {@code frame} needs. */
    static int multicastIndex(byte[] frame) {
        return crc(frame, 0, 6) >>> 26;
    }
}
