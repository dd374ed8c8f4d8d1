package dev.nfsrepl.fs;

/** A time to set: the server's current time, or a given instant in nanoseconds since the epoch. */
public record TimeSpec(boolean serverTime, long nanos) {

    public static final TimeSpec SERVER = new TimeSpec(true, 0);

    public static TimeSpec at(long nanos) {
        return new TimeSpec(false, nanos);
    }
}
