package dev.sparkllm.engine.runtime;

import dev.sparkllm.engine.kv.BlockTable;
import dev.sparkllm.engine.sampling.FinishReason;
import dev.sparkllm.engine.sampling.RequestRandom;
import dev.sparkllm.engine.sampling.Sampler;
import dev.sparkllm.engine.sampling.StopStringMatcher;
import dev.sparkllm.engine.sampling.TokenLogprob;
import dev.sparkllm.engine.sampling.TokenLogprobs;
import dev.sparkllm.engine.tokenizer.Tokenizer;
import dev.sparkllm.engine.tokenizer.Utf8StreamDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One request while it runs: its KV blocks and how many positions they hold, what it generated,
 * its own random state, and the text decoded so far with stop strings applied.
 *
 * <p>Its tokens are the prompt followed by the generated tokens. Prefill computes them up to the
 * end of the prompt (the last prompt token gives the first logits); after a preemption, which
 * drops every block, prefill recomputes everything but the last generated token, which the next
 * decode step feeds as usual. The random state is kept, so a preempted sequence samples exactly
 * what it would have.
 */
final class Sequence {
    final int slot;
    final GenerationRequest request;
    final int[] prompt;
    final BlockTable table;
    /** Chain hashes of the prompt's whole blocks (empty without prefix sharing). */
    final long[] blockHashes;
    final Submission submission;
    /** Fair-queue start tag, kept across preemptions. */
    double startTag;
    /** Prompt tokens found in the pool when first admitted. */
    int cachedTokens;
    boolean admittedOnce;
    boolean preempted;
    /** Positions whose keys and values are in the table's blocks. */
    private int computed;
    /** Prompt blocks already put in the pool's index. */
    int indexedBlocks;
    private final RequestRandom random;
    private final StopStringMatcher stops;
    private final Utf8StreamDecoder utf8 = new Utf8StreamDecoder();
    private final StringBuilder text = new StringBuilder();
    private final int maxNewTokens;
    private int[] generated = new int[16];
    private int generatedCount;
    private FinishReason finish;
    /** One entry per generated token when the request asks for log-probabilities, else null. */
    private final List<TokenLogprob> logprobs;

    Sequence(Submission submission, int slot, GenerationRequest request, int[] prompt, long[] blockHashes,
             int blockSize, int vocabSize, int maxContext) {
        this.submission = submission;
        this.slot = slot;
        this.request = request;
        this.prompt = prompt;
        this.blockHashes = blockHashes;
        this.table = new BlockTable(blockSize);
        this.random = RequestRandom.forRequest(request.params(), request.id());
        this.stops = new StopStringMatcher(request.params().stop());
        this.maxNewTokens = Math.min(request.params().maxTokens(), maxContext - prompt.length);
        if (maxNewTokens == 0) finish = FinishReason.LENGTH;
        this.logprobs = request.params().wantsLogprobs() ? new ArrayList<>() : null;
    }

    boolean finished() { return finish != null; }

    /** Prompt and generated tokens so far. */
    int knownTokens() { return prompt.length + generatedCount; }

    int tokenAt(int position) {
        return position < prompt.length ? prompt[position] : generated[position - prompt.length];
    }

    /** Where prefill stops: the prompt's end, or after a preemption everything but the last token. */
    int prefillTarget() { return generatedCount == 0 ? prompt.length : knownTokens() - 1; }
    boolean prefillDone() { return computed >= prefillTarget(); }
    int computed() { return computed; }
    void advance(int positions) { computed += positions; }

    /** After a preemption: nothing cached, everything to recompute. */
    void dropCache() { computed = 0; }

    /** Sets the positions served from shared blocks at admission. */
    void startFrom(int cachedPositions) { computed = cachedPositions; }

    /** Whether the prefill chunk ending at {@code end} ends on the token whose logits are needed. */
    boolean logitsAt(int position) { return generatedCount == 0 && position == prompt.length - 1; }

    /** The token fed in the next decode step: the last generated one. */
    int lastToken() { return generated[generatedCount - 1]; }
    /** Position of the next token to feed. */
    int nextPosition() { return knownTokens() - 1; }

    /** Tokens this sequence may still hold in KV at most (prompt plus every token it may generate). */
    int maxPositions() { return prompt.length + maxNewTokens; }

    int generatedCount() { return generatedCount; }

    /** Ends the sequence early (its submitter cancelled). */
    void cancel() { if (finish == null) finish = FinishReason.CANCELLED; }

    /**
     * Picks the next token from this sequence's logits, records its log-probabilities when the
     * request asks (from the same raw logits; sampling neither reads nor changes anything they
     * use), and applies the stopping rules.
     */
    void accept(float[] logits, Tokenizer tokenizer, Sampler sampler, TokenLogprobs logprobMath) {
        int token = sampler.sample(logits, request.params(), random);
        if (logprobs != null) recordLogprobs(logits, 0, logits.length, token, tokenizer, logprobMath);
        acceptToken(token, tokenizer);
    }

    /** Whether this sequence wants the host logits of its tokens even when the runner samples on its device. */
    boolean wantsLogprobs() { return logprobs != null; }

    /** Records the log-probabilities of {@code token} from its row of a batch's logits, {@code logits[from, from + vocab)}. */
    void recordLogprobs(float[] logits, int from, int vocab, int token, Tokenizer tokenizer, TokenLogprobs logprobMath) {
        if (token < 0) return; // acceptToken fails the request
        logprobs.add(logprobMath.compute(logits, from, vocab, token, request.params().logprobs(),
                id -> tokenText(tokenizer, id)));
    }

    /**
     * A token's text decoded alone, from the same {@link Tokenizer#tokenBytes} the generated text is
     * built from, so the entries' texts add up to the text (less EOS and a stop string). A token that holds part of a multi-byte
     * UTF-8 character (byte fallback tokens, split emoji) is not valid UTF-8 by itself and comes out
     * with U+FFFD replacement characters, as in OpenAI's and vLLM's output; the generated text is
     * still decoded across tokens and is exact.
     */
    private static String tokenText(Tokenizer tokenizer, int id) {
        return new String(tokenizer.tokenBytes(id), StandardCharsets.UTF_8);
    }

    /**
     * The uniform draw in [0, 1) a backend that samples on the device needs for this token: taken
     * from the request's own random stream (only when sampling is random), so a seeded request
     * gives the same tokens whatever else shares its batch.
     */
    float deviceDraw() {
        return request.params().temperature() == 0f ? 0f : (float) random.nextDouble();
    }

    /** Appends a token chosen by the backend (see {@link #deviceDraw}) or by the host sampler. */
    void acceptToken(int token, Tokenizer tokenizer) {
        if (token < 0) throw new IllegalStateException("no finite logit to choose from for request " + request.id());
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
                reason, prompt.length, generatedCount, cachedTokens, null, logprobs);
    }
}
