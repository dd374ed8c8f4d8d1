package dev.nfsrepl.nfs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.fs.Identity;
import dev.nfsrepl.nfs.export.ExportOptions.Squash;
import org.junit.jupiter.api.Test;

class ExportOptionsTest {

    static final Identity ROOT = new Identity(0, 0, new int[] {0, 4, 27});
    static final Identity ALICE = new Identity(1000, 1000, new int[] {4, 27});
    static final Identity ROOT_GROUP_USER = new Identity(1001, 0, new int[] {0, 100});

    static ExportOptions squash(Squash squash) {
        return new ExportOptions(false, squash, 500, 600, true, true);
    }

    @Test
    void defaultsAreThoseOfExports5() {
        ExportOptions d = ExportOptions.DEFAULTS;
        assertTrue(d.readOnly());
        assertEquals(Squash.ROOT, d.squash());
        assertEquals(65534, d.anonUid());
        assertEquals(65534, d.anonGid());
        assertTrue(d.secure());
        assertTrue(d.sync());
    }

    @Test
    void rootSquashMapsRootUidGidAndGroupZero() {
        ExportOptions o = squash(Squash.ROOT);
        assertEquals(new Identity(500, 600, new int[] {4, 27}), o.map(ROOT));
        assertEquals(new Identity(1001, 600, new int[] {100}), o.map(ROOT_GROUP_USER));
        assertEquals(ALICE, o.map(ALICE));
    }

    @Test
    void allSquashMapsEveryoneToAnon() {
        ExportOptions o = squash(Squash.ALL);
        Identity anon = new Identity(500, 600, new int[0]);
        assertEquals(anon, o.map(ROOT));
        assertEquals(anon, o.map(ALICE));
    }

    @Test
    void noSquashLeavesIdentitiesAlone() {
        ExportOptions o = squash(Squash.NONE);
        assertEquals(ROOT, o.map(ROOT));
        assertEquals(ALICE, o.map(ALICE));
    }

    @Test
    void secureRequiresPrivilegedSourcePort() {
        assertTrue(ExportOptions.DEFAULTS.permitsSourcePort(1023));
        assertFalse(ExportOptions.DEFAULTS.permitsSourcePort(1024));
        ExportOptions insecure = new ExportOptions(true, Squash.ROOT, 1, 1, false, true);
        assertTrue(insecure.permitsSourcePort(40000));
    }
}
