package dev.nfsrepl.journal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Which journal records a directory's entries have seen applied: every record up to
 * {@code upTo} (of those that touch it), and the few beyond it in {@code extras} (applied out of
 * order by concurrent operations on other names). Stored with the directory (extended attribute
 * {@code user.nfsrepl.seq}) after each change, so that recovery knows exactly which records to
 * apply again.
 *
 * <pre>
 *   value := upTo:u64be extra:u64be*      ; extras ascending, all > upTo
 * </pre>
 */
record AppliedSet(long upTo, long[] extras) {

    static final AppliedSet NONE = new AppliedSet(0, new long[0]);

    boolean contains(long seq) {
        return seq <= upTo || Arrays.binarySearch(extras, seq) >= 0;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(8 * (1 + extras.length)).putLong(upTo);
        for (long e : extras) {
            b.putLong(e);
        }
        return b.array();
    }

    static AppliedSet decode(byte[] raw) {
        if (raw == null || raw.length < 8 || raw.length % 8 != 0) {
            return NONE;
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        long upTo = b.getLong();
        long[] extras = new long[raw.length / 8 - 1];
        for (int i = 0; i < extras.length; i++) {
            extras[i] = b.getLong();
        }
        return new AppliedSet(upTo, extras);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AppliedSet a && a.upTo == upTo && Arrays.equals(a.extras, extras);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(upTo) * 31 + Arrays.hashCode(extras);
    }

    @Override
    public String toString() {
        return "applied<=" + upTo + (extras.length == 0 ? "" : "+" + Arrays.toString(extras));
    }
}
