package io.splitvisor.abi;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import io.splitvisor.abi.proto.HypercallServiceProto;
import io.splitvisor.abi.proto.Options;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every hypercall operation, read once from the {@code Hypercalls} service in
 * {@code hypercalls.proto}: its number, name, request and response types and whether it is
 * privileged. The hypervisor dispatches through this table, and the C generator emits the same
 * numbers, so an operation is declared only in the .proto file.
 */
public final class HypercallTable {

    /** One operation. */
    public record Op(int number, String name, Message requestPrototype, Message responsePrototype,
                     boolean privileged) {
        public Descriptor requestType() {
            return requestPrototype.getDescriptorForType();
        }

        public Descriptor responseType() {
            return responsePrototype.getDescriptorForType();
        }
    }

    private static final HypercallTable INSTANCE = new HypercallTable(
            HypercallServiceProto.getDescriptor().findServiceByName("Hypercalls"));

    private final List<Op> ops;
    private final Map<Integer, Op> byNumber;
    private final Op[] dense;

    private HypercallTable(ServiceDescriptor service) {
        List<Op> list = new ArrayList<>();
        Map<Integer, Op> map = new HashMap<>();
        int highest = 0;
        for (MethodDescriptor method : service.getMethods()) {
            int number = method.getOptions().getExtension(Options.op);
            if (number <= 0) {
                throw new IllegalStateException("hypercall " + method.getName() + " has no (op) number");
            }
            Op op = new Op(number, method.getName(), prototypeOf(method.getInputType()),
                    prototypeOf(method.getOutputType()), method.getOptions().getExtension(Options.privileged));
            if (map.put(number, op) != null) {
                throw new IllegalStateException("hypercall number " + number + " is used twice");
            }
            list.add(op);
            highest = Math.max(highest, number);
        }
        this.ops = Collections.unmodifiableList(list);
        this.byNumber = Map.copyOf(map);
        this.dense = new Op[highest + 1];
        for (Op op : list) {
            dense[op.number()] = op;
        }
    }

    public static HypercallTable get() {
        return INSTANCE;
    }

    /** All operations in declaration order. */
    public List<Op> ops() {
        return ops;
    }

    /** The operation with this number, or null when there is none (the caller answers ENOSYS). */
    public Op lookup(int number) {
        return number >= 0 && number < dense.length ? dense[number] : null;
    }

    public Op byName(String name) {
        for (Op op : ops) {
            if (op.name().equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("no hypercall named " + name);
    }

    public int size() {
        return byNumber.size();
    }

    private static Message prototypeOf(Descriptor type) {
        String className = type.getFile().getOptions().getJavaPackage() + "." + javaName(type);
        try {
            Class<?> cls = Class.forName(className);
            return (Message) cls.getMethod("getDefaultInstance").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no generated class " + className + " for " + type.getFullName(), e);
        }
    }

    /** Nested types are inner classes: Outer.Inner becomes Outer$Inner. */
    private static String javaName(Descriptor type) {
        return type.getContainingType() == null ? type.getName()
                : javaName(type.getContainingType()) + "$" + type.getName();
    }
}
