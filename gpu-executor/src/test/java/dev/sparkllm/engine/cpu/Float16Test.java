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
}
