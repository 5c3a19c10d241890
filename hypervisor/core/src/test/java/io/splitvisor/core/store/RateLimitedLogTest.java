package io.splitvisor.core.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RateLimitedLogTest {
    private long now;
    private final List<String> lines = new ArrayList<>();
    private final RateLimitedLog log = new RateLimitedLog(lines::add, 1000, () -> now);

    @Test
    void aFloodCostsOneLinePerWindowAndCountsTheRest() {
        for (int i = 0; i < 10_000; i++) {
            log.log("5:write", "over quota");
        }
        assertEquals(List.of("over quota"), lines);
        now += 1000;
        log.log("5:write", "over quota");
        assertEquals(List.of("over quota", "over quota (9999 similar suppressed)"), lines);
    }

    @Test
    void keysAreLimitedSeparatelyAndCanBeForgotten() {
        log.log("5:write", "five");
        log.log("6:write", "six");
        log.log("5:write", "five");
        log.forget("5:");
        log.log("5:write", "five");
        assertEquals(List.of("five", "six", "five"), lines);
    }
}
