package dev.nfsrepl.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.FileType;
import dev.nfsrepl.fs.error.JukeboxException;
import dev.nfsrepl.fs.local.LocalFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads answered JUKEBOX while the gate is closed (a primary without its lease, --reads-without-lease refuse). */
class ReadGateTest {

    @TempDir
    Path tmp;

    @Test
    void readsAreRefusedWhileTheGateIsClosedAndServedOnceItOpens() throws Exception {
        Files.writeString(Files.createDirectories(tmp.resolve("export")).resolve("f"), "data");
        AtomicReference<String> closed = new AtomicReference<>();
        try (LocalFileSystem local = new LocalFileSystem(tmp.resolve("export"), tmp.resolve("state"), Clock.systemUTC())
                .start()) {
            ReadGate fs = new ReadGate(local, closed::get);
            long f = fs.lookup(RestoreTest.WHO, fs.rootId(), "f");
            assertEquals(4, fs.read(RestoreTest.WHO, f, 0, 100).data().remaining());
            closed.set("no lease");
            JukeboxException e = assertThrows(JukeboxException.class, () -> fs.read(RestoreTest.WHO, f, 0, 100));
            assertTrue(e.getMessage().contains("no lease"), e.getMessage());
            assertThrows(JukeboxException.class, () -> fs.getattr(f));
            assertThrows(JukeboxException.class, () -> fs.lookup(RestoreTest.WHO, fs.rootId(), "f"));
            assertThrows(JukeboxException.class, () -> fs.readdir(RestoreTest.WHO, fs.rootId(), 0, 10, false));
            closed.set(null);
            assertEquals(FileType.REGULAR, fs.getattr(f).type());
        }
    }
}
