package io.splitvisor.frontend;

import io.splitvisor.core.domain.Domain;
import io.splitvisor.core.domain.DomainConfig;
import io.splitvisor.core.loader.GuestImageException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The C frontends, driven from a test: runs the {@code frontend-under-test} example guest (built
 * by frontend-drivers' Makefile) in serve mode on a real CPU engine, sends it one operation per
 * line on console 0 and parses its result lines ("fut: OP -> OK key=value ..." or
 * "fut: OP -> ERR NAME", then any "fut-data: HEX" lines). See the guest's main.c for the operations.
 */
public final class FrontendUnderTestGuest implements AutoCloseable {
    public static final Duration OP_TIMEOUT = Duration.ofSeconds(60);
    /** The core's ConsoleLog ends a line after this many characters (a 2048-byte data line is longer). */
    private static final int CONSOLE_LINE_LIMIT = 4096;
    private final TestPlatform platform;
    private final Domain domain;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

    /** One result line, its key=value fields, and its data lines decoded. */
    public record Result(String op, boolean ok, String error, Map<String, String> fields, byte[] data) {
        public String field(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new AssertionError(op + ": no " + key + " in the result " + fields);
            }
            return v;
        }
    }

    /** The guest ELF, or null when the C frontends were not built. */
    public static Path elf() {
        Path p = Path.of(System.getProperty("splitvisor.root", "."), "frontend-drivers", "target", "guests",
                "frontend-under-test.elf");
        return Files.isRegularFile(p) ? p : null;
    }

    private FrontendUnderTestGuest(TestPlatform platform, Domain domain) {
        this.platform = platform;
        this.domain = domain;
    }

    /** Creates the guest, lets {@code attach} plug its devices in, and starts it. */
    public static FrontendUnderTestGuest start(TestPlatform platform, String name, Consumer<Domain> attach) {
        Path elf = elf();
        if (elf == null) {
            throw new IllegalStateException("frontend-under-test.elf is not built");
        }
        Domain d;
        try {
            d = platform.hv.createGuest(new DomainConfig(name, elf, 64L << 20, "serve timeout=10", "auto", false));
        } catch (GuestImageException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        FrontendUnderTestGuest g = new FrontendUnderTestGuest(platform, d);
        d.console().addListener((log, line) -> g.lines.add(line));
        attach.accept(d);
        platform.hv.start(d);
        return g;
    }

    public Domain domain() {
        return domain;
    }

    /** Runs one operation and returns its result. */
    public synchronized Result op(String op) {
        next(line -> line.equals("fut: ready"), "fut: ready");
        domain.console().sendInput((op + "\n").getBytes(StandardCharsets.US_ASCII));
        String shortOp = op.length() > 100 ? op.substring(0, 97) + "..." : op;
        String line = next(l -> l.startsWith("fut: ") && l.contains(" -> "), "the result of " + shortOp);
        String result = line.substring(line.indexOf(" -> ") + 4);
        Map<String, String> fields = new HashMap<>();
        if (result.startsWith("ERR ")) {
            return new Result(op, false, result.substring(4).trim(), fields, new byte[0]);
        }
        for (String part : result.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        byte[] data = new byte[0];
        if (fields.containsKey("lines")) {
            List<byte[]> chunks = new ArrayList<>();
            int total = 0;
            // A frame result says its length: read data lines until it is all there, however it was split.
            int wanted = fields.containsKey("len") ? Integer.parseInt(fields.get("len")) : -1;
            for (int i = Integer.parseInt(fields.get("lines")); wanted >= 0 ? total < wanted : i > 0; i--) {
                String d = next(l -> l.startsWith("fut-data: "), "data of " + shortOp);
                while (d.length() == CONSOLE_LINE_LIMIT) {   // the console log cut a long line: rejoin it
                    d += next(l -> true, "the rest of a data line of " + shortOp);
                }
                byte[] chunk = HexFormat.of().parseHex(d.substring("fut-data: ".length()).trim());
                chunks.add(chunk);
                total += chunk.length;
            }
            data = new byte[total];
            int at = 0;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, data, at, c.length);
                at += c.length;
            }
        }
        return new Result(op, true, null, fields, data);
    }

    private String next(java.util.function.Predicate<String> wanted, String what) {
        long deadline = System.nanoTime() + OP_TIMEOUT.toNanos();
        StringBuilder skipped = new StringBuilder();
        while (true) {
            String line;
            try {
                line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            if (line == null) {
                throw new AssertionError(domain + ": no " + what + " within " + OP_TIMEOUT.toSeconds() + " s; "
                        + (domain.shutdownInfo() != null ? "it ended: " + domain.shutdownInfo().message() + "; " : "")
                        + "last lines: " + skipped);
            }
            if (wanted.test(line)) {
                return line;
            }
            skipped.append(line).append(" | ");
        }
    }

    @Override
    public void close() {
        if (domain.shutdownInfo() == null) {
            try {
                next(line -> line.equals("fut: ready"), "fut: ready");
                domain.console().sendInput("quit\n".getBytes(StandardCharsets.US_ASCII));
                domain.ended().get(10, TimeUnit.SECONDS);
            } catch (Exception | AssertionError e) {
                // destroyed below
            }
        }
        if (platform.hv.domain(domain.domid()) == domain) {
            platform.hv.destroy(domain);
        }
    }
}
