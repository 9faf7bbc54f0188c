package dev.sparkllm.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Half-precision conversions: exhaustive over all 65536 halves, and round-to-nearest-even back. */
class Float16Test {

    @Test
    void knownValues() {
        assertEquals(0f, Float16.toFloat((short) 0x0000));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Float16.toFloat((short) 0x8000)));
        assertEquals(1f, Float16.toFloat((short) 0x3C00));
        assertEquals(-2f, Float16.toFloat((short) 0xC000));
        assertEquals(65504f, Float16.toFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001));          // smallest subnormal
        assertEquals(0x1p-14f, Float16.toFloat((short) 0x0400));          // smallest normal
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat((short) 0x7C00));
        assertEquals(Float.NEGATIVE_INFINITY, Float16.toFloat((short) 0xFC00));
        assertTrue(Float.isNaN(Float16.toFloat((short) 0x7E00)));
    }

    /** Every half against an independent decode: sign * 2^(e-15) * (1 + m/1024), or the subnormal form. */
    @Test
    void allHalvesDecodeToTheirExactValue() {
        for (int bits = 0; bits < 65536; bits++) {
            int e = (bits >>> 10) & 0x1F;
            int m = bits & 0x3FF;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            float f = Float16.toFloat(bits);
            if (e == 0x1F) {
                assertTrue(m == 0 ? Float.isInfinite(f) : Float.isNaN(f), "bits " + bits);
                continue;
            }
            double expected = e == 0 ? sign * m * Math.pow(2, -24) : sign * Math.pow(2, e - 15) * (1 + m / 1024.0);
            assertEquals(expected, f, 0.0, "bits 0x" + Integer.toHexString(bits));
            if (expected == 0) assertEquals(sign < 0, Float.floatToRawIntBits(f) < 0, "sign of zero");
        }
    }

    @Test
    void everyFiniteHalfRoundTrips() {
        for (int bits = 0; bits < 65536; bits++) {
            float f = Float16.toFloat(bits);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(f))));
                continue;
            }
            assertEquals((short) bits, Float16.fromFloat(f), "bits 0x" + Integer.toHexString(bits));
        }
    }

    /** fromFloat picks the nearest half, ties to the one with an even mantissa; overflow gives infinity. */
    @Test
    void fromFloatRoundsToNearestEven() {
        Random rnd = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isNaN(f)) continue;
            short h = Float16.fromFloat(f);
            float back = Float16.toFloat(h);
            if (Math.abs(f) >= 65520f) {
                assertEquals(Math.copySign(Float.POSITIVE_INFINITY, f), back, "overflow of " + f);
                continue;
            }
            // Neighbours of h (in magnitude) must be no closer to f, and on a tie h must be even.
            double err = Math.abs((double) back - f);
            for (int delta : new int[] {-1, 1}) {
                int magnitude = (h & 0x7FFF) + delta;
                if (magnitude < 0 || magnitude > 0x7BFF) continue;
                float neighbour = Float16.toFloat((h & 0x8000) | magnitude);
                double nErr = Math.abs((double) neighbour - f);
                assertTrue(err < nErr || (err == nErr && (h & 1) == 0),
                        f + " -> 0x" + Integer.toHexString(h & 0xFFFF) + " but neighbour " + neighbour + " is as close");
            }
        }
    }

    /** The vectorized roundInPlace against the scalar fromFloat/toFloat round trip, at every magnitude. */
    @Test
    void roundInPlaceEqualsScalarRoundTrip() {
        Random rnd = new Random(12);
        float[] specials = {0f, -0f, 1f, -1f, 65504f, 65519.99f, 65520f, -65520f, 1e9f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 0x1p-14f, 0x1.ffcp-15f, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, -0x1p-25f, 1e-30f,
                Float.MIN_VALUE, -Float.MIN_VALUE, 2049f, 2051f, 0.1f, -0.333f};
        int n = 100_000 + specials.length;
        float[] values = new float[n];
        System.arraycopy(specials, 0, values, 0, specials.length);
        for (int i = specials.length; i < n; i++) {
            // Uniform over bit patterns covers subnormal, normal and overflow ranges alike.
            values[i] = Float.intBitsToFloat(rnd.nextInt());
        }
        float[] rounded = values.clone();
        Float16.roundInPlace(rounded, 0, n);
        for (int i = 0; i < n; i++) {
            if (Float.isNaN(values[i])) {
                assertTrue(Float.isNaN(rounded[i]));
                continue;
            }
            float expected = Float16.round(values[i]);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(rounded[i]),
                    "value " + values[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(values[i])) + ")");
        }
        // Offsets and a scalar tail.
        float[] part = {7f, 1.0001f, 2.0002f, 3.0003f, 7f};
        Float16.roundInPlace(part, 1, 3);
        assertEquals(7f, part[0]);
        assertEquals(Float16.round(2.0002f), part[2]);
        assertEquals(7f, part[4]);
    }

    private static void assertSameBits(float want, float got, short bits) {
        assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), "bits 0x" + Integer.toHexString(bits & 0xFFFF));
    }

    /**
     * The KV pool's halves: every finite normal half and both zeros decode, two to an int (vector
     * and scalar path, at every offset of an odd-length run), to the value the exhaustive reference above
     * gives; subnormal halves are stored as signed zeros and overflow as the largest half.
     */
    @Test
    void poolHalvesDecodeExactlyOnBothPaths() {
        short[] all = new short[65536];
        int n = 0;
        for (int bits = 0; bits < 65536; bits++) {
            int e = (bits >>> 10) & 0x1F;
            if (e != 0x1F && (e != 0 || (bits & 0x3FF) == 0)) all[n++] = (short) bits;
        }
        int[] pairs = new int[n];
        for (int i = 0; i < n; i++) pairs[i] = Float16.pair(all[i], all[n - 1 - i]);
        for (int offset = 0; offset < 3; offset++) {
            int len = n - offset;
            float[] decoded = new float[2 * len];
            Float16.decodePairRows(pairs, offset, 0, 1, len, decoded, 0, len, 0);
            for (int i = 0; i < len; i++) {
                short low = all[offset + i], high = all[n - 1 - offset - i];
                assertSameBits(Float16.toFloat(low), decoded[i], low);
                assertSameBits(Float16.toFloat(high), decoded[len + i], high);
                assertSameBits(Float16.toFloat(low), Float16.poolBitsToFloat(low), low);
            }
        }
        assertEquals((short) 0x0000, Float16.toPoolBits(0x1p-20f));
        assertEquals((short) 0x8000, Float16.toPoolBits(-3e-6f));
        assertEquals((short) 0x0400, Float16.toPoolBits(0x1p-14f));
        assertEquals((short) 0x7BFF, Float16.toPoolBits(1e6f));
        assertEquals((short) 0xFBFF, Float16.toPoolBits(Float.NEGATIVE_INFINITY));
        Random rnd = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            float v = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(8) - 4));
            short bits = Float16.toPoolBits(v);
            float back = Float16.poolBitsToFloat(bits);
            if (Math.abs(v) >= 0x1p-14f && Math.abs(v) < 65504f) assertEquals(Float16.round(v), back, 0f, "value " + v);
            else assertTrue(Math.abs(back - v) <= 0x1p-14f || Math.abs(back) == 65504f, "value " + v);
        }
    }
}
