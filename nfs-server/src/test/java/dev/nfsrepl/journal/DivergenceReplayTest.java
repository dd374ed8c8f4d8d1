package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.CreateMode;
import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.Stability;
import dev.nfsrepl.fs.error.FsException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.log.LogCursor;
import dev.nfsrepl.replication.record.OpRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two journaled trees that share their history up to a fork (one copied from the other), then
 * part: the records the old primary wrote after the fork are replayed on the new primary by path,
 * the new primary's own later changes kept.
 */
class DivergenceReplayTest {

    static final Identity WHO = RestoreTest.WHO;
    static final Restore.Progress QUIET = new Restore.Progress() {
        @Override
        public void phase(String name, long total) {
        }

        @Override
        public void step() {
        }
    };

    @TempDir
    Path tmp;
    final Clock clock = Clock.systemUTC();
    final List<Node> open = new ArrayList<>();

    final class Node implements AutoCloseable {
        final LocalFileSystem local;
        final Journal journal;
        final RecordingFileSystem fs;

        Node(Path dir) throws IOException {
            Files.createDirectories(dir.resolve("export"));
            local = new LocalFileSystem(dir.resolve("export"), dir.resolve("state"), clock).start();
            journal = Journal.open(dir.resolve("journal"), local, LogConfig.DEFAULTS, clock);
            fs = new RecordingFileSystem(local, journal);
            open.add(this);
        }

        long at(String path) throws FsException {
            return TreeCopy.resolve(fs, path);
        }

        long file(String path, String content) throws FsException {
            int slash = path.lastIndexOf('/');
            long f = fs.create(WHO, at(path.substring(0, slash)), path.substring(slash + 1), CreateMode.UNCHECKED,
                    SetAttr.NONE, null);
            write(path, content);
            return f;
        }

        void write(String path, String content) throws FsException {
            long f = at(path);
            fs.setattr(WHO, f, new SetAttr(null, null, null, 0L, null, null), null);
            fs.write(WHO, f, 0, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), Stability.FILE_SYNC);
        }

        String read(String path) throws FsException {
            ByteBuffer b = fs.read(WHO, at(path), 0, 1 << 16).data();
            return StandardCharsets.UTF_8.decode(b).toString();
        }

        boolean has(String path) {
            try {
                at(path);
                return true;
            } catch (FsException e) {
                return false;
            }
        }

        List<OpRecord> recordsFrom(long seq) throws IOException {
            List<OpRecord> out = new ArrayList<>();
            try (LogCursor c = journal.log().readFromSeq(seq)) {
                for (OpRecord r; (r = c.next()) != null; ) {
                    out.add(r);
                }
            }
            return out;
        }

        @Override
        public void close() throws IOException {
            journal.close();
            local.close();
        }
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Node n : open) {
            n.close();
        }
    }

    @Test
    void theOldPrimarysRecordsAreReplayedByPathOnTheNewPrimaryKeepingItsOwnChanges() throws Exception {
        Path a = tmp.resolve("a");
        Node first = new Node(a);
        first.fs.mkdir(WHO, first.fs.rootId(), "d", SetAttr.NONE);
        first.file("/d/kept", "before the fork");
        first.file("/d/moved", "moved after the fork");
        first.close();
        open.remove(first);
        Path b = tmp.resolve("b");
        Process cp = new ProcessBuilder("cp", "-a", a.toString(), b.toString()).inheritIO().start(); // (xattrs too)
        assertEquals(0, cp.waitFor());

        Node primary = new Node(a); // the new primary
        Node old = new Node(b); // the old one, which went on alone
        long fork = old.journal.log().lastSeq() + 1;
        old.fs.mkdir(WHO, old.at("/d"), "sub", SetAttr.NONE);
        old.file("/d/sub/lost", "work the new primary never got");
        old.write("/d/kept", "changed by the old primary");
        old.fs.rename(WHO, old.at("/d"), "moved", old.at("/d/sub"), "moved-there");
        primary.file("/d/other", "the new primary's own");
        List<OpRecord> divergent = old.recordsFrom(fork);
        assertEquals(fork, divergent.get(0).seq());

        List<OpRecord> carried = Divergence.decode(Divergence.encode(divergent));
        assertEquals(divergent.stream().map(OpRecord::toString).toList(), carried.stream().map(OpRecord::toString)
                .toList(), "the records travel unchanged");

        long before = primary.journal.log().lastSeq();
        SelectiveReplay.Result dry = SelectiveReplay.divergence(primary.journal.source(), carried, primary.fs, true)
                .run(QUIET);
        assertEquals(0, dry.failed(), dry.steps().toString());
        assertTrue(dry.done() >= 5, dry.steps().toString());
        assertEquals(before, primary.journal.log().lastSeq(), "a dry run changes nothing");
        assertTrue(!primary.has("/d/sub"));

        SelectiveReplay.Result done = SelectiveReplay.divergence(primary.journal.source(), carried, primary.fs, false)
                .run(QUIET);
        assertEquals(0, done.failed(), done.steps().toString());
        assertEquals("work the new primary never got", primary.read("/d/sub/lost"));
        assertEquals("changed by the old primary", primary.read("/d/kept"));
        assertEquals("moved after the fork", primary.read("/d/sub/moved-there"));
        assertTrue(!primary.has("/d/moved"));
        assertEquals("the new primary's own", primary.read("/d/other"));
        assertTrue(primary.journal.log().lastSeq() > before, "the replay's changes are journaled (and replicated)");

        SelectiveReplay.Result again = SelectiveReplay.divergence(primary.journal.source(), carried, primary.fs, false)
                .run(QUIET);
        assertEquals(0, again.failed(), again.steps().toString());
        assertTrue(again.alreadySo() >= 3, "replayed twice: the mkdir, create and rename are already so: "
                + again.steps());

        RestoreException own = assertThrows(RestoreException.class, () -> Divergence.checkForeign(primary.journal.log(),
                primary.recordsFrom(fork)));
        assertEquals(RestoreException.Kind.CONFLICT, own.kind());
        Divergence.checkForeign(primary.journal.log(), carried); // the old primary's are not
        JournalIdentity id = primary.journal.source().identity();
        Divergence.checkReplayable(id, id.rootId(), id.generation(), fork, carried);
        RestoreException otherExport = assertThrows(RestoreException.class, () -> Divergence.checkReplayable(id,
                id.rootId() + 1, id.generation(), fork, carried));
        assertEquals(RestoreException.Kind.CONFLICT, otherExport.kind());
        RestoreException notFromTheFork = assertThrows(RestoreException.class, () -> Divergence.checkReplayable(id,
                id.rootId(), id.generation(), fork - 1, carried));
        assertTrue(notFromTheFork.getMessage().contains("full resync"), notFromTheFork.getMessage());
        RestoreException bad = assertThrows(RestoreException.class, () -> Divergence.decode(List.of("bm90IGEgYmF0Y2g=")));
        assertEquals(RestoreException.Kind.BAD_REQUEST, bad.kind());
    }
}
