package dev.sparkllm.planner.bench;

/**
 * A simulation of vLLM's automatic prefix cache, the baseline the planner is compared with: KV
 * blocks keyed by their chain hash, a fixed capacity, least recently used blocks evicted first.
 * A request reuses the longest run of cached blocks from its start, computes the rest, and
 * leaves all its blocks cached. Requests are processed one after another (a real engine runs
 * many at once, which only shortens how long a block stays cached).
 */
final class LruPrefixCache {
  private final int capacity;
  private final long[] keys;
  private final int[] entryAt;
  private final int[] slotOfEntry;
  private final long[] entryKey;
  private final int[] prev;
  private final int[] next;
  private final int mask;
  private int head = -1;
  private int tail = -1;
  private int size;

  LruPrefixCache(int capacityBlocks) {
    this.capacity = Math.max(1, capacityBlocks);
    int tableSize = Integer.highestOneBit(capacity * 2 - 1) << 1;
    this.keys = new long[tableSize];
    this.slotOfEntry = new int[capacity];
    this.entryKey = new long[capacity];
    this.prev = new int[capacity];
    this.next = new int[capacity];
    this.mask = tableSize - 1;
    this.entryAt = new int[tableSize];
  }

  /** Returns how many leading blocks of {@code chain[0, blocks)} were cached, then caches them all. */
  int process(long[] chain, int blocks) {
    int hits = 0;
    while (hits < blocks && find(chain[hits]) >= 0) {
      hits++;
    }
    for (int b = 0; b < blocks; b++) {
      touch(chain[b]);
    }
    return hits;
  }

  private int find(long key) {
    int i = (int) (key ^ (key >>> 32)) & mask;
    while (keys[i] != 0) {
      if (keys[i] == key) {
        return entryAt[i];
      }
      i = (i + 1) & mask;
    }
    return -1;
  }

  private void touch(long key) {
    int entry = find(key);
    if (entry >= 0) {
      unlink(entry);
      pushFront(entry);
      return;
    }
    if (size == capacity) {
      entry = tail;
      unlink(entry);
      remove(entryKey[entry]);
    } else {
      entry = size++;
    }
    entryKey[entry] = key;
    insert(key, entry);
    pushFront(entry);
  }

  private void insert(long key, int entry) {
    int i = (int) (key ^ (key >>> 32)) & mask;
    while (keys[i] != 0) {
      i = (i + 1) & mask;
    }
    keys[i] = key;
    entryAt[i] = entry;
    slotOfEntry[entry] = i;
  }

  /** Linear-probing removal by shifting later entries of the probe run back. */
  private void remove(long key) {
    int i = slotOfEntry[find(key)];
    keys[i] = 0;
    int j = (i + 1) & mask;
    while (keys[j] != 0) {
      long k = keys[j];
      int home = (int) (k ^ (k >>> 32)) & mask;
      boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
      if (movable) {
        keys[i] = k;
        entryAt[i] = entryAt[j];
        slotOfEntry[entryAt[i]] = i;
        keys[j] = 0;
        i = j;
      }
      j = (j + 1) & mask;
    }
  }

  private void unlink(int entry) {
    int p = prev[entry];
    int n = next[entry];
    if (p >= 0) {
      next[p] = n;
    } else {
      head = n;
    }
    if (n >= 0) {
      prev[n] = p;
    } else {
      tail = p;
    }
  }

  private void pushFront(int entry) {
    prev[entry] = -1;
    next[entry] = head;
    if (head >= 0) {
      prev[head] = entry;
    }
    head = entry;
    if (tail < 0) {
      tail = entry;
    }
  }
}
