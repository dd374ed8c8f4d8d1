package dev.nfsrepl.nfs.rpc;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.dcache.oncrpc4j.rpc.OncRpcException;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.dcache.oncrpc4j.xdr.XdrAble;
import org.dcache.oncrpc4j.xdr.XdrDecodingStream;
import org.dcache.oncrpc4j.xdr.XdrEncodingStream;
import org.glassfish.grizzly.Buffer;

/**
 * The server's own calls to its clients (NLM GRANTED, SM_NOTIFY): one ONC RPC call (RFC 5531,
 * AUTH_NONE) per TCP connection, made from a chosen local address, under a deadline. A client
 * checks that a callback comes from the address it sent its requests to, so the caller binds the
 * address those requests arrived on (a service address that moved here with a failover, say);
 * oncrpc4j's client cannot choose one. The port comes from the client's portmapper (version 2
 * GETPORT), as knfsd's lockd finds it.
 */
public final class RpcCaller {

    static final int PORTMAP_PROGRAM = 100000;
    static final int PORTMAP_V2 = 2;
    static final int PMAPPROC_GETPORT = 3;
    static final int IPPROTO_TCP = 6;
    private static final int MAX_REPLY = 64 * 1024;

    /** The call was answered, but not with success: the RFC 5531 reply or accept status. */
    public static final class RefusedException extends IOException {
        RefusedException(String message) {
            super(message);
        }
    }

    private final Duration timeout;

    public RpcCaller(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * The TCP port {@code host}'s portmapper gives for {@code program}/{@code version}.
     *
     * @throws RefusedException when the program is not registered there
     */
    public int port(InetAddress local, InetAddress host, int program, int version) throws IOException {
        int[] port = new int[1];
        call(local, new InetSocketAddress(host, 111), PORTMAP_PROGRAM, PORTMAP_V2, PMAPPROC_GETPORT, x -> {
            x.xdrEncodeInt(program);
            x.xdrEncodeInt(version);
            x.xdrEncodeInt(IPPROTO_TCP);
            x.xdrEncodeInt(0);
        }, x -> port[0] = x.xdrDecodeInt());
        if (port[0] <= 0 || port[0] > 65535) {
            throw new RefusedException("program " + program + " version " + version + " is not registered with the "
                    + "portmapper of " + host.getHostAddress());
        }
        return port[0];
    }

    /** Calls {@code procedure} of {@code program} on {@code to}, from {@code local} (null: any). */
    public void call(InetAddress local, InetSocketAddress to, int program, int version, int procedure, XdrAble args,
                     XdrAble result) throws IOException {
        call(local, to, program, version, procedure, args::xdrEncode, result::xdrDecode);
    }

    private interface Encoder {
        void encode(XdrEncodingStream x) throws OncRpcException, IOException;
    }

    private interface Decoder {
        void decode(XdrDecodingStream x) throws OncRpcException, IOException;
    }

    private void call(InetAddress local, InetSocketAddress to, int program, int version, int procedure, Encoder args,
                      Decoder result) throws IOException {
        int xid = ThreadLocalRandom.current().nextInt();
        byte[] request;
        try (Xdr x = new Xdr(Xdr.INITIAL_XDR_SIZE)) {
            x.beginEncoding();
            x.xdrEncodeInt(xid);
            x.xdrEncodeInt(0); // CALL
            x.xdrEncodeInt(2); // RPC version
            x.xdrEncodeInt(program);
            x.xdrEncodeInt(version);
            x.xdrEncodeInt(procedure);
            x.xdrEncodeInt(0); // credential: AUTH_NONE, empty
            x.xdrEncodeInt(0);
            x.xdrEncodeInt(0); // verifier: AUTH_NONE, empty
            x.xdrEncodeInt(0);
            args.encode(x);
            x.endEncoding();
            Buffer b = x.asBuffer();
            request = new byte[b.remaining()];
            b.get(request);
        }
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket s = new Socket()) {
            if (local != null && !local.isAnyLocalAddress()) {
                s.bind(new InetSocketAddress(local, 0));
            }
            s.connect(to, millis);
            s.setSoTimeout(millis);
            OutputStream out = s.getOutputStream();
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(0x80000000 | request.length);
            d.write(request);
            d.flush();
            byte[] reply = readRecord(s.getInputStream());
            try (Xdr x = new Xdr(reply)) {
                x.beginDecoding();
                if (x.xdrDecodeInt() != xid || x.xdrDecodeInt() != 1) {
                    throw new IOException(to + " answered with another call's reply");
                }
                int replyStat = x.xdrDecodeInt();
                if (replyStat != 0) {
                    throw new RefusedException(to + " denied the call of program " + program + " (reply status "
                            + replyStat + ")");
                }
                x.xdrDecodeInt(); // verifier flavour
                x.xdrDecodeDynamicOpaque();
                int acceptStat = x.xdrDecodeInt();
                if (acceptStat != 0) {
                    throw new RefusedException(to + " did not run procedure " + procedure + " of program " + program
                            + " version " + version + " (accept status " + acceptStat + ")");
                }
                result.decode(x);
            }
        } catch (OncRpcException e) {
            throw new IOException("a malformed RPC reply from " + to + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readRecord(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        boolean last = false;
        while (!last) {
            int mark = d.readInt();
            last = mark < 0;
            int len = mark & 0x7fffffff;
            if (all.size() + (long) len > MAX_REPLY) {
                throw new IOException("an RPC reply longer than " + MAX_REPLY + " bytes");
            }
            byte[] frag = new byte[len];
            d.readFully(frag);
            all.write(frag);
        }
        return all.toByteArray();
    }
}
