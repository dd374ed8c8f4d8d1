package dev.nfsrepl.replication.wire;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup's end of the {@link Handshake}: challenges the connecting primary, checks its proof,
 * and only then lets frames through to the handlers above (after firing {@link Authenticated}).
 * Anything else — a wrong key, another protocol version, a frame out of turn, a frame failing its
 * checks, no answer within the timeout — is refused, logged with the peer's address, and the
 * connection closed; nothing reaches the handlers above.
 *
 * <p>Not thread-safe: one per channel, used from its event loop.
 */
public final class BackupHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(BackupHandshakeHandler.class);

    private final SyncKey key;
    private final FrameCodec codec;
    private final Duration timeout;
    private byte[] nonceB;
    private boolean authenticated;

    public BackupHandshakeHandler(SyncKey key, FrameCodec codec, Duration timeout) {
        this.key = key;
        this.codec = codec;
        this.timeout = timeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        nonceB = Handshake.nonce();
        ctx.writeAndFlush(new Frame(Frame.Type.CHALLENGE, Handshake.challenge(nonceB)));
        ctx.executor().schedule(() -> {
            if (!authenticated && ctx.channel().isActive()) {
                refuse(ctx, "no authentication within " + timeout.toSeconds() + " s");
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame f = (Frame) msg;
        if (f.type() == Frame.Type.REFUSED) {
            LOG.warn("replication connection from {}: the primary gave up: {}", ctx.channel().remoteAddress(),
                    Handshake.reason(f));
            ctx.close();
        } else if (authenticated) {
            ctx.fireChannelRead(f);
        } else if (f.type() != Frame.Type.AUTH) {
            refuse(ctx, f.type() + " before authentication");
        } else {
            authenticate(ctx, f);
        }
    }

    private void authenticate(ChannelHandlerContext ctx, Frame f) {
        Handshake.Auth a;
        try {
            a = Handshake.auth(f);
        } catch (IllegalArgumentException e) {
            refuse(ctx, "malformed AUTH: " + e.getMessage());
            return;
        }
        if (a.version() != Handshake.VERSION) {
            refuse(ctx, "protocol version " + a.version() + ", this backup speaks " + Handshake.VERSION);
            return;
        }
        if (!SyncKey.same(a.proof(), Handshake.primaryProof(key, nonceB, a.nonce(), a.name()))) {
            refuse(ctx, "authentication failed (not the cluster's sync key)");
            return;
        }
        ctx.writeAndFlush(new Frame(Frame.Type.WELCOME, Handshake.backupProof(key, a.nonce(), nonceB)));
        codec.authenticate(Handshake.sessionKey(key, nonceB, a.nonce()));
        authenticated = true;
        LOG.info("replication connection from {}: primary '{}' authenticated{}", ctx.channel().remoteAddress(), a.name(),
                ReplicationTls.describe(ctx.pipeline()));
        ctx.fireUserEventTriggered(new Authenticated(a.name()));
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        LOG.warn("replication connection from {}: refused: {}", ctx.channel().remoteAddress(), reason);
        ctx.writeAndFlush(Handshake.refused(reason)).addListener(ChannelFutureListener.CLOSE);
    }

    /** TLS's own events stop here: the handlers above hear of a peer once this handshake authenticated it. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslCompletionEvent)) {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String hint = !authenticated && cause instanceof TooLongFrameException && ctx.pipeline().get(SslHandler.class) == null
                ? " (a primary speaking TLS to a backup without --replication-tls-* looks like this)" : "";
        LOG.warn("replication connection from {}: {}{}; closing", ctx.channel().remoteAddress(), cause, hint);
        ctx.close();
    }
}
