package io.splitvisor.core.time;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guest's TSC scale reproduces nanoseconds for the rates engines run the TSC at. */
class TscScaleTest {
    @Test
    void oneGigahertzIsTheIdentity() {
        TscScale s = TscScale.of(1_000_000_000L);
        assertEquals(0x8000_0000L, s.mul());
        assertEquals(1, s.shift());
        assertEquals(123_456_789_012L, s.toNanos(123_456_789_012L));
    }

    @Test
    void hostRatesGiveNanosecondsWithinAPartPerMillion() {
        for (long hz : new long[] {2_100_000_000L, 2_999_999_000L, 3_700_000_000L, 100_000_000L, 33_000_000L,
                1_000_001_000L, 999_999_000L}) {
            TscScale s = TscScale.of(hz);
            assertTrue(s.mul() >= 0x8000_0000L && s.mul() <= 0xFFFF_FFFFL, hz + " Hz: mul " + s.mul());
            long oneHour = 3_600L * hz;
            long ns = s.toNanos(oneHour);
            assertEquals(3_600_000_000_000L, ns, 3_600_000_000_000L / 1_000_000, hz + " Hz, shift " + s.shift());
        }
    }

    @Test
    void impossibleRatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> TscScale.of(0));
        assertThrows(IllegalArgumentException.class, () -> TscScale.of(-5));
    }
}
