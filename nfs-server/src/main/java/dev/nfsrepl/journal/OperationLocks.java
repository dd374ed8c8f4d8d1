package dev.nfsrepl.journal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The locks a journaled operation holds from its checks to the end of its apply: the names it
 * changes (a parent FileId and a name, exclusive), the directories it changes entries of
 * (shared: changes to other names of the same directory go on in parallel and share journal
 * fsyncs), and the objects it changes (exclusive: the object written, removed, renamed or
 * replaced; a directory being removed, so nothing is created in it meanwhile).
 *
 * <p>Locks are striped (4096 stripes each) and taken all at once in one global order, names by
 * stripe then objects by stripe (a stripe needed both shared and exclusive is taken exclusive),
 * so no two operations deadlock. Thread-safe.
 */
final class OperationLocks {

    private static final int STRIPES = 4096;

    private final ReentrantLock[] names = new ReentrantLock[STRIPES];
    private final ReentrantReadWriteLock[] objects = new ReentrantReadWriteLock[STRIPES];

    OperationLocks() {
        for (int i = 0; i < STRIPES; i++) {
            names[i] = new ReentrantLock();
            objects[i] = new ReentrantReadWriteLock();
        }
    }

    /** What one operation wants locked; FileIds of 0 are ignored. */
    static final class Want {
        private final TreeSet<Integer> nameStripes = new TreeSet<>();
        private final TreeMap<Integer, Boolean> objectStripes = new TreeMap<>(); // stripe -> exclusive

        Want name(long dir, String name) {
            long h = dir * 0x9E3779B97F4A7C15L;
            for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
                h = (h ^ b) * 0x100000001B3L;
            }
            nameStripes.add(stripe(h));
            return this;
        }

        Want shared(long id) {
            if (id != 0) {
                objectStripes.merge(stripe(id), false, Boolean::logicalOr);
            }
            return this;
        }

        Want exclusive(long id) {
            if (id != 0) {
                objectStripes.put(stripe(id), true);
            }
            return this;
        }
    }

    /** Locks held by one operation, released in reverse order. */
    static final class Held implements AutoCloseable {
        private final List<Lock> held;

        private Held(List<Lock> held) {
            this.held = held;
        }

        @Override
        public void close() {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
        }
    }

    Held hold(Want w) {
        List<Lock> held = new ArrayList<>();
        for (int s : w.nameStripes) {
            Lock l = names[s];
            l.lock();
            held.add(l);
        }
        w.objectStripes.forEach((s, exclusive) -> {
            Lock l = exclusive ? objects[s].writeLock() : objects[s].readLock();
            l.lock();
            held.add(l);
        });
        return new Held(held);
    }

    private static int stripe(long key) {
        long h = key * 0xC2B2AE3D27D4EB4FL;
        return (int) ((h ^ (h >>> 31)) & (STRIPES - 1));
    }
}
