package io.splitvisor.x86.jit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytecode of one method: opcodes, constants through the class's {@link ConstantPool}, forward and backward
 * branches to {@link Label}s (16-bit offsets, patched when the label is placed) and the exception table. Class
 * files are written as version 49, which the JVM verifies by type inference, so no stack map frames are needed.
 */
final class CodeBuffer {
    // opcodes used by the translator
    static final int ACONST_NULL = 0x01;
    static final int LCONST_0 = 0x09;
    static final int LCONST_1 = 0x0a;
    static final int BIPUSH = 0x10;
    static final int SIPUSH = 0x11;
    static final int LDC_W = 0x13;
    static final int LDC2_W = 0x14;
    static final int ILOAD = 0x15;
    static final int LLOAD = 0x16;
    static final int ALOAD = 0x19;
    static final int LALOAD = 0x2f;
    static final int AALOAD = 0x32;
    static final int ISTORE = 0x36;
    static final int LSTORE = 0x37;
    static final int ASTORE = 0x3a;
    static final int LASTORE = 0x50;
    static final int POP = 0x57;
    static final int POP2 = 0x58;
    static final int DUP = 0x59;
    static final int DUP2 = 0x5c;
    static final int LADD = 0x61;
    static final int LSUB = 0x65;
    static final int LMUL = 0x69;
    static final int LNEG = 0x75;
    static final int LSHL = 0x79;
    static final int LSHR = 0x7b;
    static final int LUSHR = 0x7d;
    static final int IAND = 0x7e;
    static final int LAND = 0x7f;
    static final int LOR = 0x81;
    static final int LXOR = 0x83;
    static final int I2L = 0x85;
    static final int L2I = 0x88;
    static final int LCMP = 0x94;
    static final int IFEQ = 0x99;
    static final int IFNE = 0x9a;
    static final int IFLT = 0x9b;
    static final int IFGE = 0x9c;
    static final int IFGT = 0x9d;
    static final int IFLE = 0x9e;
    static final int GOTO = 0xa7;
    static final int IRETURN = 0xac;
    static final int RETURN = 0xb1;
    static final int GETFIELD = 0xb4;
    static final int PUTFIELD = 0xb5;
    static final int INVOKEVIRTUAL = 0xb6;
    static final int INVOKESPECIAL = 0xb7;
    static final int INVOKESTATIC = 0xb8;
    static final int ATHROW = 0xbf;

    /** A branch target; placed once, referenced any number of times before or after. */
    static final class Label {
        int at = -1;
        final List<Integer> fixups = new ArrayList<>();
    }

    private final ConstantPool pool;
    private byte[] code = new byte[1024];
    private int length;
    private final ByteArrayOutputStream exceptions = new ByteArrayOutputStream();
    private int exceptionCount;

    CodeBuffer(ConstantPool pool) {
        this.pool = pool;
    }

    ConstantPool pool() {
        return pool;
    }

    int length() {
        return length;
    }

    private void u1(int b) {
        if (length == code.length) {
            code = java.util.Arrays.copyOf(code, length * 2);
        }
        code[length++] = (byte) b;
    }

    private void u2(int v) {
        u1(v >>> 8);
        u1(v);
    }

    void op(int opcode) {
        u1(opcode);
    }

    void op(int opcode, int u2operand) {
        u1(opcode);
        u2(u2operand);
    }

    /** A local-variable instruction (iload, lload, aload, istore, lstore, astore); slots stay below 256. */
    void local(int opcode, int slot) {
        if (slot > 255) {
            throw new IllegalStateException("local slot " + slot + " out of range");
        }
        u1(opcode);
        u1(slot);
    }

    void iconst(int v) {
        if (v >= -1 && v <= 5) {
            u1(0x03 + v);
        } else if (v >= -128 && v <= 127) {
            u1(BIPUSH);
            u1(v);
        } else if (v >= -32768 && v <= 32767) {
            u1(SIPUSH);
            u2(v);
        } else {
            op(LDC_W, pool.integer(v));
        }
    }

    void lconst(long v) {
        if (v == 0) {
            u1(LCONST_0);
        } else if (v == 1) {
            u1(LCONST_1);
        } else {
            op(LDC2_W, pool.longValue(v));
        }
    }

    void getfield(String owner, String name, String desc) {
        op(GETFIELD, pool.field(owner, name, desc));
    }

    void putfield(String owner, String name, String desc) {
        op(PUTFIELD, pool.field(owner, name, desc));
    }

    void invokevirtual(String owner, String name, String desc) {
        op(INVOKEVIRTUAL, pool.method(owner, name, desc));
    }

    void invokestatic(String owner, String name, String desc) {
        op(INVOKESTATIC, pool.method(owner, name, desc));
    }

    void invokespecial(String owner, String name, String desc) {
        op(INVOKESPECIAL, pool.method(owner, name, desc));
    }

    /** A conditional or unconditional branch to {@code target}. */
    void jump(int opcode, Label target) {
        int at = length;
        u1(opcode);
        if (target.at >= 0) {
            u2(offset(target.at - at));
        } else {
            target.fixups.add(at);
            u2(0);
        }
    }

    void place(Label label) {
        if (label.at >= 0) {
            throw new IllegalStateException("label placed twice");
        }
        label.at = length;
        for (int from : label.fixups) {
            int off = offset(label.at - from);
            code[from + 1] = (byte) (off >>> 8);
            code[from + 2] = (byte) off;
        }
        label.fixups.clear();
    }

    private static int offset(int delta) {
        if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
            throw new TooLarge();
        }
        return delta & 0xFFFF;
    }

    /** The method grew past what 16-bit branch offsets reach (far beyond what the translator accepts anyway). */
    static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("branch offset out of range", null, false, false);
        }
    }

    /** Handler at {@code handler} for exceptions of {@code internalName} thrown in [start, end). */
    void exceptionHandler(Label start, Label end, Label handler, String internalName) {
        try {
            DataOutputStream d = new DataOutputStream(exceptions);
            d.writeShort(start.at);
            d.writeShort(end.at);
            d.writeShort(handler.at);
            d.writeShort(pool.cls(internalName));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        exceptionCount++;
    }

    /** The Code attribute's body (after its name and length). */
    byte[] attributeBody(int maxStack, int maxLocals) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            DataOutputStream d = new DataOutputStream(b);
            d.writeShort(maxStack);
            d.writeShort(maxLocals);
            d.writeInt(length);
            d.write(code, 0, length);
            d.writeShort(exceptionCount);
            exceptions.writeTo(d);
            d.writeShort(0);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }
}
