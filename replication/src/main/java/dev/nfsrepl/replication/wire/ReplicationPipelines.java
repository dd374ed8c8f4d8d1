package dev.nfsrepl.replication.wire;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.time.Duration;

/**
 * The handlers of a replication connection, in order: length framing (a frame claiming more than
 * {@code maxFrameBytes} fails at once, before anything is buffered), {@link FrameCodec}, the
 * handshake, then the application's handler, which sees only frames of an authenticated peer.
 */
public final class ReplicationPipelines {

    private ReplicationPipelines() {
    }

    public static void backup(ChannelPipeline p, SyncKey key, int maxFrameBytes, Duration handshakeTimeout,
                              ChannelHandler app) {
        FrameCodec codec = new FrameCodec(false);
        framing(p, maxFrameBytes, codec);
        p.addLast("handshake", new BackupHandshakeHandler(key, codec, handshakeTimeout));
        p.addLast("app", app);
    }

    public static void primary(ChannelPipeline p, SyncKey key, String name, int maxFrameBytes, ChannelHandler app) {
        FrameCodec codec = new FrameCodec(true);
        framing(p, maxFrameBytes, codec);
        p.addLast("handshake", new PrimaryHandshakeHandler(key, codec, name));
        p.addLast("app", app);
    }

    private static void framing(ChannelPipeline p, int maxFrameBytes, FrameCodec codec) {
        p.addLast("frames-in", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4));
        p.addLast("frames-out", new LengthFieldPrepender(4));
        p.addLast("codec", codec);
    }
}
