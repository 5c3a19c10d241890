package io.splitvisor.abi.layout;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The byte layout of a structure shared between a guest and the hypervisor or another domain.
 *
 * <p>A layout is built from explicit offsets and then checked: fields are naturally aligned, do not
 * overlap (unless it is a union) and fit the declared size. The C generator turns each layout
 * into a struct with explicit padding and {@code _Static_assert}s on every offset, so Java and C
 * cannot disagree silently.
 */
public final class Layout {
    private final String name;
    private final String doc;
    private final int size;
    private final int alignment;
    private final boolean union;
    private final List<LayoutField> fields;

    private Layout(String name, String doc, int size, boolean union, List<LayoutField> fields) {
        this.name = name;
        this.doc = doc;
        this.size = size;
        this.union = union;
        this.fields = List.copyOf(fields);
        this.alignment = fields.stream().mapToInt(LayoutField::alignment).max().orElse(1);
    }

    /** Starts a structure of exactly {@code size} bytes, named {@code name} in C (e.g. "sv_grant_entry"). */
    public static Builder struct(String name, int size, String doc) {
        return new Builder(name, size, doc, false);
    }

    /** Starts a union: every member lies at offset 0; its size is the largest member's. */
    public static Builder union(String name, String doc) {
        return new Builder(name, -1, doc, true);
    }

    public String name() {
        return name;
    }

    public String doc() {
        return doc;
    }

    public int size() {
        return size;
    }

    public int alignment() {
        return alignment;
    }

    public boolean isUnion() {
        return union;
    }

    /** Fields in offset order. */
    public List<LayoutField> fields() {
        return fields;
    }

    public LayoutField field(String fieldName) {
        for (LayoutField f : fields) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        throw new IllegalArgumentException(name + " has no field " + fieldName);
    }

    public int offsetOf(String fieldName) {
        return field(fieldName).offset();
    }

    @Override
    public String toString() {
        return name + "(" + size + " bytes)";
    }

    /** Collects fields; {@link #build()} validates them. */
    public static final class Builder {
        private final String name;
        private final int size;
        private final String doc;
        private final boolean union;
        private final List<LayoutField> fields = new ArrayList<>();

        private Builder(String name, int size, String doc, boolean union) {
            this.name = Objects.requireNonNull(name);
            this.size = size;
            this.doc = doc;
            this.union = union;
        }

        public Builder scalar(String field, int offset, ScalarType type, String fieldDoc) {
            fields.add(new LayoutField(field, offset, type, null, 1, false, fieldDoc));
            return this;
        }

        public Builder u8(String field, int offset, String fieldDoc) {
            return scalar(field, offset, ScalarType.U8, fieldDoc);
        }

        public Builder u16(String field, int offset, String fieldDoc) {
            return scalar(field, offset, ScalarType.U16, fieldDoc);
        }

        public Builder i16(String field, int offset, String fieldDoc) {
            return scalar(field, offset, ScalarType.I16, fieldDoc);
        }

        public Builder u32(String field, int offset, String fieldDoc) {
            return scalar(field, offset, ScalarType.U32, fieldDoc);
        }

        public Builder i32(String field, int offset, String fieldDoc) {
            return scalar(field, offset, ScalarType.I32, fieldDoc);
        }

        public Builder u64(String field, int offset, String fieldDoc) {
            return scalar(field, offset, ScalarType.U64, fieldDoc);
        }

        public Builder i8(String field, int offset, String fieldDoc) {
            return scalar(field, offset, ScalarType.I8, fieldDoc);
        }

        public Builder array(String field, int offset, ScalarType type, int count, String fieldDoc) {
            fields.add(new LayoutField(field, offset, type, null, count, true, fieldDoc));
            return this;
        }

        public Builder nested(String field, int offset, Layout element, String fieldDoc) {
            fields.add(new LayoutField(field, offset, null, element, 1, false, fieldDoc));
            return this;
        }

        public Builder nestedArray(String field, int offset, Layout element, int count, String fieldDoc) {
            fields.add(new LayoutField(field, offset, null, element, count, true, fieldDoc));
            return this;
        }

        /** Adds a union member at offset 0. */
        public Builder member(String field, Layout element, String fieldDoc) {
            return nested(field, 0, element, fieldDoc);
        }

        public Layout build() {
            List<LayoutField> sorted = new ArrayList<>(fields);
            sorted.sort(Comparator.comparingInt(LayoutField::offset));
            int align = sorted.stream().mapToInt(LayoutField::alignment).max().orElse(1);
            int total = size;
            if (union) {
                int largest = sorted.stream().mapToInt(LayoutField::size).max().orElse(0);
                total = (largest + align - 1) / align * align;
            }
            validate(sorted, total, align);
            return new Layout(name, doc, total, union, sorted);
        }

        private void validate(List<LayoutField> sorted, int total, int align) {
            if (total <= 0) {
                throw new IllegalStateException(name + ": size must be positive");
            }
            if (total % align != 0) {
                throw new IllegalStateException(name + ": size " + total + " is not a multiple of its alignment " + align);
            }
            int end = 0;
            java.util.Set<String> names = new java.util.HashSet<>();
            for (LayoutField f : sorted) {
                if (!names.add(f.name())) {
                    throw new IllegalStateException(name + ": duplicate field " + f.name());
                }
                if (union && f.offset() != 0) {
                    throw new IllegalStateException(name + ": union member " + f.name() + " not at offset 0");
                }
                if (f.offset() % f.alignment() != 0) {
                    throw new IllegalStateException(name + "." + f.name() + " at " + f.offset()
                            + " is not aligned to " + f.alignment());
                }
                if (!union && f.offset() < end) {
                    throw new IllegalStateException(name + "." + f.name() + " at " + f.offset()
                            + " overlaps the previous field, which ends at " + end);
                }
                if (f.end() > total) {
                    throw new IllegalStateException(name + "." + f.name() + " ends at " + f.end()
                            + ", past the size " + total);
                }
                end = Math.max(end, f.end());
            }
        }
    }
}
