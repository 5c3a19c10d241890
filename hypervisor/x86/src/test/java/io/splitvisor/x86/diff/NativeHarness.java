package io.splitvisor.x86.diff;

import io.splitvisor.x86.support.Tools;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The gcc-built native runner (src/test/c/diff/harness.c), fed batches of cases over a pipe. */
final class NativeHarness implements AutoCloseable {
    static final int IN_SIZE = 1 + 15 + 128 + 8 + DiffCase.SCRATCH_SIZE;
    static final int OUT_SIZE = 8 + 128 + 8 + DiffCase.SCRATCH_SIZE;
    private final Process process;
    private final OutputStream out;
    private final InputStream in;
    final long fsBase;

    NativeHarness() throws IOException {
        Tools.require("gcc");
        Path dir = Tools.workDir("diff");
        Path src = Path.of(System.getProperty("splitvisor.root", "../.."), "hypervisor/x86/src/test/c/diff/harness.c");
        if (!Files.exists(src)) {
            src = Path.of("src/test/c/diff/harness.c").toAbsolutePath();
        }
        Path exe = dir.resolve("harness");
        Tools.run(dir, List.of("gcc", "-O2", "-o", exe.toString(), src.toString()));
        process = new ProcessBuilder(exe.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedOutputStream(process.getOutputStream(), 1 << 20);
        in = new BufferedInputStream(process.getInputStream(), 1 << 20);
        byte[] fs = new DataInputStream(in).readNBytes(8);
        fsBase = ByteBuffer.wrap(fs).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    void run(List<DiffCase> batch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + IN_SIZE * batch.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(batch.size());
        for (DiffCase c : batch) {
            b.put((byte) c.code.length);
            byte[] code = new byte[15];
            System.arraycopy(c.code, 0, code, 0, c.code.length);
            b.put(code);
            for (long r : c.regs) {
                b.putLong(r);
            }
            b.putLong(c.flags);
            b.put(c.scratch);
        }
        out.write(b.array());
        out.flush();
        byte[] res = in.readNBytes(OUT_SIZE * batch.size());
        if (res.length != OUT_SIZE * batch.size()) {
            throw new IOException("native harness died (exit " + (process.isAlive() ? "?" : process.exitValue())
                    + ")");
        }
        ByteBuffer r = ByteBuffer.wrap(res).order(ByteOrder.LITTLE_ENDIAN);
        for (DiffCase c : batch) {
            DiffCase.Result n = c.nativeResult;
            int signo = r.get() & 0xFF;
            int path = r.get() & 0xFF;
            r.position(r.position() + 6);
            for (int i = 0; i < 16; i++) {
                n.regs[i] = r.getLong();
            }
            n.flags = r.getLong();
            r.get(n.scratch);
            n.fault = switch (signo) {
                case 0 -> 0;
                case 8 -> 0x100; // SIGFPE: #DE (vector 0), kept nonzero here and mapped below
                case 4 -> 6; // SIGILL: #UD
                case 11, 7 -> 13; // SIGSEGV, SIGBUS: #GP or #PF
                case 5 -> 3; // SIGTRAP
                default -> 0x200 + signo;
            };
            if (n.fault == 0x100) {
                n.fault = 0x100; // #DE: vector 0 is reported as 0x100 so "0" can mean "no fault"
            }
            n.path = path == 0xFF ? -1 : path;
        }
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[4]);
        out.flush();
        process.destroy();
    }
}
