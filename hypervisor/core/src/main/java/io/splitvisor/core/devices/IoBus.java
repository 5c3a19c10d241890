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
        for (int p = first; p < first + count; p++) {
            devices[p] = device;
        }
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

    private void unclaimed(int port, String what) {
        if (!reportedUnclaimed) {
            reportedUnclaimed = true;   // once per domain: a guest probing ports must not flood the log
            LOG.info("{}: {} on unclaimed port 0x{} (reads all ones, writes ignored; reported once)",
                    owner, what, Integer.toHexString(port));
        }
    }
}
