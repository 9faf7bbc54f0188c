package dev.sparkllm.engine.format;

import dev.sparkllm.engine.tensor.GgmlType;

/**
 * The element types of the safetensors format with their widths, so the size of every tensor can
 * be checked even when the engine cannot load its type. Only F32, F16 and BF16 map to an engine type.
 */
enum SafetensorsDtype {
    BOOL(8, null),
    F4(4, null),
    F6_E2M3(6, null),
    F6_E3M2(6, null),
    U8(8, null),
    I8(8, null),
    F8_E5M2(8, null),
    F8_E4M3(8, null),
    F8_E8M0(8, null),
    I16(16, null),
    U16(16, null),
    F16(16, GgmlType.F16),
    BF16(16, GgmlType.BF16),
    I32(32, null),
    U32(32, null),
    F32(32, GgmlType.F32),
    F64(64, null),
    I64(64, null),
    U64(64, null);

    /** Bits per element; sub-byte types pack elements across byte boundaries. */
    final int bits;
    /** The engine's type for this dtype, or null when tensors of it cannot be loaded. */
    final GgmlType engineType;

    SafetensorsDtype(int bits, GgmlType engineType) {
        this.bits = bits;
        this.engineType = engineType;
    }

    /** The dtype called {@code name} in a header, or null for a name this reader does not know. */
    static SafetensorsDtype byName(String name) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(name)) return d;
        }
        return null;
    }
}
