package dev.sparkllm.engine.kv;

import java.util.Arrays;

/**
 * The KV blocks of one sequence, in position order: position p lives in block
 * {@code block(p / blockSize)} at row {@code p % blockSize}. Leading blocks may be shared with
 * other sequences (a group's prefix); the allocator's reference counts say by how many.
 */
public final class BlockTable {
    private final int blockSize;
    private int[] blocks = new int[8];
    private int count;

    public BlockTable(int blockSize) {
        if (blockSize < 1) throw new IllegalArgumentException("block size must be >= 1");
        this.blockSize = blockSize;
    }

    /**
     * A table over blocks 0..blocks-1 in order: one sequence that owns a whole pool (benchmarks and
     * tests that drive a model runner without the scheduler).
     */
    public static BlockTable wholePool(int blocks, int blockSize) {
        BlockTable t = new BlockTable(blockSize);
        for (int b = 0; b < blocks; b++) t.append(b);
        return t;
    }

    /** A table over the given blocks, in order (tests and benchmarks that lay out tables by hand). */
    public static BlockTable of(int blockSize, int... blocks) {
        BlockTable t = new BlockTable(blockSize);
        for (int b : blocks) t.append(b);
        return t;
    }

    public int blockSize() { return blockSize; }

    /** Blocks held. */
    public int count() { return count; }

    /** Positions the held blocks can store. */
    public int capacity() { return count * blockSize; }

    public int block(int index) { return blocks[index]; }

    /** The storage row of {@code position}: its block times the block size plus its offset. */
    public int slot(int position) {
        return blocks[position / blockSize] * blockSize + position % blockSize;
    }

    void append(int block) {
        if (count == blocks.length) blocks = Arrays.copyOf(blocks, count * 2);
        blocks[count++] = block;
    }

    /** Removes and returns the blocks from {@code keep} on (used to give them back). */
    int[] truncate(int keep) {
        int[] dropped = Arrays.copyOfRange(blocks, keep, count);
        count = keep;
        return dropped;
    }

    /** How many leading blocks this table shares, block for block, with {@code other}. */
    public int commonBlocks(BlockTable other) {
        int n = Math.min(count, other.count);
        int i = 0;
        while (i < n && blocks[i] == other.blocks[i]) i++;
        return i;
    }
}
