package dev.nfsrepl.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** POSIX byte-range lock semantics of {@link LockTable}, by example and against a byte-by-byte model. */
class LockTableTest {

    static final long FILE = 7;
    static final LockOwner A = new LockOwner("host-a", 1, "a1");
    static final LockOwner A2 = new LockOwner("host-a", 2, "a2"); // another process of the same host
    static final LockOwner B = new LockOwner("host-b", 1, "b1");
    static final LockOwner C = new LockOwner("host-c", 1, "c1");

    final LockTable t = new LockTable(1000, 100);

    static LockRange r(long offset, long length) {
        try {
            return LockRange.of(offset, length);
        } catch (LockRange.RangeTooLargeException e) {
            throw new AssertionError(e);
        }
    }

    LockTable.Outcome lock(LockOwner o, long off, long len, boolean x) {
        return t.lock(FILE, o, r(off, len), x, false, null).outcome();
    }

    List<String> held() {
        return t.locks(FILE).stream().map(l -> l.owner().svid() + l.owner().host().substring(5) + (l.exclusive() ? "X" : "S")
                + l.range()).toList();
    }

    @Test
    void sharedLocksCoexistAndAnExclusiveOneExcludesOtherOwnersOnly() {
        assertInstanceOf(LockTable.Granted.class, lock(A, 0, 10, false));
        assertInstanceOf(LockTable.Granted.class, lock(B, 5, 10, false));
        LockTable.Denied d = assertInstanceOf(LockTable.Denied.class, lock(C, 8, 1, true));
        assertEquals(A, d.conflict().owner(), "the first conflicting lock is named");
        assertInstanceOf(LockTable.Granted.class, lock(C, 15, 0, true), "past both: free");
        assertInstanceOf(LockTable.Denied.class, lock(A2, 100, 1, false), "another process of host a is another owner");
        assertNull(t.test(FILE, A, r(0, 10), false));
        assertEquals(B, t.test(FILE, A, r(0, 10), true).owner(), "an upgrade of A's lock would conflict with B's");
    }

    @Test
    void anOwnersLocksSplitMergeUpgradeAndDowngradeInPlace() {
        lock(A, 0, 100, false);
        lock(A, 40, 10, true); // upgrade the middle: three locks
        assertEquals(List.of("1aS0..39", "1aX40..49", "1aS50..99"), held());
        lock(A, 40, 10, false); // downgrade: merged back into one
        assertEquals(List.of("1aS0..99"), held());
        t.unlock(FILE, A, r(10, 5));
        assertEquals(List.of("1aS0..9", "1aS15..99"), held());
        lock(A, 100, 0, false); // touching: merged
        assertEquals(List.of("1aS0..9", "1aS15..end"), held());
        t.unlock(FILE, A, r(0, 0));
        assertEquals(List.of(), held());
        assertEquals(0, t.usage("host-a")[0], "counts follow the splits and merges");
        assertTrue(t.hosts().isEmpty());
    }

    @Test
    void unlockingWhatIsNotHeldChangesNothing() {
        lock(B, 0, 10, true);
        assertTrue(t.unlock(FILE, A, r(0, 10)).isEmpty());
        assertTrue(t.unlock(99, A, r(0, 0)).isEmpty());
        assertEquals(List.of("1bX0..9"), held());
    }

    @Test
    void rangesPastTheLargestOffsetAreRefused() {
        assertThrows(LockRange.RangeTooLargeException.class, () -> LockRange.of(-2L, 3)); // 2^64 - 2 + 3
        assertEquals(LockRange.MAX, r(-2L, 2).last(), "up to 2^64 - 1 exactly is fine");
        assertEquals(0, r(5, 0).length());
        assertEquals(10, r(5, 10).length());
    }

    @Test
    void aBlockedLockIsGrantedInOrderWhenTheHolderUnlocks() {
        lock(A, 0, 10, true);
        assertInstanceOf(LockTable.Blocked.class, t.lock(FILE, B, r(0, 10), true, true, "b's cookie").outcome());
        assertInstanceOf(LockTable.Blocked.class, t.lock(FILE, B, r(0, 10), true, true, "b's cookie").outcome(),
                "a retransmission");
        assertEquals(1, t.usage("host-b")[1], "one waiter, not two");
        assertInstanceOf(LockTable.Blocked.class, t.lock(FILE, C, r(5, 1), false, true, "c's cookie").outcome());
        List<LockTable.Grant> g = t.unlock(FILE, A, r(0, 0));
        assertEquals(1, g.size(), "B first; C still conflicts with B's grant");
        assertEquals("b's cookie", g.get(0).cookie());
        assertEquals(List.of("1bX0..9"), held());
        g = t.unlock(FILE, B, r(0, 10));
        assertEquals("c's cookie", g.get(0).cookie());
        assertEquals(0, t.usage("host-c")[1]);
    }

    @Test
    void aDowngradeLetsSharedWaitersThrough() {
        lock(A, 0, 10, true);
        t.lock(FILE, B, r(0, 10), false, true, "b");
        LockTable.Result down = t.lock(FILE, A, r(0, 10), false, false, null);
        assertInstanceOf(LockTable.Granted.class, down.outcome());
        assertEquals(1, down.granted().size());
        assertEquals(List.of("1aS0..9", "1bS0..9"), held());
    }

    @Test
    void aCancelledWaiterIsNeverGranted() {
        lock(A, 0, 10, true);
        t.lock(FILE, B, r(0, 10), true, true, "b");
        assertTrue(t.cancel(FILE, B, r(0, 10), true));
        assertFalse(t.cancel(FILE, B, r(0, 10), true), "nothing left to cancel");
        assertTrue(t.unlock(FILE, A, r(0, 10)).isEmpty());
        assertEquals(List.of(), held());
    }

    @Test
    void aWaitThatClosesACycleIsADeadlock() {
        lock(A, 0, 1, true);
        lock(B, 10, 1, true);
        assertInstanceOf(LockTable.Blocked.class, t.lock(FILE, A, r(10, 1), true, true, null).outcome());
        LockTable.Deadlock d = assertInstanceOf(LockTable.Deadlock.class,
                t.lock(FILE, B, r(0, 1), true, true, null).outcome());
        assertEquals(A, d.conflict().owner());
        // across files and through a third owner
        lock(C, 20, 1, true);
        t.lock(99, C, r(0, 1), true, false, null);
        assertInstanceOf(LockTable.Blocked.class, t.lock(99, B, r(0, 1), true, true, null).outcome()); // B waits for C
        assertInstanceOf(LockTable.Deadlock.class, t.lock(FILE, C, r(0, 1), true, true, null).outcome(),
                "C would wait for A, who waits for B, who waits for C");
    }

    @Test
    void aVanishedClientsLocksWaitersAndSharesAreFreedAndItsWaitersGoToOthers() {
        lock(A, 0, 10, true);
        lock(A2, 20, 10, true);
        t.lock(FILE, B, r(0, 30), false, true, "b");
        t.share(FILE, new LockTable.Share(A, 1, 2));
        List<LockTable.Grant> g = t.freeAll("host-a");
        assertEquals(1, g.size());
        assertEquals(List.of("1bS0..29"), held());
        assertEquals(0, t.usage("host-a")[0]);
        assertInstanceOf(LockTable.Granted.class, t.share(FILE, new LockTable.Share(C, 2, 0)), "a's share went too");
    }

    @Test
    void sharesDenyWhatOthersAskToDo() {
        assertInstanceOf(LockTable.Granted.class, t.share(FILE, new LockTable.Share(A, 1, 2))); // read, deny write
        assertInstanceOf(LockTable.Denied.class, t.share(FILE, new LockTable.Share(B, 2, 0)), "B wants to write");
        assertInstanceOf(LockTable.Granted.class, t.share(FILE, new LockTable.Share(B, 1, 0)));
        assertInstanceOf(LockTable.Denied.class, t.share(FILE, new LockTable.Share(C, 1, 1)), "C denies A's read");
        t.unshare(FILE, A);
        assertInstanceOf(LockTable.Granted.class, t.share(FILE, new LockTable.Share(C, 2, 0)));
    }

    @Test
    void aFloodFromOneClientIsBoundedAndOthersAreServed() {
        LockTable small = new LockTable(50, 20);
        small.lock(FILE, B, r(0, 0), true, false, null);
        int blocked = 0;
        int refused = 0;
        for (int i = 0; i < 10_000; i++) {
            LockTable.Outcome o = small.lock(FILE, new LockOwner("flood", i, "f" + i), r(i, 1), true, true, null).outcome();
            if (o instanceof LockTable.Blocked) {
                blocked++;
            } else if (o instanceof LockTable.NoLocks) {
                refused++;
            }
        }
        assertEquals(20, blocked);
        assertEquals(10_000 - 20, refused);
        for (int i = 0; i < 100; i++) { // its own locks, each a separate range
            small.lock(100, A, r(i * 2L, 1), true, false, null);
        }
        assertEquals(50, small.usage("host-a")[0]);
        assertInstanceOf(LockTable.Granted.class, small.lock(100, C, r(500, 1), true, false, null).outcome(),
                "another client is still served");
        small.freeAll("flood");
        assertEquals(0, small.usage("flood")[1]);
    }

    /** Random locks and unlocks of four owners over 64 bytes, checked byte by byte against a plain model. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void randomRequestsAgreeWithAByteByByteModel(long seed) {
        Random rnd = new Random(seed);
        List<LockOwner> owners = List.of(A, A2, B, C);
        Map<LockOwner, char[]> model = new HashMap<>(); // per owner, per byte: '.', 'S' or 'X'
        owners.forEach(o -> model.put(o, ".".repeat(64).toCharArray()));
        for (int step = 0; step < 2000; step++) {
            LockOwner o = owners.get(rnd.nextInt(owners.size()));
            long off = rnd.nextInt(56);
            long len = rnd.nextInt(9); // 0: to the end
            int last = len == 0 ? 63 : (int) (off + len - 1);
            if (rnd.nextInt(3) == 0) {
                t.unlock(FILE, o, r(off, len));
                for (int b = (int) off; b <= last; b++) {
                    model.get(o)[b] = '.';
                }
            } else {
                boolean x = rnd.nextBoolean();
                boolean conflict = false;
                for (LockOwner p : owners) {
                    for (int b = (int) off; b <= last && !p.equals(o); b++) {
                        char c = model.get(p)[b];
                        conflict |= c == 'X' || (c == 'S' && x);
                    }
                }
                LockTable.Outcome out = lock(o, off, len, x);
                assertEquals(conflict, out instanceof LockTable.Denied, "step " + step + ": " + out);
                if (!conflict) {
                    for (int b = (int) off; b <= last; b++) {
                        model.get(o)[b] = x ? 'X' : 'S';
                    }
                }
            }
            Map<LockOwner, char[]> seen = new HashMap<>();
            owners.forEach(p -> seen.put(p, ".".repeat(64).toCharArray()));
            List<LockTable.Lock> locks = t.locks(FILE);
            for (int i = 0; i < locks.size(); i++) {
                LockTable.Lock l = locks.get(i);
                long end = Long.compareUnsigned(l.range().last(), 63) > 0 ? 63 : l.range().last();
                for (long b = l.range().first(); b <= end; b++) {
                    assertEquals('.', seen.get(l.owner())[(int) b], "overlapping locks of one owner: " + locks);
                    seen.get(l.owner())[(int) b] = l.exclusive() ? 'X' : 'S';
                }
                for (int j = i + 1; j < locks.size(); j++) {
                    LockTable.Lock m = locks.get(j);
                    assertFalse(m.owner().equals(l.owner()) && m.exclusive() == l.exclusive()
                            && l.range().touches(m.range()), "not merged: " + l + " and " + m);
                }
            }
            for (LockOwner p : owners) {
                assertEquals(new String(model.get(p)), new String(seen.get(p)), "step " + step + ", owner " + p);
            }
            int count = 0;
            for (LockTable.Lock l : locks) {
                count += l.owner().host().equals("host-a") ? 1 : 0;
            }
            assertEquals(count, t.usage("host-a")[0], "step " + step + ": the per-host count");
        }
        List<String> hosts = new ArrayList<>(t.hosts());
        hosts.forEach(t::freeAll);
        assertTrue(t.locks(FILE).isEmpty());
    }
}
