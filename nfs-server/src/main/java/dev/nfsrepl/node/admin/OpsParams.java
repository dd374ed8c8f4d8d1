package dev.nfsrepl.node.admin;

import com.google.common.net.InetAddresses;
import dev.nfsrepl.journal.OpsFilter;
import dev.nfsrepl.replication.record.OpType;
import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The query parameters of {@code GET /api/v1/ops}, each optional:
 * <pre>
 *   fromSeq=N  toSeq=N            record numbers, inclusive
 *   from=TIME  to=TIME            ISO-8601 instants (2026-11-30T10:04:00Z), inclusive
 *   path=/P                       records on P or below it, as paths were at each record's time
 *   glob=G                        records whose path matches G (* within a name, ** across names)
 *   op=WRITE,CREATE               record types (any case)
 *   uid=N                         the caller's uid
 *   client=ADDRESS                the client's IP address
 * </pre>
 * A bad value is an {@link IllegalArgumentException} naming the parameter.
 */
final class OpsParams {

    private OpsParams() {
    }

    static OpsFilter filter(Function<String, String> param) {
        long fromSeq = longValue(param.apply("fromSeq"), "fromSeq", 1);
        long toSeq = longValue(param.apply("toSeq"), "toSeq", Long.MAX_VALUE);
        long from = micros(param.apply("from"), "from", Long.MIN_VALUE);
        long to = micros(param.apply("to"), "to", Long.MAX_VALUE);
        String uid = param.apply("uid");
        String client = param.apply("client");
        return new OpsFilter(fromSeq, toSeq, from, to, blankToNull(param.apply("path")), blankToNull(param.apply("glob")),
                ops(param.apply("op")), uid == null ? null : (int) longValue(uid, "uid", 0),
                client == null ? null : address(client));
    }

    static int integer(String value, String name, int dflt) {
        long v = longValue(value, name, dflt);
        if (v != (int) v) {
            throw new IllegalArgumentException(name + " is out of range: " + value);
        }
        return (int) v;
    }

    private static long longValue(String value, String name, long dflt) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number: " + value);
        }
    }

    private static long micros(String value, String name, long dflt) {
        if (value == null || value.isBlank()) {
            return dflt;
        }
        try {
            return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(value.trim()));
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " is not an ISO-8601 instant such as 2026-11-30T10:04:00Z: " + value);
        }
    }

    private static Set<OpType> ops(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Set<OpType> ops = EnumSet.noneOf(OpType.class);
        for (String s : value.split(",")) {
            try {
                ops.add(OpType.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("op: no record type '" + s.trim() + "' (one of "
                        + java.util.Arrays.toString(OpType.values()) + ")");
            }
        }
        return ops;
    }

    private static InetAddress address(String value) {
        try {
            return InetAddresses.forString(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client is not an IP address: " + value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
