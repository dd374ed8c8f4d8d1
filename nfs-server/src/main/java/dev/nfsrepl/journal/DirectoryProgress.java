package dev.nfsrepl.journal;

import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.error.StaleException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per directory, the records that change its entries and are still being applied, and those
 * applied: the source of each directory's {@link AppliedSet} and of the mtime it is given (the
 * latest record time applied to it, so that changes to different names applied out of order
 * leave the newest). A record is registered ({@link #begin}) when it gets its seq, under the
 * log's lock, so every earlier record of the directory is registered before it; recovery and
 * replay register and complete records one at a time in seq order, which gives the same guarantee.
 *
 * <p>Beyond {@link #MAX_STATES} directories, the state of a directory with nothing in flight is
 * dropped once its stamp is stored (it is read back from the stamp when the directory changes
 * again), so memory stays bounded however many directories a run changes.
 *
 * <p>Thread-safe; each directory's state is guarded by its own monitor.
 */
final class DirectoryProgress {

    /** How many directories keep their state in memory while idle. */
    static final int MAX_STATES = 4096;

    private static final class State {
        boolean evicted; // dropped from the map: whoever still holds it takes a fresh one
        boolean loaded;
        long upTo;
        long seen; // the highest seq registered this run: records of the directory up to it are all known
        final TreeSet<Long> extras = new TreeSet<>();
        final TreeSet<Long> inFlight = new TreeSet<>();
        long mtime = Long.MIN_VALUE;
    }

    /** What to store with a directory after a record was applied to it. */
    record Stamp(AppliedSet applied, long mtimeNanos) {
    }

    private final LocalFileSystem fs;
    private final int maxStates;
    private final ConcurrentHashMap<Long, State> states = new ConcurrentHashMap<>();

    DirectoryProgress(LocalFileSystem fs) {
        this(fs, MAX_STATES);
    }

    DirectoryProgress(LocalFileSystem fs, int maxStates) {
        this.fs = fs;
        this.maxStates = maxStates;
    }

    private interface Action<T> {
        T run(State s) throws FsException;
    }

    /** Runs {@code action} on the directory's state, under its monitor. */
    private <T> T withState(long dir, Action<T> action) throws FsException {
        while (true) {
            State s = states.computeIfAbsent(dir, k -> new State());
            synchronized (s) {
                if (!s.evicted) {
                    return action.run(s);
                }
            }
        }
    }

    /** How many directories have a state in memory. */
    int size() {
        return states.size();
    }

    void begin(long dir, long seq) {
        try {
            withState(dir, s -> {
                s.inFlight.add(seq);
                s.seen = Math.max(s.seen, seq);
                return null;
            });
        } catch (FsException e) {
            throw new IllegalStateException(e); // registering reads nothing
        }
    }

    /** The record will not be applied (its append failed): forget it. */
    void abandon(long dir, long seq) {
        State s = states.get(dir);
        if (s != null) {
            synchronized (s) {
                s.inFlight.remove(seq);
            }
        }
    }

    /** Whether the directory has seen record {@code seq} applied (reading its stamp once per run). */
    boolean applied(long dir, long seq) throws FsException {
        return withState(dir, s -> {
            load(dir, s, true);
            return seq <= s.upTo || s.extras.contains(seq);
        });
    }

    /** Stores a directory's stamp (called under the directory's monitor, so stamps are written in order). */
    interface Store {
        void store(Stamp stamp) throws FsException;
    }

    /**
     * Record {@code seq} (parent mtime {@code mtimeNanos}) is done with the directory; {@code store}
     * (null: nothing to store) writes the new stamp before any later completion computes its own.
     */
    void complete(long dir, long seq, long mtimeNanos, Store store) throws FsException {
        withState(dir, s -> {
            Stamp st = completeLocked(dir, s, seq, mtimeNanos);
            if (store != null) {
                store.store(st);
                if (s.inFlight.isEmpty() && s.extras.isEmpty() && states.size() > maxStates) {
                    s.evicted = true; // its stamp says all it knows
                    states.remove(dir, s);
                }
            }
            return null;
        });
    }

    private Stamp completeLocked(long dir, State s, long seq, long mtimeNanos) throws FsException {
        load(dir, s, false);
        s.inFlight.remove(seq);
        if (seq > s.upTo) {
            s.extras.add(seq);
        }
        s.seen = Math.max(s.seen, seq);
        // Every record of the directory up to 'seen' was registered this run, in seq order, so the
        // applied prefix reaches the oldest one still in flight, or 'seen'. Not beyond: extras read
        // from the stamp past 'seen' (recovery re-applying an older part of the tail) leave gaps
        // for records not yet re-applied.
        long upTo = Math.max(s.upTo, s.inFlight.isEmpty() ? s.seen : s.inFlight.first() - 1);
        s.extras.headSet(upTo, true).clear();
        while (!s.extras.isEmpty() && s.extras.first() == upTo + 1) {
            upTo = s.extras.pollFirst();
        }
        s.upTo = upTo;
        s.mtime = Math.max(s.mtime, mtimeNanos);
        return new Stamp(new AppliedSet(upTo, s.extras.stream().mapToLong(Long::longValue).toArray()), s.mtime);
    }

    /** Reads the directory's stamp once; a directory that is gone throws only when {@code strict}. */
    private void load(long dir, State s, boolean strict) throws FsException {
        if (!s.loaded) {
            AppliedSet a;
            try {
                a = AppliedSet.decode(fs.appliedStamp(dir));
            } catch (StaleException e) {
                if (strict) {
                    throw e;
                }
                a = AppliedSet.NONE; // the directory is gone: nothing will be stored with it
            }
            s.upTo = Math.max(s.upTo, a.upTo());
            for (long e : a.extras()) {
                if (e > s.upTo) {
                    s.extras.add(e);
                }
            }
            s.loaded = true;
        }
    }
}
