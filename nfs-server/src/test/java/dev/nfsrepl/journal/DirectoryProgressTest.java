package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.local.LocalFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryProgressTest {

    @TempDir
    Path tmp;

    @Test
    void aStampSaysExactlyWhichRecordsWereAppliedEvenOutOfOrder() throws Exception {
        Files.createDirectories(tmp.resolve("export"));
        try (LocalFileSystem fs = new LocalFileSystem(tmp.resolve("export"), tmp.resolve("state"), Clock.systemUTC())
                .start()) {
            long d = fs.mkdir(RecordingFileSystemTest.WHO, fs.rootId(), "d", SetAttr.NONE);
            DirectoryProgress p = new DirectoryProgress(fs);
            List<DirectoryProgress.Stamp> stamps = new ArrayList<>();
            for (long seq = 5; seq <= 9; seq++) {
                p.begin(d, seq);
            }
            p.complete(d, 7, 700, stamps::add);
            p.complete(d, 5, 500, stamps::add);
            p.abandon(d, 8); // its append failed
            p.complete(d, 6, 600, stamps::add);
            assertEquals(new AppliedSet(4, new long[] {7}), stamps.get(0).applied(), "5 and 6 are still in flight");
            assertEquals(new AppliedSet(5, new long[] {7}), stamps.get(1).applied());
            assertEquals(new AppliedSet(8, new long[0]), stamps.get(2).applied(), "8 abandoned (never to be written), 9 in flight");
            assertEquals(700, stamps.get(2).mtimeNanos(), "the latest record time, not the last applied");
            p.complete(d, 9, 900, st -> fs.finishDirectory(d, st.applied().encode(), st.mtimeNanos()));

            DirectoryProgress afterRestart = new DirectoryProgress(fs);
            for (long seq = 1; seq <= 9; seq++) {
                assertTrue(afterRestart.applied(d, seq), "#" + seq);
            }
            assertFalse(afterRestart.applied(d, 10));
            assertEquals(900, fs.getattr(d).mtimeNanos());
        }
    }

    @Test
    void recoveryReapplyingAnOlderRecordDoesNotJumpOverRecordsStillToBeReapplied() throws Exception {
        Files.createDirectories(tmp.resolve("export"));
        try (LocalFileSystem fs = new LocalFileSystem(tmp.resolve("export"), tmp.resolve("state"), Clock.systemUTC())
                .start()) {
            long d = fs.mkdir(RecordingFileSystemTest.WHO, fs.rootId(), "d", SetAttr.NONE);
            // the server was killed with #11 and #12 in flight and #13 applied
            fs.finishDirectory(d, new AppliedSet(10, new long[] {13}).encode(), null);

            DirectoryProgress recovery = new DirectoryProgress(fs); // re-applies the tail from #5 on, in order
            List<DirectoryProgress.Stamp> stamps = new ArrayList<>();
            recovery.begin(d, 5);
            assertTrue(recovery.applied(d, 5));
            recovery.complete(d, 5, 500, stamps::add);
            assertEquals(new AppliedSet(10, new long[] {13}), stamps.get(0).applied());
            assertFalse(recovery.applied(d, 11), "#11 was never applied");
            recovery.begin(d, 11);
            recovery.complete(d, 11, 1100, stamps::add);
            assertEquals(new AppliedSet(11, new long[] {13}), stamps.get(1).applied());
            assertFalse(recovery.applied(d, 12), "#12 was never applied");
            recovery.begin(d, 12);
            recovery.complete(d, 12, 1200, stamps::add);
            assertEquals(new AppliedSet(13, new long[0]), stamps.get(2).applied());
        }
    }

    @Test
    void idleDirectoriesBeyondTheLimitAreDroppedAndReadBackFromTheirStamps() throws Exception {
        Files.createDirectories(tmp.resolve("export"));
        try (LocalFileSystem fs = new LocalFileSystem(tmp.resolve("export"), tmp.resolve("state"), Clock.systemUTC())
                .start()) {
            List<Long> dirs = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                dirs.add(fs.mkdir(RecordingFileSystemTest.WHO, fs.rootId(), "d" + i, SetAttr.NONE));
            }
            DirectoryProgress p = new DirectoryProgress(fs, 3);
            long seq = 0;
            long busySeq = ++seq;
            p.begin(dirs.get(0), busySeq); // stays in flight: never dropped
            for (int round = 0; round < 3; round++) {
                for (long d : dirs.subList(1, dirs.size())) {
                    long mine = ++seq;
                    p.begin(d, mine);
                    p.complete(d, mine, mine * 100, st -> fs.finishDirectory(d, st.applied().encode(), st.mtimeNanos()));
                    assertTrue(p.size() <= 4, "states kept: " + p.size());
                }
            }
            for (int i = 1; i < dirs.size(); i++) {
                long last = seq - (dirs.size() - 1 - i);
                assertTrue(p.applied(dirs.get(i), last), "d" + i + " #" + last);
                assertFalse(p.applied(dirs.get(i), seq + 1));
                assertEquals(last * 100, fs.getattr(dirs.get(i)).mtimeNanos());
            }
            assertFalse(p.applied(dirs.get(0), busySeq), "the busy directory kept its record in flight");
            p.complete(dirs.get(0), busySeq, 5, st -> fs.finishDirectory(dirs.get(0), st.applied().encode(), st.mtimeNanos()));
            assertTrue(p.applied(dirs.get(0), busySeq));
        }
    }

    @Test
    void theStampFormatRoundTrips() {
        AppliedSet a = new AppliedSet(41, new long[] {43, 47});
        assertEquals(a, AppliedSet.decode(a.encode()));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 41, 0, 0, 0, 0, 0, 0, 0, 43, 0, 0, 0, 0, 0, 0, 0, 47}, a.encode());
        assertTrue(a.contains(40) && a.contains(41) && a.contains(43) && a.contains(47));
        assertFalse(a.contains(42) || a.contains(44) || a.contains(48));
        assertEquals(AppliedSet.NONE, AppliedSet.decode(null));
        assertEquals(AppliedSet.NONE, AppliedSet.decode(new byte[5]), "a damaged stamp counts as none: records are applied again");
    }
}
