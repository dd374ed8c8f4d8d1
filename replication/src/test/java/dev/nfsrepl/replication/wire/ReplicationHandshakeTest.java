package dev.nfsrepl.replication.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The replication handshake and authenticated frames, over two {@link EmbeddedChannel}s (no sockets). */
class ReplicationHandshakeTest {

    private static final SyncKey KEY = SyncKey.of("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
    private static final SyncKey OTHER = SyncKey.of("another cluster's secret key".getBytes(StandardCharsets.UTF_8));
    private static final int MAX_FRAME = 1 << 20;
    private static final java.net.InetSocketAddress BACKUP = java.net.InetSocketAddress.createUnresolved("b1", 20050);

    /** What reaches the application's handler. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class Seen extends ChannelInboundHandlerAdapter {
        final List<Frame> frames = new ArrayList<>();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            frames.add((Frame) msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    }

    final Seen atBackup = new Seen();
    final Seen atPrimary = new Seen();

    EmbeddedChannel backup(SyncKey key) {
        return new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ReplicationPipelines.backup(ch.pipeline(), key, ReplicationTls.OFF, MAX_FRAME, Duration.ofSeconds(10), atBackup);
            }
        });
    }

    EmbeddedChannel primary(SyncKey key) {
        return new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ReplicationPipelines.primary(ch.pipeline(), key, ReplicationTls.OFF, BACKUP, "primary-1", MAX_FRAME, atPrimary);
            }
        });
    }

    /** Delivers what each side wrote to the other until nothing moves. */
    static void exchange(EmbeddedChannel a, EmbeddedChannel b) {
        boolean moved = true;
        while (moved) {
            moved = pump(a, b) | pump(b, a);
        }
    }

    static boolean pump(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (ByteBuf m; (m = from.readOutbound()) != null; ) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(m);
            } else {
                m.release();
            }
        }
        return moved;
    }

    /** The next frame a channel wrote, whole (LengthFieldPrepender writes the length and the body apart). */
    static ByteBuf written(EmbeddedChannel ch) {
        ByteBuf length = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        return Unpooled.wrappedBuffer(length, body);
    }

    static Frame batch(String s) {
        return new Frame(Frame.Type.BATCH, s.getBytes(StandardCharsets.UTF_8));
    }

    /** The two ends after a successful handshake. */
    EmbeddedChannel[] connected() {
        EmbeddedChannel b = backup(KEY);
        EmbeddedChannel p = primary(KEY);
        exchange(b, p);
        assertEquals(List.of(new Authenticated("primary-1")), atBackup.events);
        assertInstanceOf(Authenticated.class, atPrimary.events.get(0));
        return new EmbeddedChannel[] {b, p};
    }

    @Test
    void nodesWithTheSameKeyAuthenticateEachOtherAndExchangeFrames() {
        EmbeddedChannel[] c = connected();
        c[1].writeOutbound(batch("records 1..10"));
        c[1].writeOutbound(batch("records 11..20"));
        c[0].writeOutbound(new Frame(Frame.Type.ACK, new byte[] {20}));
        exchange(c[0], c[1]);
        assertEquals(List.of(batch("records 1..10"), batch("records 11..20")), atBackup.frames);
        assertEquals(List.of(new Frame(Frame.Type.ACK, new byte[] {20})), atPrimary.frames);
        assertTrue(c[0].isOpen() && c[1].isOpen());
    }

    @Test
    void aPrimaryWithAnotherKeyIsRefusedAndToldWhy() {
        EmbeddedChannel b = backup(KEY);
        EmbeddedChannel p = primary(OTHER);
        exchange(b, p);
        assertFalse(b.isOpen(), "the backup closed the connection");
        assertFalse(p.isOpen(), "so did the primary, told why");
        assertEquals(List.of(), atBackup.frames);
        assertEquals(List.of(), atBackup.events);
        assertEquals(1, atPrimary.events.size());
        HandshakeFailed f = assertInstanceOf(HandshakeFailed.class, atPrimary.events.get(0));
        assertTrue(f.reason().contains("authentication failed"), f.reason());
    }

    @Test
    void aBackupThatCannotProveTheKeyIsNotTrusted() {
        EmbeddedChannel p = primary(KEY);
        FrameCodec impostor = new FrameCodec(false);
        EmbeddedChannel fake = new EmbeddedChannel(new io.netty.handler.codec.LengthFieldPrepender(4), impostor);
        fake.writeOutbound(new Frame(Frame.Type.CHALLENGE, Handshake.challenge(Handshake.nonce())));
        pump(fake, p);
        assertTrue(written(p).readableBytes() > 64, "the primary answered with AUTH");
        fake.writeOutbound(new Frame(Frame.Type.WELCOME, new byte[32])); // a proof it cannot compute
        pump(fake, p);
        assertFalse(p.isOpen());
        HandshakeFailed f = assertInstanceOf(HandshakeFailed.class, atPrimary.events.get(0));
        assertTrue(f.reason().contains("does not hold"), f.reason());
    }

    @Test
    void anAlteredFrameIsRejectedAndTheConnectionDropped() {
        EmbeddedChannel[] c = connected();
        c[1].writeOutbound(batch("records 1..10"));
        ByteBuf frame = Unpooled.copiedBuffer(written(c[1]));
        frame.setByte(frame.readerIndex() + 6, frame.getByte(frame.readerIndex() + 6) ^ 1); // a payload byte
        c[0].writeInbound(frame);
        assertFalse(c[0].isOpen());
        assertEquals(List.of(), atBackup.frames);
    }

    @Test
    void aReplayedFrameIsRejected() {
        EmbeddedChannel[] c = connected();
        c[1].writeOutbound(batch("records 1..10"));
        ByteBuf frame = Unpooled.copiedBuffer(written(c[1]));
        ByteBuf copy = Unpooled.copiedBuffer(frame);
        c[0].writeInbound(frame);
        c[0].writeInbound(copy);
        assertEquals(List.of(batch("records 1..10")), atBackup.frames, "delivered once");
        assertFalse(c[0].isOpen());
    }

    @Test
    void aFrameClaimingAHugeLengthIsRefusedBeforeAnythingIsBuffered() {
        EmbeddedChannel[] c = connected();
        c[0].writeInbound(Unpooled.wrappedBuffer(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 10, 1, 2}));
        assertFalse(c[0].isOpen());
        assertEquals(List.of(), atBackup.frames);
    }

    @Test
    void framesBeforeAuthenticationAreRefused() {
        EmbeddedChannel b = backup(KEY);
        written(b); // its CHALLENGE
        FrameCodec codec = new FrameCodec(true);
        EmbeddedChannel raw = new EmbeddedChannel(new io.netty.handler.codec.LengthFieldPrepender(4), codec);
        raw.writeOutbound(batch("no handshake"));
        pump(raw, b);
        assertFalse(b.isOpen());
        assertEquals(List.of(), atBackup.frames);
    }

    @Test
    void anotherProtocolVersionIsRefusedNotMisread() {
        EmbeddedChannel b = backup(KEY);
        ByteBuf challenge = written(b);
        byte[] nonceB = new byte[Handshake.NONCE_BYTES];
        challenge.getBytes(challenge.readerIndex() + 4 + 1 + 2, nonceB);
        challenge.release();
        byte[] auth = Handshake.auth(KEY, nonceB, Handshake.nonce(), "primary-from-the-future");
        auth[0] = 0;
        auth[1] = (byte) (Handshake.VERSION + 1); // a version from the future
        EmbeddedChannel raw = new EmbeddedChannel(new io.netty.handler.codec.LengthFieldPrepender(4), new FrameCodec(true));
        raw.writeOutbound(new Frame(Frame.Type.AUTH, auth));
        pump(raw, b);
        assertFalse(b.isOpen());
        ByteBuf refused = written(b);
        String text = refused.toString(refused.readerIndex() + 5, refused.readableBytes() - 5, StandardCharsets.UTF_8);
        assertTrue(text.contains("protocol version " + (Handshake.VERSION + 1)), text);
    }

    @Test
    void garbageAndTruncatedFramesDropTheConnection() {
        EmbeddedChannel b = backup(KEY);
        written(b);
        b.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0})); // an empty frame
        assertFalse(b.isOpen());
        EmbeddedChannel b2 = backup(KEY);
        written(b2);
        b2.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 3, (byte) 99, 1, 2})); // unknown type
        assertFalse(b2.isOpen());
        EmbeddedChannel b3 = backup(KEY);
        written(b3);
        b3.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 50, 2, 0})); // truncated: waits, passes nothing
        assertTrue(b3.isOpen());
        assertEquals(List.of(), atBackup.frames);
    }

    @Test
    void aPeerThatNeverAuthenticatesIsDisconnected() {
        EmbeddedChannel b = backup(KEY);
        written(b);
        b.advanceTimeBy(11, TimeUnit.SECONDS);
        b.runScheduledPendingTasks();
        assertFalse(b.isOpen());
    }
}
