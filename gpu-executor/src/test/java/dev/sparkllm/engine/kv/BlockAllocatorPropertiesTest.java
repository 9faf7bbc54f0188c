package dev.sparkllm.engine.kv;

import dev.sparkllm.planner.hash.BlockHasher;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool's bookkeeping under random use by many sequences: reference counts equal the tables
 * holding a block, used plus free is the pool, and a prefix hit hands out only blocks whose
 * recorded content is exactly the asking prompt's, however blocks were recycled in between.
 */
class BlockAllocatorPropertiesTest {
    private static final int BLOCK = 4;
    private final BlockHasher hasher = new BlockHasher(BLOCK, 7);

    /** What each block holds, as the "device memory" a real runner would have written. */
    private final Map<Integer, List<Integer>> content = new HashMap<>();

    @Property(tries = 200)
    void bookkeepingStaysExact(@ForAll @IntRange(min = 4, max = 40) int poolBlocks, @ForAll long seed) {
        content.clear();
        Random rnd = new Random(seed);
        BlockAllocator pool = new BlockAllocator(poolBlocks, BLOCK);
        // Prompts drawn from a few shared stems so prefixes repeat.
        int[][] stems = new int[3][];
        for (int i = 0; i < stems.length; i++) stems[i] = rnd.ints(3 * BLOCK, 0, 5).toArray();
        List<BlockTable> live = new ArrayList<>();
        List<int[]> livePrompts = new ArrayList<>();
        for (int op = 0; op < 300; op++) {
            if (live.isEmpty() || rnd.nextInt(3) > 0) {
                int[] prompt = prompt(rnd, stems);
                long[] hashes = new long[prompt.length / BLOCK];
                hasher.chain(prompt, prompt.length, hashes);
                BlockTable table = new BlockTable(BLOCK);
                int hit = pool.appendCached(table, prompt, hashes, hashes.length);
                for (int b = 0; b < hit; b++) {
                    assertEquals(slice(prompt, b), content.get(table.block(b)), "a hit must hold the prompt's own tokens");
                }
                boolean fits = true;
                while (table.capacity() < prompt.length) {
                    if (!pool.appendNew(table)) {
                        fits = false;
                        break;
                    }
                    content.put(table.block(table.count() - 1), null); // new content, not written yet
                }
                if (!fits) {
                    pool.release(table, 0);
                } else {
                    for (int b = hit; b < hashes.length; b++) {
                        content.put(table.block(b), slice(prompt, b)); // "computed"
                        pool.index(table, b, hashes[b], prompt);
                    }
                    live.add(table);
                    livePrompts.add(prompt);
                }
            } else {
                int victim = rnd.nextInt(live.size());
                pool.release(live.remove(victim), 0);
                livePrompts.remove(victim);
            }
            checkCounts(pool, live);
        }
        for (BlockTable t : live) pool.release(t, 0);
        assertEquals(0, pool.usedBlocks());
        assertEquals(poolBlocks, pool.freeBlocks());
    }

    private static int[] prompt(Random rnd, int[][] stems) {
        int[] stem = stems[rnd.nextInt(stems.length)];
        int keep = rnd.nextInt(stem.length + 1);
        int own = 1 + rnd.nextInt(2 * BLOCK);
        int[] p = new int[keep + own];
        System.arraycopy(stem, 0, p, 0, keep);
        for (int i = keep; i < p.length; i++) p[i] = rnd.nextInt(5);
        return p;
    }

    private static List<Integer> slice(int[] prompt, int block) {
        List<Integer> out = new ArrayList<>();
        for (int i = block * BLOCK; i < (block + 1) * BLOCK; i++) out.add(prompt[i]);
        return out;
    }

    private static void checkCounts(BlockAllocator pool, List<BlockTable> live) {
        int[] holders = new int[pool.totalBlocks()];
        for (BlockTable t : live) for (int i = 0; i < t.count(); i++) holders[t.block(i)]++;
        int used = 0;
        for (int b = 0; b < holders.length; b++) {
            assertEquals(holders[b], pool.refCount(b), "reference count of block " + b);
            if (holders[b] > 0) used++;
        }
        assertEquals(used, pool.usedBlocks());
        assertEquals(pool.totalBlocks() - used, pool.freeBlocks());
    }

    @Test
    void aFreedPrefixIsFoundUntilItsBlocksAreHandedOutAgain() {
        BlockAllocator pool = new BlockAllocator(4, BLOCK);
        int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        long[] hashes = new long[2];
        hasher.chain(prompt, prompt.length, hashes);
        BlockTable first = new BlockTable(BLOCK);
        for (int i = 0; i < 3; i++) assertTrue(pool.appendNew(first));
        pool.index(first, 0, hashes[0], prompt);
        pool.index(first, 1, hashes[1], prompt);
        pool.release(first, 0);
        assertEquals(4, pool.freeBlocks(), "indexed blocks nobody holds count as free");
        assertEquals(new BlockAllocator.PrefixMatch(2, 2), pool.cachedPrefix(prompt, hashes, 2));
        BlockTable second = new BlockTable(BLOCK);
        assertEquals(2, pool.appendCached(second, prompt, hashes, 2));
        assertEquals(2, pool.usedBlocks());
        pool.release(second, 0);
        // Four other sequences take every block: the old prefix is gone, never half-matched.
        BlockTable other = new BlockTable(BLOCK);
        for (int i = 0; i < 4; i++) assertTrue(pool.appendNew(other));
        assertFalse(pool.appendNew(other));
        assertEquals(0, pool.cachedPrefix(prompt, hashes, 2).blocks());
    }
}
