package io.splitvisor.abi.testing;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.splitvisor.abi.AbiDescriptors;
import io.splitvisor.abi.gen.CGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The generated C of the ABI plus the test-only message set, written once per test JVM under
 * {@code target/test-c/gen}, with the paths tests compile against.
 */
public final class GeneratedAbiC {
    public static final Path ROOT = Path.of("target", "test-c");
    public static final Path GEN = ROOT.resolve("gen");
    public static final Path INCLUDE = GEN.resolve("include");
    public static final Path TEST_C_SOURCES = Path.of("src", "test", "c");

    private static boolean generated;

    private GeneratedAbiC() {
    }

    /** The test-only .proto files (splitvisor/abitest), built from their descriptor set. */
    public static List<FileDescriptor> testFiles() {
        try (InputStream in = GeneratedAbiC.class.getResourceAsStream("/io/splitvisor/abitest/splitvisor-abitest.desc")) {
            if (in == null) {
                throw new IllegalStateException("the test descriptor set is missing; run the build's test-compile phase");
            }
            return AbiDescriptors.filesWithPrefix(FileDescriptorSet.parseFrom(in, AbiDescriptors.registry()), "splitvisor/abitest/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static synchronized Path generate() {
        if (!generated) {
            CGenerator.generateAbi(GEN);
            Map<String, String> test = CGenerator.messageSet(testFiles(), "abitest");
            CGenerator.write(GEN, test);
            generated = true;
        }
        return GEN;
    }

    /** Every generated .c file. */
    public static List<Path> generatedSources() {
        generate();
        try (Stream<Path> files = Files.list(GEN.resolve("src"))) {
            return files.filter(p -> p.toString().endsWith(".c")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds a sanitized test program from the generated code plus the named test sources. */
    public static Path buildSanitized(String program, String... testSources) {
        List<Path> sources = new ArrayList<>(generatedSources());
        for (String s : testSources) {
            sources.add(TEST_C_SOURCES.resolve(s));
        }
        List<String> flags = new ArrayList<>(NativeToolchain.SANITIZED);
        flags.add("-I" + INCLUDE);
        flags.add("-I" + TEST_C_SOURCES);
        return NativeToolchain.compile(ROOT.resolve(program), sources, flags);
    }
}
