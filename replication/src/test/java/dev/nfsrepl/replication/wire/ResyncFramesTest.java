package dev.nfsrepl.replication.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nfsrepl.replication.record.RecordFormatException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** RESYNC_BEGIN and RESYNC_HAVE payloads: round trips, and malformed ones refused with a reason. */
class ResyncFramesTest {

    private static final String D1 = "ab".repeat(32);
    private static final String D2 = "0f".repeat(32);

    static ResyncHave have() {
        SortedMap<String, String> digests = new TreeMap<>();
        digests.put("/", D1);
        digests.put("/a\\040b/c", D2);
        return new ResyncHave(41, digests);
    }

    @Test
    void payloadsRoundTrip() {
        assertEquals(new ResyncBegin(100, 7), ResyncBegin.decode(new ResyncBegin(100, 7).encode()));
        assertEquals(new ResyncBegin(0, 1), ResyncBegin.decode(new ResyncBegin(0, 1).encode()));
        ResyncHave h = have();
        assertEquals(h, ResyncHave.decode(h.encode()));
        assertEquals(h.encode().length, h.encodedSize());
        assertEquals(new ResyncHave(0, new TreeMap<>()), ResyncHave.decode(new ResyncHave(0, new TreeMap<>()).encode()));
    }

    @Test
    void aBeginOfAnotherSizeOrWithImpossibleNumbersIsRefused() {
        assertThrows(RecordFormatException.class, () -> ResyncBegin.decode(new byte[15]));
        assertThrows(RecordFormatException.class, () -> ResyncBegin.decode(new byte[17]));
        assertThrows(RecordFormatException.class, () -> ResyncBegin.decode(new ResyncBegin(10, 12).encode()),
                "keeping records from beyond the start + 1");
        assertThrows(RecordFormatException.class, () -> ResyncBegin.decode(new ResyncBegin(10, 0).encode()));
        assertThrows(RecordFormatException.class, () -> ResyncBegin.decode(new ResyncBegin(-1, 0).encode()));
    }

    @Test
    void aTruncatedOrPaddedOrLyingHaveIsRefused() {
        byte[] ok = have().encode();
        for (int n = 0; n < ok.length; n++) {
            byte[] cut = Arrays.copyOf(ok, n);
            assertThrows(RecordFormatException.class, () -> ResyncHave.decode(cut), "cut at " + n);
        }
        byte[] padded = Arrays.copyOf(ok, ok.length + 1);
        assertThrows(RecordFormatException.class, () -> ResyncHave.decode(padded));
        byte[] huge = ok.clone();
        ByteBuffer.wrap(huge).putInt(8, Integer.MAX_VALUE); // claims more directories than the bytes can hold
        assertThrows(RecordFormatException.class, () -> ResyncHave.decode(huge));
        byte[] relative = new ResyncHave(1, new TreeMap<>(java.util.Map.of("etc", D1))).encode();
        RecordFormatException e = assertThrows(RecordFormatException.class, () -> ResyncHave.decode(relative));
        assertEquals("RESYNC_HAVE names a directory 'etc', not an absolute path", e.getMessage());
    }
}
