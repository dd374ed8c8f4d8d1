package dev.nfsrepl.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as an administrator types it, in the console's time zone unless it says its own:
 * <pre>
 *   2026-11-30T10:04:00Z          an instant (ISO-8601, 'Z' or an offset such as +01:00)
 *   2026-11-30T10:04[:SS[.f]]     a local date and time (also with a space for the 'T')
 *   10:04[:SS[.f]]                today at that local time
 *   -15m  -2h  -1d  -30s          that long ago
 * </pre>
 */
final class TimeArg {

    private static final Pattern AGO = Pattern.compile("-(\\d+)([smhd])");

    private TimeArg() {
    }

    static Instant parse(String text, Clock clock) {
        String t = text.strip();
        Matcher ago = AGO.matcher(t.toLowerCase(Locale.ROOT));
        if (ago.matches()) {
            long n = Long.parseLong(ago.group(1));
            Duration d = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(d);
        }
        try {
            return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
        } catch (DateTimeParseException e) {
            // not with an offset
        }
        try {
            return LocalDateTime.parse(t.replace(' ', 'T')).atZone(clock.getZone()).toInstant();
        } catch (DateTimeParseException e) {
            // not a date and time
        }
        try {
            return LocalDate.now(clock).atTime(LocalTime.parse(t)).atZone(clock.getZone()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time: '" + text + "' (give 2026-11-30T10:04:00Z, "
                    + "2026-11-30 10:04 or 10:04 in local time, or -15m, -2h, -1d)");
        }
    }
}
