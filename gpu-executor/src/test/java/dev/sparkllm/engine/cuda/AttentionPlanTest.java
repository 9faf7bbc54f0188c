package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockTable;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention plan (host side, no GPU needed) on random steps of prefix groups, lone sequences
 * and prefill chunks: every token's items cover its positions 0..position exactly once, through
 * blocks that are the token's own, with at most 64 query rows and {@link AttentionPlan#SPAN}
 * positions per item; and a group's shared prefix is covered by stacked items, not per token.
 */
class AttentionPlanTest {
    @Property(tries = 200)
    void itemsCoverEachTokensContextExactlyOnceThroughItsOwnBlocks(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int group,
                                                                   @ForAll boolean split) {
        Random rnd = new Random(seed);
        int bs = 16, heads = 8 * group, kvHeads = 8;
        StepBatch batch = new StepBatch(4096);
        int nextBlock = 0;
        for (int g = 0, groups = 1 + rnd.nextInt(4); g < groups; g++) {
            int prefixBlocks = 1 + rnd.nextInt(70);
            int[] prefix = new int[prefixBlocks];
            for (int i = 0; i < prefixBlocks; i++) prefix[i] = nextBlock++;
            for (int m = 0, members = 1 + rnd.nextInt(20); m < members; m++) {
                int own = 1 + rnd.nextInt(6);
                int[] blocks = new int[prefixBlocks + own];
                System.arraycopy(prefix, 0, blocks, 0, prefixBlocks);
                for (int i = 0; i < own; i++) blocks[prefixBlocks + i] = nextBlock++;
                BlockTable t = BlockTable.of(bs, blocks);
                int last = t.capacity() - 1 - rnd.nextInt(bs);
                int chunk = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(Math.min(100, last + 1)) : 1; // some prefill
                for (int p = last - chunk + 1; p <= last; p++) batch.add(rnd.nextInt(100), p, t, p == last);
            }
        }
        AttentionPlan plan = new AttentionPlan(heads, kvHeads, split);
        plan.build(batch);
        int n = batch.size();
        List<List<int[]>> ranges = new ArrayList<>();
        for (int t = 0; t < n; t++) ranges.add(new ArrayList<>());
        int records = 0;
        for (int i = 0; i < plan.itemCount; i++) {
            int o = i * AttentionPlan.ITEM_INTS;
            int first = plan.items[o], count = plan.items[o + 1], lo = plan.items[o + 2], hi = plan.items[o + 3], table = plan.items[o + 4];
            assertTrue(count * (heads / kvHeads) <= AttentionPlan.ROWS, "rows per item");
            assertTrue(hi - lo <= AttentionPlan.SPAN && hi > lo, "span");
            assertEquals(records, plan.items[o + 5], "records are numbered in item order");
            int copies = split && count * group <= AttentionPlan.SPLIT_ROWS ? AttentionPlan.SPLIT_WARPS : 1;
            for (int j = 0; j < count; j++) {
                int tok = plan.itemTokens[first + j];
                BlockTable own = batch.table(tok);
                int end = Math.min(hi, batch.position(tok) + 1);
                for (int p = lo; p < end; p++) {
                    assertEquals(own.block(p / bs), plan.blockIds[table + p / bs], "token " + tok + " position " + p + " reads a block that is not its own");
                }
                if (end > lo) ranges.get(tok).add(new int[] {lo, end});
                for (int w = 0; w < copies; w++) {
                    boolean listed = false;
                    for (int r = plan.mergeOffsets[tok]; r < plan.mergeOffsets[tok + 1]; r++) listed |= plan.mergeRecs[r] == records + w * count + j;
                    assertTrue(listed, "token " + tok + " merges its record " + w);
                }
            }
            records += copies * count;
        }
        assertEquals(records, plan.recordCount);
        for (int t = 0; t < n; t++) {
            boolean[] seen = new boolean[batch.position(t) + 1];
            for (int[] r : ranges.get(t)) {
                for (int p = r[0]; p < r[1]; p++) {
                    assertTrue(!seen[p], "position " + p + " of token " + t + " covered twice");
                    seen[p] = true;
                }
            }
            for (int p = 0; p < seen.length; p++) assertTrue(seen[p], "position " + p + " of token " + t + " not covered");
        }
    }

    @Property(tries = 50)
    void aGroupsSharedPrefixIsReadOncePerStackOfMembers(@ForAll @IntRange(min = 2, max = 16) int members) {
        int bs = 16;
        int[] prefix = new int[125]; // 2000 positions
        for (int i = 0; i < prefix.length; i++) prefix[i] = i;
        StepBatch batch = new StepBatch(64);
        for (int m = 0; m < members; m++) {
            int[] blocks = java.util.Arrays.copyOf(prefix, 140);
            for (int i = 125; i < 140; i++) blocks[i] = 1000 + m * 20 + i;
            batch.add(1, 2200, BlockTable.of(bs, blocks), true);
        }
        AttentionPlan plan = new AttentionPlan(32, 8, true); // Llama-3-8B: 4 query heads per KV head, 16 tokens per item
        plan.build(batch);
        long perTokenAlone = (long) members * 2201;
        long loaded = plan.kvPositionsLoaded();
        long expected = 2000L * ((members + 15) / 16) + (long) members * 201;
        assertEquals(expected, loaded, "the prefix is loaded once per 16 members, each member's own 201 positions once");
        assertTrue(loaded < perTokenAlone || members == 1);
    }
}
