package io.splitvisor.abi.codec;

import io.splitvisor.abi.testing.GeneratedAbiC;
import io.splitvisor.abi.testing.NativeToolchain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Drives src/test/c/abi_harness.c (built with ASan and UBSan): a batch of decode and
 * random-encode commands in, one reply per command out.
 */
public final class CHarness {
    /** One reply: ok, the dump, the re-encoding; or the error code. */
    public record Reply(boolean ok, String error, String dump, byte[] encoding) {
    }

    private static Path binary;

    private final List<String> commands = new ArrayList<>();

    private static synchronized Path binary() {
        if (binary == null) {
            binary = GeneratedAbiC.buildSanitized("abi_harness", "abi_harness.c", "codec_support.c");
        }
        return binary;
    }

    public CHarness decode(String messageName, byte[] data) {
        commands.add("D " + messageName + " " + HexFormat.of().formatHex(data));
        return this;
    }

    public CHarness random(String messageName, long seed) {
        commands.add("R " + messageName + " " + Long.toUnsignedString(seed));
        return this;
    }

    public List<Reply> run() {
        try {
            Path input = Files.createTempFile("abi-harness", ".txt");
            try {
                Files.write(input, commands);
                NativeToolchain.Result result = NativeToolchain.run(List.of(binary().toString()), input,
                        NativeToolchain.SANITIZER_ENV, 300).requireSuccess("abi_harness");
                return parse(result.stdout());
            } finally {
                Files.deleteIfExists(input);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Reply> parse(String stdout) {
        List<Reply> replies = new ArrayList<>();
        String[] lines = stdout.split("\n", -1);
        int i = 0;
        while (replies.size() < commands.size()) {
            if (i >= lines.length) {
                throw new AssertionError("abi_harness answered " + replies.size() + " of " + commands.size() + " commands");
            }
            String head = lines[i++];
            if (head.startsWith("ERR ")) {
                replies.add(new Reply(false, head.substring(4), "", new byte[0]));
            } else if (head.equals("OK")) {
                StringBuilder dump = new StringBuilder();
                while (!lines[i].startsWith("ENC ")) {
                    dump.append(lines[i++]).append('\n');
                }
                byte[] enc = HexFormat.of().parseHex(lines[i++].substring(4));
                replies.add(new Reply(true, null, dump.toString(), enc));
            } else {
                throw new AssertionError("unexpected harness line: " + head);
            }
            if (!lines[i++].equals(".")) {
                throw new AssertionError("harness reply not terminated at line " + i);
            }
        }
        return replies;
    }
}
