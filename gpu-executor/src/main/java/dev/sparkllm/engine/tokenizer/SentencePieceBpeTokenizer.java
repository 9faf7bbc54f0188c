package dev.sparkllm.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * SentencePiece-style BPE (GGUF model "llama": Llama 2, Mistral, TinyLlama...): spaces become
 * "▁", a dummy-prefix space starts the text when the model asks for it, and characters are merged
 * pairwise with the best pair first, where "best" is the highest score of the merged token (GGUF
 * scores, as llama.cpp's {@code llm_tokenizer_spm}) or, when the spec carries merge rules (a
 * Hugging Face tokenizer.json), the lowest merge rank. Characters that end up in no token are
 * written as byte tokens {@code <0xNN>}, or as the unknown token when the vocabulary has none.
 */
final class SentencePieceBpeTokenizer extends AbstractTokenizer {
    private static final char SPACE_MARK = '\u2581';

    /** Merge ranks when the spec has merge rules; null to merge by score. */
    private final MergeTable merges;
    private final float[] scores;
    /** Id of the byte token {@code <0xNN>} for each byte, or -1. */
    private final int[] byteTokenIds = new int[256];
    private final byte[][] tokenBytes;

    SentencePieceBpeTokenizer(TokenizerSpec spec) {
        super(spec);
        this.merges = spec.merges() != null && spec.merges().length > 0 ? new MergeTable(spec.merges(), vocab) : null;
        this.scores = spec.scores();
        if (merges == null && scores == null) {
            throw new IllegalArgumentException("SentencePiece BPE needs scores or merges");
        }
        for (int b = 0; b < 256; b++) {
            byteTokenIds[b] = vocab.id(String.format("<0x%02X>", b));
        }
        this.tokenBytes = new byte[vocab.size()][];
        for (int id = 0; id < vocab.size(); id++) {
            tokenBytes[id] = bytesOf(id);
        }
    }

    private byte[] bytesOf(int id) {
        String token = vocab.token(id);
        if (token == null) {
            return new byte[0];
        }
        int type = vocab.type(id);
        if (type == TokenType.BYTE || (type == TokenType.NORMAL && isByteToken(token))) {
            return new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
        }
        if (type == TokenType.NORMAL || type == TokenType.UNUSED || type == TokenType.UNDEFINED) {
            return token.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
        }
        return token.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isByteToken(String token) {
        return token.length() == 6 && token.startsWith("<0x") && token.charAt(5) == '>'
                && Character.digit(token.charAt(3), 16) >= 0 && Character.digit(token.charAt(4), 16) >= 0;
    }

    @Override
    protected void encodeText(String text, int from, int to, boolean atStartOrAfterSpecial, IntList out) {
        StringBuilder escaped = new StringBuilder(to - from + 1);
        if (spec.addSpacePrefix() && atStartOrAfterSpecial) {
            escaped.append(SPACE_MARK);
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            escaped.append(c == ' ' ? SPACE_MARK : c);
        }
        encodeEscaped(escaped.toString(), out);
    }

    /** Symbols are codepoints of {@code s}; each lives in [start, end) and is linked to its neighbours. */
    private void encodeEscaped(String s, IntList out) {
        int[] cps = Codepoints.of(s, 0, s.length());
        int n = cps.length;
        if (n == 0) {
            return;
        }
        String text = new String(cps, 0, n); // lone surrogates are U+FFFD from here on
        int[] start = new int[n];
        int[] end = new int[n];
        int[] ids = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            start[i] = pos;
            pos += Character.charCount(cps[i]);
            end[i] = pos;
            ids[i] = vocab.id(text.substring(start[i], end[i]));
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        Symbols symbols = new Symbols(text, start, end, ids);
        LongMinHeap candidates = new LongMinHeap(n);
        for (int i = 0; i + 1 < n; i++) {
            offer(symbols, i, i + 1, candidates);
        }
        while (!candidates.isEmpty()) {
            long candidate = candidates.pop();
            int left = (int) candidate;
            int right = next[left];
            if (end[left] < 0 || right < 0) {
                continue;
            }
            int mergedId = mergedId(symbols, left, right);
            if (mergedId < 0 || priority(mergedId, symbols, left, right) != (int) (candidate >>> 32)) {
                continue; // a neighbour changed since this candidate was offered
            }
            end[left] = end[right];
            ids[left] = mergedId;
            end[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(symbols, prev[left], left, candidates);
            }
            if (next[left] >= 0) {
                offer(symbols, left, next[left], candidates);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            if (ids[i] >= 0) {
                out.add(ids[i]);
            } else {
                writeBytes(text.substring(start[i], end[i]), out);
            }
        }
    }

    private record Symbols(String text, int[] start, int[] end, int[] ids) {
    }

    private void offer(Symbols s, int left, int right, LongMinHeap candidates) {
        int mergedId = mergedId(s, left, right);
        if (mergedId >= 0) {
            candidates.push(((long) priority(mergedId, s, left, right) << 32) | left);
        }
    }

    /** The token that merging two neighbours gives, or -1 when they may not merge. */
    private int mergedId(Symbols s, int left, int right) {
        if (merges != null) {
            if (s.ids[left] < 0 || s.ids[right] < 0) {
                return -1;
            }
            int slot = merges.find(s.ids[left], s.ids[right]);
            return slot < 0 ? -1 : merges.mergedIdAt(slot);
        }
        int id = vocab.id(s.text.substring(s.start[left], s.end[right]));
        // SentencePiece never builds control, unknown or byte tokens out of text.
        return id >= 0 && isMergeable(vocab.type(id)) ? id : -1;
    }

    private static boolean isMergeable(int type) {
        return type == TokenType.NORMAL || type == TokenType.USER_DEFINED || type == TokenType.UNDEFINED;
    }

    /** Heap order: smaller first. Lowest rank, or highest score (sign-flipped sortable float bits). */
    private int priority(int mergedId, Symbols s, int left, int right) {
        if (merges != null) {
            return merges.rankAt(merges.find(s.ids[left], s.ids[right]));
        }
        int bits = Float.floatToIntBits(scores[mergedId]);
        int sortable = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ~sortable;
    }

    /** A symbol with no token: its UTF-8 bytes as byte tokens, else the unknown token. */
    private void writeBytes(String symbol, IntList out) {
        byte[] bytes = symbol.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = byteTokenIds[bytes[i] & 0xFF];
            if (ids[i] < 0) {
                if (vocab.contains(spec.unknownId())) {
                    out.add(spec.unknownId());
                }
                return;
            }
        }
        out.addAll(ids);
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        checkId(tokenId);
        return tokenBytes[tokenId].clone();
    }

    /**
     * Drops the dummy-prefix spaces the encoder adds (at the start and after every special token),
     * so that decode(encode(s)) is s.
     */
    @Override
    public String decode(int[] tokenIds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(tokenIds.length * 4);
        boolean atStartOrAfterSpecial = true;
        for (int id : tokenIds) {
            checkId(id);
            byte[] b = tokenBytes[id];
            boolean splitOut = vocab.isSplitOut(id);
            int skip = spec.addSpacePrefix() && atStartOrAfterSpecial && !splitOut && b.length > 0 && b[0] == ' ' ? 1 : 0;
            bytes.write(b, skip, b.length - skip);
            atStartOrAfterSpecial = splitOut;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
