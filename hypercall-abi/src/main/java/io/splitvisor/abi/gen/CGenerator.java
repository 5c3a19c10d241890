package io.splitvisor.abi.gen;

import com.google.protobuf.Descriptors.FileDescriptor;
import io.splitvisor.abi.AbiConstants;
import io.splitvisor.abi.AbiDescriptors;
import io.splitvisor.abi.layout.AbiLayouts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the C side of the ABI from the compiled .proto descriptors and the layout classes:
 *
 * <pre>
 * OUT/include/splitvisor/abi.h             includes everything below
 * OUT/include/splitvisor/sv_pb.h           the codec runtime (copied)
 * OUT/include/splitvisor/abi_consts.h      ports, CPUID leaves, limits, flags
 * OUT/include/splitvisor/abi_layouts.h     shared-page structs with static asserts
 * OUT/include/splitvisor/abi_messages.h    one struct and codec per message
 * OUT/include/splitvisor/abi_hypercalls.h  op numbers and typed hypercall wrappers
 * OUT/src/sv_pb.c, abi_messages.c, abi_hypercalls.c
 * </pre>
 *
 * <p>Usage: {@code CGenerator OUT}. Run by the build; the output is never committed.
 */
public final class CGenerator {
    private static final String RUNTIME = "/io/splitvisor/abi/c/";

    private CGenerator() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CGenerator OUTPUT_DIR");
            System.exit(2);
        }
        try {
            generateAbi(Path.of(args[0]));
        } catch (AbiSchemaException e) {
            System.err.println("splitvisor ABI: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Generates the whole ABI into {@code out}. */
    public static void generateAbi(Path out) {
        List<FileDescriptor> files = AbiDescriptors.abiFiles();
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.putAll(runtime());
        outputs.putAll(messageSet(files, "abi"));
        Map<Class<?>, String> constants = new LinkedHashMap<>();
        constants.put(AbiConstants.class, "SV_");
        constants.putAll(AbiLayouts.constantClasses());
        outputs.put("include/splitvisor/abi_consts.h", CConstantsEmitter.header(constants));
        outputs.put("include/splitvisor/abi_layouts.h", CLayoutEmitter.header(AbiLayouts.all(), AbiLayouts.RINGS));
        CHypercallEmitter hypercalls = new CHypercallEmitter(files);
        outputs.put("include/splitvisor/abi_hypercalls.h", hypercalls.header());
        outputs.put("src/abi_hypercalls.c", hypercalls.source());
        outputs.put("include/splitvisor/abi.h", umbrella());
        write(out, outputs);
    }

    /**
     * The header and source for one set of .proto files (the ABI, or a test set), named
     * {@code <setName>_messages.h/.c}, with the array {@code sv_<setName>_messages}.
     */
    public static Map<String, String> messageSet(List<FileDescriptor> files, String setName) {
        CMessageEmitter emitter = new CMessageEmitter(files, setName);
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("include/splitvisor/" + emitter.headerName(), emitter.header());
        outputs.put("src/" + emitter.sourceName(), emitter.source());
        return outputs;
    }

    /** The codec runtime every message set needs. */
    public static Map<String, String> runtime() {
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("include/splitvisor/sv_pb.h", resource("sv_pb.h"));
        outputs.put("src/sv_pb.c", resource("sv_pb.c"));
        return outputs;
    }

    /** Writes each output under {@code out}, leaving files whose content is unchanged untouched. */
    public static void write(Path out, Map<String, String> outputs) {
        try {
            for (Map.Entry<String, String> e : outputs.entrySet()) {
                Path file = out.resolve(e.getKey());
                byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
                if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), content)) {
                    continue;
                }
                Files.createDirectories(file.getParent());
                Files.write(file, content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write generated C under " + out, e);
        }
    }

    private static String umbrella() {
        CWriter w = new CWriter();
        w.line(CWriter.banner("The whole Splitvisor guest ABI."));
        w.line("#ifndef SPLITVISOR_ABI_H").line("#define SPLITVISOR_ABI_H").line();
        w.line("#include \"splitvisor/abi_consts.h\"");
        w.line("#include \"splitvisor/abi_layouts.h\"");
        w.line("#include \"splitvisor/abi_messages.h\"");
        w.line("#include \"splitvisor/abi_hypercalls.h\"").line();
        w.line("#endif /* SPLITVISOR_ABI_H */");
        return w.toString();
    }

    private static String resource(String name) {
        try (InputStream in = CGenerator.class.getResourceAsStream(RUNTIME + name)) {
            if (in == null) {
                throw new IllegalStateException("missing runtime resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
