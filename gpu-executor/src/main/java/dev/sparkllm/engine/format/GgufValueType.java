package dev.sparkllm.engine.format;

/** The GGUF metadata value types with their on-disk ids. */
enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),
    ARRAY(9, 4 + 8),
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private static final GgufValueType[] BY_ID = values();

    final int id;
    /**
     * The fewest bytes one value of this type can take on disk (the fixed width, or the length
     * prefix of strings and arrays). Used to reject counts that the rest of the file cannot hold
     * before anything is allocated.
     */
    final int minEncodedBytes;

    GgufValueType(int id, int minEncodedBytes) {
        this.id = id;
        this.minEncodedBytes = minEncodedBytes;
    }

    /** The type with on-disk id {@code id}, or null for an unknown id. */
    static GgufValueType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    boolean isInteger() {
        switch (this) {
            case UINT8: case INT8: case UINT16: case INT16: case UINT32: case INT32: case UINT64: case INT64:
                return true;
            default:
                return false;
        }
    }

    boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
