package io.splitvisor.core.hypercall;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.splitvisor.abi.proto.Options;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces the ABI's declared bounds ({@code max_size}, {@code max_count}) on a decoded message:
 * protobuf-java accepts any length, but the C side of the ABI cannot, so the hypervisor refuses
 * what a C guest could never have sent and never sends what it could not receive.
 */
public final class AbiBounds {
    private record Rule(FieldDescriptor field, int maxSize, int maxCount) {
    }

    private static final Map<Descriptor, List<Rule>> RULES = new ConcurrentHashMap<>();

    private AbiBounds() {
    }

    /** Null when {@code m} keeps every bound, else a one-line description of the first violation. */
    public static String violation(Message m) {
        for (Rule r : RULES.computeIfAbsent(m.getDescriptorForType(), AbiBounds::rules)) {
            FieldDescriptor f = r.field();
            if (f.isRepeated()) {
                int n = m.getRepeatedFieldCount(f);
                if (n > r.maxCount()) {
                    return f.getFullName() + " has " + n + " elements, more than " + r.maxCount();
                }
                for (int i = 0; i < n; i++) {
                    String v = valueViolation(r, m.getRepeatedField(f, i));
                    if (v != null) {
                        return v;
                    }
                }
            } else if (!f.hasPresence() || m.hasField(f)) {
                String v = valueViolation(r, m.getField(f));
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    private static String valueViolation(Rule r, Object value) {
        if (value instanceof Message nested) {
            return violation(nested);
        }
        long size = value instanceof String s ? s.getBytes(StandardCharsets.UTF_8).length
                : value instanceof ByteString b ? b.size() : -1;
        if (size > r.maxSize() && r.maxSize() > 0) {
            return r.field().getFullName() + " is " + size + " bytes, more than " + r.maxSize();
        }
        if (value instanceof String s && s.indexOf('\0') >= 0) {
            return r.field().getFullName() + " contains a NUL character";
        }
        return null;
    }

    private static List<Rule> rules(Descriptor type) {
        List<Rule> rules = new ArrayList<>();
        for (FieldDescriptor f : type.getFields()) {
            int maxSize = f.getOptions().getExtension(Options.maxSize);
            int maxCount = f.getOptions().getExtension(Options.maxCount);
            if (maxSize > 0 || maxCount > 0 || f.getType() == FieldDescriptor.Type.MESSAGE) {
                rules.add(new Rule(f, maxSize, maxCount));
            }
        }
        return rules;
    }
}
