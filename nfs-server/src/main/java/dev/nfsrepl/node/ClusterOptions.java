package dev.nfsrepl.node;

import dev.nfsrepl.replication.cluster.Election;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The failover settings of {@code nfsrepl serve} (flags, or keys of the same names in the config
 * file). With {@code --member} the node is one of a cluster whose members elect the primary
 * ({@link ClusterNode}); without it, roles are fixed by {@code --role}.
 */
final class ClusterOptions {

    static final int DEFAULT_CLUSTER_PORT = 20052;

    @Option(names = "--member", split = ",", paramLabel = "NAME=HOST[:REPL_PORT[:CLUSTER_PORT]]",
            description = "A member of this node's cluster, this node included (repeat, or comma-separated in the "
                    + "config file). The members elect the primary among them; REPL_PORT (default 20050) is where a "
                    + "member listens for its primary while it is a backup, CLUSTER_PORT (default 20052, UDP) where it "
                    + "takes votes and heartbeats. Default: no cluster (--role decides).")
    List<String> members = new ArrayList<>();

    @Option(names = "--heartbeat-ms", defaultValue = "500",
            description = "How often a primary tells its members it is alive, ms (default: ${DEFAULT-VALUE}).")
    long heartbeatMs;

    @Option(names = "--lease-ms", defaultValue = "3000",
            description = "A primary accepts changes only until this long after the last heartbeat a majority answered, "
                    + "ms; a backup that answered one votes for no one else for as long (default: ${DEFAULT-VALUE}).")
    long leaseMs;

    @Option(names = "--fail-after-ms", defaultValue = "5000",
            description = "A backup that heard no heartbeat for this long stands for election, ms; at least "
                    + "--lease-ms (default: ${DEFAULT-VALUE}).")
    long failAfterMs;

    @Option(names = "--promotion", description = "automatic (a backup takes over when the primary is silent) or "
            + "manual (only 'nfsrepl-console promote'). Default: automatic with three or more members, manual with two: "
            + "two nodes cannot tell a dead primary from a broken link, so automatic there risks two primaries.")
    Election.Promotion promotion;

    @Option(names = "--on-role-change", paramLabel = "COMMAND",
            description = "Run as 'COMMAND ROLE EPOCH NAME' (ROLE: primary or backup) when this node becomes primary "
                    + "or stops being it, and as 'backup' when it starts, e.g. to move a service address (like "
                    + "keepalived's notify scripts; docker/service-address.sh). Default: none.")
    String onRoleChange;

    /** What a primary that lost its lease does with reads. */
    enum LeaselessReads { serve, refuse }

    @Option(names = "--reads-without-lease", paramLabel = "serve|refuse", defaultValue = "serve",
            description = "A primary that lost its lease (cut off from the majority, or a newer primary elected) refuses "
                    + "changes; its reads are served (they may be stale) or, with refuse, answered NFS3ERR_JUKEBOX so "
                    + "that clients try again, there or at the new primary (default: ${DEFAULT-VALUE}).")
    LeaselessReads readsWithoutLease;

    boolean enabled() {
        return members.stream().anyMatch(m -> !m.isBlank());
    }

    /** A member: where it listens for its primary (TCP) and for votes and heartbeats (UDP). */
    record Member(String name, String host, int replicationPort, int clusterPort) {
        InetSocketAddress replication() {
            return InetSocketAddress.createUnresolved(host, replicationPort);
        }

        /** Resolved when it is used (see {@link dev.nfsrepl.replication.cluster.ClusterLink.Members}). */
        InetSocketAddress cluster() {
            return InetSocketAddress.createUnresolved(host, clusterPort);
        }
    }

    /** The --member entries, parsed, by name in the order given. */
    Map<String, Member> parsedMembers() {
        Map<String, Member> out = new LinkedHashMap<>();
        for (String m : members) {
            String s = m.trim();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new IllegalArgumentException("--member '" + m + "': want NAME=HOST[:REPL_PORT[:CLUSTER_PORT]]");
            }
            String[] parts = s.substring(eq + 1).split(":");
            if (parts.length > 3 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("--member '" + m + "': want NAME=HOST[:REPL_PORT[:CLUSTER_PORT]]");
            }
            try {
                int repl = parts.length > 1 ? Integer.parseInt(parts[1]) : 20050;
                int cluster = parts.length > 2 ? Integer.parseInt(parts[2]) : DEFAULT_CLUSTER_PORT;
                Member member = new Member(s.substring(0, eq), parts[0], repl, cluster);
                if (out.put(member.name(), member) != null) {
                    throw new IllegalArgumentException("--member: " + member.name() + " is given twice");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--member '" + m + "': a port is not a number");
            }
        }
        return out;
    }

    Election.Config election(String self) {
        List<String> names = List.copyOf(parsedMembers().keySet());
        Election.Promotion p = promotion != null ? promotion
                : names.size() >= 3 ? Election.Promotion.AUTOMATIC : Election.Promotion.MANUAL;
        return new Election.Config(self, names, Duration.ofMillis(heartbeatMs), Duration.ofMillis(leaseMs),
                Duration.ofMillis(failAfterMs), p);
    }
}
