package dev.nfsrepl.nfs.export;

import static dev.nfsrepl.nfs.export.ClientSpecTest.ip;
import static dev.nfsrepl.nfs.export.ClientSpecTest.mapped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.export.ExportOptions.Squash;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportsTest {

    @Test
    void defaultExportIsReadWriteForLoopbackOnly(@TempDir Path dir) throws Exception {
        Exports exports = Exports.defaultFor(dir);
        assertEquals(1, exports.all().size());
        Export e = exports.all().get(0);
        assertEquals(dir.toAbsolutePath(), e.localDir());
        assertEquals(dir.toAbsolutePath().toString(), e.pseudoPath());
        assertEquals(Export.derivedFsid(e.pseudoPath()), e.fsid());

        ExportOptions o = e.optionsFor(ip("127.0.0.2")).orElseThrow();
        assertFalse(o.readOnly());
        assertEquals(Squash.NONE, o.squash());
        assertFalse(o.secure());
        assertTrue(e.optionsFor(ip("127.0.0.1")).isPresent());
        assertTrue(e.optionsFor(ip("::1")).isPresent());
        assertTrue(e.optionsFor(mapped("127.0.0.1")).isPresent());
        assertTrue(e.optionsFor(ip("10.0.0.1")).isEmpty());
        assertTrue(e.optionsFor(ip("::2")).isEmpty());
        assertTrue(e.optionsFor(ip("128.0.0.1")).isEmpty());
    }

    @Test
    void defaultExportOfRelativeDirIsAbsolute() {
        Export e = Exports.defaultFor(Path.of("some/dir/../data")).all().get(0);
        assertTrue(e.localDir().isAbsolute());
        assertEquals(Path.of("some/data").toAbsolutePath(), e.localDir());
    }

    @Test
    void lookupByPseudoPathIgnoresTrailingSlashes() throws Exception {
        Exports exports = Exports.parse("/srv/data * \n /srv/root -pseudo=/ *\n", "x");
        Export data = exports.all().get(0);
        assertSame(data, exports.byPseudoPath("/srv/data").orElseThrow());
        assertSame(data, exports.byPseudoPath("/srv/data/").orElseThrow());
        assertSame(data, exports.byPseudoPath("/srv/data///").orElseThrow());
        assertSame(exports.all().get(1), exports.byPseudoPath("///").orElseThrow());
        assertSame(exports.all().get(1), exports.byPseudoPath("/").orElseThrow());
        assertTrue(exports.byPseudoPath("/srv").isEmpty());
        assertTrue(exports.byPseudoPath("/srv/dat").isEmpty());
    }

    @Test
    void lookupByFsid() throws Exception {
        Exports exports = Exports.parse("/a -fsid=42 *\n/b -fsid=4294967295 *\n/c *", "x");
        assertEquals("/a", exports.byFsid(42).orElseThrow().pseudoPath());
        assertEquals("/b", exports.byFsid(-1).orElseThrow().pseudoPath());
        assertEquals("/c", exports.byFsid(Export.derivedFsid("/c")).orElseThrow().pseudoPath());
        assertTrue(exports.byFsid(43).isEmpty());
    }

    @Test
    void ofRejectsDuplicates() {
        List<Export.Client> anyone = List.of(new Export.Client(new ClientSpec.Anyone(), ExportOptions.DEFAULTS));
        Export a = new Export(Path.of("/a"), "/x", 1, anyone);
        Export b = new Export(Path.of("/b"), "/x", 2, anyone);
        Export c = new Export(Path.of("/c"), "/y", 1, anyone);
        assertThrows(IllegalArgumentException.class, () -> Exports.of(List.of(a, b)));
        assertThrows(IllegalArgumentException.class, () -> Exports.of(List.of(a, c)));
        assertEquals(2, Exports.of(List.of(b, c)).all().size());
    }

    @Test
    void exportValidatesItsParts() {
        List<Export.Client> none = List.of();
        assertThrows(IllegalArgumentException.class, () -> new Export(Path.of("rel"), "/x", none));
        assertThrows(IllegalArgumentException.class, () -> new Export(Path.of("/a"), "x", none));
        assertThrows(IllegalArgumentException.class, () -> new Export(Path.of("/a"), "/x/../y", none));
        assertThrows(IllegalArgumentException.class, () -> new Export(Path.of("/a"), "/x/", none));
        assertThrows(IllegalArgumentException.class, () -> new Export(Path.of("/a"), "/x//y", none));
        assertThrows(IllegalArgumentException.class, () -> new Export(Path.of("/a"), "/./y", none));
    }

    @Test
    void derivedFsidIsCrc32OfPseudoPath() {
        // zlib.crc32(b"/srv") == 0x2bcd7900, computed independently (Python).
        assertEquals(0x2bcd7900, Export.derivedFsid("/srv"));
        assertEquals(Export.derivedFsid("/srv"), Export.derivedFsid("/srv"));
        assertFalse(Export.derivedFsid("/srv") == Export.derivedFsid("/srw"));
    }
}
