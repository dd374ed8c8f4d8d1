package dev.nfsrepl.replication.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication over TLS, over two {@link EmbeddedChannel}s: the certificates are made by
 * {@code scripts/replication-certs.sh} (openssl), as an operator would make them.
 */
class ReplicationTlsTest {

    private static final SyncKey KEY = SyncKey.of("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
    private static final int MAX_FRAME = 1 << 20;
    private static final String SECRET = "the contents of payroll.xlsx";

    @TempDir
    static Path certs;
    static Path foreign;

    final ReplicationHandshakeTest.Seen atBackup = new ReplicationHandshakeTest.Seen();
    final ReplicationHandshakeTest.Seen atPrimary = new ReplicationHandshakeTest.Seen();
    final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs(certs, "p", "b1");
        foreign = certs.resolve("foreign");
        certs(foreign, "p");
    }

    static void certs(Path dir, String... nodes) throws IOException, InterruptedException {
        Path script = Path.of("..", "scripts", "replication-certs.sh").toAbsolutePath().normalize();
        List<String> cmd = new java.util.ArrayList<>(List.of(script.toString(), dir.toString()));
        cmd.addAll(List.of(nodes));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), script + " failed (it needs openssl): " + out);
    }

    static ReplicationTls tls(Path dir, String node, Path ca) throws IOException {
        return ReplicationTls.load(dir.resolve(node + ".pem"), dir.resolve(node + ".key"), ca.resolve("ca.pem"));
    }

    EmbeddedChannel backup(ReplicationTls tls) {
        return new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ReplicationPipelines.backup(ch.pipeline(), KEY, tls, MAX_FRAME, Duration.ofSeconds(10), atBackup);
            }
        });
    }

    EmbeddedChannel primary(ReplicationTls tls, String dialled) {
        return new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ReplicationPipelines.primary(ch.pipeline(), KEY, tls, InetSocketAddress.createUnresolved(dialled, 20050),
                        "primary-1", MAX_FRAME, atPrimary);
            }
        });
    }

    /** As {@link ReplicationHandshakeTest#exchange}, keeping a copy of every byte the primary sent. */
    void exchange(EmbeddedChannel b, EmbeddedChannel p) {
        boolean moved = true;
        while (moved) {
            moved = ReplicationHandshakeTest.pump(b, p);
            for (ByteBuf m; (m = p.readOutbound()) != null; ) {
                moved = true;
                wire.writeBytes(ByteBufUtil.getBytes(m));
                if (b.isOpen()) {
                    b.writeInbound(m);
                } else {
                    m.release();
                }
            }
        }
    }

    @Test
    void nodesWithCertificatesOfTheClusterTalkAndTheFramesAreNotInClear() throws IOException {
        EmbeddedChannel b = backup(tls(certs, "b1", certs));
        EmbeddedChannel p = primary(tls(certs, "p", certs), "b1");
        exchange(b, p);
        assertEquals(List.of(new Authenticated("primary-1")), atBackup.events, "the sync-key handshake ran inside TLS");
        p.writeOutbound(new Frame(Frame.Type.BATCH, SECRET.getBytes(StandardCharsets.UTF_8)));
        exchange(b, p);
        assertEquals(List.of(new Frame(Frame.Type.BATCH, SECRET.getBytes(StandardCharsets.UTF_8))), atBackup.frames);
        String sent = wire.toString(StandardCharsets.ISO_8859_1);
        assertFalse(sent.contains(SECRET), "the batch crossed the wire encrypted");
        assertFalse(sent.contains("primary-1"), "so did the handshake");
        assertTrue(b.isOpen() && p.isOpen());
    }

    @Test
    void aBackupWhoseCertificateDoesNotNameTheHostDialledIsNotTrusted() throws IOException {
        EmbeddedChannel b = backup(tls(certs, "b1", certs));
        EmbeddedChannel p = primary(tls(certs, "p", certs), "b2.example.net");
        exchange(b, p);
        assertFalse(p.isOpen(), "the primary hung up");
        assertEquals(List.of(), atBackup.events);
        assertEquals(List.of(), atPrimary.events);
    }

    @Test
    void aPrimaryWhoseCertificateAnotherAuthoritySignedIsRefused() throws IOException {
        EmbeddedChannel b = backup(tls(certs, "b1", certs));
        EmbeddedChannel p = primary(tls(foreign, "p", certs), "b1");
        exchange(b, p);
        assertFalse(b.isOpen(), "the backup hung up");
        assertEquals(List.of(), atBackup.events, "nothing reached the backup's handlers");
        assertEquals(List.of(), atBackup.frames);
    }

    @Test
    void aPrimaryWithoutTlsIsRefusedByABackupWithIt() throws IOException {
        EmbeddedChannel b = backup(tls(certs, "b1", certs));
        EmbeddedChannel p = primary(ReplicationTls.OFF, "b1");
        exchange(b, p);
        assertTrue(b.isOpen(), "each waits for the other to speak first");
        b.advanceTimeBy(11, java.util.concurrent.TimeUnit.SECONDS);
        b.runScheduledPendingTasks();
        exchange(b, p);
        assertFalse(b.isOpen(), "until the backup's handshake timeout");
        assertEquals(List.of(), atBackup.events);
        assertEquals(List.of(), atPrimary.events);
    }

    @Test
    void aBackupWithoutTlsIsNotTalkedToInClear() throws IOException {
        EmbeddedChannel b = backup(ReplicationTls.OFF);
        EmbeddedChannel p = primary(tls(certs, "p", certs), "b1");
        exchange(b, p);
        assertFalse(b.isOpen() && p.isOpen(), "the connection was dropped");
        assertEquals(List.of(), atBackup.events);
        assertFalse(atPrimary.events.stream().anyMatch(e -> e instanceof Authenticated));
    }

    @Test
    void missingOrUnusableFilesAreNamed() throws IOException {
        IOException missing = assertThrows(IOException.class,
                () -> ReplicationTls.load(certs.resolve("b1.pem"), certs.resolve("nope.key"), certs.resolve("ca.pem")));
        assertTrue(missing.getMessage().contains("nope.key"), missing.getMessage());
        Path notAKey = Files.writeString(certs.resolve("garbage.key"), "not a key\n");
        Files.setPosixFilePermissions(notAKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        IOException bad = assertThrows(IOException.class,
                () -> ReplicationTls.load(certs.resolve("b1.pem"), notAKey, certs.resolve("ca.pem")));
        assertTrue(bad.getMessage().contains("garbage.key") && bad.getMessage().contains("cannot use"), bad.getMessage());
        assertInstanceOf(IOException.class, bad);
        Path shared = Files.copy(certs.resolve("b1.key"), certs.resolve("shared.key"));
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        IOException loose = assertThrows(IOException.class,
                () -> ReplicationTls.load(certs.resolve("b1.pem"), shared, certs.resolve("ca.pem")));
        assertTrue(loose.getMessage().contains("shared.key") && loose.getMessage().contains("chmod 600"),
                loose.getMessage());
    }
}
