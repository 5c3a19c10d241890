package io.splitvisor.abi.layout;

/**
 * One named field of a {@link Layout}: a scalar, an array of scalars, a nested layout or an
 * array of nested layouts, at a fixed byte offset.
 *
 * @param name    the field name, identical in Java docs and the generated C struct
 * @param offset  byte offset from the start of the enclosing layout
 * @param scalar  the element type when the element is a scalar, else null
 * @param element the element layout when the element is a nested layout, else null
 * @param count   1 for a single value, the element count for an array
 * @param array   whether the field is declared as an array (even of one element)
 * @param doc     a one-line description
 */
public record LayoutField(String name, int offset, ScalarType scalar, Layout element, int count,
                          boolean array, String doc) {

    public LayoutField {
        if ((scalar == null) == (element == null)) {
            throw new IllegalArgumentException(name + ": exactly one of scalar and element");
        }
        if (count < 1) {
            throw new IllegalArgumentException(name + ": count must be positive");
        }
    }

    public int elementSize() {
        return scalar != null ? scalar.size() : element.size();
    }

    public int alignment() {
        return scalar != null ? scalar.size() : element.alignment();
    }

    public int size() {
        return elementSize() * count;
    }

    public int end() {
        return offset + size();
    }
}
