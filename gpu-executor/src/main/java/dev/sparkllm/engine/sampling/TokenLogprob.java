package dev.sparkllm.engine.sampling;

import java.util.List;

/**
 * One generated token's log-probability under the model's raw distribution, with the most likely
 * alternatives at that position (best first; empty when none were asked for). An alternative's own
 * {@code top} is always empty.
 *
 * @param token the text of this token id decoded alone (see {@code Sequence}); null where no tokenizer was at hand
 */
public record TokenLogprob(String token, int id, float logprob, List<TokenLogprob> top) {
    public TokenLogprob {
        top = top == null ? List.of() : List.copyOf(top);
    }
}
