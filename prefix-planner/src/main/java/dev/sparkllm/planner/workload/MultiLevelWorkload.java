package dev.sparkllm.planner.workload;

/**
 * Multi-level sharing: one system prompt shared by all, a few-shot block shared by the documents
 * of its variant, a document shared by its questions, then the question. Each document takes the
 * few-shot variant {@code document % variants} and has 4 to 8 questions (seeded). Requests arrive
 * shuffled.
 */
public final class MultiLevelWorkload implements TokenWorkload {
  private final int size;
  private final int systemTokens;
  private final int fewShotTokens;
  private final int fewShotVariants;
  private final int documentTokens;
  private final int questionTokens;
  private final int outputTokens;
  private final long seed;
  private final int[] documentOf;
  private final int[] questionOf;
  private final int[] arrival;
  private final long optimalSaving;

  public MultiLevelWorkload(int size, int systemTokens, int fewShotTokens, int fewShotVariants, int documentTokens,
      int questionTokens, int outputTokens, long seed) {
    this.size = size;
    this.systemTokens = systemTokens;
    this.fewShotTokens = fewShotTokens;
    this.fewShotVariants = fewShotVariants;
    this.documentTokens = documentTokens;
    this.questionTokens = questionTokens;
    this.outputTokens = outputTokens;
    this.seed = seed;
    this.documentOf = new int[size];
    this.questionOf = new int[size];
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed ^ 0xD0C);
    long[] perVariant = new long[fewShotVariants];
    long saving = size > 0 ? (size - 1L) * systemTokens : 0;
    int request = 0;
    for (int document = 0; request < size; document++) {
      int questions = Math.min(4 + random.nextInt(5), size - request);
      for (int q = 0; q < questions; q++, request++) {
        documentOf[request] = document;
        questionOf[request] = q;
      }
      perVariant[document % fewShotVariants] += questions;
      saving += (questions - 1L) * documentTokens;
    }
    for (long members : perVariant) {
      saving += members > 0 ? (members - 1) * fewShotTokens : 0;
    }
    this.optimalSaving = saving;
    this.arrival = Segments.permutation(size, seed);
  }

  @Override
  public String name() {
    return "multilevel";
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int fill(int index, int[] buffer) {
    int logical = arrival[index];
    int document = documentOf[logical];
    int end = Segments.write(buffer, 0, 3, 0, systemTokens, seed);
    end = Segments.write(buffer, end, 4, document % fewShotVariants, fewShotTokens, seed);
    end = Segments.write(buffer, end, 5, document, documentTokens, seed);
    return Segments.write(buffer, end, 6, questionOf[logical] + 16L * document, questionTokens, seed);
  }

  @Override
  public int maxPromptTokens() {
    return systemTokens + fewShotTokens + documentTokens + questionTokens;
  }

  @Override
  public int maxTokens(int index) {
    return outputTokens;
  }

  @Override
  public long totalPromptTokens() {
    return (long) size * maxPromptTokens();
  }

  @Override
  public long optimalSaving() {
    return optimalSaving;
  }
}
