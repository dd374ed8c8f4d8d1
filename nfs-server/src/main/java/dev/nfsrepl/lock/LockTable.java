package dev.nfsrepl.lock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The byte-range locks and share reservations NLM clients hold on the files of one server, with
 * POSIX semantics (what {@code fcntl(F_SETLK)} does on one machine):
 *
 * <ul>
 *   <li>Shared locks of different owners coexist; an exclusive one excludes every other owner's
 *       lock on an overlapping range. An owner's own locks never conflict with each other.</li>
 *   <li>A lock replaces the owner's locks on its range: an upgrade (shared to exclusive) or a
 *       downgrade in place, splitting a longer lock at the range's ends; adjacent or overlapping
 *       locks of one owner and one type merge. An unlock removes the owner's locks on its range,
 *       splitting them too; unlocking what is not held changes nothing and succeeds.</li>
 *   <li>A request that conflicts either fails at once ({@link Denied}) or, when the client asks to
 *       block, waits ({@link Blocked}) in first-come order per file; whenever locks go (unlock,
 *       downgrade, {@link #freeAll}), the waiters that no longer conflict are granted, in that
 *       order, and returned for the GRANTED callbacks. A wait that would close a cycle of owners
 *       waiting for each other is refused ({@link Deadlock}).</li>
 *   <li>Memory is bounded per client host: at most {@code maxLocksPerHost} locks and
 *       {@code maxWaitersPerHost} waiting requests ({@link NoLocks} beyond).</li>
 * </ul>
 *
 * Files are named by FileId. Pure (no IO, no clock); not thread-safe: the NLM service calls it
 * under one lock.
 */
public final class LockTable {

    /** A lock held. */
    public record Lock(LockOwner owner, LockRange range, boolean exclusive) {
    }

    /** A waiting request granted by a later change: the service sends its GRANTED callback. */
    public record Grant(long file, Lock lock, Object cookie) {
    }

    /** What a request came to. */
    public sealed interface Outcome {
    }

    public record Granted() implements Outcome {
    }

    /** Another owner's lock conflicts (the first one, for NLM's TEST answer and DENIED's holder). */
    public record Denied(Lock conflict) implements Outcome {
    }

    /** Waiting; granted later (a {@link Grant}) unless cancelled. */
    public record Blocked() implements Outcome {
    }

    /** Waiting would deadlock: {@code conflict}'s owner waits, directly or not, for the requester. */
    public record Deadlock(Lock conflict) implements Outcome {
    }

    /** Over the host's limit of locks or waiting requests. */
    public record NoLocks(String why) implements Outcome {
    }

    /** What a change came to, and the waiting requests it let through. */
    public record Result(Outcome outcome, List<Grant> granted) {
    }

    /** A share reservation (NLM SHARE): what the owner does ({@code access}) and denies others ({@code deny}); bits 1 read, 2 write. */
    public record Share(LockOwner owner, int access, int deny) {
    }

    private record Waiter(LockOwner owner, LockRange range, boolean exclusive, Object cookie) {
    }

    private static final class FileState {
        final List<Lock> held = new ArrayList<>(); // by range start
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        final List<Share> shares = new ArrayList<>();

        boolean isEmpty() {
            return held.isEmpty() && waiting.isEmpty() && shares.isEmpty();
        }
    }

    private final int maxLocksPerHost;
    private final int maxWaitersPerHost;
    private final Map<Long, FileState> files = new HashMap<>();
    private final Map<String, int[]> perHost = new HashMap<>(); // host -> {locks, waiters}
    private final Map<LockOwner, Set<Long>> waitingIn = new HashMap<>(); // owner -> files it waits in

    public LockTable(int maxLocksPerHost, int maxWaitersPerHost) {
        this.maxLocksPerHost = maxLocksPerHost;
        this.maxWaitersPerHost = maxWaitersPerHost;
    }

    // ------------------------------------------------------------------ queries

    /** The first lock of another owner that a lock of {@code owner} on {@code range} would conflict with, or null. */
    public Lock test(long file, LockOwner owner, LockRange range, boolean exclusive) {
        FileState f = files.get(file);
        return f == null ? null : firstConflict(f, owner, range, exclusive);
    }

    /** The locks held on {@code file}, by range start. */
    public List<Lock> locks(long file) {
        FileState f = files.get(file);
        return f == null ? List.of() : List.copyOf(f.held);
    }

    /** How many locks and waiting requests {@code host} has. */
    public int[] usage(String host) {
        int[] c = perHost.get(host);
        return c == null ? new int[2] : c.clone();
    }

    /** Every host holding a lock, a waiting request or a share. */
    public Set<String> hosts() {
        Set<String> hosts = new HashSet<>();
        perHost.forEach((h, c) -> {
            if (c[0] > 0 || c[1] > 0) {
                hosts.add(h);
            }
        });
        files.values().forEach(f -> f.shares.forEach(s -> hosts.add(s.owner().host())));
        return hosts;
    }

    // ------------------------------------------------------------------ locks

    /**
     * Locks {@code range} of {@code file} for {@code owner}. When another owner's lock conflicts:
     * {@link Denied}, or with {@code block} {@link Blocked} (a retransmitted request that already
     * waits stays one waiter; {@code cookie} comes back in its {@link Grant}).
     */
    public Result lock(long file, LockOwner owner, LockRange range, boolean exclusive, boolean block, Object cookie) {
        FileState f = files.computeIfAbsent(file, k -> new FileState());
        try {
            Lock conflict = firstConflict(f, owner, range, exclusive);
            if (conflict == null) {
                Outcome o = apply(f, owner, range, exclusive);
                if (o instanceof Granted) {
                    dropWaiter(f, file, owner, range, exclusive); // (it waited, and a retransmission finds it free)
                    return new Result(o, grantWaiters(file, f)); // (a downgrade may let others through)
                }
                return new Result(o, List.of());
            }
            if (!block) {
                return new Result(new Denied(conflict), List.of());
            }
            for (Waiter w : f.waiting) {
                if (w.owner().equals(owner) && w.range().equals(range) && w.exclusive() == exclusive) {
                    return new Result(new Blocked(), List.of());
                }
            }
            Lock cycle = deadlock(f, owner, range, exclusive);
            if (cycle != null) {
                return new Result(new Deadlock(cycle), List.of());
            }
            int[] c = counts(owner.host());
            if (c[1] >= maxWaitersPerHost) {
                return new Result(new NoLocks(owner.host() + " already waits for " + c[1] + " locks (the most one "
                        + "client may)"), List.of());
            }
            f.waiting.add(new Waiter(owner, range, exclusive, cookie));
            c[1]++;
            waitingIn.computeIfAbsent(owner, k -> new HashSet<>()).add(file);
            return new Result(new Blocked(), List.of());
        } finally {
            forgetIfEmpty(file, f);
        }
    }

    /** Unlocks {@code range} for {@code owner} (what it does not hold stays as it is); returns the waiters granted. */
    public List<Grant> unlock(long file, LockOwner owner, LockRange range) {
        FileState f = files.get(file);
        if (f == null) {
            return List.of();
        }
        removeRange(f, owner, range);
        List<Grant> g = grantWaiters(file, f);
        forgetIfEmpty(file, f);
        return g;
    }

    /** Withdraws a waiting request (NLM CANCEL); whether there was one. */
    public boolean cancel(long file, LockOwner owner, LockRange range, boolean exclusive) {
        FileState f = files.get(file);
        if (f == null) {
            return false;
        }
        boolean removed = dropWaiter(f, file, owner, range, exclusive);
        forgetIfEmpty(file, f);
        return removed;
    }

    /** Frees every lock, waiting request and share of {@code host} (it rebooted, or vanished); returns the waiters granted. */
    public List<Grant> freeAll(String host) {
        List<Grant> granted = new ArrayList<>();
        for (Long file : List.copyOf(files.keySet())) {
            FileState f = files.get(file);
            boolean changed = f.held.removeIf(l -> l.owner().host().equals(host));
            for (Iterator<Waiter> it = f.waiting.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.owner().host().equals(host)) {
                    it.remove();
                    waitingIn.remove(w.owner());
                }
            }
            f.shares.removeIf(s -> s.owner().host().equals(host));
            if (changed) {
                granted.addAll(grantWaiters(file, f));
            }
            forgetIfEmpty(file, f);
        }
        perHost.remove(host);
        return granted;
    }

    // ------------------------------------------------------------------ shares

    /** Reserves {@code access} and denies {@code deny} to others (NLM SHARE); {@link Denied} (null conflict) when it clashes. */
    public Outcome share(long file, Share s) {
        FileState f = files.computeIfAbsent(file, k -> new FileState());
        for (Share o : f.shares) {
            if (!o.owner().equals(s.owner()) && ((s.access() & o.deny()) != 0 || (s.deny() & o.access()) != 0)) {
                forgetIfEmpty(file, f);
                return new Denied(null);
            }
        }
        f.shares.removeIf(o -> o.owner().equals(s.owner()));
        f.shares.add(s);
        return new Granted();
    }

    /** Drops {@code owner}'s share reservation of {@code file} (NLM UNSHARE); none held is fine. */
    public void unshare(long file, LockOwner owner) {
        FileState f = files.get(file);
        if (f != null) {
            f.shares.removeIf(o -> o.owner().equals(owner));
            forgetIfEmpty(file, f);
        }
    }

    // ------------------------------------------------------------------ inside

    private static boolean conflicts(Lock l, LockOwner owner, LockRange range, boolean exclusive) {
        return !l.owner().equals(owner) && (exclusive || l.exclusive()) && l.range().overlaps(range);
    }

    private static Lock firstConflict(FileState f, LockOwner owner, LockRange range, boolean exclusive) {
        for (Lock l : f.held) {
            if (conflicts(l, owner, range, exclusive)) {
                return l;
            }
        }
        return null;
    }

    /** Replaces the owner's locks on the range by one of this type, merged with its touching locks of the same type. */
    private Outcome apply(FileState f, LockOwner owner, LockRange range, boolean exclusive) {
        int[] c = counts(owner.host());
        int had = c[0];
        List<Lock> before = List.copyOf(f.held);
        removeRange(f, owner, range);
        LockRange merged = range;
        for (Iterator<Lock> it = f.held.iterator(); it.hasNext(); ) {
            Lock l = it.next();
            if (l.owner().equals(owner) && l.exclusive() == exclusive && l.range().touches(merged)) {
                merged = new LockRange(minU(merged.first(), l.range().first()), maxU(merged.last(), l.range().last()));
                it.remove();
            }
        }
        insert(f, new Lock(owner, merged, exclusive));
        int now = had + f.held.size() - before.size(); // (only this owner's locks changed)
        if (now > maxLocksPerHost && now > had) {
            f.held.clear();
            f.held.addAll(before);
            c[0] = had;
            return new NoLocks(owner.host() + " holds " + had + " locks (the most one client may)");
        }
        c[0] = now;
        return new Granted();
    }

    /** Removes the owner's locks on {@code range}, keeping the parts outside it. */
    private void removeRange(FileState f, LockOwner owner, LockRange range) {
        List<Lock> kept = new ArrayList<>();
        int removed = 0;
        for (Iterator<Lock> it = f.held.iterator(); it.hasNext(); ) {
            Lock l = it.next();
            if (!l.owner().equals(owner) || !l.range().overlaps(range)) {
                continue;
            }
            it.remove();
            removed++;
            LockRange r = l.range();
            if (Long.compareUnsigned(r.first(), range.first()) < 0) {
                kept.add(new Lock(owner, new LockRange(r.first(), range.first() - 1), l.exclusive()));
            }
            if (Long.compareUnsigned(range.last(), r.last()) < 0) {
                kept.add(new Lock(owner, new LockRange(range.last() + 1, r.last()), l.exclusive()));
            }
        }
        kept.forEach(l -> insert(f, l));
        if (removed > 0 || !kept.isEmpty()) {
            counts(owner.host())[0] += kept.size() - removed;
        }
    }

    private static void insert(FileState f, Lock l) {
        int i = 0;
        while (i < f.held.size() && Long.compareUnsigned(f.held.get(i).range().first(), l.range().first()) <= 0) {
            i++;
        }
        f.held.add(i, l);
    }

    /** Grants, in order, the waiters that no longer conflict. */
    private List<Grant> grantWaiters(long file, FileState f) {
        List<Grant> granted = new ArrayList<>();
        for (Iterator<Waiter> it = f.waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (firstConflict(f, w.owner(), w.range(), w.exclusive()) != null) {
                continue;
            }
            if (!(apply(f, w.owner(), w.range(), w.exclusive()) instanceof Granted)) {
                continue; // over its host's limit: it waits on (and is freed with its host)
            }
            it.remove();
            counts(w.owner().host())[1]--;
            unmarkWaiting(w.owner(), file, f);
            granted.add(new Grant(file, new Lock(w.owner(), w.range(), w.exclusive()), w.cookie()));
        }
        return granted;
    }

    private boolean dropWaiter(FileState f, long file, LockOwner owner, LockRange range, boolean exclusive) {
        for (Iterator<Waiter> it = f.waiting.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.owner().equals(owner) && w.range().equals(range) && w.exclusive() == exclusive) {
                it.remove();
                counts(owner.host())[1]--;
                unmarkWaiting(owner, file, f);
                return true;
            }
        }
        return false;
    }

    private void unmarkWaiting(LockOwner owner, long file, FileState f) {
        if (f.waiting.stream().noneMatch(w -> w.owner().equals(owner))) {
            Set<Long> in = waitingIn.get(owner);
            if (in != null) {
                in.remove(file);
                if (in.isEmpty()) {
                    waitingIn.remove(owner);
                }
            }
        }
    }

    /**
     * Whether {@code owner} waiting for this range would wait, through other owners' waits, for
     * itself: returns a lock of the cycle's first step, or null. Follows at most every waiter once.
     */
    private Lock deadlock(FileState f, LockOwner owner, LockRange range, boolean exclusive) {
        ArrayDeque<LockOwner> todo = new ArrayDeque<>();
        Set<LockOwner> seen = new HashSet<>();
        Lock first = null;
        for (Lock l : f.held) {
            if (conflicts(l, owner, range, exclusive) && seen.add(l.owner())) {
                todo.add(l.owner());
                first = first == null ? l : first;
            }
        }
        while (!todo.isEmpty()) {
            LockOwner o = todo.poll();
            if (o.equals(owner)) {
                return first;
            }
            for (long file : waitingIn.getOrDefault(o, Set.of())) {
                FileState g = files.get(file);
                for (Waiter w : g.waiting) {
                    if (!w.owner().equals(o)) {
                        continue;
                    }
                    for (Lock l : g.held) {
                        if (conflicts(l, o, w.range(), w.exclusive()) && seen.add(l.owner())) {
                            todo.add(l.owner());
                        }
                    }
                }
            }
        }
        return null;
    }

    private int[] counts(String host) {
        return perHost.computeIfAbsent(host, k -> new int[2]);
    }

    private void forgetIfEmpty(long file, FileState f) {
        if (f.isEmpty()) {
            files.remove(file);
        }
    }

    private static long minU(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private static long maxU(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }
}
