package io.splitvisor.abi;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.ExtensionRegistry;
import io.splitvisor.abi.proto.Options;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled {@code .proto} files of the ABI, read from the descriptor set the build writes
 * next to the classes. Unlike the descriptors embedded in the generated Java classes, these
 * keep the source comments, which the C generator and the docs carry over.
 */
public final class AbiDescriptors {
    /** Classpath resource written by protoc during the build. */
    public static final String RESOURCE = "/io/splitvisor/abi/splitvisor-abi.desc";
    /** Package prefix of the ABI's own files (the rest are imports such as descriptor.proto). */
    public static final String ABI_FILE_PREFIX = "splitvisor/abi/";

    private AbiDescriptors() {
    }

    /** The extension registry that makes the custom options (max_size, op...) readable. */
    public static ExtensionRegistry registry() {
        ExtensionRegistry registry = ExtensionRegistry.newInstance();
        Options.registerAllExtensions(registry);
        return registry;
    }

    /** The ABI's own files, with source info, in dependency order. */
    public static List<FileDescriptor> abiFiles() {
        try (InputStream in = AbiDescriptors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("descriptor set " + RESOURCE + " is missing from the classpath; rebuild hypercall-abi");
            }
            return filesWithPrefix(FileDescriptorSet.parseFrom(in, registry()), ABI_FILE_PREFIX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds every file of {@code set} and returns those whose name starts with {@code prefix},
     * in the set's order (protoc writes dependencies first).
     */
    public static List<FileDescriptor> filesWithPrefix(FileDescriptorSet set, String prefix) {
        Map<String, FileDescriptor> built = new HashMap<>();
        List<FileDescriptor> selected = new ArrayList<>();
        for (FileDescriptorProto proto : set.getFileList()) {
            FileDescriptor[] deps = proto.getDependencyList().stream()
                    .map(name -> {
                        FileDescriptor dep = built.get(name);
                        if (dep == null) {
                            throw new IllegalStateException(proto.getName() + " imports " + name + ", which the descriptor set lacks");
                        }
                        return dep;
                    })
                    .toArray(FileDescriptor[]::new);
            try {
                FileDescriptor file = FileDescriptor.buildFrom(proto, deps);
                built.put(proto.getName(), file);
                if (proto.getName().startsWith(prefix)) {
                    selected.add(file);
                }
            } catch (DescriptorValidationException e) {
                throw new IllegalStateException("invalid descriptor " + proto.getName() + ": " + e.getMessage(), e);
            }
        }
        return selected;
    }
}
