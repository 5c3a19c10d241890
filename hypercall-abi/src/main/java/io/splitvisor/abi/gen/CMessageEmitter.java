package io.splitvisor.abi.gen;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Emits, for a set of .proto files, a C header with one struct per message and the enum
 * constants, and a C source with the descriptor tables the sv_pb runtime walks, plus
 * {@code _encode}/{@code _decode}/{@code _init} functions per message.
 */
final class CMessageEmitter {
    private final List<FileDescriptor> files;
    private final String setName;          // e.g. "abi": sv_abi_messages[], abi_messages.h
    private final SourceComments comments;
    private final List<Descriptor> messages;   // dependencies first
    private final List<EnumDescriptor> enums;

    CMessageEmitter(List<FileDescriptor> files, String setName) {
        this.files = files;
        this.setName = setName;
        this.comments = new SourceComments(files);
        this.enums = new ArrayList<>();
        Set<Descriptor> ordered = new LinkedHashSet<>();
        for (FileDescriptor file : files) {
            enums.addAll(file.getEnumTypes());
            for (Descriptor m : file.getMessageTypes()) {
                collectEnums(m);
                order(m, ordered, new HashSet<>());
            }
        }
        this.messages = List.copyOf(ordered);
        for (Descriptor m : messages) {
            for (FieldDescriptor f : m.getFields()) {
                new CField(f);   // validates every field up front
            }
        }
    }

    String headerName() {
        return setName + "_messages.h";
    }

    String sourceName() {
        return setName + "_messages.c";
    }

    List<Descriptor> messages() {
        return messages;
    }

    private void collectEnums(Descriptor m) {
        enums.addAll(m.getEnumTypes());
        for (Descriptor nested : m.getNestedTypes()) {
            collectEnums(nested);
        }
    }

    /** Depth-first: every message after the messages its fields contain; refuses cycles. */
    private void order(Descriptor m, Set<Descriptor> done, Set<Descriptor> inProgress) {
        if (done.contains(m)) {
            return;
        }
        if (!inProgress.add(m)) {
            throw new AbiSchemaException(m.getFullName() + ": recursive messages are not supported (C structs must have a fixed size)");
        }
        for (Descriptor nested : m.getNestedTypes()) {
            order(nested, done, inProgress);
        }
        for (FieldDescriptor f : m.getFields()) {
            if (f.getType() == FieldDescriptor.Type.MESSAGE) {
                if (!files.contains(f.getMessageType().getFile())) {
                    throw new AbiSchemaException(f.getFullName() + ": uses " + f.getMessageType().getFullName() + " from a file outside this set");
                }
                order(f.getMessageType(), done, inProgress);
            }
        }
        inProgress.remove(m);
        done.add(m);
    }

    String header() {
        CWriter w = new CWriter();
        String guard = "SPLITVISOR_" + CNames.upper(setName) + "_MESSAGES_H";
        w.line(CWriter.banner("C structs, enums and codecs of the " + setName + " protobuf messages."));
        w.line("#ifndef " + guard).line("#define " + guard).line();
        w.line("#include \"splitvisor/sv_pb.h\"").line();
        w.line("#ifdef __cplusplus").line("extern \"C\" {").line("#endif").line();
        for (EnumDescriptor e : enums) {
            emitEnum(w, e);
        }
        for (Descriptor m : messages) {
            emitStruct(w, m);
        }
        w.line("/* Every message of this set, for tools and tests that look messages up by name. */");
        w.format("extern const sv_pb_msgdesc_t *const sv_%s_messages[];", setName);
        w.format("extern const uint32_t sv_%s_message_count;", setName);
        w.line().line("#ifdef __cplusplus").line("}").line("#endif").line();
        w.line("#endif /* " + guard + " */");
        return w.toString();
    }

    private void emitEnum(CWriter w, EnumDescriptor e) {
        String doc = comments.of(e);
        if (!doc.isBlank()) {
            w.line("/*" + CWriter.comment(doc).substring(3));
        }
        w.format("typedef int32_t %s;", CNames.typeName(e));
        w.line("enum {");
        for (EnumValueDescriptor v : e.getValues()) {
            w.format("    SV_%s = %d,%s", v.getName(), v.getNumber(), CWriter.comment(comments.of(v)));
        }
        w.line("};");
        w.format("extern const sv_pb_enumdesc_t %s;", CNames.enumDescName(e)).line();
    }

    private void emitStruct(CWriter w, Descriptor m) {
        String type = CNames.typeName(m);
        String doc = comments.of(m);
        w.line("/* " + m.getFullName() + (doc.isBlank() ? "" : ": " + doc.replace("*/", "* /")) + " */");
        w.format("typedef struct %s {", CNames.base(m));
        Set<OneofDescriptor> emittedOneofs = new HashSet<>();
        if (m.getFields().isEmpty()) {
            w.line("    uint8_t unused_; /* C has no empty structs */");
        }
        for (FieldDescriptor fd : m.getFields()) {
            CField f = new CField(fd);
            String doc1 = CWriter.comment(comments.of(fd));
            switch (f.label) {
                case IMPLICIT -> w.format("    %s;%s", f.declaration(), doc1);
                case HAS -> {
                    w.format("    bool has_%s;", f.name());
                    w.format("    %s;%s", f.declaration(), doc1);
                }
                case REPEATED -> {
                    w.format("    uint32_t %s_count;", f.name());
                    w.format("    %s;%s", f.declaration(), doc1);
                }
                case ONEOF -> {
                    OneofDescriptor oneof = f.oneof();
                    if (emittedOneofs.add(oneof)) {
                        emitOneof(w, m, oneof);
                    }
                }
            }
        }
        w.format("} %s;", type);
        for (FieldDescriptor fd : m.getFields()) {
            if (fd.getRealContainingOneof() != null && fd.getRealContainingOneof().getFields().get(0) == fd) {
                for (FieldDescriptor member : fd.getRealContainingOneof().getFields()) {
                    w.format("#define %s_%s_TAG %d", CNames.upper(CNames.base(m)), CNames.upper(member.getName()), member.getNumber());
                }
            }
        }
        String base = CNames.base(m);
        w.format("extern const sv_pb_msgdesc_t %s;", CNames.descName(m));
        w.format("static inline void %s_init(%s *m) { sv_pb_init(&%s, m); }", base, type, CNames.descName(m));
        w.format("static inline int %s_encode(const %s *m, uint8_t *buf, size_t cap, size_t *len) {", base, type);
        w.format("    return sv_pb_encode(&%s, m, buf, cap, len);", CNames.descName(m)).line("}");
        w.format("static inline int %s_decode(%s *m, const uint8_t *buf, size_t len) {", base, type);
        w.format("    return sv_pb_decode(&%s, m, buf, len);", CNames.descName(m)).line("}").line();
    }

    private void emitOneof(CWriter w, Descriptor m, OneofDescriptor oneof) {
        w.format("    uint32_t %s_case; /* 0, or the field number of the member set (%s_*_TAG) */",
                oneof.getName(), CNames.upper(CNames.base(m)));
        w.line("    union {");
        for (FieldDescriptor member : oneof.getFields()) {
            CField f = new CField(member);
            w.format("        %s;%s", f.declaration(), CWriter.comment(comments.of(member)));
        }
        w.format("    } %s;", oneof.getName());
    }

    String source() {
        CWriter w = new CWriter();
        w.line(CWriter.banner("Descriptor tables of the " + setName + " protobuf messages."));
        w.line("#include <stddef.h>").line("#include \"splitvisor/" + headerName() + "\"").line();
        for (EnumDescriptor e : enums) {
            String values = e.getValues().stream().map(v -> "SV_" + v.getName())
                    .reduce((a, b) -> a + ", " + b).orElse("");
            w.format("static const int32_t %s_values[] = { %s };", CNames.base(e), values);
            w.format("const sv_pb_enumdesc_t %s = { %s, %d, %s_values };", CNames.enumDescName(e),
                    CWriter.quote(e.getFullName()), e.getValues().size(), CNames.base(e));
        }
        w.line();
        for (Descriptor m : messages) {
            emitTable(w, m);
        }
        w.format("const sv_pb_msgdesc_t *const sv_%s_messages[] = {", setName);
        for (Descriptor m : messages) {
            w.format("    &%s,", CNames.descName(m));
        }
        w.line("};");
        w.format("const uint32_t sv_%s_message_count = %d;", setName, messages.size());
        return w.toString();
    }

    private void emitTable(CWriter w, Descriptor m) {
        String type = CNames.typeName(m);
        List<FieldDescriptor> byNumber = new ArrayList<>(m.getFields());
        byNumber.sort(Comparator.comparingInt(FieldDescriptor::getNumber));
        String table = "NULL";
        if (!byNumber.isEmpty()) {
            table = CNames.base(m) + "_fields";
            w.format("static const sv_pb_field_t %s[] = {", table);
            for (FieldDescriptor fd : byNumber) {
                CField f = new CField(fd);
                String aux = f.auxMember() == null ? "0" : "offsetof(" + type + ", " + f.auxMember() + ")";
                String sub = f.messageType() == null ? "NULL" : "&" + CNames.descName(f.messageType());
                String enumDesc = fd.getType() == FieldDescriptor.Type.ENUM ? "&" + CNames.enumDescName(fd.getEnumType()) : "NULL";
                w.format("    { %s, %d, %s, SV_PB_%s, offsetof(%s, %s), %s, sizeof(((%s *)0)->%s), %d, %d, %s, %s },",
                        CWriter.quote(fd.getName()), fd.getNumber(), f.pbType(), f.label, type, f.memberPath(),
                        aux, type, f.elementPath(), f.maxSize, f.maxCount, sub, enumDesc);
            }
            w.line("};");
        }
        w.format("const sv_pb_msgdesc_t %s = { %s, sizeof(%s), %d, %s };", CNames.descName(m),
                CWriter.quote(m.getFullName()), type, byNumber.size(), table).line();
    }
}
