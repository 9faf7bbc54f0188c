package dev.sparkllm.engine.format;

import dev.sparkllm.engine.tensor.GgmlType;
import dev.sparkllm.engine.tensor.WeightTensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Turns a validated tensor location into a {@link WeightTensor} backed by its own memory mapping.
 * Mapping each tensor separately keeps every buffer under the 2 GiB limit of a ByteBuffer even when
 * the file is far larger; only a single tensor above 2 GiB cannot be served.
 */
final class TensorMapper {
    private TensorMapper() {
    }

    /**
     * @param neDims dimensions in GGML order (the contiguous one first); every one beyond the
     *               second must be 1, since the engine's tensors are matrices
     */
    static WeightTensor map(FileChannel channel, String source, String name, GgmlType type, long[] neDims,
                            long offset, long byteSize) throws IOException {
        checkMappable(source, name, byteSize);
        checkMatrix(source, name, neDims);
        ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, offset, byteSize);
        return wrap(data, source, name, type, neDims, byteSize);
    }

    /**
     * The tensor over {@code data}, which must hold exactly its {@code byteSize} bytes. Separate
     * from {@link #map} so tests and fuzzers can check the shape logic without files.
     */
    static WeightTensor wrap(ByteBuffer data, String source, String name, GgmlType type, long[] neDims,
                             long byteSize) throws ModelFormatException {
        checkMappable(source, name, byteSize);
        checkMatrix(source, name, neDims);
        long cols = neDims.length > 0 ? neDims[0] : 1;
        long rows = neDims.length > 1 ? neDims[1] : 1;
        return new WeightTensor(name, type, (int) rows, (int) cols, data.order(ByteOrder.LITTLE_ENDIAN));
    }

    private static void checkMappable(String source, String name, long byteSize) throws ModelFormatException {
        if (byteSize > Integer.MAX_VALUE) {
            throw new ModelFormatException(source, "tensor " + Quoting.quote(name) + " is " + byteSize
                    + " bytes; a single tensor over 2 GiB cannot be mapped as one buffer");
        }
    }

    private static void checkMatrix(String source, String name, long[] neDims) throws ModelFormatException {
        for (int d = 2; d < neDims.length; d++) {
            if (neDims[d] != 1) {
                throw new ModelFormatException(source, "tensor " + Quoting.quote(name) + " has shape " + Arrays.toString(neDims)
                        + " (GGML order); only 1-D and 2-D tensors can be loaded as weights");
            }
        }
        for (int d = 0; d < Math.min(2, neDims.length); d++) {
            if (neDims[d] > Integer.MAX_VALUE) {
                throw new ModelFormatException(source, "tensor " + Quoting.quote(name) + " has shape " + Arrays.toString(neDims)
                        + " (GGML order); rows and columns must be below 2^31");
            }
        }
    }
}
