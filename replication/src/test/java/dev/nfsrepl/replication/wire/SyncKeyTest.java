package dev.nfsrepl.replication.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncKeyTest {

    @TempDir
    Path tmp;

    @Test
    void aKeyFileIsReadWithoutItsLineEndAndShortKeysAreRefusedNamingTheFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("sync.key"), "0123456789abcdef-cluster\n");
        SyncKey fromFile = SyncKey.read(f);
        SyncKey same = SyncKey.of("0123456789abcdef-cluster".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(same.mac(new byte[] {1}), fromFile.mac(new byte[] {1}));
        Path shortKey = Files.writeString(tmp.resolve("short.key"), "tooshort\n");
        IOException e = assertThrows(IOException.class, () -> SyncKey.read(shortKey));
        assertTrue(e.getMessage().contains("short.key") && e.getMessage().contains("at least 16"), e.getMessage());
        assertEquals("SyncKey[hidden]", fromFile.toString());
    }

    @Test
    void partsAreLengthPrefixedSoDifferentSplitsGiveDifferentMacs() {
        SyncKey k = SyncKey.of(new byte[32]);
        assertFalse(SyncKey.same(k.mac(new byte[] {1, 2}, new byte[] {3}), k.mac(new byte[] {1}, new byte[] {2, 3})));
    }
}
