package dev.sparkllm.engine.cuda;

import dev.sparkllm.engine.backend.StepBatch;
import dev.sparkllm.engine.kv.BlockTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts one step's attention into the work items of the {@code attn_partial} kernel, on the host,
 * once per step (every layer uses the same plan).
 *
 * <p>Tokens whose block tables start with the same block form a group: a prefix group's members,
 * or one sequence's prefill tokens. Over the blocks all the group's tables share, the group's
 * tokens are stacked (up to 64 query rows per item), so each KV tile of the shared prefix is read
 * once for the whole stack. Past the shared blocks, each sequence's tokens go over their own
 * blocks. Position ranges are cut into spans of {@link #SPAN} so a long context still spreads over
 * many blocks of the GPU; a token gets one partial result per item it is in, and
 * {@code attn_merge} combines them.
 */
final class AttentionPlan {
    /** Positions one work item covers at most. */
    static final int SPAN = 512;
    /** Query rows per work item (the kernel's tile). */
    static final int ROWS = 64;
    static final int ITEM_INTS = 6;
    /** Query rows up to which the mma kernel splits an item's keys over its 4 warps (a record per warp). */
    static final int SPLIT_ROWS = 16;
    static final int SPLIT_WARPS = 4;

    private final int tokensPerItem;
    private final int group;
    private final boolean splitSmallItems;
    int[] items = new int[ITEM_INTS * 64];
    int itemCount;
    int[] itemTokens = new int[256];
    int itemTokenCount;
    int[] blockIds = new int[256];
    int blockIdCount;
    int[] mergeOffsets = new int[65];
    int[] mergeRecs = new int[256];
    /** Partial records the step's items write (one per token per item). */
    int recordCount;

    /**
     * @param splitSmallItems true for the kernel that splits items of at most {@link #SPLIT_ROWS}
     *                        query rows over its warps (attn_mma: {@link #SPLIT_WARPS} records per token)
     */
    AttentionPlan(int heads, int kvHeads, boolean splitSmallItems) {
        this.group = heads / kvHeads;
        if (group > ROWS) throw new IllegalArgumentException(heads + " query heads per " + kvHeads + " KV heads: at most " + ROWS + " per KV head");
        this.tokensPerItem = ROWS / group;
        this.splitSmallItems = splitSmallItems;
    }

    /** Upper bound of partial records for a step of {@code tokens} tokens with contexts up to {@code context}. */
    static long maxRecords(int tokens, int context) {
        return (long) tokens * ((context + SPAN - 1) / SPAN + 1) * SPLIT_WARPS;
    }

    void build(StepBatch batch) {
        int n = batch.size();
        itemCount = itemTokenCount = blockIdCount = 0;
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int t = 0; t < n; t++) groups.computeIfAbsent(batch.table(t).block(0), k -> new ArrayList<>()).add(t);
        Map<BlockTable, Integer> tableAt = new IdentityHashMap<>();
        @SuppressWarnings("unchecked") List<Integer>[] recsOf = new List[n];
        for (int t = 0; t < n; t++) recsOf[t] = new ArrayList<>(2);
        int records = 0;
        for (List<Integer> members : groups.values()) {
            Map<BlockTable, List<Integer>> byTable = new IdentityHashMap<>();
            for (int t : members) byTable.computeIfAbsent(batch.table(t), k -> new ArrayList<>()).add(t);
            BlockTable first = batch.table(members.get(0));
            int shared = first.count();
            for (BlockTable other : byTable.keySet()) shared = Math.min(shared, first.commonBlocks(other));
            int sharedEnd = byTable.size() == 1 ? Integer.MAX_VALUE : shared * first.blockSize();
            records = addItems(batch, members, first, 0, sharedEnd, tableAt, recsOf, records);
            if (byTable.size() > 1) {
                for (Map.Entry<BlockTable, List<Integer>> own : byTable.entrySet()) {
                    records = addItems(batch, own.getValue(), own.getKey(), sharedEnd, Integer.MAX_VALUE, tableAt, recsOf, records);
                }
            }
        }
        mergeOffsets = grow(mergeOffsets, n + 1);
        mergeRecs = grow(mergeRecs, records);
        int at = 0;
        for (int t = 0; t < n; t++) {
            mergeOffsets[t] = at;
            for (int r : recsOf[t]) mergeRecs[at++] = r;
        }
        mergeOffsets[n] = at;
        recordCount = records;
    }

    /** Items for {@code tokens} (sorted here by position) over positions [from, min(to, own position + 1)) of {@code table}. */
    private int addItems(StepBatch batch, List<Integer> tokens, BlockTable table, int from, int to,
                         Map<BlockTable, Integer> tableAt, List<Integer>[] recsOf, int records) {
        tokens.sort((a, b) -> Integer.compare(batch.position(a), batch.position(b)));
        for (int c = 0; c < tokens.size(); c += tokensPerItem) {
            List<Integer> chunk = tokens.subList(c, Math.min(tokens.size(), c + tokensPerItem));
            int end = Math.min(to, batch.position(chunk.get(chunk.size() - 1)) + 1);
            if (end <= from) continue;
            int tableStart = tableAt.computeIfAbsent(table, this::appendTable);
            for (int lo = from; lo < end; lo += SPAN) {
                int hi = Math.min(end, lo + SPAN);
                items = grow(items, (itemCount + 1) * ITEM_INTS);
                int o = itemCount++ * ITEM_INTS;
                items[o] = itemTokenCount;
                items[o + 1] = chunk.size();
                items[o + 2] = lo;
                items[o + 3] = hi;
                items[o + 4] = tableStart;
                items[o + 5] = records;
                itemTokens = grow(itemTokens, itemTokenCount + chunk.size());
                int copies = splitSmallItems && chunk.size() * group <= SPLIT_ROWS ? SPLIT_WARPS : 1;
                for (int j = 0; j < chunk.size(); j++) {
                    itemTokens[itemTokenCount++] = chunk.get(j);
                    for (int w = 0; w < copies; w++) recsOf[chunk.get(j)].add(records + w * chunk.size() + j);
                }
                records += copies * chunk.size();
            }
        }
        return records;
    }

    private int appendTable(BlockTable table) {
        int start = blockIdCount;
        blockIds = grow(blockIds, blockIdCount + table.count());
        for (int b = 0; b < table.count(); b++) blockIds[blockIdCount++] = table.block(b);
        return start;
    }

    /** Distinct KV positions the step's items read per layer and KV head (each tile once per item). */
    long kvPositionsLoaded() {
        long sum = 0;
        for (int i = 0; i < itemCount; i++) sum += items[i * ITEM_INTS + 3] - items[i * ITEM_INTS + 2];
        return sum;
    }


    private static int[] grow(int[] a, int need) {
        return need <= a.length ? a : Arrays.copyOf(a, Math.max(need, a.length * 2));
    }
}
