package io.splitvisor.abi.codec;

import com.google.protobuf.Descriptors.Descriptor;
import io.splitvisor.abi.testing.GeneratedAbiC;
import io.splitvisor.abi.testing.NativeToolchain;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutated encodings never make the C decoder read or write out of bounds (the fuzz driver runs
 * under AddressSanitizer and UndefinedBehaviorSanitizer), and every input gets a documented
 * result. Set -Dsplitvisor.fuzz.iterations for a longer soak.
 */
class CodecFuzzTest {
    private static final long ITERATIONS = Long.getLong("splitvisor.fuzz.iterations", 110_000);
    private static final long SEED = Long.getLong("splitvisor.fuzz.seed", System.nanoTime() & Long.MAX_VALUE);

    @Test
    void mutatedInputsAreRejectedCleanlyOrDecodeStably() throws IOException {
        System.out.println("codec fuzz seed " + SEED + " (-Dsplitvisor.fuzz.seed to repeat)");
        Path fuzz = GeneratedAbiC.buildSanitized("abi_fuzz", "abi_fuzz.c", "codec_support.c");
        RandomMessages random = new RandomMessages(SEED);
        List<String> corpus = new ArrayList<>();
        for (Descriptor type : AllMessages.all()) {
            for (int i = 0; i < 25; i++) {
                corpus.add(type.getFullName() + " " + HexFormat.of().formatHex(random.next(type).toByteArray()));
            }
        }
        Path corpusFile = GeneratedAbiC.ROOT.resolve("fuzz-corpus.txt");
        Files.write(corpusFile, corpus);

        NativeToolchain.Result result = NativeToolchain.run(
                List.of(fuzz.toString(), corpusFile.toString(), Long.toString(ITERATIONS), Long.toString(SEED)),
                null, NativeToolchain.SANITIZER_ENV, 600).requireSuccess("abi_fuzz (seed " + SEED + ")");

        Map<Integer, Long> byResult = new HashMap<>();
        long decodes = 0;
        for (String line : result.stdout().split("\n")) {
            String[] parts = line.split(" ");
            if (parts[0].equals("decodes")) {
                decodes = Long.parseLong(parts[1]);
            } else if (parts[0].equals("result")) {
                byResult.put(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
            }
        }
        System.out.println("codec fuzz: " + decodes + " decodes, by result " + byResult);
        assertEquals(2 * ITERATIONS, decodes, "each mutated input is decoded as its own type and as another");
        assertTrue(ITERATIONS >= 100_000 || Long.getLong("splitvisor.fuzz.iterations") != null);
        // The mutations must reach the success path and every rejection the decoder has.
        for (int code : new int[] {0, -1, -2, -3, -4, -5, -6, -8}) {
            assertTrue(byResult.getOrDefault(code, 0L) > 0, "no mutated input produced result " + code);
        }
    }
}
