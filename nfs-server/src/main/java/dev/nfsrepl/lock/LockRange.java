package dev.nfsrepl.lock;

/**
 * A byte range of a file, {@code first} to {@code last} inclusive, both unsigned 64-bit: NLM's
 * (offset, length) with length 0 meaning "to the end of any file" ({@code last} = 2^64 - 1).
 */
public record LockRange(long first, long last) {

    /** The largest offset (2^64 - 1, as an unsigned long). */
    public static final long MAX = -1L;

    public LockRange {
        if (Long.compareUnsigned(first, last) > 0) {
            throw new IllegalArgumentException("an empty range: " + Long.toUnsignedString(first) + ".."
                    + Long.toUnsignedString(last));
        }
    }

    /** NLM's (offset, length); a range past 2^64 - 1 is refused (NLM4_FBIG). */
    public static LockRange of(long offset, long length) throws RangeTooLargeException {
        if (length == 0) {
            return new LockRange(offset, MAX);
        }
        long last = offset + length - 1;
        if (Long.compareUnsigned(last, offset) < 0) {
            throw new RangeTooLargeException("offset " + Long.toUnsignedString(offset) + " + length "
                    + Long.toUnsignedString(length) + " is past the largest offset, 2^64 - 1");
        }
        return new LockRange(offset, last);
    }

    /** NLM's length of this range (0: to the end). */
    public long length() {
        return last == MAX ? 0 : last - first + 1;
    }

    public boolean overlaps(LockRange o) {
        return Long.compareUnsigned(first, o.last) <= 0 && Long.compareUnsigned(o.first, last) <= 0;
    }

    /** Whether the two overlap or touch (so that one range could hold both). */
    boolean touches(LockRange o) {
        return overlaps(o) || (last != MAX && last + 1 == o.first) || (o.last != MAX && o.last + 1 == first);
    }

    boolean contains(LockRange o) {
        return Long.compareUnsigned(first, o.first) <= 0 && Long.compareUnsigned(o.last, last) <= 0;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(first) + ".." + (last == MAX ? "end" : Long.toUnsignedString(last));
    }

    /** A range NLM cannot express: offset + length past 2^64 - 1. */
    public static final class RangeTooLargeException extends Exception {
        public RangeTooLargeException(String message) {
            super(message);
        }
    }
}
