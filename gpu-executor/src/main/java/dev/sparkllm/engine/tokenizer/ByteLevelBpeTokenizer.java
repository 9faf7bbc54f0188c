package dev.sparkllm.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GPT-2 style byte-level BPE (GGUF model "gpt2": SmolLM, Llama 3, Qwen 2...): text is split by the
 * model's pre-tokenizer regex, each piece's UTF-8 bytes are written in the {@link ByteLevelAlphabet},
 * and merge rules are applied by rank within each piece.
 *
 * <p>Thread-safe: the only mutable state is a concurrent cache of recently seen pieces.
 */
final class ByteLevelBpeTokenizer extends AbstractTokenizer {
    /** Pieces longer than this are rare enough that caching them only costs memory. */
    private static final int MAX_CACHED_PIECE_CHARS = 256;
    /** The cache is dropped when it grows past this; frequent words come back at once. */
    private static final int MAX_CACHE_ENTRIES = 200_000;

    private final PreTokenizer preTokenizer;
    private final BytePairMerger merger;
    private final boolean wholeWordsFirst;
    /** Token id of each single byte (-1 when the vocabulary lacks it). */
    private final int[] byteIds = new int[256];
    private final byte[][] tokenBytes;
    private final Map<String, int[]> pieceCache = new ConcurrentHashMap<>();
    /** Approximate size of the cache (ConcurrentHashMap.size() is too slow to call per piece). */
    private final AtomicInteger cachedPieces = new AtomicInteger();

    ByteLevelBpeTokenizer(TokenizerSpec spec) {
        super(spec);
        if (spec.merges() == null) {
            throw new IllegalArgumentException("byte-level BPE needs merges");
        }
        this.preTokenizer = PreTokenizers.forName(spec.preTokenizer());
        this.merger = new BytePairMerger(new MergeTable(spec.merges(), vocab));
        this.wholeWordsFirst = PreTokenizers.ignoresMerges(spec.preTokenizer());
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.id(String.valueOf(ByteLevelAlphabet.charOf(b)));
        }
        this.tokenBytes = new byte[vocab.size()][];
        for (int id = 0; id < vocab.size(); id++) {
            tokenBytes[id] = bytesOf(id);
        }
    }

    /** Normal tokens are alphabet strings; special tokens and odd ones are their own UTF-8 text. */
    private byte[] bytesOf(int id) {
        String token = vocab.token(id);
        if (token == null) {
            return new byte[0];
        }
        int type = vocab.type(id);
        if (type == TokenType.NORMAL || type == TokenType.BYTE || type == TokenType.UNDEFINED || type == TokenType.UNUSED) {
            byte[] bytes = ByteLevelAlphabet.decode(token);
            if (bytes != null) {
                return bytes;
            }
        }
        return token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void encodeText(String text, int from, int to, boolean atStartOrAfterSpecial, IntList out) {
        int[] cps = Codepoints.of(text, from, to);
        IntList ends = new IntList(cps.length / 4 + 4);
        preTokenizer.split(cps, 0, cps.length, ends);
        byte[] utf8 = new byte[4 * cps.length];
        int start = 0;
        for (int p = 0; p < ends.size(); p++) {
            int end = ends.get(p);
            int length = 0;
            for (int i = start; i < end; i++) {
                length = Codepoints.appendUtf8(cps[i], utf8, length);
            }
            encodePiece(utf8, length, out);
            start = end;
        }
    }

    private void encodePiece(byte[] utf8, int length, IntList out) {
        String piece = ByteLevelAlphabet.encode(utf8, 0, length);
        boolean cacheable = piece.length() <= MAX_CACHED_PIECE_CHARS;
        if (cacheable) {
            int[] cached = pieceCache.get(piece);
            if (cached != null) {
                out.addAll(cached);
                return;
            }
        }
        int[] ids = mergePiece(piece, utf8, length);
        if (cacheable) {
            if (cachedPieces.incrementAndGet() > MAX_CACHE_ENTRIES) {
                cachedPieces.set(0);
                pieceCache.clear();
            }
            pieceCache.put(piece, ids);
        }
        out.addAll(ids);
    }

    private int[] mergePiece(String piece, byte[] utf8, int length) {
        if (wholeWordsFirst) {
            // Llama 3 style (llama.cpp's ignore_merges): a piece that is a token is taken whole.
            int id = vocab.id(piece);
            if (id >= 0) {
                return new int[] {id};
            }
        }
        int[] symbols = new int[length];
        for (int i = 0; i < length; i++) {
            symbols[i] = byteIds[utf8[i] & 0xFF];
        }
        IntList ids = new IntList(length);
        merger.merge(symbols, length, ids);
        return ids.toArray();
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        checkId(tokenId);
        return tokenBytes[tokenId].clone();
    }

    @Override
    public String decode(int[] tokenIds) {
        int total = 0;
        for (int id : tokenIds) {
            checkId(id);
            total += tokenBytes[id].length;
        }
        byte[] all = new byte[total];
        int pos = 0;
        for (int id : tokenIds) {
            byte[] b = tokenBytes[id];
            System.arraycopy(b, 0, all, pos, b.length);
            pos += b.length;
        }
        return new String(all, StandardCharsets.UTF_8);
    }
}
