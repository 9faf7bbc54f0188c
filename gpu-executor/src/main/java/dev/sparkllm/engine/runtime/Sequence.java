package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.backend.KvCache;
import dev.sparkllm.engine.sampling.FinishReason;
import dev.sparkllm.engine.sampling.RequestRandom;
import dev.sparkllm.engine.sampling.Sampler;
import dev.sparkllm.engine.sampling.StopStringMatcher;
import dev.sparkllm.engine.tokenizer.Tokenizer;
import dev.sparkllm.engine.tokenizer.Utf8StreamDecoder;

import java.util.Arrays;

/**
 * One request while it runs: how much of its prompt is in the cache, what it generated, its own
 * random state, and the text decoded so far with stop strings applied.
 */
final class Sequence {
    final int slot;
    final GenerationRequest request;
    final int[] prompt;
    final KvCache cache;
    private final Sampler sampler;
    private final RequestRandom random;
    private final StopStringMatcher stops;
    private final Utf8StreamDecoder utf8 = new Utf8StreamDecoder();
    private final StringBuilder text = new StringBuilder();
    private final int maxNewTokens;
    private int[] generated = new int[16];
    private int generatedCount;
    private int prefilled;
    private FinishReason finish;

    Sequence(int slot, GenerationRequest request, int[] prompt, KvCache cache, int vocabSize, int maxContext) {
        this.slot = slot;
        this.request = request;
        this.prompt = prompt;
        this.cache = cache;
        this.sampler = new Sampler(vocabSize);
        this.random = RequestRandom.forRequest(request.params(), request.id());
        this.stops = new StopStringMatcher(request.params().stop());
        this.maxNewTokens = Math.min(request.params().maxTokens(), maxContext - prompt.length);
        if (maxNewTokens == 0) finish = FinishReason.LENGTH;
    }

    boolean finished() { return finish != null; }
    boolean prefillDone() { return prefilled == prompt.length; }
    int prefilled() { return prefilled; }
    int remainingPrompt() { return prompt.length - prefilled; }
    void advancePrefill(int n) { prefilled += n; }

    /** The token fed in the next decode step: the last generated one. */
    int lastToken() { return generated[generatedCount - 1]; }
    /** Position of the next token to feed. */
    int nextPosition() { return prompt.length + generatedCount - 1; }

    /** Picks the next token from this sequence's logits and applies the stopping rules. */
    void accept(float[] logits, Tokenizer tokenizer) {
        int token = sampler.sample(logits, request.params(), random);
        if (generatedCount == generated.length) generated = Arrays.copyOf(generated, generatedCount * 2);
        generated[generatedCount++] = token;
        if (!request.params().ignoreEos() && isEos(tokenizer, token)) {
            // The EOS token counts as generated but adds no text.
            finish = FinishReason.STOP;
            flushText();
            return;
        }
        StopStringMatcher.Result r = stops.append(utf8.feed(tokenizer.tokenBytes(token)));
        text.append(r.emit());
        if (r.stopped()) {
            finish = FinishReason.STOP;
        } else if (generatedCount >= maxNewTokens) {
            finish = FinishReason.LENGTH;
            flushText();
        }
    }

    /** Emits what the UTF-8 decoder and the stop matcher still hold back, at the end of output. */
    private void flushText() {
        StopStringMatcher.Result r = stops.append(utf8.flush());
        text.append(r.emit());
        if (!r.stopped()) text.append(stops.flush());
    }

    private static boolean isEos(Tokenizer tokenizer, int token) {
        for (int id : tokenizer.eosIds()) if (id == token) return true;
        return false;
    }

    GenerationResult result() {
        String reason = finish == null ? FinishReason.CANCELLED.apiName() : finish.apiName();
        return new GenerationResult(request.id(), text.toString(), Arrays.copyOf(generated, generatedCount),
                reason, prompt.length, generatedCount, null);
    }
}
