package dev.nfsrepl.replication.record;

/**
 * One logged change: its place in the log ({@code seq}, within {@code epoch}), when it took effect
 * ({@code timeMicros}, µs since the epoch, never going backwards within a log), who asked for it,
 * and what it did.
 */
public record OpRecord(long seq, int epoch, long timeMicros, Origin origin, Op op) {

    public OpRecord {
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be positive: " + seq);
        }
        if (epoch < 1 || epoch > 0xFFFF) {
            throw new IllegalArgumentException("epoch out of range: " + epoch);
        }
    }

    public OpType type() {
        return op.type();
    }

    @Override
    public String toString() {
        return "#" + seq + " e" + epoch + " t" + timeMicros + " " + origin + " " + op;
    }
}
