package dev.nfsrepl.nfs;

import dev.nfsrepl.fs.Identity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.dcache.oncrpc4j.rpc.RpcAuth;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeUnix;
import org.dcache.oncrpc4j.rpc.RpcCall;

/** Who sent an RPC: the client's address and port, its AUTH_SYS identity (null for AUTH_NONE), and the call's xid. */
public record Caller(InetAddress address, int port, Identity credentials, int xid) {

    public Caller(InetAddress address, int port, Identity credentials) {
        this(address, port, credentials, 0);
    }

    /** The identity AUTH_NONE callers get before squashing: nobody. */
    static final Identity NOBODY = new Identity(65534, 65534, new int[0]);

    static Caller of(RpcCall call) {
        InetSocketAddress remote = call.getTransport().getRemoteSocketAddress();
        RpcAuth auth = call.getCredential();
        Identity id = auth instanceof RpcAuthTypeUnix u ? new Identity(u.uid(), u.gid(), u.gids()) : null;
        return new Caller(remote.getAddress(), remote.getPort(), id, call.getXid());
    }

    Identity identityOrNobody() {
        return credentials == null ? NOBODY : credentials;
    }
}
