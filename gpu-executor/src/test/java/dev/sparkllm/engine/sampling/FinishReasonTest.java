package dev.sparkllm.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FinishReasonTest {

    @Test
    void apiNamesAreLowercaseAndRoundTrip() {
        assertEquals("stop", FinishReason.STOP.apiName());
        assertEquals("length", FinishReason.LENGTH.apiName());
        assertEquals("error", FinishReason.ERROR.apiName());
        assertEquals("cancelled", FinishReason.CANCELLED.toString());
        for (FinishReason r : FinishReason.values()) assertEquals(r, FinishReason.fromApiName(r.apiName()));
        assertThrows(IllegalArgumentException.class, () -> FinishReason.fromApiName("STOP"));
    }
}
