package dev.sparkllm.engine.model;

import dev.sparkllm.engine.format.ModelFormatException;
import dev.sparkllm.engine.tensor.WeightTensor;

/**
 * Checks that every weight has the shape the config implies, so that a hostile or mismatched
 * file fails at load time with the tensor's name instead of reading out of bounds later.
 */
final class WeightShapes {
    private WeightShapes() {}

    static WeightTensor expect(WeightTensor t, int rows, int cols, String source) throws ModelFormatException {
        if (t.rows() != rows || t.cols() != cols) {
            throw new ModelFormatException(source + ": tensor " + t.name() + " is " + t.rows() + "x" + t.cols()
                    + ", the model config needs " + rows + "x" + cols);
        }
        if (cols % t.type().blockSize != 0) {
            throw new ModelFormatException(source + ": tensor " + t.name() + " row length " + cols
                    + " is not a multiple of the " + t.type() + " block size");
        }
        return t;
    }

    static void validate(ModelConfig c, ModelWeights w, String source) throws ModelFormatException {
        expect(w.tokenEmbedding(), c.vocabSize(), c.dim(), source);
        expect(w.output(), c.vocabSize(), c.dim(), source);
        expectLength(w.outputNorm(), c.dim(), "output norm", source);
        for (int i = 0; i < w.layers().length; i++) {
            LayerWeights l = w.layers()[i];
            expectLength(l.attnNorm(), c.dim(), "layer " + i + " attention norm", source);
            expectLength(l.ffnNorm(), c.dim(), "layer " + i + " ffn norm", source);
            expect(l.wq(), c.qDim(), c.dim(), source);
            expect(l.wk(), c.kvDim(), c.dim(), source);
            expect(l.wv(), c.kvDim(), c.dim(), source);
            expect(l.wo(), c.dim(), c.qDim(), source);
            expect(l.wGate(), c.ffnDim(), c.dim(), source);
            expect(l.wUp(), c.ffnDim(), c.dim(), source);
            expect(l.wDown(), c.dim(), c.ffnDim(), source);
            if (l.bq() != null) expectLength(l.bq(), c.qDim(), "layer " + i + " q bias", source);
            if (l.bk() != null) expectLength(l.bk(), c.kvDim(), "layer " + i + " k bias", source);
            if (l.bv() != null) expectLength(l.bv(), c.kvDim(), "layer " + i + " v bias", source);
            ArchSwitches s = c.switches();
            expectNorm(l.qNorm(), s.qkNorm(), c.headDim(), "layer " + i + " q norm", source);
            expectNorm(l.kNorm(), s.qkNorm(), c.headDim(), "layer " + i + " k norm", source);
            expectNorm(l.postAttnNorm(), s.sandwichNorms(), c.dim(), "layer " + i + " attention output norm", source);
            expectNorm(l.postFfnNorm(), s.sandwichNorms(), c.dim(), "layer " + i + " ffn output norm", source);
        }
    }

    /** A norm the switches call for must be there with its length; one they leave out must be absent. */
    private static void expectNorm(float[] v, boolean wanted, int n, String what, String source) throws ModelFormatException {
        if (wanted && v == null) throw new ModelFormatException(source + ": " + what + " is missing");
        if (!wanted && v != null) throw new ModelFormatException(source + ": " + what + " is present but the model does not use it");
        if (v != null) expectLength(v, n, what, source);
    }

    private static void expectLength(float[] v, int n, String what, String source) throws ModelFormatException {
        if (v.length != n) {
            throw new ModelFormatException(source + ": " + what + " has " + v.length + " values, expected " + n);
        }
    }
}
