package dev.nfsrepl.replication.wire;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The handlers of a replication connection, in order: TLS when on, length framing (a frame claiming more than
 * {@code maxFrameBytes} fails at once, before anything is buffered), {@link FrameCodec}, the
 * handshake, then the application's handler, which sees only frames of an authenticated peer.
 */
public final class ReplicationPipelines {

    private ReplicationPipelines() {
    }

    public static void backup(ChannelPipeline p, SyncKey key, ReplicationTls tls, int maxFrameBytes,
                              Duration handshakeTimeout, ChannelHandler app) {
        tls.acceptOn(p);
        FrameCodec codec = new FrameCodec(false);
        framing(p, maxFrameBytes, codec);
        p.addLast("handshake", new BackupHandshakeHandler(key, codec, handshakeTimeout));
        p.addLast("app", app);
    }

    /** {@code backup}: the host and port dialled, which a TLS backup's certificate must name. */
    public static void primary(ChannelPipeline p, SyncKey key, ReplicationTls tls, InetSocketAddress backup,
                               String name, int maxFrameBytes, ChannelHandler app) {
        tls.connectOn(p, backup.getHostString(), backup.getPort());
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
