package dev.sparkllm.planner.plan;

import dev.sparkllm.planner.cost.Cost;
import dev.sparkllm.planner.cost.CostModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Assigns units to K partitions of about equal estimated time. Groups are placed whole when they
 * fit (longest first onto the least loaded partition), and cut into equal pieces when larger than
 * a piece limit; each extra piece recomputes the top-level prefix, so cutting is only as fine as
 * balance needs: the limit starts at one partition's share and halves until the most loaded
 * partition is within 5% of the mean (the goal is 10%, the rest is left for the spread of hashed
 * member placement). The ungrouped pool is divisible at will and fills the gaps last.
 */
public final class Packer {
  private static final double GOOD_ENOUGH = 1.05;
  private static final int FINEST_GRANULARITY = 64;

  private final CostModel costModel;

  public Packer(CostModel costModel) {
    this.costModel = costModel;
  }

  /** The packing: pieces of every unit, ordered by unit then piece. */
  public List<Piece> pack(List<PlanUnit> units, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("need at least one partition, got " + partitions);
    }
    double total = units.stream().mapToDouble(u -> u.cost().seconds()).sum();
    List<Piece> best = null;
    double bestImbalance = Double.POSITIVE_INFINITY;
    for (int granularity = 1; granularity <= FINEST_GRANULARITY; granularity *= 2) {
      double pieceLimit = total / partitions / granularity;
      List<Piece> pieces = packWithLimit(units, partitions, pieceLimit);
      double imbalance = imbalance(pieces, partitions);
      if (imbalance < bestImbalance - 1e-9) {
        best = pieces;
        bestImbalance = imbalance;
      }
      if (imbalance <= GOOD_ENOUGH || partitions == 1) {
        break;
      }
    }
    return best;
  }

  private List<Piece> packWithLimit(List<PlanUnit> units, int partitions, double pieceLimit) {
    record Candidate(int unit, int index, int of, Cost cost) {}
    List<Candidate> candidates = new ArrayList<>();
    PlanUnit pool = null;
    int poolIndex = -1;
    for (int u = 0; u < units.size(); u++) {
      PlanUnit unit = units.get(u);
      if (unit.isPool()) {
        pool = unit;
        poolIndex = u;
        continue;
      }
      int pieces = pieceCount(unit, pieceLimit);
      Cost pieceCost = pieceCost(unit, pieces);
      for (int i = 0; i < pieces; i++) {
        candidates.add(new Candidate(u, i, pieces, pieceCost));
      }
    }
    // Longest first onto the least loaded partition; ties by plan order, then partition index.
    candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.cost().seconds())
        .thenComparingInt(Candidate::unit).thenComparingInt(Candidate::index));
    double[] load = new double[partitions];
    PriorityQueue<Integer> leastLoaded = new PriorityQueue<>(
        Comparator.comparingDouble((Integer p) -> load[p]).thenComparingInt(p -> p));
    for (int p = 0; p < partitions; p++) {
      leastLoaded.add(p);
    }
    List<Piece> pieces = new ArrayList<>();
    for (Candidate c : candidates) {
      int p = leastLoaded.poll();
      load[p] += c.cost().seconds();
      leastLoaded.add(p);
      pieces.add(new Piece(c.unit(), c.index() / (double) c.of(), (c.index() + 1) / (double) c.of(), p, c.cost()));
    }
    if (pool != null) {
      pieces.addAll(fillWithPool(pool, poolIndex, load));
    }
    pieces.sort(Comparator.comparingInt(Piece::unit).thenComparingDouble(Piece::from));
    return pieces;
  }

  /** Enough equal pieces to stay under the limit, never more than the unit has members. */
  private static int pieceCount(PlanUnit unit, double pieceLimit) {
    if (unit.cost().seconds() <= pieceLimit || unit.requests() < 2) {
      return 1;
    }
    return (int) Math.min(unit.requests(), Math.ceil(unit.cost().seconds() / pieceLimit));
  }

  /** One of {@code pieces} equal pieces: the prefix computed in full, the rest shared out. */
  private Cost pieceCost(PlanUnit unit, int pieces) {
    Cost whole = unit.cost();
    if (pieces == 1) {
      return whole;
    }
    long prefix = unit.prefixTokens();
    long prefill = prefix + Math.round((whole.prefillTokens() - prefix) / (double) pieces);
    long decode = Math.round(whole.decodeTokens() / (double) pieces);
    long resident = whole.peakKvBytes() / costModel.shape().kvBytesPerToken();
    return costModel.cost(prefill, decode, prefix + Math.round((resident - prefix) / (double) pieces));
  }

  /** Water-filling: the pool raises the least loaded partitions to a common level. */
  private List<Piece> fillWithPool(PlanUnit pool, int poolIndex, double[] load) {
    double amount = pool.cost().seconds();
    int partitions = load.length;
    double[] sorted = load.clone();
    Arrays.sort(sorted);
    // The level L with sum over partitions of max(0, L - load) = amount: try filling the k
    // least loaded partitions until the level stays below the next one's load.
    double level = 0;
    double filledBase = 0;
    for (int k = 1; k <= partitions; k++) {
      filledBase += sorted[k - 1];
      level = (amount + filledBase) / k;
      if (k == partitions || level <= sorted[k]) {
        break;
      }
    }
    List<Piece> pieces = new ArrayList<>();
    double from = 0;
    for (int p = 0; p < partitions; p++) {
      double share = amount > 0 ? Math.max(0, level - load[p]) / amount : 1.0 / partitions;
      if (share <= 0) {
        continue;
      }
      double to = Math.min(1.0, from + share);
      Cost cost = scale(pool.cost(), to - from);
      load[p] += cost.seconds();
      pieces.add(new Piece(poolIndex, from, to, p, cost));
      from = to;
    }
    // Rounding must not leave a gap at the end of [0, 1).
    Piece last = pieces.get(pieces.size() - 1);
    pieces.set(pieces.size() - 1, new Piece(last.unit(), last.from(), 1.0, last.partition(), last.cost()));
    return pieces;
  }

  private Cost scale(Cost cost, double fraction) {
    return costModel.cost(Math.round(cost.prefillTokens() * fraction), Math.round(cost.decodeTokens() * fraction),
        Math.round(cost.peakKvBytes() / (double) costModel.shape().kvBytesPerToken() * fraction));
  }

  /** Most loaded partition over the mean. */
  static double imbalance(List<Piece> pieces, int partitions) {
    double[] load = loads(pieces, partitions);
    double max = Arrays.stream(load).max().orElse(0);
    double mean = Arrays.stream(load).sum() / partitions;
    return mean == 0 ? 1.0 : max / mean;
  }

  static double[] loads(List<Piece> pieces, int partitions) {
    double[] load = new double[partitions];
    for (Piece piece : pieces) {
      load[piece.partition()] += piece.cost().seconds();
    }
    return load;
  }
}
