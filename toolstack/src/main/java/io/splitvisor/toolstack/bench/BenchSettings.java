package io.splitvisor.toolstack.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code splitvisor bench} measures and how often.
 *
 * @param mib       sequential region in MiB
 * @param xferKib   bytes per sequential transfer, in KiB
 * @param randOps   random 4 KiB reads per run
 * @param rtts      round trips per run
 * @param frames    flood frames per run
 * @param lines     console lines per run
 * @param runs      measured runs per path and engine
 * @param warmup    warm-up runs per path and engine (not reported)
 * @param timeoutSeconds  the longest one run may take
 * @param batchStringIo   REP INS/OUTS move up to a page per exit (as KVM does) instead of one element per exit
 */
public record BenchSettings(long mib, long xferKib, long randOps, long rtts, long frames, long lines, int runs, int warmup,
                            List<BenchCase> cases, List<IoPath> paths, List<String> engines, Path guest, Path outDir,
                            long timeoutSeconds, boolean batchStringIo) {
    /** How long the guest waits for a device, its peer or the host's "go". */
    static final long GUEST_WAIT_SECONDS = 120;

    public BenchSettings {
        cases = List.copyOf(cases);
        paths = List.copyOf(paths);
        engines = List.copyOf(engines);
    }

    /** Checks the numbers; returns the problem in one line, or null. */
    public String problem() {
        if (mib < 1 || mib > 1024) {
            return "--mib must be 1 to 1024";
        }
        if (xferKib < 1 || xferKib > 16384 || (xferKib * 1024) % 512 != 0) {
            return "--xfer must be 1 to 16384 KiB";
        }
        if (randOps < 1 || randOps > 4096) {
            return "--rand-ops must be 1 to 4096";
        }
        if (rtts < 1 || frames < 1 || lines < 1 || lines > 1_000_000 || rtts > 10_000_000 || frames > 10_000_000) {
            return "--rtts and --frames must be 1 to 10000000, --lines 1 to 1000000";
        }
        if (runs < 1 || runs > 1000 || warmup < 0 || warmup > 1000) {
            return "--runs must be 1 to 1000 and --warmup 0 to 1000";
        }
        if (timeoutSeconds < 1) {
            return "--timeout must be at least 1 second";
        }
        if (cases.isEmpty() || paths.isEmpty() || engines.isEmpty()) {
            return "--cases, --paths and --engines need at least one value each";
        }
        return null;
    }

    /** The initiator's command line. */
    String guestCmdline(IoPath path, long seed) {
        StringBuilder words = new StringBuilder();
        for (BenchCase c : cases) {
            words.append(words.length() == 0 ? "" : ",").append(c.word());
        }
        return "io=" + path.label() + " cases=" + words + " mib=" + mib + " xfer=" + xferKib + " randops=" + randOps
                + " rtts=" + rtts + " frames=" + frames + " lines=" + lines + " seed=" + seed + " timeout=" + GUEST_WAIT_SECONDS
                + " marks";
    }

    /** The echo peer's command line. */
    String peerCmdline(IoPath path, long seed) {
        return "io=" + path.label() + " cases=echo seed=" + seed + " timeout=" + GUEST_WAIT_SECONDS;
    }

    /** Guest memory for the initiator: the data buffer, the console text and room for the rest. */
    long guestMemory() {
        long data = Math.max(mib << 20, randOps * 4096);
        long text = lines * 112;
        long total = data + text + (32L << 20);
        return (total + (1 << 20) - 1) & -(1L << 20);
    }

    boolean needs(BenchCase.Device device) {
        return cases.stream().anyMatch(c -> c.device() == device);
    }
}
