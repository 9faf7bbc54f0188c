package dev.sparkllm.planner.plan;

import dev.sparkllm.planner.PlanRequest;
import dev.sparkllm.planner.PlannerConfig;
import dev.sparkllm.planner.cost.Cost;
import dev.sparkllm.planner.cost.CostModel;
import dev.sparkllm.planner.hash.BlockHasher;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's plan: groups in run order, units and their pieces per partition, and estimated costs.
 * It holds no token ids and no request ids, so it is small enough to broadcast; any request is
 * placed by {@link #assign} from its own tokens.
 */
public final class Plan implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int blockSize;
  private final long hashSeed;
  private final CostModel costModel;
  private final List<PlanGroup> groups;
  private final List<PlanUnit> units;
  private final List<Piece> pieces;
  private final int partitions;
  private final long requests;
  private final long promptTokens;
  private final long decodeTokens;
  private final GroupIndex groupIndex;
  private final int[] firstPieceOfUnit;
  private final int[] unitOfGroup;
  private final int[] indexInUnit;
  private final int poolUnit;
  private transient BlockHasher hasher;

  Plan(PlannerConfig config, CostModel costModel, List<PlanGroup> groups, List<PlanUnit> units, List<Piece> pieces,
      int partitions, long requests, long promptTokens, long decodeTokens) {
    this.blockSize = config.blockSize();
    this.hashSeed = config.hashSeed();
    this.costModel = costModel;
    this.groups = List.copyOf(groups);
    this.units = List.copyOf(units);
    this.pieces = List.copyOf(pieces);
    this.partitions = partitions;
    this.requests = requests;
    this.promptTokens = promptTokens;
    this.decodeTokens = decodeTokens;
    this.unitOfGroup = new int[groups.size()];
    this.indexInUnit = new int[groups.size()];
    int pool = -1;
    for (int u = 0; u < units.size(); u++) {
      PlanUnit unit = units.get(u);
      if (unit.isPool()) {
        pool = u;
      }
      for (int i = 0; i < unit.groupIds().size(); i++) {
        unitOfGroup[unit.groupIds().get(i)] = u;
        indexInUnit[unit.groupIds().get(i)] = i;
      }
    }
    this.poolUnit = pool;
    this.groupIndex = new GroupIndex(groups, blockSize);
    this.firstPieceOfUnit = new int[units.size() + 1];
    java.util.Arrays.fill(firstPieceOfUnit, this.pieces.size());
    for (int i = this.pieces.size() - 1; i >= 0; i--) { // pieces are sorted by unit
      firstPieceOfUnit[this.pieces.get(i).unit()] = i;
    }
    for (int u = units.size() - 1; u >= 0; u--) {
      firstPieceOfUnit[u] = Math.min(firstPieceOfUnit[u], firstPieceOfUnit[u + 1]);
    }
  }

  private BlockHasher hasher() {
    if (hasher == null) {
      hasher = new BlockHasher(blockSize, hashSeed);
    }
    return hasher;
  }

  /** The deepest group whose prefix {@code tokens[0, length)} starts with, or -1. */
  public int groupOf(int[] tokens, int length) {
    BlockHasher h = hasher();
    int blocks = h.wholeBlocks(length);
    long hash = h.rootHash();
    int hashed = 0;
    int group = -1;
    for (int depth : groupIndex.depthsInBlocks()) {
      if (depth > blocks) {
        break;
      }
      for (; hashed < depth; hashed++) {
        hash = h.extend(hash, tokens, hashed);
      }
      int found = groupIndex.groupOf(hash);
      if (found >= 0) {
        group = found;
      }
    }
    return group;
  }

  /**
   * Places one request using only its own id and tokens (a Spark task does this for each row).
   * Members of a group that was cut into pieces are spread over the pieces by a hash of their id,
   * so piece sizes are right on average, not exactly.
   */
  public Assignment assign(String id, int[] tokens, int length) {
    int group = groupOf(tokens, length);
    return place(group, BlockHasher.unitInterval(id));
  }

  private Assignment place(int group, double placeInGroup) {
    int unit;
    double position;
    if (group < 0) {
      if (poolUnit < 0) {
        throw new IllegalStateException("a request in no group, but " + this + " has none: was it built from these "
            + "requests?");
      }
      unit = poolUnit;
      position = placeInGroup;
    } else {
      unit = unitOfGroup[group];
      PlanUnit u = units.get(unit);
      int i = indexInUnit[group];
      position = u.groupOffsets()[i] + placeInGroup * u.groupWidths()[i];
    }
    return new Assignment(group, partitionOf(unit, position), unit);
  }

  private int partitionOf(int unit, double position) {
    Piece last = null;
    for (int i = firstPieceOfUnit[unit]; i < firstPieceOfUnit[unit + 1]; i++) {
      Piece piece = pieces.get(i);
      if (piece.contains(position)) {
        return piece.partition();
      }
      last = piece;
    }
    if (last == null) {
      throw new IllegalStateException("unit " + unit + " has no piece");
    }
    return last.partition(); // position rounding at the very end of [0, 1)
  }

  /**
   * Places every request of an in-memory job exactly: members of a group are ranked (by a hash
   * of their id, then the id) instead of hashed, so a group cut into k pieces puts its members
   * into the pieces as evenly as whole members allow. Ids must be unique.
   */
  public Map<String, Assignment> assignAll(List<PlanRequest> requests) {
    Map<Integer, List<PlanRequest>> byGroup = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (PlanRequest request : requests) {
      if (!seen.add(request.id())) {
        throw new IllegalArgumentException("duplicate request id '" + request.id() + "'");
      }
      byGroup.computeIfAbsent(groupOf(request.tokens(), request.tokens().length), g -> new ArrayList<>()).add(request);
    }
    Map<String, Assignment> placed = new HashMap<>();
    Comparator<PlanRequest> rank = Comparator.comparingDouble((PlanRequest r) -> BlockHasher.unitInterval(r.id()))
        .thenComparing(PlanRequest::id);
    for (Map.Entry<Integer, List<PlanRequest>> entry : byGroup.entrySet()) {
      List<PlanRequest> members = entry.getValue();
      members.sort(rank);
      for (int i = 0; i < members.size(); i++) {
        placed.put(members.get(i).id(), place(entry.getKey(), (i + 0.5) / members.size()));
      }
    }
    Map<String, Assignment> inInputOrder = new LinkedHashMap<>();
    for (PlanRequest request : requests) {
      inInputOrder.put(request.id(), placed.get(request.id()));
    }
    return inInputOrder;
  }

  public List<PlanGroup> groups() {
    return groups;
  }

  public List<PlanUnit> units() {
    return units;
  }

  public List<Piece> pieces() {
    return pieces;
  }

  public int partitions() {
    return partitions;
  }

  public int blockSize() {
    return blockSize;
  }

  public long hashSeed() {
    return hashSeed;
  }

  public CostModel costModel() {
    return costModel;
  }

  public long requests() {
    return requests;
  }

  public long promptTokens() {
    return promptTokens;
  }

  public long decodeTokens() {
    return decodeTokens;
  }

  /** Prompt tokens the plan computes: shared prefixes once per piece, everything else once. */
  public long plannedPrefillTokens() {
    // Exact, from the units (piece costs are rounded shares): each extra piece of a unit
    // recomputes its top-level prefix once.
    long tokens = 0;
    for (PlanUnit unit : units) {
      tokens += unit.cost().prefillTokens();
    }
    for (Piece piece : pieces) {
      if (piece.from() > 0 && !units.get(piece.unit()).isPool()) {
        tokens += units.get(piece.unit()).prefixTokens();
      }
    }
    return tokens;
  }

  /** Prompt tokens the plan does not compute, thanks to sharing. */
  public long savedPrefillTokens() {
    return promptTokens - plannedPrefillTokens();
  }

  /** Each partition's estimated work. */
  public List<Cost> partitionCosts() {
    List<Cost> costs = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      costs.add(Cost.ZERO);
    }
    for (Piece piece : pieces) {
      costs.set(piece.partition(), costs.get(piece.partition()).plus(piece.cost()));
    }
    return costs;
  }

  /** The whole job's estimated work (what the UWFQ scheduler uses as the job's size). */
  public Cost totalCost() {
    return pieces.stream().map(Piece::cost).reduce(Cost.ZERO, Cost::plus);
  }

  /** Most loaded partition's estimated time over the mean. */
  public double imbalance() {
    return Packer.imbalance(pieces, partitions);
  }

  @Override
  public String toString() {
    return String.format("Plan[%d requests, %d groups, %d units, %d partitions, prefill %d of %d prompt tokens]",
        requests, groups.size(), units.size(), partitions, plannedPrefillTokens(), promptTokens);
  }
}
