package io.splitvisor.abi.codec;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.splitvisor.abi.AbiDescriptors;
import io.splitvisor.abi.testing.GeneratedAbiC;

import java.util.ArrayList;
import java.util.List;

/** Every message type of the ABI and of the test-only set, nested types included. */
final class AllMessages {
    private AllMessages() {
    }

    static List<Descriptor> all() {
        List<Descriptor> out = new ArrayList<>();
        List<FileDescriptor> files = new ArrayList<>(AbiDescriptors.abiFiles());
        files.addAll(GeneratedAbiC.testFiles());
        for (FileDescriptor file : files) {
            for (Descriptor m : file.getMessageTypes()) {
                collect(m, out);
            }
        }
        return out;
    }

    private static void collect(Descriptor m, List<Descriptor> out) {
        out.add(m);
        for (Descriptor nested : m.getNestedTypes()) {
            collect(nested, out);
        }
    }
}
