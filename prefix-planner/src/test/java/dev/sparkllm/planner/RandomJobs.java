package dev.sparkllm.planner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded random jobs with nested sharing: prompts are built from a few shared stems, a few
 * shared middles and a random tail, over a tiny vocabulary so that accidental sharing happens
 * too. Property tests draw a seed and a size; a failure names both, so it can be replayed.
 */
final class RandomJobs {
  private RandomJobs() {}

  static List<PlanRequest> job(long seed, int size) {
    Random random = new Random(seed);
    int vocabulary = 2 + random.nextInt(6);
    List<int[]> stems = segments(random, 1 + random.nextInt(4), 60, vocabulary);
    List<int[]> middles = segments(random, 1 + random.nextInt(5), 40, vocabulary);
    List<PlanRequest> requests = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int[] stem = stems.get(random.nextInt(stems.size()));
      int[] middle = random.nextInt(3) == 0 ? new int[0] : middles.get(random.nextInt(middles.size()));
      int[] tail = segment(random, random.nextInt(25), vocabulary);
      int[] tokens = new int[stem.length + middle.length + tail.length];
      System.arraycopy(stem, 0, tokens, 0, stem.length);
      System.arraycopy(middle, 0, tokens, stem.length, middle.length);
      System.arraycopy(tail, 0, tokens, stem.length + middle.length, tail.length);
      int maxTokens = 1 + random.nextInt(200);
      int expected = random.nextBoolean() ? -1 : random.nextInt(maxTokens + 1);
      requests.add(new PlanRequest("r" + i, tokens, maxTokens, expected, "u" + random.nextInt(3)));
    }
    return requests;
  }

  static List<PlanRequest> shuffled(List<PlanRequest> requests, long seed) {
    List<PlanRequest> copy = new ArrayList<>(requests);
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }

  private static List<int[]> segments(Random random, int count, int maxLength, int vocabulary) {
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(segment(random, random.nextInt(maxLength + 1), vocabulary));
    }
    return out;
  }

  private static int[] segment(Random random, int length, int vocabulary) {
    int[] tokens = new int[length];
    for (int i = 0; i < length; i++) {
      tokens[i] = random.nextInt(vocabulary);
    }
    return tokens;
  }
}
