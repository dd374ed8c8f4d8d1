package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nfsrepl.fs.SetAttr;
import dev.nfsrepl.fs.local.LocalFileSystem;
import dev.nfsrepl.replication.record.Attrs;
import dev.nfsrepl.replication.record.Op;
import dev.nfsrepl.replication.record.OpRecord;
import dev.nfsrepl.replication.record.Origin;
import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordApplierTest {

    @TempDir
    Path tmp;

    /** A copy of a directory taken while its files are in use: what a crash leaves. */
    static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void aRecordNeverAppliedBeforeMakesItsObjectWithoutWalkingATreeWhoseIndexWasNotClosedCleanly() throws Exception {
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path state = tmp.resolve("state");
        long dir;
        try (LocalFileSystem fs = new LocalFileSystem(export, state, Clock.systemUTC()).start()) {
            dir = fs.mkdir(RecordingFileSystemTest.WHO, fs.rootId(), "d", SetAttr.NONE);
            for (int i = 0; i < 50; i++) {
                fs.mkdir(RecordingFileSystemTest.WHO, dir, "sub" + i, SetAttr.NONE);
            }
            // a symlink's FileId lives only in the index, which is forced to disk for it: the crash copy
            // holds every object made so far (as a backup's does for a tree received long before)
            fs.symlink(RecordingFileSystemTest.WHO, dir, "link", "sub0", SetAttr.NONE);
            copyTree(state, tmp.resolve("state-at-crash")); // the index as a SIGKILL would leave it
        }
        MoreFiles.deleteRecursively(state, RecursiveDeleteOption.ALLOW_INSECURE);
        Files.move(tmp.resolve("state-at-crash"), state);
        try (LocalFileSystem fs = new LocalFileSystem(export, state, Clock.systemUTC()).start()) {
            RecordApplier applier = new RecordApplier(fs);
            Attrs attrs = new Attrs(0644, 0, 0, 0, 1_000_000_000L, 1_000_000_000L);
            long seq = 100;
            long fresh = fs.newFileId();
            assertEquals(RecordApplier.Outcome.APPLIED, applier.apply(new OpRecord(seq++, 1, 0, Origin.SERVER,
                    new Op.Create(dir, "new", fresh, Op.CreateHow.GUARDED, false, 0, attrs, 2_000_000_000L)), true));
            assertEquals(fresh, fs.storedIdAt(dir, "new"));
            assertEquals(0, fs.treeWalks(), "a record never applied cannot have made its object before");

            long other = fs.newFileId();
            assertEquals(RecordApplier.Outcome.APPLIED, applier.apply(new OpRecord(seq, 1, 0, Origin.SERVER,
                    new Op.Create(dir, "again", other, Op.CreateHow.GUARDED, false, 0, attrs, 3_000_000_000L))));
            assertEquals(1, fs.treeWalks(), "a record that may have been applied looks for its object: a walk, the index "
                    + "being incomplete");
        }
    }
}
