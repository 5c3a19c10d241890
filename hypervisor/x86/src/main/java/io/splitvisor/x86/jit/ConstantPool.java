package io.splitvisor.x86.jit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** A class file's constant pool: entries are deduplicated and numbered from 1 (longs take two slots). */
final class ConstantPool {
    private static final int UTF8 = 1;
    private static final int INTEGER = 3;
    private static final int LONG = 5;
    private static final int CLASS = 7;
    private static final int FIELD = 9;
    private static final int METHOD = 10;
    private static final int NAME_AND_TYPE = 12;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);
    private final Map<String, Integer> index = new HashMap<>();
    private int next = 1;

    private int add(String key, int slots, Writer w) {
        Integer i = index.get(key);
        if (i != null) {
            return i;
        }
        try {
            w.write();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        int at = next;
        next += slots;
        if (next > 0xFFFF) {
            throw new IllegalStateException("constant pool overflow");
        }
        index.put(key, at);
        return at;
    }

    private interface Writer {
        void write() throws IOException;
    }

    int utf8(String s) {
        return add("U" + s, 1, () -> {
            out.writeByte(UTF8);
            out.writeUTF(s);
        });
    }

    int integer(int v) {
        return add("I" + v, 1, () -> {
            out.writeByte(INTEGER);
            out.writeInt(v);
        });
    }

    int longValue(long v) {
        return add("J" + v, 2, () -> {
            out.writeByte(LONG);
            out.writeLong(v);
        });
    }

    /** A class by internal name ({@code java/lang/Object}). */
    int cls(String internalName) {
        int name = utf8(internalName);
        return add("C" + internalName, 1, () -> {
            out.writeByte(CLASS);
            out.writeShort(name);
        });
    }

    private int nameAndType(String name, String desc) {
        int n = utf8(name);
        int d = utf8(desc);
        return add("N" + name + ":" + desc, 1, () -> {
            out.writeByte(NAME_AND_TYPE);
            out.writeShort(n);
            out.writeShort(d);
        });
    }

    int field(String owner, String name, String desc) {
        return member(FIELD, owner, name, desc);
    }

    int method(String owner, String name, String desc) {
        return member(METHOD, owner, name, desc);
    }

    private int member(int tag, String owner, String name, String desc) {
        int c = cls(owner);
        int nt = nameAndType(name, desc);
        return add("M" + tag + owner + "." + name + ":" + desc, 1, () -> {
            out.writeByte(tag);
            out.writeShort(c);
            out.writeShort(nt);
        });
    }

    /** The constant_pool_count field (one more than the last index). */
    int count() {
        return next;
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }
}
