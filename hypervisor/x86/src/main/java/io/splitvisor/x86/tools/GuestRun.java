package io.splitvisor.x86.tools;

import io.splitvisor.engine.Exit;
import io.splitvisor.engine.ExitReason;
import io.splitvisor.engine.Vcpu;
import java.io.ByteArrayOutputStream;

/**
 * Runs a vCPU the way the raw runner and the tests do: bytes written to port 0xE9 are console output, a write to
 * port 0xF4 ends the run with that exit code, other port reads return all ones and other port writes are ignored.
 * Stops at HLT, shutdown, MMIO, the instruction limit, or a stop request.
 */
public final class GuestRun {
    public static final int CONSOLE_PORT = 0xE9;
    public static final int EXIT_PORT = 0xF4;

    /** How the run ended. {@code exitCode} is null unless the guest wrote port 0xF4. */
    public record Outcome(Exit exit, Integer exitCode, byte[] console, long instructions) {
        public String consoleText() {
            return new String(console, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private GuestRun() {
    }

    public static Outcome run(Vcpu vcpu, long maxInstructions, java.io.OutputStream echo) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        long start = vcpu.retiredInstructions();
        while (true) {
            long used = vcpu.retiredInstructions() - start;
            Exit e = vcpu.run(Math.max(0, maxInstructions - used));
            if (e.reason() == ExitReason.IO_OUT && e.port() == CONSOLE_PORT) {
                byte[] bytes = new byte[e.size() * e.count()];
                if (e.count() > 1) {
                    e.stringData().get(bytes);
                } else {
                    for (int i = 0; i < e.size(); i++) {
                        bytes[i] = (byte) (e.data() >>> (8 * i));
                    }
                }
                console.write(bytes, 0, bytes.length);
                if (echo != null) {
                    try {
                        echo.write(bytes);
                    } catch (java.io.IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                }
            } else if (e.reason() == ExitReason.IO_OUT && e.port() == EXIT_PORT) {
                return new Outcome(e.copy(), (int) e.data(), console.toByteArray(),
                        vcpu.retiredInstructions() - start);
            } else if (e.reason() == ExitReason.IO_OUT) {
                continue;
            } else if (e.reason() == ExitReason.IO_IN) {
                java.util.Arrays.fill(e.stringBuffer(), 0, e.count() * e.size(), (byte) 0xFF);   // a batched REP INS too
                vcpu.completeIn(-1L);
            } else {
                return new Outcome(e.copy(), null, console.toByteArray(), vcpu.retiredInstructions() - start);
            }
        }
    }
}
