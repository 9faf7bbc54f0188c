package dev.sparkllm.engine.tokenizer;

import java.util.List;

/**
 * Runs pre-tokenizers one after another, each on the pieces of the one before, as llama.cpp does
 * with a list of regexes and Hugging Face with a {@code Sequence} pre-tokenizer.
 */
final class ChainedPreTokenizer implements PreTokenizer {
    private final PreTokenizer[] stages;

    ChainedPreTokenizer(List<PreTokenizer> stages) {
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("no pre-tokenizer stages");
        }
        this.stages = stages.toArray(new PreTokenizer[0]);
    }

    @Override
    public void split(int[] cps, int from, int to, IntList ends) {
        IntList current = new IntList(16);
        stages[0].split(cps, from, to, current);
        for (int s = 1; s < stages.length; s++) {
            IntList next = new IntList(current.size() * 2);
            int start = from;
            for (int i = 0; i < current.size(); i++) {
                int end = current.get(i);
                stages[s].split(cps, start, end, next);
                start = end;
            }
            current = next;
        }
        for (int i = 0; i < current.size(); i++) {
            ends.add(current.get(i));
        }
    }
}
