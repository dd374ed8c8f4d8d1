package dev.nfsrepl.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TimeArgTest {

    // 11:30 in Paris (UTC+1 in November)
    final Clock clock = Clock.fixed(Instant.parse("2026-11-30T10:30:00Z"), ZoneId.of("Europe/Paris"));

    @Test
    void instantsLocalTimesAndAgo() {
        assertEquals(Instant.parse("2026-11-30T10:04:00Z"), TimeArg.parse("2026-11-30T10:04:00Z", clock));
        assertEquals(Instant.parse("2026-11-30T09:04:00Z"), TimeArg.parse("2026-11-30T10:04:00+01:00", clock));
        assertEquals(Instant.parse("2026-11-30T09:04:00Z"), TimeArg.parse("2026-11-30 10:04", clock));
        assertEquals(Instant.parse("2026-11-30T09:04:05.250Z"), TimeArg.parse("2026-11-30T10:04:05.25", clock));
        assertEquals(Instant.parse("2026-11-30T09:04:00Z"), TimeArg.parse("10:04", clock));
        assertEquals(Instant.parse("2026-11-30T10:15:00Z"), TimeArg.parse("-15m", clock));
        assertEquals(Instant.parse("2026-11-30T08:30:00Z"), TimeArg.parse(" -2h ", clock));
        assertEquals(Instant.parse("2026-11-29T10:30:00Z"), TimeArg.parse("-1d", clock));
    }

    @Test
    void somethingElseIsRefusedWithTheFormsThatWork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimeArg.parse("yesterday", clock));
        assertTrue(e.getMessage().contains("'yesterday'") && e.getMessage().contains("10:04"), e.getMessage());
    }
}
