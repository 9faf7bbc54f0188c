package dev.sparkllm.engine.cpu;

import dev.sparkllm.engine.kv.BlockTable;

/**
 * The CPU's KV block pool memory, in half precision: per layer one array of keys and one of
 * values, {@code blocks * blockSize} positions of {@code kvDim} halves each (the bits of
 * {@link Float16#toPoolBits}, as llama.cpp's default f16 KV cache keeps them). Allocated once, at
 * the configured budget, so the pool's memory does not grow with the number of queued requests.
 *
 * <p>Two halves share an int: dimension j of a kv head and dimension j + headDim / 2, so that
 * {@link Float16#decodePairRows} turns eight ints into two float vectors with int lanes alone. The
 * layouts follow the attention kernels' two products. A block's keys are stored dimension pair by
 * dimension pair, {@code [kvHead][headDim / 2][blockSize]}, so one dimension of consecutive
 * positions is contiguous: the score kernel multiplies a query dimension by eight positions' keys
 * at once and needs no horizontal sum. Values stay position by position,
 * {@code [slot][kvHead][headDim / 2]}, as the weighted sum of values runs along the head's
 * dimensions. {@link #keyTile} and {@link #valueTile} decode a chunk of a sequence's positions
 * into float tiles that every query sharing them reuses.
 */
final class CpuKvStorage {
    final int kvDim;
    final int blockSize;
    private final int headDim;
    /** Ints per position: kvDim halves, two to an int. */
    private final int pairs;
    private final int[][] keys;
    private final int[][] values;

    CpuKvStorage(int layers, int kvHeads, int headDim, int blocks, int blockSize) {
        if (headDim % 2 != 0) throw new IllegalArgumentException("head size must be even, got " + headDim);
        this.kvDim = kvHeads * headDim;
        this.headDim = headDim;
        this.pairs = kvDim / 2;
        this.blockSize = blockSize;
        long ints = (long) blocks * blockSize * pairs;
        if (ints > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a KV pool of " + blocks + " blocks is too large for one array per layer");
        }
        this.keys = new int[layers][(int) ints];
        this.values = new int[layers][(int) ints];
    }

    static long bytesPerBlock(int layers, int kvDim, int blockSize) {
        return 2L * layers * blockSize * kvDim * Short.BYTES;
    }

    void store(int layer, int slot, float[] key, int keyOffset, float[] value, int valueOffset) {
        int half = headDim / 2;
        int[] k = keys[layer], v = values[layer];
        for (int head = 0, d = 0; head < kvDim / headDim; head++, d += headDim) {
            for (int j = 0; j < half; j++) {
                int pair = head * half + j;
                k[keyIndex(slot, pair)] = Float16.pair(Float16.toPoolBits(key[keyOffset + d + j]),
                        Float16.toPoolBits(key[keyOffset + d + j + half]));
                v[slot * pairs + pair] = Float16.pair(Float16.toPoolBits(value[valueOffset + d + j]),
                        Float16.toPoolBits(value[valueOffset + d + j + half]));
            }
        }
    }

    /** Dimension {@code i} (of kvDim) of the key stored at {@code slot}, as the kernels read it. */
    float key(int layer, int slot, int i) {
        return halfOf(keys[layer][keyIndex(slot, pairOf(i))], i);
    }

    /** Dimension {@code i} (of kvDim) of the value stored at {@code slot}, as the kernels read it. */
    float value(int layer, int slot, int i) {
        return halfOf(values[layer][slot * pairs + pairOf(i)], i);
    }

    private int pairOf(int i) {
        int half = headDim / 2;
        return i / headDim * half + i % headDim % half;
    }

    private float halfOf(int pair, int i) {
        boolean high = i % headDim >= headDim / 2;
        return Float16.poolBitsToFloat((short) (high ? pair >>> 16 : pair));
    }

    private int keyIndex(int slot, int pair) {
        int block = slot / blockSize, row = slot - block * blockSize;
        return (block * pairs + pair) * blockSize + row;
    }

    /**
     * tile[d * stride + p - tileStart] = dimension d of the kv head starting at {@code headOff}
     * (a multiple of headDim) of the key at position p of the table's sequence, for d below headDim
     * and p in [from, to). One division per block the positions touch, not per position.
     */
    void keyTile(int layer, BlockTable table, int from, int to, int headOff, float[] tile, int tileStart, int stride) {
        int[] k = keys[layer];
        int half = headDim / 2, firstPair = headOff / 2;
        for (int p = from; p < to; ) {
            int inBlock = p % blockSize;
            int run = Math.min(blockSize - inBlock, to - p);
            int base = (table.block(p / blockSize) * pairs + firstPair) * blockSize + inBlock;
            int at = p - tileStart;
            Float16.decodePairRows(k, base, blockSize, half, run, tile, at, half * stride + at, stride);
            p += run;
        }
    }

    /**
     * tile[(p - tileStart) * headDim + d] = dimension d of the kv head starting at {@code headOff}
     * of the value at position p of the table's sequence, for d below headDim and p in [from, to).
     */
    void valueTile(int layer, BlockTable table, int from, int to, int headOff, float[] tile, int tileStart) {
        int[] v = values[layer];
        int half = headDim / 2, firstPair = headOff / 2;
        for (int p = from; p < to; ) {
            int inBlock = p % blockSize;
            int run = Math.min(blockSize - inBlock, to - p);
            int slot = table.block(p / blockSize) * blockSize + inBlock;
            int at = (p - tileStart) * headDim;
            Float16.decodePairRows(v, slot * pairs + firstPair, pairs, run, half, tile, at, at + half, headDim);
            p += run;
        }
    }
}
