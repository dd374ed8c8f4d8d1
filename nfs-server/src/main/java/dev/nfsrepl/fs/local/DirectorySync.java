package dev.nfsrepl.fs.local;

import dev.nfsrepl.replication.io.Durable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes changes to a directory durable, sharing one fsync among the callers that changed it
 * concurrently (group commit). A caller is released only by an fsync that started after its
 * change: each caller takes a ticket after changing the directory; a leader fsyncs and then
 * releases every ticket issued before its fsync began.
 *
 * <p>Thread-safe. Called without holding the directory's lock, so that the changes of other
 * callers can pile up behind one fsync.
 */
final class DirectorySync {

    private static final class State {
        final ReentrantLock lock = new ReentrantLock();
        final Condition synced = lock.newCondition();
        long issued;
        long done;
        boolean running;
    }

    private final ConcurrentHashMap<Long, State> states = new ConcurrentHashMap<>();

    /** Returns once every change made to directory {@code dirId} before this call is durable. */
    void sync(long dirId, Path dir) throws IOException {
        State s = states.computeIfAbsent(dirId, k -> new State());
        s.lock.lock();
        try {
            long ticket = ++s.issued;
            while (s.done < ticket) {
                if (s.running) {
                    s.synced.await();
                    continue;
                }
                s.running = true;
                long upTo = s.issued;
                s.lock.unlock();
                try {
                    Durable.syncDirectory(dir);
                } finally {
                    s.lock.lock();
                    s.running = false;
                    s.synced.signalAll();
                }
                s.done = upTo;
            }
            if (s.issued == s.done && !s.running) {
                states.remove(dirId, s); // idle; a thread still holding it just syncs once more
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + dir + " to be synced");
        } finally {
            s.lock.unlock();
        }
    }
}
