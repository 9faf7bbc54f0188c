package dev.sparkllm.engine.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bookkeeping of one pool of fixed-size KV blocks, whatever memory (heap, device) holds them:
 * reference counts, the free list, and the index of computed prompt blocks by chain hash that lets
 * a sequence reuse a prefix another sequence computed.
 *
 * <p>A block is free when no sequence holds it. A free block that still holds a complete,
 * indexed prompt block stays findable until it is handed out again (least recently freed first),
 * so a group member that arrives just after the last one left still hits. Such blocks count as
 * free: the pool never waits for them.
 *
 * <p>An index hit is exact, not just a hash match: the entry keeps its block's tokens and its
 * parent block, and a match needs the same tokens after the same (matched) parent.
 */
public final class BlockAllocator {
    private final int blockSize;
    private final int totalBlocks;
    private final int[] refCounts;
    /** Blocks never handed out or freed without content worth keeping, as a stack. */
    private final int[] plainFree;
    private int plainFreeCount;
    /** Free blocks that still hold an indexed prefix, least recently freed first. */
    private final LinkedHashMap<Integer, Boolean> cachedFree = new LinkedHashMap<>();
    private final Map<Long, Entry> byHash = new HashMap<>();
    private final Entry[] entryOfBlock;
    private int used;
    private int peakUsed;

    /** Bumped each time a block is handed out for new content. */
    private final int[] generation;

    private record Entry(long hash, int block, int parentBlock, int parentGeneration, int[] tokens) {}

    public BlockAllocator(int totalBlocks, int blockSize) {
        if (totalBlocks < 1) throw new IllegalArgumentException("the KV pool needs at least one block");
        this.blockSize = blockSize;
        this.totalBlocks = totalBlocks;
        this.refCounts = new int[totalBlocks];
        this.plainFree = new int[totalBlocks];
        this.entryOfBlock = new Entry[totalBlocks];
        this.generation = new int[totalBlocks];
        for (int b = totalBlocks - 1; b >= 0; b--) plainFree[plainFreeCount++] = b;
    }

    public int blockSize() { return blockSize; }
    public int totalBlocks() { return totalBlocks; }
    public int freeBlocks() { return totalBlocks - used; }
    public int usedBlocks() { return used; }
    public int peakUsedBlocks() { return peakUsed; }

    /** Adds a fresh block to the end of {@code table}; false when the pool has none left. */
    public boolean appendNew(BlockTable table) {
        int block;
        if (plainFreeCount > 0) {
            block = plainFree[--plainFreeCount];
        } else if (!cachedFree.isEmpty()) {
            block = cachedFree.keySet().iterator().next();
            cachedFree.remove(block);
            forget(block);
        } else {
            return false;
        }
        refCounts[block] = 1;
        table.append(block);
        markUsed();
        return true;
    }

    /**
     * Appends to an empty {@code table} the longest run of indexed blocks that equals the start of
     * {@code tokens}, taking a reference on each; {@code hashes[k]} is the chain hash of the first
     * k+1 blocks. Returns the number of blocks reused.
     */
    public int appendCached(BlockTable table, int[] tokens, long[] hashes, int maxBlocks) {
        int[] blocks = new int[maxBlocks];
        int matched = matchPrefix(tokens, hashes, maxBlocks, blocks);
        for (int i = 0; i < matched; i++) {
            retain(blocks[i]);
            table.append(blocks[i]);
        }
        return matched;
    }

    /**
     * What {@link #appendCached} would reuse now: the leading blocks that match, and how many of
     * those are free (held by nobody), since taking those lowers the free count.
     */
    public record PrefixMatch(int blocks, int freeBlocks) {}

    public PrefixMatch cachedPrefix(int[] tokens, long[] hashes, int maxBlocks) {
        int[] blocks = new int[maxBlocks];
        int matched = matchPrefix(tokens, hashes, maxBlocks, blocks);
        int free = 0;
        for (int i = 0; i < matched; i++) if (refCounts[blocks[i]] == 0) free++;
        return new PrefixMatch(matched, free);
    }

    /** Walks the index along the prompt's chain hashes; writes the matching blocks, returns how many. */
    private int matchPrefix(int[] tokens, long[] hashes, int maxBlocks, int[] blocksOut) {
        int parent = -1;
        int matched = 0;
        while (matched < maxBlocks) {
            Entry e = byHash.get(hashes[matched]);
            if (!matches(e, parent, tokens, matched)) break;
            blocksOut[matched++] = e.block;
            parent = e.block;
        }
        return matched;
    }

    /**
     * Indexes block {@code index} of {@code table} once its positions are computed, so later
     * sequences with the same prefix reuse it. A prefix already indexed under another block keeps
     * its first block (the two hold equal values).
     */
    public void index(BlockTable table, int index, long hash, int[] tokens) {
        int block = table.block(index);
        if (entryOfBlock[block] != null) return;
        int parent = index == 0 ? -1 : table.block(index - 1);
        Entry existing = byHash.get(hash);
        if (existing != null && matches(existing, parent, tokens, index)) return;
        Entry e = new Entry(hash, block, parent, parent < 0 ? 0 : generation[parent],
                Arrays.copyOfRange(tokens, index * blockSize, (index + 1) * blockSize));
        byHash.put(hash, e);
        entryOfBlock[block] = e;
    }

    /** Gives back every block of {@code table} from block {@code keep} on. */
    public void release(BlockTable table, int keep) {
        for (int block : table.truncate(keep)) {
            if (--refCounts[block] > 0) continue;
            used--;
            if (entryOfBlock[block] != null) {
                cachedFree.put(block, Boolean.TRUE);
            } else {
                plainFree[plainFreeCount++] = block;
            }
        }
    }

    public int refCount(int block) { return refCounts[block]; }

    private void retain(int block) {
        if (refCounts[block]++ == 0) {
            cachedFree.remove(block);
            markUsed();
        }
    }

    private void markUsed() {
        used++;
        peakUsed = Math.max(peakUsed, used);
    }

    /**
     * The block is handed out for new content: its index entry goes, and its generation moves on,
     * so entries of blocks that extended it (their parent link names this block at the old
     * generation) stop matching without a search for them.
     */
    private void forget(int block) {
        Entry e = entryOfBlock[block];
        entryOfBlock[block] = null;
        if (e != null && byHash.get(e.hash) == e) byHash.remove(e.hash);
        generation[block]++;
    }

    private boolean matches(Entry e, int parent, int[] tokens, int blockIndex) {
        return e != null && entryOfBlock[e.block] == e && e.parentBlock == parent
                && (parent < 0 || e.parentGeneration == generation[parent])
                && Arrays.equals(e.tokens, 0, blockSize, tokens, blockIndex * blockSize, (blockIndex + 1) * blockSize);
    }
}
