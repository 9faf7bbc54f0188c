package dev.sparkllm.engine.format;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random byte edits of small valid files either still parse (with the parser's promises intact)
 * or fail with ModelFormatException: never another exception, never an allocation the file
 * cannot back. The tries are modest so the test stays fast; ci/fuzz.sh searches far longer.
 */
class FormatMutationPropertyTest {
    private static final byte[] GGUF = GgufTestWriter.smallValidFile();
    private static final byte[] SAFETENSORS = SafetensorsTestWriter.smallValidFile();

    @Property(tries = 2000)
    void mutatedGgufParsesOrIsRejectedCleanly(@ForAll("ggufMutants") byte[] file) {
        try {
            ParserContract.checkGguf(file);
        } catch (ModelFormatException rejected) {
            // the one allowed failure
        }
    }

    @Property(tries = 1000)
    void mutatedSafetensorsParsesOrIsRejectedCleanly(@ForAll("safetensorsMutants") byte[] file) {
        try {
            ParserContract.checkSafetensors(file);
        } catch (ModelFormatException rejected) {
            // the one allowed failure
        }
    }

    @Provide
    Arbitrary<byte[]> ggufMutants() {
        return mutantsOf(GGUF);
    }

    @Provide
    Arbitrary<byte[]> safetensorsMutants() {
        return mutantsOf(SAFETENSORS);
    }

    /** 1 to 8 single-byte overwrites, biased to the values that make lengths and counts extreme. */
    private static Arbitrary<byte[]> mutantsOf(byte[] base) {
        Arbitrary<Integer> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0, 255)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(0x00, 0x01, 0x7F, 0x80, 0xFF)));
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, base.length - 1), value)
                .as((at, v) -> new int[] {at, v});
        return edit.list().ofMinSize(1).ofMaxSize(8).map((List<int[]> edits) -> {
            byte[] mutant = base.clone();
            for (int[] e : edits) mutant[e[0]] = (byte) e[1];
            return mutant;
        });
    }
}
