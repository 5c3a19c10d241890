package io.splitvisor.abi.layout;

/** A fixed-width little-endian integer as it appears in a shared page. */
public enum ScalarType {
    U8(1, "uint8_t", false),
    I8(1, "int8_t", true),
    U16(2, "uint16_t", false),
    I16(2, "int16_t", true),
    U32(4, "uint32_t", false),
    I32(4, "int32_t", true),
    U64(8, "uint64_t", false),
    I64(8, "int64_t", true);

    private final int size;
    private final String cType;
    private final boolean signed;

    ScalarType(int size, String cType, boolean signed) {
        this.size = size;
        this.cType = cType;
        this.signed = signed;
    }

    /** Size in bytes, which is also the natural alignment. */
    public int size() {
        return size;
    }

    public String cType() {
        return cType;
    }

    public boolean signed() {
        return signed;
    }
}
