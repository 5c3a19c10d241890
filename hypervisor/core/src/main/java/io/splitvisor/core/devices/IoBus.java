package io.splitvisor.core.devices;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One domain's I/O port space: which device answers each of the 65536 ports. Ports no device
 * claims read as all ones and ignore writes, as on a PC.
 */
public final class IoBus {
    private static final Logger LOG = LoggerFactory.getLogger(IoBus.class);
    private static final int PORTS = 0x10000;

    private final PortDevice[] devices = new PortDevice[PORTS];
    private final byte[] claimIndex = new byte[PORTS];
    private final java.util.List<PortDevice> claimants = new java.util.ArrayList<>();
    private final String owner;
    private boolean reportedUnclaimed;

    public IoBus(String owner) {
        this.owner = owner;
    }

    /** Claims {@code count} ports from {@code first} for {@code device}; refuses overlaps. */
    public void register(int first, int count, PortDevice device) {
        if (first < 0 || count <= 0 || first + count > PORTS) {
            throw new IllegalArgumentException("ports 0x" + Integer.toHexString(first) + "+" + count + " are out of range");
        }
        for (int p = first; p < first + count; p++) {
            if (devices[p] != null) {
                throw new IllegalArgumentException(String.format("port 0x%x is already claimed by %s", p, devices[p].name()));
            }
        }
        int index = claimants.indexOf(device);
        if (index < 0) {
            if (claimants.size() >= 255) {
                throw new IllegalArgumentException("too many devices on one bus");
            }
            claimants.add(device);
            index = claimants.size() - 1;
        }
        for (int p = first; p < first + count; p++) {
            devices[p] = device;
            claimIndex[p] = (byte) (index + 1);
        }
    }

    /** Every device with a port on this bus, in the order they first claimed one. */
    public java.util.List<PortDevice> devices() {
        return java.util.List.copyOf(claimants);
    }

    /** The position in {@link #devices()} of the device at {@code port}, or -1 when the port is unclaimed. */
    public int deviceIndex(int port) {
        return (claimIndex[port & 0xFFFF] & 0xFF) - 1;
    }

    public PortDevice deviceAt(int port) {
        return devices[port & 0xFFFF];
    }

    public long in(int port, int size) {
        PortDevice d = devices[port & 0xFFFF];
        if (d == null) {
            unclaimed(port, "IN");
            return size >= 8 ? -1L : (1L << (size * 8)) - 1;
        }
        return d.in(port & 0xFFFF, size);
    }

    public void out(int port, int size, long value) {
        PortDevice d = devices[port & 0xFFFF];
        if (d == null) {
            unclaimed(port, "OUT");
            return;
        }
        d.out(port & 0xFFFF, size, value);
    }

    /** A batched REP INS of {@code count} elements into {@code dst}; an unclaimed port gives all ones. */
    public void inString(int port, int size, int count, byte[] dst) {
        PortDevice d = devices[port & 0xFFFF];
        if (d == null) {
            unclaimed(port, "INS");
            java.util.Arrays.fill(dst, 0, size * count, (byte) 0xFF);
            return;
        }
        d.inString(port & 0xFFFF, size, count, dst);
    }

    /** A batched REP OUTS of {@code count} elements from {@code src}; an unclaimed port ignores them. */
    public void outString(int port, int size, int count, java.nio.ByteBuffer src) {
        PortDevice d = devices[port & 0xFFFF];
        if (d == null) {
            unclaimed(port, "OUTS");
            return;
        }
        d.outString(port & 0xFFFF, size, count, src);
    }

    private void unclaimed(int port, String what) {
        if (!reportedUnclaimed) {
            reportedUnclaimed = true;   // once per domain: a guest probing ports must not flood the log
            LOG.info("{}: {} on unclaimed port 0x{} (reads all ones, writes ignored; reported once)",
                    owner, what, Integer.toHexString(port));
        }
    }
}
