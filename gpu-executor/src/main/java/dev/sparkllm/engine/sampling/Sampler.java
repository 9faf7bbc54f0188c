package dev.sparkllm.engine.sampling;

import java.util.Arrays;
import java.util.Objects;

/**
 * Picks the next token from one sequence's logits.
 *
 * <p>Temperature 0 is greedy: the highest logit, ties going to the lowest id (as llama.cpp). Otherwise
 * the filters run in llama.cpp's default order, each on what the previous one kept:
 * top-k, then top-p (nucleus, on the softmax of the remaining logits at temperature 1), then min-p
 * (keep tokens whose probability is at least {@code minP} times the top one), then temperature scaling,
 * then one draw from the request's {@link RequestRandom}. Non-finite logits (NaN, infinities, e.g. from
 * masking) are never chosen.
 *
 * <p>Cost: a few linear passes over the vocabulary. top-k uses a bounded heap (O(V log k)); top-p without
 * top-k looks at the best 64 tokens first and widens only if they do not reach {@code topP}, so a peaked
 * distribution never sorts the vocabulary. All scratch space is allocated once: keep one Sampler per
 * sequence (or per thread); it is not thread-safe.
 */
public final class Sampler {

    private static final int FIRST_NUCLEUS_GUESS = 64;
    private static final int NUCLEUS_GROWTH = 8;

    private final int vocabSize;
    /** Sort keys: descending logit, then ascending id; see {@link #key}. Doubles as the top-k heap. */
    private final long[] keys;
    /** Candidate token ids, best first when sorted. */
    private final int[] ids;
    /** exp(logit - max) per token, filled by the full-vocabulary top-p pass so no exp is computed twice. */
    private final double[] weights;

    public Sampler(int vocabSize) {
        if (vocabSize <= 0) throw new IllegalArgumentException("vocabSize must be positive");
        this.vocabSize = vocabSize;
        this.keys = new long[vocabSize];
        this.ids = new int[vocabSize];
        this.weights = new double[vocabSize];
    }

    public int vocabSize() {
        return vocabSize;
    }

    /**
     * The chosen token id.
     *
     * @throws IllegalArgumentException if the logits are not vocab-sized or none is finite
     */
    public int sample(float[] logits, SamplingParams params, RequestRandom random) {
        Objects.requireNonNull(params, "params");
        checkLength(logits);
        float temperature = params.temperature();
        if (temperature == 0f) return argmax(logits);
        Objects.requireNonNull(random, "random");

        boolean topK = params.topK() > 0 && params.topK() < vocabSize;
        boolean topP = params.topP() < 1f;
        boolean minP = params.minP() > 0f;
        if (!topK && !topP && !minP) return drawFromAll(logits, temperature, random);

        int n;
        if (topK) {
            n = selectBest(logits, params.topK());
            if (topP) n = nucleusOfSorted(logits, n, params.topP());
        } else if (topP) {
            n = nucleus(logits, params.topP());
        } else {
            n = collectFinite(logits);
        }
        if (minP) n = applyMinP(logits, n, params.minP());
        return draw(logits, n, temperature, random);
    }

    /** Index of the largest finite logit, the lowest such index on ties. */
    public static int argmax(float[] logits) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (isUsable(v) && (best < 0 || v > bestValue)) {
                best = i;
                bestValue = v;
            }
        }
        if (best < 0) throw new IllegalArgumentException("no finite logit to choose from");
        return best;
    }

    private void checkLength(float[] logits) {
        if (logits.length != vocabSize) {
            throw new IllegalArgumentException("expected " + vocabSize + " logits, got " + logits.length);
        }
    }

    static boolean isUsable(float v) {
        return !Float.isNaN(v) && !Float.isInfinite(v);
    }

    /**
     * A long whose ascending order is descending logit, then ascending id: the sortable bits of the float
     * (negated) in the high half, the id in the low half. Lets candidates be ranked with primitive sorts.
     * {@link TokenLogprobs} ranks with it too, so its alternatives are in the order greedy sampling picks.
     */
    static long key(float value, int id) {
        int bits = Float.floatToRawIntBits(value);
        bits ^= (bits >> 31) & 0x7fffffff; // now ordered like the float, as a signed int
        return ((long) ~bits << 32) | id;
    }

    static int idOf(long key) {
        return (int) key;
    }

    /** Puts the {@code m} best tokens, best first, in {@code ids[0..n)}; returns n (fewer if fewer are finite). */
    private int selectBest(float[] logits, int m) {
        int size = 0;
        for (int i = 0; i < logits.length; i++) {
            float v = logits[i];
            if (!isUsable(v)) continue;
            size = BestKeys.offer(keys, size, m, key(v, i));
        }
        Arrays.sort(keys, 0, size);
        for (int i = 0; i < size; i++) ids[i] = idOf(keys[i]);
        return size;
    }

    /** top-p over the n sorted candidates (probabilities renormalised over them); returns the kept count. */
    private int nucleusOfSorted(float[] logits, int n, float topP) {
        double max = logits[ids[0]];
        double z = 0;
        for (int i = 0; i < n; i++) z += Math.exp(logits[ids[i]] - max);
        return cutAtMass(logits, n, max, z, topP);
    }

    /** Smallest best-first prefix whose probability reaches topP (the token crossing it is kept). */
    private int cutAtMass(float[] logits, int n, double max, double z, float topP) {
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += Math.exp(logits[ids[i]] - max) / z;
            if (cumulative >= topP) return i + 1;
        }
        return n;
    }

    /**
     * top-p over the whole vocabulary without sorting it: normalise once, rank only the best 64 (then 512)
     * tokens, and stop as soon as their mass reaches topP. If it does not (a flat distribution), rank only
     * the tokens with probability at least (1 - topP) / V: the others hold at most 1 - topP of the mass
     * together, so the nucleus is always among these.
     */
    private int nucleus(float[] logits, float topP) {
        int finite = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            if (isUsable(v)) {
                finite++;
                if (v > max) max = v;
            }
        }
        if (finite == 0) throw new IllegalArgumentException("no finite logit to choose from");
        double z = 0;
        for (int i = 0; i < logits.length; i++) {
            double w = isUsable(logits[i]) ? Math.exp(logits[i] - max) : 0;
            weights[i] = w;
            z += w;
        }
        double targetMass = topP * z;
        for (int m = FIRST_NUCLEUS_GUESS; m < finite && m <= FIRST_NUCLEUS_GUESS * NUCLEUS_GROWTH; m *= NUCLEUS_GROWTH) {
            int n = selectBest(logits, m);
            int cut = prefixReaching(n, targetMass);
            if (cut > 0) return cut;
        }
        double floor = (1 - topP) * z / finite;
        int n = 0;
        for (int i = 0; i < logits.length; i++) {
            if (weights[i] >= floor && isUsable(logits[i])) keys[n++] = key(logits[i], i);
        }
        int cut = selectByMass(0, n, targetMass);
        for (int i = 0; i < cut; i++) ids[i] = idOf(keys[i]);
        return cut;
    }

    /**
     * Quickselect on mass: rearranges keys[from..to) so that keys[from..cut) is the best-ranked run whose
     * weight reaches {@code target} (the token crossing it included), in expected linear time instead of
     * a full sort. The kept tokens come out in no particular (but deterministic) order.
     */
    private int selectByMass(int from, int to, double target) {
        while (to - from > 1) {
            long pivot = medianOfThree(keys[from], keys[(from + to) >>> 1], keys[to - 1]);
            // three-way partition: [from, lt) better than pivot, [lt, gt) the pivot, [gt, to) worse
            int lt = from;
            int gt = to;
            int i = from;
            double betterMass = 0;
            while (i < gt) {
                long k = keys[i];
                if (k < pivot) {
                    betterMass += weights[idOf(k)];
                    keys[i++] = keys[lt];
                    keys[lt++] = k;
                } else if (k > pivot) {
                    keys[i] = keys[--gt];
                    keys[gt] = k;
                } else {
                    i++;
                }
            }
            if (betterMass >= target) {
                to = lt;
            } else if (betterMass + weights[idOf(pivot)] >= target) {
                return lt + 1;
            } else {
                target -= betterMass + weights[idOf(pivot)];
                from = gt;
            }
        }
        return to;
    }

    private static long medianOfThree(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    /** Length of the shortest prefix of ids[0..n) whose cached weights reach target, or 0 if none does. */
    private int prefixReaching(int n, double target) {
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += weights[ids[i]];
            if (cumulative >= target) return i + 1;
        }
        return 0;
    }

    private int collectFinite(float[] logits) {
        int n = 0;
        for (int i = 0; i < logits.length; i++) if (isUsable(logits[i])) ids[n++] = i;
        if (n == 0) throw new IllegalArgumentException("no finite logit to choose from");
        return n;
    }

    /** Keeps candidates with p >= minP * p_max, i.e. logit >= max logit + ln(minP); the best always stays. */
    private int applyMinP(float[] logits, int n, float minP) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[ids[i]]);
        double threshold = max + Math.log(minP);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (logits[ids[i]] >= threshold) ids[kept++] = ids[i];
        }
        return kept;
    }

    /** One draw from softmax(logit / T) over ids[0..n). */
    private int draw(float[] logits, int n, float temperature, RequestRandom random) {
        if (n == 0) throw new IllegalArgumentException("no finite logit to choose from");
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[ids[i]]);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double w = Math.exp((logits[ids[i]] - max) / temperature);
            weights[i] = w; // by candidate position: the per-token weights are no longer needed
            sum += w;
        }
        double target = random.nextDouble() * sum;
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += weights[i];
            if (cumulative > target) return ids[i];
        }
        return ids[n - 1]; // rounding left the target at the very end
    }

    /** One draw from softmax(logit / T) over the whole vocabulary, with no candidate list. */
    private int drawFromAll(float[] logits, float temperature, RequestRandom random) {
        float max = Float.NEGATIVE_INFINITY;
        int last = -1;
        for (int i = 0; i < logits.length; i++) {
            if (isUsable(logits[i])) {
                max = Math.max(max, logits[i]);
                last = i;
            }
        }
        if (last < 0) throw new IllegalArgumentException("no finite logit to choose from");
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double w = isUsable(logits[i]) ? Math.exp((logits[i] - max) / temperature) : 0;
            weights[i] = w;
            sum += w;
        }
        double target = random.nextDouble() * sum;
        double cumulative = 0;
        for (int i = 0; i < logits.length; i++) {
            cumulative += weights[i];
            if (weights[i] > 0 && cumulative > target) return i;
        }
        return last;
    }
}
