package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.log.LogConfig;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import dev.nfsrepl.replication.ship.Replica;
import dev.nfsrepl.replication.wire.Hello;
import dev.nfsrepl.replication.wire.ResyncBegin;
import dev.nfsrepl.replication.wire.ResyncHave;
import dev.nfsrepl.replication.wire.ResyncPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full resync cut halfway and resumed, through the backup's {@link ReplicaStore} and the
 * primary's {@link TreeWalk}, in temp directories: the backup offers the directories of the copy
 * it kept, the walk leaves out the content of files in those equal to the primary's, and the copy
 * ends equal to the primary's tree (hard links across held and sent directories included).
 */
class ResyncResumeTest {

    @TempDir
    Path tmp;

    static final ReplicaStore.Serving NOT_SERVED = new ReplicaStore.Serving() {
        @Override
        public void opened(LocalFileSystem fs) {
        }

        @Override
        public void closing(LocalFileSystem fs) {
        }
    };

    ReplicaStore backup() throws IOException {
        return new ReplicaStore(Files.createDirectories(tmp.resolve("b")), tmp.resolve("b-state"),
                Files.createDirectories(tmp.resolve("b-journal")), LogConfig.DEFAULTS, Clock.systemUTC(), NOT_SERVED)
                .start();
    }

    static List<Op> walk(LocalFileSystem fs, Map<String, String> have) throws IOException {
        List<Op> ops = new ArrayList<>();
        TreeWalk.run(fs, LiveNamespace.Changes.NONE, have, ops::add);
        return ops;
    }

    static long contentBytes(List<Op> ops) {
        return ops.stream().filter(op -> op instanceof Op.Write).mapToLong(op -> ((Op.Write) op).data().remaining())
                .sum();
    }

    static void apply(Replica.Resync r, List<Op> ops) throws IOException {
        long seq = 1; // each walk numbers its ops from 1
        for (Op op : ops) {
            r.apply(new OpRecord(seq++, 1, 0, Origin.SERVER, op));
        }
    }

    @Test
    void aResyncCutHalfwayResumesFromTheCopyItLeftAndConverges() throws Exception {
        Path p = Files.createDirectories(tmp.resolve("p"));
        for (int d = 0; d < 8; d++) {
            Path dir = Files.createDirectories(p.resolve("d" + d).resolve("sub"));
            for (int f = 0; f < 6; f++) {
                Files.writeString(dir.resolveSibling("f" + f), ("file " + d + "/" + f + "\n").repeat(50 + f));
            }
            Files.writeString(dir.resolve("deep"), "deep " + d);
        }
        Files.createLink(p.resolve("d7/second-name"), p.resolve("d0/f0")); // one file in two directories
        Files.createSymbolicLink(p.resolve("d3/to-f1"), Path.of("f1"));
        try (LocalFileSystem primary = new LocalFileSystem(p, tmp.resolve("p-state"), Clock.systemUTC()).start()) {
            Hello hello = new Hello(primary.rootId(), primary.generation());
            List<Op> all = walk(primary, Map.of());

            ReplicaStore store = backup();
            store.attach(hello);
            Replica.Resync first = store.beginResync(new ResyncBegin(0, 1));
            assertNull(first.have(), "nothing to resume yet: a new copy");
            int half = all.size() / 2;
            while (!(all.get(half) instanceof Op.Create)) {
                half++; // cut before a file: its directory is in the first half
            }
            apply(first, all.subList(0, half));
            store.close(); // the backup stops halfway; its copy stays
            // ... and ops it was applying when it stopped left objects without their FileIds: a file
            // in a directory the copy has, a directory the copy should not have yet
            Path copy = tmp.resolve(".b.resync");
            Map<Long, String> dirs = new java.util.HashMap<>();
            Op.Create cut = null;
            Op.Mkdir cutDir = null;
            for (Op op : all.subList(0, half)) {
                if (op instanceof Op.Mkdir m) {
                    dirs.put(m.id(), m.parent() == primary.rootId() ? m.name() : dirs.get(m.parent()) + "/" + m.name());
                }
            }
            for (Op op : all.subList(half, all.size())) {
                if (cut == null && op instanceof Op.Create c && dirs.containsKey(c.parent())) {
                    cut = c;
                }
                if (cutDir == null && op instanceof Op.Mkdir m && m.parent() == primary.rootId()) {
                    cutDir = m;
                }
            }
            assertNotNull(cut, "a file of a directory the first half made comes in the second half");
            assertNotNull(cutDir, "so does a directory");
            Files.createFile(copy.resolve(dirs.get(cut.parent())).resolve(cut.name()));
            Files.createDirectory(copy.resolve(cutDir.name()));

            store = backup();
            store.attach(hello);
            Replica.Resync resumed = store.beginResync(new ResyncBegin(0, 1));
            ResyncHave have = resumed.have();
            assertNotNull(have, "the backup offers the copy it kept");
            assertEquals(0, have.start());
            List<Op> rest = walk(primary, have.digests());
            assertTrue(contentBytes(rest) < contentBytes(all) * 3 / 4, "the resumed walk sends " + contentBytes(rest)
                    + " of " + contentBytes(all) + " bytes of content: what the backup holds is left out");
            apply(resumed, rest);
            resumed.finish(new ResyncPoint(0, 0));

            assertEquals(TreeDigest.lines(primary), TreeDigest.lines(store.fileSystem()));
            store.close();
        }
    }

    @Test
    void aCopyFromAFullResyncPastTheForkDivergesAndItsRequestForAResyncSurvivesARestart() throws Exception {
        Path p = Files.createDirectories(tmp.resolve("p"));
        Files.writeString(p.resolve("f"), "as of record 100\n");
        try (LocalFileSystem primary = new LocalFileSystem(p, tmp.resolve("p-state"), Clock.systemUTC()).start()) {
            Hello hello = new Hello(primary.rootId(), primary.generation());
            ReplicaStore store = backup();
            store.attach(hello);
            Replica.Resync r = store.beginResync(new ResyncBegin(0, 1));
            apply(r, walk(primary, Map.of()));
            assertEquals(100, r.finish(new ResyncPoint(0, 100)).position().durable(), "holds #100, its log none");
            // a new primary's history parts from this copy's at #60: its tree holds records the primary lacks
            assertEquals(0, store.divergeFrom(60, "epoch-1-from-60"), "none of them in the log to keep");
            assertTrue(store.attach(hello).position().wantsResync(), "it asks for a full resync");
            store.close();
            store = backup(); // a crash or restart before the resync came
            assertTrue(store.attach(hello).position().wantsResync(), "the request was forgotten on restart");
            Replica.Resync again = store.beginResync(new ResyncBegin(0, 1));
            apply(again, walk(primary, Map.of()));
            assertTrue(!again.finish(new ResyncPoint(0, 120)).position().wantsResync(), "a resync answers it");
            store.close();
        }
    }
}
