package dev.sparkllm.engine.tokenizer;

/**
 * Puts every {@code \p{N}} codepoint in a piece of its own and keeps the text between them whole:
 * llama.cpp's {@code "\p{N}"} split stage and Hugging Face's {@code Digits(individual_digits=true)}.
 * SmolLM2 and StarCoder run it before the GPT-2 regex, so numbers are tokenized digit by digit.
 */
final class DigitIsolatingPreTokenizer implements PreTokenizer {
    static final DigitIsolatingPreTokenizer INSTANCE = new DigitIsolatingPreTokenizer();

    private DigitIsolatingPreTokenizer() {
    }

    @Override
    public void split(int[] cps, int from, int to, IntList ends) {
        int pos = from;
        while (pos < to) {
            if (UnicodeCategories.isNumber(cps[pos])) {
                pos++;
            } else {
                while (pos < to && !UnicodeCategories.isNumber(cps[pos])) {
                    pos++;
                }
            }
            ends.add(pos);
        }
    }
}
