package dev.nfsrepl.replication.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The first record each epoch's primary wrote, ascending: a journal's records from one such
 * sequence number up to the next epoch's belong to that epoch. Two nodes' journals agree up to the
 * point where their histories part; a returning old primary's records from that point on are the
 * ones the new primary never received ({@link #forkWith}). Immutable.
 * <pre>
 *   history := (EPOCH ":" FIRSTSEQ) ("," EPOCH ":" FIRSTSEQ)*     ; epochs and first seqs ascending
 * </pre>
 */
public final class EpochHistory {

    /** An epoch and the first record its primary wrote. */
    public record Start(long epoch, long firstSeq) {
    }

    public static final EpochHistory EMPTY = new EpochHistory(List.of());

    private final List<Start> starts;

    private EpochHistory(List<Start> starts) {
        this.starts = List.copyOf(starts);
    }

    public static EpochHistory parse(String text) {
        List<Start> starts = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] f = part.trim().split(":");
            if (f.length != 2) {
                throw new IllegalArgumentException("epoch history entry '" + part + "' is not EPOCH:FIRSTSEQ");
            }
            starts.add(new Start(Long.parseLong(f[0]), Long.parseLong(f[1])));
        }
        EpochHistory h = new EpochHistory(List.of());
        for (Start s : starts) {
            h = h.begin(s.epoch(), s.firstSeq());
        }
        return h;
    }

    public List<Start> starts() {
        return starts;
    }

    public boolean isEmpty() {
        return starts.isEmpty();
    }

    /** The newest epoch that wrote records (0: none). */
    public long lastEpoch() {
        return starts.isEmpty() ? 0 : starts.get(starts.size() - 1).epoch();
    }

    /** This history with epoch {@code epoch} beginning at record {@code firstSeq} (a new primary's first). */
    public EpochHistory begin(long epoch, long firstSeq) {
        if (!starts.isEmpty()) {
            Start last = starts.get(starts.size() - 1);
            if (epoch <= last.epoch() || firstSeq < last.firstSeq()) {
                throw new IllegalArgumentException("epoch " + epoch + " from #" + firstSeq + " cannot follow epoch "
                        + last.epoch() + " from #" + last.firstSeq());
            }
            if (firstSeq == last.firstSeq()) { // the previous epoch wrote nothing: it is no part of any journal
                List<Start> s = new ArrayList<>(starts.subList(0, starts.size() - 1));
                s.add(new Start(epoch, firstSeq));
                return new EpochHistory(s);
            }
        }
        List<Start> s = new ArrayList<>(starts);
        s.add(new Start(epoch, firstSeq));
        return new EpochHistory(s);
    }

    /** The epoch that wrote record {@code seq} in this history (0: before the first). */
    public long epochOf(long seq) {
        long e = 0;
        for (Start s : starts) {
            if (s.firstSeq() > seq) {
                break;
            }
            e = s.epoch();
        }
        return e;
    }

    /**
     * The first record that this history and {@code other} say different epochs wrote: the records
     * two journals with these histories hold from there on are different ones ({@code Long.MAX_VALUE}:
     * the histories agree). A returning old primary's records from there on (if it holds any) are
     * those the new primary never received.
     */
    public long forkWith(EpochHistory other) {
        java.util.TreeSet<Long> points = new java.util.TreeSet<>();
        starts.forEach(x -> points.add(x.firstSeq()));
        other.starts.forEach(x -> points.add(x.firstSeq()));
        for (long p : points) {
            if (epochOf(p) != other.epochOf(p)) {
                return p;
            }
        }
        return Long.MAX_VALUE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpochHistory h && h.starts.equals(starts);
    }

    @Override
    public int hashCode() {
        return starts.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Start s : starts) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(s.epoch()).append(':').append(s.firstSeq());
        }
        return b.toString();
    }
}
