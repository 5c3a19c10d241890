package io.splitvisor.abi.gen;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import io.splitvisor.abi.proto.Options;

/**
 * One protobuf field as the generated C sees it: its C type, how presence is stored, its bounds,
 * and the expressions the field table uses.
 */
final class CField {
    enum Label { IMPLICIT, HAS, ONEOF, REPEATED }

    final FieldDescriptor field;
    final Label label;
    final int maxSize;
    final int maxCount;

    CField(FieldDescriptor field) {
        this.field = field;
        String where = field.getFullName();
        if (field.isMapField()) {
            throw new AbiSchemaException(where + ": map fields are not supported; use a repeated message");
        }
        switch (field.getType()) {
            case FLOAT, DOUBLE -> throw new AbiSchemaException(where + ": floating point is not allowed (guests build with -mgeneral-regs-only)");
            case GROUP -> throw new AbiSchemaException(where + ": groups are not supported");
            default -> { }
        }
        if (CNames.isCKeyword(field.getName())) {
            throw new AbiSchemaException(where + ": the field name is a C keyword");
        }
        boolean variable = field.getType() == FieldDescriptor.Type.STRING || field.getType() == FieldDescriptor.Type.BYTES;
        int size = field.getOptions().getExtension(Options.maxSize);
        if (variable && size <= 0) {
            throw new AbiSchemaException(where + ": string and bytes fields need a (max_size) option");
        }
        if (!variable && size != 0) {
            throw new AbiSchemaException(where + ": (max_size) applies only to string and bytes fields");
        }
        int count = field.getOptions().getExtension(Options.maxCount);
        if (field.isRepeated() && count <= 0) {
            throw new AbiSchemaException(where + ": repeated fields need a (max_count) option");
        }
        if (!field.isRepeated() && count != 0) {
            throw new AbiSchemaException(where + ": (max_count) applies only to repeated fields");
        }
        this.maxSize = size;
        this.maxCount = count;
        if (field.isRepeated()) {
            label = Label.REPEATED;
        } else if (field.getRealContainingOneof() != null) {
            label = Label.ONEOF;
        } else if (field.hasPresence()) {
            label = Label.HAS;   // proto3 optional, or a message field
        } else {
            label = Label.IMPLICIT;
        }
    }

    String name() {
        return field.getName();
    }

    OneofDescriptor oneof() {
        return field.getRealContainingOneof();
    }

    /** The runtime's SV_PB_* type constant. */
    String pbType() {
        return "SV_PB_" + field.getType().name();
    }

    /** The C type of one value (for strings and bytes, the declaration decides the shape). */
    String valueType() {
        return switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> "int32_t";
            case UINT32, FIXED32 -> "uint32_t";
            case INT64, SINT64, SFIXED64 -> "int64_t";
            case UINT64, FIXED64 -> "uint64_t";
            case BOOL -> "bool";
            case ENUM -> CNames.typeName(field.getEnumType());
            case MESSAGE -> CNames.typeName(field.getMessageType());
            case BYTES -> "SV_PB_BYTES(" + maxSize + ")";
            case STRING -> "char";
            default -> throw new AbiSchemaException(field.getFullName() + ": unsupported type " + field.getType());
        };
    }

    /** The member declaration of the value itself, e.g. {@code char name[65]} or {@code uint32_t ports[128]}. */
    String declaration() {
        String array = field.isRepeated() ? "[" + maxCount + "]" : "";
        if (field.getType() == FieldDescriptor.Type.STRING) {
            return "char " + name() + array + "[" + (maxSize + 1) + "]";
        }
        return valueType() + " " + name() + array;
    }

    /** The member that holds the presence flag, the oneof case or the count, or null. */
    String auxMember() {
        return switch (label) {
            case HAS -> "has_" + name();
            case ONEOF -> oneof().getName() + "_case";
            case REPEATED -> name() + "_count";
            case IMPLICIT -> null;
        };
    }

    /** The member path of the value inside the struct (oneof members sit inside a union). */
    String memberPath() {
        return label == Label.ONEOF ? oneof().getName() + "." + name() : name();
    }

    /** The member path of one element: for arrays, element 0. */
    String elementPath() {
        return field.isRepeated() ? memberPath() + "[0]" : memberPath();
    }

    Descriptor messageType() {
        return field.getType() == FieldDescriptor.Type.MESSAGE ? field.getMessageType() : null;
    }
}
