package io.splitvisor.abi.gen;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.splitvisor.abi.proto.Options;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator refuses constructs that cannot become fixed-size, heap-free C, naming the field. */
class GeneratorSchemaTest {

    private static FieldDescriptorProto.Builder field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(Label.LABEL_OPTIONAL);
    }

    private static String refusal(DescriptorProto... messages) throws DescriptorValidationException {
        FileDescriptorProto proto = FileDescriptorProto.newBuilder().setName("bad.proto").setPackage("bad")
                .setSyntax("proto3").addDependency("splitvisor/abi/options.proto")
                .addAllMessageType(List.of(messages)).build();
        FileDescriptor file = FileDescriptor.buildFrom(proto, new FileDescriptor[] {Options.getDescriptor()});
        AbiSchemaException e = assertThrows(AbiSchemaException.class, () -> CGenerator.messageSet(List.of(file), "bad"));
        return e.getMessage();
    }

    @Test
    void floatingPointIsRefused() throws Exception {
        String msg = refusal(DescriptorProto.newBuilder().setName("M").addField(field("ratio", 1, Type.TYPE_DOUBLE)).build());
        assertTrue(msg.startsWith("bad.M.ratio: floating point"), msg);
    }

    @Test
    void unboundedStringsAndRepeatsAreRefused() throws Exception {
        String msg = refusal(DescriptorProto.newBuilder().setName("M").addField(field("name", 1, Type.TYPE_STRING)).build());
        assertTrue(msg.contains("bad.M.name") && msg.contains("(max_size)"), msg);
        msg = refusal(DescriptorProto.newBuilder().setName("M")
                .addField(field("ids", 1, Type.TYPE_UINT32).setLabel(Label.LABEL_REPEATED)).build());
        assertTrue(msg.contains("bad.M.ids") && msg.contains("(max_count)"), msg);
    }

    @Test
    void boundsOnTheWrongKindOfFieldAreRefused() throws Exception {
        String msg = refusal(DescriptorProto.newBuilder().setName("M").addField(field("n", 1, Type.TYPE_UINT32)
                .setOptions(FieldOptions.newBuilder().setExtension(Options.maxSize, 4))).build());
        assertTrue(msg.contains("bad.M.n: (max_size) applies only"), msg);
    }

    @Test
    void recursiveMessagesAreRefused() throws Exception {
        String msg = refusal(DescriptorProto.newBuilder().setName("Node")
                .addField(field("next", 1, Type.TYPE_MESSAGE).setTypeName(".bad.Node")).build());
        assertTrue(msg.contains("bad.Node: recursive"), msg);
    }

    @Test
    void cKeywordsAreRefused() throws Exception {
        String msg = refusal(DescriptorProto.newBuilder().setName("M").addField(field("switch", 1, Type.TYPE_BOOL)).build());
        assertTrue(msg.contains("C keyword"), msg);
    }
}
