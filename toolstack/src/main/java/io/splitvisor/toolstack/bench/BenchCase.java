package io.splitvisor.toolstack.bench;

import java.util.List;
import java.util.Locale;

/**
 * A case of the I/O benchmark as the user selects it ({@code --cases}), the benchmark guest's
 * word for it, the device it needs, and the result rows it produces.
 */
public enum BenchCase {
    SEQ(Device.DISK, "seq-write", "seq-read"),
    RAND(Device.DISK, "rand-read"),
    RTT(Device.NIC, "net-rtt"),
    FLOOD(Device.NIC, "net-flood"),
    CONSOLE(Device.CONSOLE, "console");

    /** What a case needs attached. */
    public enum Device { DISK, NIC, CONSOLE }

    private final Device device;
    private final List<String> rows;

    BenchCase(Device device, String... rows) {
        this.device = device;
        this.rows = List.of(rows);
    }

    public Device device() {
        return device;
    }

    /** The names of the result lines this case makes, in order. */
    public List<String> rows() {
        return rows;
    }

    /** The guest's word: seq, rand, rtt, flood, console. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BenchCase parse(String text) {
        for (BenchCase c : values()) {
            if (c.word().equals(text)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown case '" + text + "' (expected seq, rand, rtt, flood or console)");
    }
}
