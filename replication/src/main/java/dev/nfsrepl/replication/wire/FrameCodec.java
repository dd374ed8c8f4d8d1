package dev.nfsrepl.replication.wire;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import com.google.common.primitives.Longs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.Arrays;
import java.util.List;

/**
 * Frames to and from the bytes between a {@code LengthFieldBasedFrameDecoder} /
 * {@code LengthFieldPrepender} pair (4-byte big-endian length, capped) and the handlers above.
 *
 * <pre>
 *   frame := length:u32be body                      ; 1 &lt;= length &lt;= the connection's maximum
 *   body  := type:u8 payload [mac:16]
 *   mac   := the first 16 bytes of HMAC-SHA256(sessionKey, [sender:u8] [counter:u64be] [type:u8] [payload])
 *            ; each [part] preceded by its length as u32be
 *            ; present once the handshake succeeded; sender 'P' (primary) or 'B' (backup);
 *            ; counter counts the sender's authenticated frames from 0, so a frame replayed,
 *            ; dropped or reordered fails its check
 * </pre>
 * Before the handshake only CHALLENGE, AUTH, WELCOME and REFUSED are accepted. A frame that fails
 * a check raises {@link CorruptedFrameException}; the handshake handlers close the connection.
 *
 * <p>Not thread-safe: used from its channel's event loop only.
 */
public final class FrameCodec extends MessageToMessageCodec<ByteBuf, Frame> {

    static final int MAC_BYTES = 16;
    private static final byte PRIMARY = 'P';
    private static final byte BACKUP = 'B';

    private final byte mine;
    private final byte theirs;
    private HashFunction session;
    private long sent;
    private long received;

    /** A codec for the primary's end of a connection ({@code primary} true) or the backup's. */
    public FrameCodec(boolean primary) {
        this.mine = primary ? PRIMARY : BACKUP;
        this.theirs = primary ? BACKUP : PRIMARY;
    }

    /** From now on every frame, both ways, carries a MAC under {@code sessionKey}. */
    void authenticate(byte[] sessionKey) {
        session = Hashing.hmacSha256(sessionKey);
    }

    boolean authenticated() {
        return session != null;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame f, List<Object> out) {
        byte[] payload = f.payload();
        ByteBuf b = ctx.alloc().buffer(1 + payload.length + (session == null ? 0 : MAC_BYTES));
        b.writeByte(f.type().code).writeBytes(payload);
        if (session != null) {
            b.writeBytes(mac(mine, sent++, f.type().code, payload));
        }
        out.add(b);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int macBytes = session == null ? 0 : MAC_BYTES;
        if (in.readableBytes() < 1 + macBytes) {
            throw new CorruptedFrameException("frame of " + in.readableBytes() + " bytes is too short");
        }
        int code = in.readUnsignedByte();
        Frame.Type type = Frame.Type.of(code);
        byte[] payload = ByteBufUtil.getBytes(in, in.readerIndex(), in.readableBytes() - macBytes);
        in.skipBytes(payload.length);
        if (session != null) {
            byte[] got = ByteBufUtil.getBytes(in);
            if (!SyncKey.same(got, mac(theirs, received, code, payload))) {
                throw new CorruptedFrameException("frame #" + received + " fails its authentication (MAC): "
                        + "forged, altered, replayed or out of order");
            }
            received++;
        }
        if (type == null) {
            throw new CorruptedFrameException("unknown frame type " + code);
        }
        if (session == null && type != Frame.Type.CHALLENGE && type != Frame.Type.AUTH && type != Frame.Type.WELCOME
                && type != Frame.Type.REFUSED) {
            throw new CorruptedFrameException(type + " frame before authentication");
        }
        out.add(new Frame(type, payload));
    }

    private byte[] mac(byte sender, long counter, int code, byte[] payload) {
        byte[] full = SyncKey.mac(session, new byte[] {sender}, Longs.toByteArray(counter), new byte[] {(byte) code},
                payload);
        return Arrays.copyOf(full, MAC_BYTES);
    }
}
