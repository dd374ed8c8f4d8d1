package dev.nfsrepl.replication.wire;

import com.google.common.base.Throwables;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * TLS for replication connections, both ways authenticated: a backup accepts only a primary whose
 * certificate chains to the trusted authority, and a primary accepts only a backup whose
 * certificate does and names the host it dialled (a {@code --peer}'s HOST). TLS 1.3 only. It wraps,
 * and does not replace, the sync-key handshake: a peer needs both the key and a certificate.
 *
 * <p>{@link #OFF} adds nothing: frames then cross the network in clear (authenticated, not secret).
 */
public final class ReplicationTls {

    public static final ReplicationTls OFF = new ReplicationTls(null, null, "off");

    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private final SslContext server;
    private final SslContext client;
    private final String description;

    private ReplicationTls(SslContext server, SslContext client, String description) {
        this.server = server;
        this.client = client;
        this.description = description;
    }

    /**
     * @param certChain PEM: this node's certificate (then any intermediates)
     * @param key       PEM, PKCS#8, unencrypted: its private key
     * @param trusted   PEM: the authorities whose certificates peers must present
     */
    public static ReplicationTls load(Path certChain, Path key, Path trusted) throws IOException {
        for (Path p : new Path[] {certChain, key, trusted}) {
            if (!Files.isReadable(p)) {
                throw new IOException("replication TLS: cannot read " + p);
            }
        }
        refuseIfOthersMayRead(key);
        try {
            SslContext server = SslContextBuilder.forServer(certChain.toFile(), key.toFile())
                    .trustManager(trusted.toFile()).clientAuth(ClientAuth.REQUIRE).protocols(PROTOCOLS).build();
            SslContext client = SslContextBuilder.forClient().keyManager(certChain.toFile(), key.toFile())
                    .trustManager(trusted.toFile()).endpointIdentificationAlgorithm("HTTPS").protocols(PROTOCOLS)
                    .build();
            return new ReplicationTls(server, client, "TLS 1.3, certificate " + certChain + ", trusting " + trusted);
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("replication TLS: cannot use certificate " + certChain + " / key " + key
                    + " / trusted " + trusted + ": " + rootMessage(e), e);
        }
    }

    /** As ssh does: a private key that others than its owner may read is not used. */
    private static void refuseIfOthersMayRead(Path key) throws IOException {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(key);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        }
        perms.retainAll(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.GROUP_READ,
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ));
        if (!perms.isEmpty()) {
            throw new IOException("replication TLS: the private key " + key + " may be read by others than its owner ("
                    + perms + "); chmod 600 it");
        }
    }

    public boolean on() {
        return server != null;
    }

    /** The backup's end, first in the pipeline. */
    void acceptOn(ChannelPipeline p) {
        if (on()) {
            p.addLast("tls", server.newHandler(p.channel().alloc()));
        }
    }

    /** The primary's end, first in the pipeline; {@code host} is what the backup's certificate must name. */
    void connectOn(ChannelPipeline p, String host, int port) {
        if (on()) {
            p.addLast("tls", client.newHandler(p.channel().alloc(), host, port));
        }
    }

    /** How a connection is protected, for its log line: "" in clear, else " over TLS as SUBJECT". */
    static String describe(ChannelPipeline p) {
        SslHandler h = p.get(SslHandler.class);
        if (h == null) {
            return "";
        }
        try {
            return " over TLS as " + h.engine().getSession().getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return " over TLS";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = Throwables.getRootCause(e);
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    @Override
    public String toString() {
        return description;
    }
}
