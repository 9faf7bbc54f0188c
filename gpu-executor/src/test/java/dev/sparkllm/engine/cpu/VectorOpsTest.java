package dev.sparkllm.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each helper against a plain double-precision loop, on lengths around the vector width and with offsets. */
class VectorOpsTest {
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 64, 100, 576, 1537};
    private final Random rnd = new Random(17);

    @Test
    void dot() {
        for (int n : LENGTHS) {
            float[] a = random(n + 3);
            float[] b = random(n + 5);
            double expected = 0, magnitude = 0;
            for (int i = 0; i < n; i++) {
                expected += (double) a[3 + i] * b[5 + i];
                magnitude += Math.abs((double) a[3 + i] * b[5 + i]);
            }
            assertEquals(expected, VectorOps.dot(a, 3, b, 5, n), 1e-6 * magnitude + 1e-7, "n=" + n);
        }
    }

    @Test
    void axpyAddMultiplyScale() {
        for (int n : LENGTHS) {
            float[] x = random(n + 2);
            float[] y = random(n + 1);
            float[] y0 = y.clone();
            VectorOps.axpy(0.75f, x, 2, y, 1, n);
            for (int i = 0; i < n; i++) assertEquals(y0[1 + i] + 0.75 * x[2 + i], y[1 + i], 1e-5, "axpy n=" + n);
            assertEquals(y0[0], y[0]);

            y = y0.clone();
            VectorOps.addInPlace(y, 1, x, 2, n);
            for (int i = 0; i < n; i++) assertEquals(y0[1 + i] + x[2 + i], y[1 + i], 1e-6, "add n=" + n);

            y = y0.clone();
            VectorOps.multiplyInPlace(y, 1, x, 2, n);
            for (int i = 0; i < n; i++) assertEquals(y0[1 + i] * x[2 + i], y[1 + i], 1e-6, "mul n=" + n);

            y = y0.clone();
            VectorOps.scale(y, 1, n, -2f);
            for (int i = 0; i < n; i++) assertEquals(-2 * y0[1 + i], y[1 + i], 0, "scale n=" + n);
        }
    }

    @Test
    void rmsnorm() {
        for (int n : LENGTHS) {
            if (n == 0) continue;
            float[] x = random(n + 4);
            float[] weight = random(n);
            float[] out = new float[n + 2];
            VectorOps.rmsnorm(out, 2, x, 4, weight, n, 1e-5f);
            double ss = 0;
            for (int i = 0; i < n; i++) ss += (double) x[4 + i] * x[4 + i];
            double inv = 1 / Math.sqrt(ss / n + 1e-5);
            for (int i = 0; i < n; i++) {
                double expected = x[4 + i] * inv * weight[i];
                assertEquals(expected, out[2 + i], 1e-5 * (1 + Math.abs(expected)), "n=" + n + " i=" + i);
            }
            // In place (out == x) gives the same numbers.
            float[] inPlace = x.clone();
            VectorOps.rmsnorm(inPlace, 4, inPlace, 4, weight, n, 1e-5f);
            for (int i = 0; i < n; i++) assertEquals(out[2 + i], inPlace[4 + i], 0f);
        }
    }

    @Test
    void softmaxAndMax() {
        for (int n : LENGTHS) {
            if (n == 0) continue;
            float[] x = random(n + 1);
            for (int i = 0; i < x.length; i++) x[i] *= 10;
            float[] original = x.clone();
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, original[1 + i]);
            assertEquals(max, VectorOps.max(x, 1, n), 0, "max n=" + n);
            VectorOps.softmax(x, 1, n);
            double sum = 0;
            for (int i = 0; i < n; i++) sum += Math.exp(original[1 + i] - max);
            double total = 0;
            for (int i = 0; i < n; i++) {
                double expected = Math.exp(original[1 + i] - max) / sum;
                assertEquals(expected, x[1 + i], 1e-6 + 1e-5 * expected, "n=" + n + " i=" + i);
                total += x[1 + i];
            }
            assertEquals(1.0, total, 1e-5);
            assertEquals(original[0], x[0]);
        }
    }

    @Test
    void siluMultiply() {
        for (int n : LENGTHS) {
            float[] gate = random(n);
            float[] up = random(n);
            for (int i = 0; i < n; i++) gate[i] *= 6;          // reach the saturated ends of the sigmoid
            float[] g0 = gate.clone();
            VectorOps.siluMultiply(gate, up, n);
            for (int i = 0; i < n; i++) {
                double expected = g0[i] / (1 + Math.exp(-g0[i])) * up[i];
                assertEquals(expected, gate[i], 1e-5 * (1 + Math.abs(expected)), "n=" + n + " i=" + i);
            }
            float[] out = new float[n + 1];
            VectorOps.siluMultiply(out, 1, g0, 0, up, 0, n);
            for (int i = 0; i < n; i++) assertEquals(gate[i], out[1 + i], 0f);
        }
    }

    @Test
    void argmaxTakesTheFirstMaximum() {
        float[] x = {1, 5, 2, 5, -1, 0, 0, 0, 0, 0, 0, 3};
        assertEquals(1, VectorOps.argmax(x, 0, x.length));
        assertEquals(0, VectorOps.argmax(x, 1, x.length - 1));
        assertEquals(1, VectorOps.argmax(x, 2, x.length - 2));
        assertEquals(0, VectorOps.argmax(x, 4, 1));
        float[] big = random(1000);
        big[777] = 100;
        assertEquals(777, VectorOps.argmax(big, 0, 1000));
        assertEquals(770, VectorOps.argmax(big, 7, 993));
        assertThrows(IllegalArgumentException.class, () -> VectorOps.argmax(x, 0, 0));
    }

    private float[] random(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }

    @Test
    void expIsAccurateAndTheVectorAndScalarFormsAgreeBitForBit() {
        java.util.Random rnd = new java.util.Random(3);
        float[] x = new float[4096];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 180 - 90);
        x[0] = 0f;
        x[1] = -87f;
        x[2] = 88f;
        // Every width: callers use 256-bit vectors while the preferred width is 512 bits on AVX-512 machines.
        for (jdk.incubator.vector.VectorSpecies<Float> f : java.util.List.of(jdk.incubator.vector.FloatVector.SPECIES_128,
                jdk.incubator.vector.FloatVector.SPECIES_256, jdk.incubator.vector.FloatVector.SPECIES_512)) {
        float[] lanes = new float[x.length];
        for (int i = 0; i < x.length; i += f.length()) {
            VectorOps.exp(jdk.incubator.vector.FloatVector.fromArray(f, x, i)).intoArray(lanes, i);
        }
        for (int i = 0; i < x.length; i++) {
            float scalar = VectorOps.exp(x[i]);
            assertEquals(Float.floatToIntBits(scalar), Float.floatToIntBits(lanes[i]), "exp(" + x[i] + ")");
            double clamped = Math.max(-87, Math.min(88, x[i]));
            double exact = Math.exp(clamped);
            assertEquals(exact, scalar, exact * 3e-7, "exp(" + x[i] + ")");
        }
        }
        assertEquals(1f, VectorOps.exp(0f), 0f);
    }
}
