package io.splitvisor.x86.jit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a class file: a final class extending {@code superName} with a no-argument constructor and methods whose
 * code is given as {@link CodeBuffer}s sharing this class's constant pool.
 *
 * <pre>
 * magic CAFEBABE | minor 0 | major 49 | pool count | pool | access | this | super | 0 interfaces | 0 fields
 * | methods (access, name, descriptor, 1 attribute: Code) | 0 attributes
 * </pre>
 */
final class ClassFile {
    /** Java 5: verified by type inference, so the code needs no StackMapTable. */
    private static final int VERSION = 49;
    private static final int ACC_PUBLIC = 0x0001;
    private static final int ACC_FINAL = 0x0010;
    private static final int ACC_SUPER = 0x0020;

    private record Method(String name, String desc, CodeBuffer code, int maxStack, int maxLocals) {
    }

    private final ConstantPool pool = new ConstantPool();
    private final String name;
    private final String superName;
    private final List<Method> methods = new ArrayList<>();

    ClassFile(String internalName, String superInternalName) {
        this.name = internalName;
        this.superName = superInternalName;
        CodeBuffer init = newCode();
        init.local(CodeBuffer.ALOAD, 0);
        init.invokespecial(superName, "<init>", "()V");
        init.op(CodeBuffer.RETURN);
        addMethod("<init>", "()V", init, 1, 1);
    }

    CodeBuffer newCode() {
        return new CodeBuffer(pool);
    }

    void addMethod(String methodName, String desc, CodeBuffer code, int maxStack, int maxLocals) {
        methods.add(new Method(methodName, desc, code, maxStack, maxLocals));
    }

    byte[] toBytes() {
        int thisIndex = pool.cls(name);
        int superIndex = pool.cls(superName);
        int codeName = pool.utf8("Code");
        List<int[]> heads = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (Method m : methods) {
            heads.add(new int[] {pool.utf8(m.name), pool.utf8(m.desc)});
            bodies.add(m.code.attributeBody(m.maxStack, m.maxLocals));
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            DataOutputStream d = new DataOutputStream(b);
            d.writeInt(0xCAFEBABE);
            d.writeShort(0);
            d.writeShort(VERSION);
            d.writeShort(pool.count());
            d.write(pool.toBytes());
            d.writeShort(ACC_FINAL | ACC_SUPER);
            d.writeShort(thisIndex);
            d.writeShort(superIndex);
            d.writeShort(0);
            d.writeShort(0);
            d.writeShort(methods.size());
            for (int i = 0; i < methods.size(); i++) {
                d.writeShort(ACC_PUBLIC);
                d.writeShort(heads.get(i)[0]);
                d.writeShort(heads.get(i)[1]);
                d.writeShort(1);
                d.writeShort(codeName);
                d.writeInt(bodies.get(i).length);
                d.write(bodies.get(i));
            }
            d.writeShort(0);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }
}
