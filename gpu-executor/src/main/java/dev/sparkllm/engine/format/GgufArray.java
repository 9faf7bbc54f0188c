package dev.sparkllm.engine.format;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An immutable GGUF metadata array. It presents the boxed view the metadata map promises (Long,
 * Double, Boolean, String, nested List) but stores elements in the narrowest Java array of their
 * on-disk type: a hostile file can then never make the heap grow faster than the file itself
 * (a uint8 array in a {@code long[]} would be 8x), and typed getters such as
 * {@link GgufMetadata#intArray} copy a primitive array instead of unboxing.
 */
final class GgufArray extends AbstractList<Object> implements RandomAccess {
    private final GgufValueType elementType;
    /** byte[], short[], int[], long[], float[], double[], boolean[], String[] or Object[] (nested arrays). */
    private final Object storage;
    private final int size;

    GgufArray(GgufValueType elementType, Object storage, int size) {
        this.elementType = elementType;
        this.storage = storage;
        this.size = size;
    }

    GgufValueType elementType() {
        return elementType;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size);
        }
        switch (elementType) {
            case FLOAT32: return (double) ((float[]) storage)[index];
            case FLOAT64: return ((double[]) storage)[index];
            case BOOL: return ((boolean[]) storage)[index];
            case STRING: return ((String[]) storage)[index];
            case ARRAY: return ((Object[]) storage)[index];
            default: return longAt(index);
        }
    }

    /** Element {@code index} of an integer array, unsigned types zero-extended (uint64 as raw bits). */
    long longAt(int index) {
        switch (elementType) {
            case UINT8: return ((byte[]) storage)[index] & 0xFFL;
            case INT8: return ((byte[]) storage)[index];
            case UINT16: return ((short[]) storage)[index] & 0xFFFFL;
            case INT16: return ((short[]) storage)[index];
            case UINT32: return ((int[]) storage)[index] & 0xFFFF_FFFFL;
            case INT32: return ((int[]) storage)[index];
            case UINT64: case INT64: return ((long[]) storage)[index];
            default: throw new IllegalStateException(elementType + " is not an integer type");
        }
    }

    /** Element {@code index} of any numeric array as a double. */
    double doubleAt(int index) {
        switch (elementType) {
            case FLOAT32: return ((float[]) storage)[index];
            case FLOAT64: return ((double[]) storage)[index];
            default: return longAt(index);
        }
    }

    /** A fresh copy of the elements of a string array. */
    String[] stringsCopy() {
        return ((String[]) storage).clone();
    }

    /** A fresh copy of the elements of an int32 array; other types return null. */
    int[] int32Copy() {
        return elementType == GgufValueType.INT32 ? ((int[]) storage).clone() : null;
    }

    /** A fresh copy of the elements of a float32 array; other types return null. */
    float[] float32Copy() {
        return elementType == GgufValueType.FLOAT32 ? ((float[]) storage).clone() : null;
    }

    String describe() {
        return "an array of " + elementType.displayName();
    }
}
