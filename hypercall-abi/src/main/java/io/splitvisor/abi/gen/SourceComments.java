package io.splitvisor.abi.gen;

import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The comments written in the .proto sources, found through the descriptor's source info. */
final class SourceComments {
    // Field numbers of FileDescriptorProto, DescriptorProto, EnumDescriptorProto, ServiceDescriptorProto.
    private static final int FILE_MESSAGE = 4;
    private static final int FILE_ENUM = 5;
    private static final int FILE_SERVICE = 6;
    private static final int MESSAGE_FIELD = 2;
    private static final int MESSAGE_NESTED = 3;
    private static final int MESSAGE_ENUM = 4;
    private static final int ENUM_VALUE = 2;
    private static final int SERVICE_METHOD = 2;

    /** File name to (location path to comment). */
    private final Map<String, Map<List<Integer>, String>> byFile = new HashMap<>();

    SourceComments(Iterable<FileDescriptor> files) {
        for (FileDescriptor file : files) {
            Map<List<Integer>, String> byPath = new HashMap<>();
            for (SourceCodeInfo.Location location : file.toProto().getSourceCodeInfo().getLocationList()) {
                String text = !location.getLeadingComments().isBlank() ? location.getLeadingComments()
                        : location.getTrailingComments();
                if (!text.isBlank()) {
                    byPath.put(List.copyOf(location.getPathList()), text.strip().replaceAll("\\s*\\n\\s*", " "));
                }
            }
            byFile.put(file.getName(), byPath);
        }
    }

    /** The comment of a descriptor as one line, or "" when it has none. */
    String of(GenericDescriptor d) {
        return byFile.getOrDefault(d.getFile().getName(), Map.of()).getOrDefault(pathOf(d), "");
    }

    private static List<Integer> pathOf(GenericDescriptor d) {
        List<Integer> path = new ArrayList<>();
        if (d instanceof Descriptor m) {
            if (m.getContainingType() == null) {
                path.add(FILE_MESSAGE);
            } else {
                path.addAll(pathOf(m.getContainingType()));
                path.add(MESSAGE_NESTED);
            }
            path.add(m.getIndex());
        } else if (d instanceof FieldDescriptor f) {
            path.addAll(pathOf(f.getContainingType()));
            path.add(MESSAGE_FIELD);
            path.add(f.getIndex());
        } else if (d instanceof EnumDescriptor e) {
            if (e.getContainingType() == null) {
                path.add(FILE_ENUM);
            } else {
                path.addAll(pathOf(e.getContainingType()));
                path.add(MESSAGE_ENUM);
            }
            path.add(e.getIndex());
        } else if (d instanceof EnumValueDescriptor v) {
            path.addAll(pathOf(v.getType()));
            path.add(ENUM_VALUE);
            path.add(v.getIndex());
        } else if (d instanceof ServiceDescriptor s) {
            path.add(FILE_SERVICE);
            path.add(s.getIndex());
        } else if (d instanceof MethodDescriptor m) {
            path.addAll(pathOf(m.getService()));
            path.add(SERVICE_METHOD);
            path.add(m.getIndex());
        }
        return path;
    }
}
