package dev.nfsrepl.replication.wire;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's end of the {@link Handshake}: answers the backup's challenge, checks that the
 * backup holds the key too, then fires {@link Authenticated} and lets frames through. A refusal, a
 * backup that cannot prove the key, another protocol version or a frame failing its checks fires
 * {@link HandshakeFailed} (or is logged) and closes the connection.
 *
 * <p>Not thread-safe: one per channel, used from its event loop.
 */
public final class PrimaryHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryHandshakeHandler.class);

    private final SyncKey key;
    private final FrameCodec codec;
    private final String name;
    private byte[] nonceB;
    private byte[] nonceP;
    private boolean authenticated;

    /** {@code name}: this primary's node name, which the backup logs. */
    public PrimaryHandshakeHandler(SyncKey key, FrameCodec codec, String name) {
        this.key = key;
        this.codec = codec;
        this.name = name;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Frame f = (Frame) msg;
        if (f.type() == Frame.Type.REFUSED) {
            fail(ctx, "refused by the backup: " + Handshake.reason(f), false);
        } else if (authenticated) {
            ctx.fireChannelRead(f);
        } else if (f.type() == Frame.Type.CHALLENGE && nonceB == null) {
            answer(ctx, f);
        } else if (f.type() == Frame.Type.WELCOME && nonceP != null) {
            welcome(ctx, f);
        } else {
            fail(ctx, f.type() + " out of turn during the handshake", true);
        }
    }

    private void answer(ChannelHandlerContext ctx, Frame f) {
        Handshake.Challenge c;
        try {
            c = Handshake.challenge(f);
        } catch (IllegalArgumentException e) {
            fail(ctx, "malformed CHALLENGE: " + e.getMessage(), true);
            return;
        }
        if (c.version() != Handshake.VERSION) {
            fail(ctx, "the backup speaks protocol version " + c.version() + ", this primary " + Handshake.VERSION, true);
            return;
        }
        nonceB = c.nonce();
        nonceP = Handshake.nonce();
        ctx.writeAndFlush(new Frame(Frame.Type.AUTH, Handshake.auth(key, nonceB, nonceP, name)));
    }

    private void welcome(ChannelHandlerContext ctx, Frame f) {
        byte[] proof;
        try {
            proof = Handshake.welcomeProof(f);
        } catch (IllegalArgumentException e) {
            fail(ctx, "malformed WELCOME: " + e.getMessage(), true);
            return;
        }
        if (!SyncKey.same(proof, Handshake.backupProof(key, nonceP, nonceB))) {
            fail(ctx, "the backup does not hold the cluster's sync key", true);
            return;
        }
        codec.authenticate(Handshake.sessionKey(key, nonceB, nonceP));
        authenticated = true;
        ctx.fireUserEventTriggered(new Authenticated(String.valueOf(ctx.channel().remoteAddress())));
    }

    private void fail(ChannelHandlerContext ctx, String reason, boolean tellThem) {
        LOG.warn("replication to {}: {}", ctx.channel().remoteAddress(), reason);
        ctx.fireUserEventTriggered(new HandshakeFailed(reason));
        if (tellThem) {
            ctx.writeAndFlush(Handshake.refused(reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
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
        LOG.warn("replication to {}: {}; closing", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
