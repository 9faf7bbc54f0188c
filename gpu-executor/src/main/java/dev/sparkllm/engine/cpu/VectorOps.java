package dev.sparkllm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise and reduction helpers of the forward pass, on float arrays with explicit
 * offsets. Loops use the widest float species the CPU has (8 lanes on AVX2) with a scalar tail.
 * Reductions keep one accumulator vector, so sums are in a different order than a plain loop
 * (differences are float rounding only).
 */
public final class VectorOps {
    private VectorOps() {}

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** Sum of a[aOff + i] * b[bOff + i] for i in [0, n). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        // Two accumulators hide the FMA latency (4 cycles) behind the second chain.
        for (int bound = n - 2 * F.length(); i <= bound; i += 2 * F.length()) {
            acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(F, a, aOff + i + F.length())
                    .fma(FloatVector.fromArray(F, b, bOff + i + F.length()), acc1);
        }
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) sum += a[aOff + i] * b[bOff + i];
        return sum;
    }

    /** y[yOff + i] += a * x[xOff + i] for i in [0, n). */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(F, a);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).fma(va, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += a * x[xOff + i];
    }

    /** y[yOff + i] += x[xOff + i] for i in [0, n) (the residual connection). */
    public static void addInPlace(float[] y, int yOff, float[] x, int xOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, y, yOff + i).add(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] += x[xOff + i];
    }

    /** y[yOff + i] *= x[xOff + i] for i in [0, n). */
    public static void multiplyInPlace(float[] y, int yOff, float[] x, int xOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, y, yOff + i).mul(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] *= x[xOff + i];
    }

    /** x[off + i] *= s for i in [0, n). */
    public static void scale(float[] x, int off, int n, float s) {
        int i = 0;
        FloatVector vs = FloatVector.broadcast(F, s);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, off + i).mul(vs).intoArray(x, off + i);
        }
        for (; i < n; i++) x[off + i] *= s;
    }

    /**
     * out[outOff + i] = x[xOff + i] / sqrt(mean(x^2) + eps) * weight[i] for i in [0, size), as
     * llama.cpp's rms_norm followed by the norm-weight multiply. out may be x itself.
     */
    public static void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int size, float eps) {
        int i = 0;
        FloatVector acc = FloatVector.zero(F);
        for (int bound = F.loopBound(size); i < bound; i += F.length()) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i);
            acc = v.fma(v, acc);
        }
        double sumSquares = acc.reduceLanes(VectorOperators.ADD);
        for (; i < size; i++) sumSquares += x[xOff + i] * x[xOff + i];
        float inv = (float) (1.0 / Math.sqrt(sumSquares / size + eps));
        FloatVector vInv = FloatVector.broadcast(F, inv);
        i = 0;
        for (int bound = F.loopBound(size); i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOff + i).mul(vInv).mul(FloatVector.fromArray(F, weight, i)).intoArray(out, outOff + i);
        }
        for (; i < size; i++) out[outOff + i] = x[xOff + i] * inv * weight[i];
    }

    private static final float EXP_LOW = -87f, EXP_HIGH = 88f;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float ROUND_TO_INT = 12582912f; // 1.5 * 2^23: adding and subtracting rounds to an integer
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /**
     * e^x lane by lane (Cephes' expf: x = n ln2 + f, a degree-7 polynomial for e^f, 2^n from the
     * exponent bits), about 1 ulp, inputs clamped to [-87, 88]. It is built from IEEE additions,
     * multiplications and fused multiply-adds only, so it gives the same bits before and after the
     * JIT compiles its caller; the Vector API's own EXP does not (an intrinsic once compiled, the
     * scalar Math.exp before), and a token must not depend on when the JIT got to a method.
     */
    public static FloatVector exp(FloatVector x) {
        // Constants take the argument's species: callers use 256-bit vectors while F is the
        // preferred width (512 bits on AVX-512 machines), and mixing the two throws.
        VectorSpecies<Float> s = x.species();
        x = x.max(EXP_LOW).min(EXP_HIGH);
        FloatVector n = x.mul(LOG2E).add(ROUND_TO_INT).sub(ROUND_TO_INT);
        FloatVector f = n.fma(FloatVector.broadcast(s, -LN2_HI), x).add(n.mul(-LN2_LO));
        FloatVector p = f.fma(P0, P1).fma(f, FloatVector.broadcast(s, P2)).fma(f, FloatVector.broadcast(s, P3))
                .fma(f, FloatVector.broadcast(s, P4)).fma(f, FloatVector.broadcast(s, P5));
        FloatVector e = p.mul(f.mul(f)).add(f).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return e.mul(bits.reinterpretAsFloats());
    }

    /** The scalar twin of {@link #exp(FloatVector)}: the same operations, so the same bits. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LOW), EXP_HIGH);
        float n = (x * LOG2E + ROUND_TO_INT) - ROUND_TO_INT;
        float f = Math.fma(n, -LN2_HI, x) + n * -LN2_LO;
        float p = Math.fma(f, P0, P1);
        p = Math.fma(p, f, P2);
        p = Math.fma(p, f, P3);
        p = Math.fma(p, f, P4);
        p = Math.fma(p, f, P5);
        float e = p * (f * f) + f + 1f;
        return e * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** Softmax of x[off .. off + len) in place, shifted by the maximum for stability. */
    public static void softmax(float[] x, int off, int len) {
        if (len <= 0) return;
        float max = max(x, off, len);
        int i = 0;
        FloatVector vMax = FloatVector.broadcast(F, max);
        FloatVector acc = FloatVector.zero(F);
        for (int bound = F.loopBound(len); i < bound; i += F.length()) {
            FloatVector e = exp(FloatVector.fromArray(F, x, off + i).sub(vMax));
            e.intoArray(x, off + i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            float e = exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        scale(x, off, len, 1f / sum);
    }

    /** Largest of x[off .. off + len); len must be positive. */
    public static float max(float[] x, int off, int len) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (len >= F.length()) {
            FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (int bound = F.loopBound(len); i < bound; i += F.length()) {
                acc = acc.max(FloatVector.fromArray(F, x, off + i));
            }
            max = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < len; i++) max = Math.max(max, x[off + i]);
        return max;
    }

    /**
     * SwiGLU in place: gate[i] = silu(gate[i]) * up[i] for i in [0, n), silu(g) = g / (1 + e^-g).
     */
    public static void siluMultiply(float[] gate, float[] up, int n) {
        siluMultiply(gate, 0, gate, 0, up, 0, n);
    }

    /** out[outOff + i] = silu(gate[gateOff + i]) * up[upOff + i]; out may be gate or up. */
    public static void siluMultiply(float[] out, int outOff, float[] gate, int gateOff, float[] up, int upOff, int n) {
        int i = 0;
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, gate, gateOff + i);
            FloatVector silu = g.div(one.add(exp(g.neg())));
            silu.mul(FloatVector.fromArray(F, up, upOff + i)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            float g = gate[gateOff + i];
            out[outOff + i] = g / (1f + exp(-g)) * up[upOff + i];
        }
    }

    private static final float GELU_2_SQRT_2_OVER_PI = 2f * 0.7978845608028654f;
    private static final float GELU_CUBIC = 0.044715f;

    /**
     * gate[i] = gelu_tanh(gate[i]) * up[i] (GeGLU, transformers' gelu_pytorch_tanh). The tanh form
     * 0.5 x (1 + tanh(u)) equals x * sigmoid(2u), so it is computed as x / (1 + exp(-2u)), the shape
     * of silu, with u = sqrt(2/pi) (x + 0.044715 x^3).
     */
    public static void geluTanhMultiply(float[] gate, float[] up, int n) {
        int i = 0;
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector twoC = FloatVector.broadcast(F, GELU_2_SQRT_2_OVER_PI);
        FloatVector cubic = FloatVector.broadcast(F, GELU_CUBIC);
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, gate, i);
            FloatVector twoU = g.mul(g).mul(g).fma(cubic, g).mul(twoC);
            g.div(one.add(exp(twoU.neg()))).mul(FloatVector.fromArray(F, up, i)).intoArray(gate, i);
        }
        for (; i < n; i++) {
            float g = gate[i];
            float twoU = GELU_2_SQRT_2_OVER_PI * (g + GELU_CUBIC * g * g * g);
            gate[i] = g / (1f + exp(-twoU)) * up[i];
        }
    }

    /** x[i] = cap * tanh(x[i] / cap) over [off, off + n): Gemma 2's soft capping of scores and logits. */
    public static void softcap(float[] x, int off, int n, float cap) {
        for (int i = off; i < off + n; i++) x[i] = cap * (float) Math.tanh(x[i] / cap);
    }

    /** Index in [0, len) of the largest of x[off .. off + len); the first one on ties. */
    public static int argmax(float[] x, int off, int len) {
        if (len <= 0) throw new IllegalArgumentException("argmax of an empty range");
        float max = max(x, off, len);
        for (int i = 0; i < len; i++) {
            if (x[off + i] == max) return i;
        }
        return 0; // only NaNs: no element equals the max
    }
}
