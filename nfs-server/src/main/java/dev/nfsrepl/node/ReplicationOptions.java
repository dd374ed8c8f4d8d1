package dev.nfsrepl.node;

import dev.nfsrepl.replication.ship.LinkMachine;
import dev.nfsrepl.replication.ship.ReplicationGroup;
import dev.nfsrepl.replication.wire.ReplicationTls;
import dev.nfsrepl.replication.wire.SyncKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The replication settings of {@code nfsrepl serve} (flags, or keys of the same names in the config file). */
final class ReplicationOptions {

    enum Role { primary, backup }

    enum Mode { async, sync }

    enum WhenNoBackup { block, async }

    @Option(names = "--role",
            description = "primary (serves clients, ships its journal to --peer backups) or backup (receives, applies, "
                    + "serves its copy read-only). Default: primary. In a cluster (--member) the members elect the "
                    + "primary; --role primary there marks the member whose tree a new cluster starts from.")
    Role role;

    @Option(names = "--name", description = "This node's name in logs and in the handshake (default: the role).")
    String name;

    @Option(names = "--export-as", description = "The path clients mount the export as (default: the directory's "
            + "absolute path); give every node of a cluster the same, so that clients find it on each.")
    String exportAs;

    @Option(names = "--peer", split = ",", paramLabel = "NAME=HOST:PORT",
            description = "A backup this primary replicates to (repeat, or comma-separated in the config file).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--replication-port", defaultValue = "20050",
            description = "A backup listens for its primary on this port (default: ${DEFAULT-VALUE}; 0 picks one).")
    int replicationPort;

    @Option(names = "--sync-key-file", description = "File holding the cluster's shared secret (at least 16 bytes); "
            + "needed with --peer and on a backup.")
    Path syncKeyFile;

    @Option(names = "--replication-tls-cert", paramLabel = "PEM", description = "Replication over TLS: this node's "
            + "certificate (chain), PEM. With --replication-tls-key and --replication-tls-ca; see "
            + "scripts/replication-certs.sh. Default: no TLS.")
    Path tlsCert;

    @Option(names = "--replication-tls-key", paramLabel = "PEM", description = "Its private key, PEM (PKCS#8, "
            + "unencrypted).")
    Path tlsKey;

    @Option(names = "--replication-tls-ca", paramLabel = "PEM", description = "The authority that signed every "
            + "node's certificate, PEM: peers must present a certificate it signed (a backup's must also name the "
            + "host the primary's --peer gives).")
    Path tlsCa;

    @Option(names = "--replication-mode", defaultValue = "async",
            description = "async: a client's reply waits for the local journal; sync: replies that promise stability "
                    + "(namespace changes, FILE_SYNC writes, COMMIT) wait until --sync-backups backups hold the change. "
                    + "Default: ${DEFAULT-VALUE}.")
    Mode mode;

    @Option(names = "--sync-backups", defaultValue = "1",
            description = "In sync mode, how many backups must hold a change (default: ${DEFAULT-VALUE}).")
    int syncBackups;

    @Option(names = "--sync-when-unreachable", defaultValue = "block",
            description = "In sync mode, when fewer backups are reachable than --sync-backups: block (replies wait) or "
                    + "async (go on with a warning). Default: ${DEFAULT-VALUE}.")
    WhenNoBackup whenUnreachable;

    @Option(names = "--batch-kib", defaultValue = "256", description = "A batch is sent once this much waits, KiB "
            + "(default: ${DEFAULT-VALUE}).")
    int batchKib;

    @Option(names = "--batch-delay-ms", defaultValue = "2", description = "... or once its oldest record waited this "
            + "long, ms (default: ${DEFAULT-VALUE}).")
    int batchDelayMs;

    @Option(names = "--max-in-flight", defaultValue = "8", description = "Batches sent and not yet acknowledged, per "
            + "backup (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(names = "--ack-timeout-ms", defaultValue = "10000", description = "A backup that acknowledges nothing for "
            + "this long is unreachable, ms (default: ${DEFAULT-VALUE}).")
    int ackTimeoutMs;

    @Option(names = "--queue-mib", defaultValue = "64", description = "A backup further behind than this is unreachable "
            + "(its records go to its spill file), MiB (default: ${DEFAULT-VALUE}).")
    int queueMib;

    @Option(names = "--spill-limit-mib", defaultValue = "4096", description = "A spill file larger than this is dropped "
            + "and its backup fully resynced, MiB (default: ${DEFAULT-VALUE}).")
    long spillLimitMib;

    @Option(names = "--retry-ms", defaultValue = "200", description = "First delay before reconnecting to an "
            + "unreachable backup, doubling up to --retry-max-ms, ms (default: ${DEFAULT-VALUE}).")
    int retryMs;

    @Option(names = "--retry-max-ms", defaultValue = "1000", description = "Longest delay between attempts to reach "
            + "an unreachable backup, ms: a returning backup waits at most this long for its primary (default: "
            + "${DEFAULT-VALUE}).")
    int retryMaxMs;

    /** Largest replication frame: a batch part of about 1 MiB of records plus a WRITE of 1 MiB. */
    static final int MAX_FRAME = 4 << 20;

    String nodeName() {
        return name != null ? name : role != null ? role.name() : Role.primary.name();
    }

    SyncKey key() throws IOException {
        if (syncKeyFile == null) {
            throw new IOException("replication needs --sync-key-file (the cluster's shared secret)");
        }
        return SyncKey.read(syncKeyFile);
    }

    /** TLS for replication when the three files are given, {@link ReplicationTls#OFF} when none is. */
    ReplicationTls tls() throws IOException {
        int given = (tlsCert != null ? 1 : 0) + (tlsKey != null ? 1 : 0) + (tlsCa != null ? 1 : 0);
        if (given == 0) {
            return ReplicationTls.OFF;
        }
        if (given < 3) {
            throw new IOException("replication TLS needs all of --replication-tls-cert, --replication-tls-key and "
                    + "--replication-tls-ca");
        }
        return ReplicationTls.load(tlsCert, tlsKey, tlsCa);
    }

    ReplicationGroup.Settings settings() {
        LinkMachine.Config link = new LinkMachine.Config(batchKib * 1024L, Duration.ofMillis(batchDelayMs), maxInFlight,
                256, Duration.ofMillis(ackTimeoutMs), (long) queueMib << 20, Duration.ofMillis(retryMs),
                Duration.ofMillis(Math.max(retryMs, retryMaxMs)));
        return new ReplicationGroup.Settings(link, MAX_FRAME, spillLimitMib << 20);
    }

    /** The --peer entries, parsed. */
    List<Peer> parsedPeers() {
        List<Peer> out = new ArrayList<>();
        for (String p : peers) {
            String s = p.trim();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            int colon = s.lastIndexOf(':');
            if (eq <= 0 || colon < eq + 2 || colon == s.length() - 1) {
                throw new IllegalArgumentException("--peer '" + p + "': want NAME=HOST:PORT");
            }
            int port;
            try {
                port = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--peer '" + p + "': the port is not a number");
            }
            out.add(new Peer(s.substring(0, eq), InetSocketAddress.createUnresolved(s.substring(eq + 1, colon), port)));
        }
        return out;
    }

    record Peer(String name, InetSocketAddress address) {
    }
}
