package dev.nfsrepl.node;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.nfsrepl.journal.JournalConfig;
import dev.nfsrepl.node.admin.AdminServer;
import dev.nfsrepl.node.admin.AdminToken;
import dev.nfsrepl.node.admin.NodeView;
import dev.nfsrepl.replication.log.LogConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The {@code nfsrepl} command line. */
@Command(name = "nfsrepl", mixinStandardHelpOptions = true, subcommands = {Main.Serve.class, DemoCommand.class, JournalCommand.class},
        description = "An NFSv3 file server with a replication log.")
public final class Main {


    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("journal")
                && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // tools print only their output
        }
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true); // --promotion manual
        Path config = configFile(args);
        if (config != null) {
            try {
                cl.getSubcommands().get("serve").setDefaultValueProvider(ConfigFile.load(config,
                        cl.getSubcommands().get("serve").getCommandSpec()));
            } catch (java.io.IOException | IllegalArgumentException e) {
                System.err.println("nfsrepl: " + e.getMessage());
                System.exit(2);
            }
        }
        System.exit(cl.execute(args));
    }

    /** The value of {@code serve --config FILE}, or null. */
    private static Path configFile(String[] args) {
        if (args.length == 0 || !args[0].equals("serve")) {
            return null;
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve a directory (or the exports of an exports file) over NFSv3.")
    static final class Serve implements Callable<Integer> {

        private static final Logger LOG = LoggerFactory.getLogger(Main.class); // not before main() set the level

        @Option(names = "--config", paramLabel = "FILE", description = "Node configuration: a properties file whose keys "
                + "are these options' names without the dashes (export = /srv/data); flags override it.")
        Path config;

        @CommandLine.Mixin
        ReplicationOptions repl = new ReplicationOptions();

        @CommandLine.Mixin
        ClusterOptions cluster = new ClusterOptions();

        @Option(names = "--export", description = "Directory to export read-write to loopback clients "
                + "(insecure, no_root_squash), at its absolute path. Ignored when --exports is given.")
        Path export;

        @Option(names = "--export-clients", paramLabel = "SPEC[,SPEC...]", description = "Who may mount --export: "
                + "client specs as in an exports file (an address, a CIDR, a host name, *), each rw (ro on a backup), "
                + "insecure, no_root_squash. Default: loopback (127.0.0.0/8,::1).")
        String exportClients;

        @Option(names = "--exports", description = "Exports file in exports(5) style; re-read on SIGHUP.")
        Path exportsFile;

        @Option(names = "--state-dir", description = "Where the node keeps its state, outside every export "
                + "(default: /var/lib/nfsrepl as root, else ~/.local/state/nfsrepl).")
        Path stateDir;

        @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
        String bind;

        @Option(names = "--nfs-port", defaultValue = "" + ServerConfig.DEFAULT_NFS_PORT,
                description = "NFS port (default: ${DEFAULT-VALUE}; 0 picks a free port).")
        int nfsPort;

        @Option(names = "--mount-port", defaultValue = "" + ServerConfig.DEFAULT_MOUNT_PORT,
                description = "MOUNT port (default: ${DEFAULT-VALUE}; 0 picks a free port).")
        int mountPort;

        @Option(names = "--portmap", negatable = true, description = "Answer portmapper queries on port 111 "
                + "(default: on when running as root).")
        Boolean portmap;

        @Option(names = "--nsm-port", defaultValue = "0", description = "Port of the status monitor (NSM, program "
                + "100024, TCP and UDP), where clients say they restarted (default: ${DEFAULT-VALUE}, a free port, "
                + "found through the portmapper).")
        int nsmPort;

        @Option(names = "--lock-grace-seconds", defaultValue = "90", description = "After a restart that found "
                + "clients holding locks, accept only their reclaims for this long, s (default: ${DEFAULT-VALUE}).")
        long lockGraceSeconds;

        @Option(names = "--lock-notify-name", paramLabel = "NAME", description = "Tell lock clients the server "
                + "restarted under this name, the one they mount it by (default: the address each client sent its "
                + "requests to; give the host name when clients mount by name).")
        String lockNotifyName;

        @Option(names = "--workers", defaultValue = "" + ServerConfig.DEFAULT_WORKERS,
                description = "Threads running NFS procedures (default: ${DEFAULT-VALUE}).")
        int workers;

        @Option(names = "--journal", description = "Journal every change of every export into this directory "
                + "(outside every export; one subdirectory per export). Default: no journal.")
        Path journal;

        @Option(names = "--journal-retention-mib", defaultValue = "8192",
                description = "Delete the oldest journal segments beyond this size, MiB (default: ${DEFAULT-VALUE}).")
        long journalRetentionMib;

        @Option(names = "--journal-retention-hours", defaultValue = "168",
                description = "Delete journal segments older than this, hours (default: ${DEFAULT-VALUE}).")
        long journalRetentionHours;

        @Option(names = "--journal-checkpoint-seconds", defaultValue = "5",
                description = "Flush the tree and advance the journal's applied point this often, s "
                        + "(default: ${DEFAULT-VALUE}); recovery after a crash re-applies at most this much.")
        long journalCheckpointSeconds;

        @Option(names = "--checkpoint-hours", defaultValue = "24",
                description = "Copy each journaled export's tree this often, hours, for restores to start from "
                        + "(default: ${DEFAULT-VALUE}; 0: only when asked for, 'nfsrepl-console checkpoint').")
        long checkpointHours;

        @Option(names = "--admin-port", defaultValue = "" + ServerConfig.DEFAULT_ADMIN_PORT,
                description = "Port of the admin API, HTTP + JSON (default: ${DEFAULT-VALUE}; 0 picks a free port; "
                        + "-1: no admin API).")
        int adminPort;

        @Option(names = "--admin-token-file", paramLabel = "FILE", description = "The admin API's token, its first "
                + "line (default: STATE_DIR/admin.token, created with a random token, mode 0600, if missing).")
        Path adminTokenFile;

        @Override
        public Integer call() throws Exception {
            if (export == null && exportsFile == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "give --export DIR or --exports FILE");
            }
            boolean root = "root".equals(System.getProperty("user.name"));
            Path state = stateDir != null ? stateDir : root ? Path.of("/var/lib/nfsrepl")
                    : Path.of(System.getProperty("user.home"), ".local", "state", "nfsrepl");
            boolean pm = portmap != null ? portmap : root;
            ServerConfig cfg = new ServerConfig(export == null ? null : export.toAbsolutePath(), exportsFile, state,
                    bind, nfsPort, mountPort, pm, workers).withExportAs(repl.exportAs,
                    repl.role == ReplicationOptions.Role.backup).withClients(exportClients)
                    .withLocks(new LockConfig(nsmPort, Duration.ofSeconds(Math.max(0, lockGraceSeconds)),
                            lockNotifyName));
            if (journal != null) {
                LogConfig log = LogConfig.DEFAULTS.withRetention(journalRetentionMib << 20,
                        Duration.ofHours(journalRetentionHours));
                cfg = cfg.withJournal(new JournalConfig(journal.toAbsolutePath(), log,
                        Duration.ofSeconds(Math.max(1, journalCheckpointSeconds)), Duration.ofHours(checkpointHours)));
            }
            if (cluster.enabled()) {
                return runCluster(cfg);
            }
            if (repl.role == ReplicationOptions.Role.backup) {
                return runBackup(cfg);
            }
            List<PrimaryReplication> replications = new CopyOnWriteArrayList<>();
            NfsServer server = new NfsServer(cfg, Clock.systemUTC());
            if (!repl.parsedPeers().isEmpty()) {
                if (cfg.journal() == null) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--peer needs --journal JDIR");
                }
                var key = repl.key();
                var tls = repl.tls();
                server.replicating(j -> {
                    try {
                        PrimaryReplication r = new PrimaryReplication(j, repl, key, tls, Clock.systemUTC());
                        replications.add(r);
                        return r;
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            server.start();
            java.io.Closeable admin = startAdmin(cfg, new PrimaryView(repl.nodeName(), server, replications));
            CountDownLatch stopped = stopOnSignal(() -> {
                admin.close();
                for (PrimaryReplication r : replications) {
                    r.close();
                }
                server.close();
            });
            if (exportsFile != null) {
                sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> {
                    try {
                        server.loadExports();
                        LOG.info("re-read {}", exportsFile);
                    } catch (Exception e) {
                        LOG.error("SIGHUP: keeping the current exports, {} is not usable: {}", exportsFile,
                                e.getMessage());
                    }
                });
            }
            System.out.println("nfsrepl: mount with: mount -t nfs -o vers=3,proto=tcp,port=" + server.nfsPort()
                    + ",mountport=" + server.mountPort() + ",mountproto=tcp " + bind + ":"
                    + (exportsFile != null ? "/EXPORT" : repl.exportAs != null ? repl.exportAs
                    : export.toAbsolutePath().normalize())
                    + " /mnt");
            stopped.await();
            return 0;
        }

        private int runCluster(ServerConfig cfg) throws Exception {
            if (cfg.journal() == null || cfg.export() == null || repl.name == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), "a cluster member (--member) needs "
                        + "--name NAME (one of the members), --export DIR and --journal JDIR");
            }
            if (!repl.parsedPeers().isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--peer and --member do not go together: "
                        + "in a cluster, the primary replicates to every other member");
            }
            ClusterNode node;
            try {
                node = new ClusterNode(repl.name, cfg, repl, cluster, repl.key(), repl.tls(), Clock.systemUTC()).start();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            }
            java.io.Closeable admin = startAdmin(cfg, node);
            System.out.println("nfsrepl: cluster member " + repl.name + " of " + cluster.parsedMembers().keySet()
                    + "; NFS on port " + cfg.nfsPort() + " while primary (read-only while backup)");
            stopOnSignal(() -> {
                admin.close();
                node.close();
            }).await();
            return 0;
        }

        private int runBackup(ServerConfig cfg) throws Exception {
            if (cfg.journal() == null || cfg.export() == null) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "a backup needs --export DIR (its copy) and --journal JDIR (its receive journal)");
            }
            BackupNode node = new BackupNode(repl.nodeName(), cfg, repl.key(), repl.tls(), repl.replicationPort,
                    Clock.systemUTC()).start();
            java.io.Closeable admin = startAdmin(cfg, node);
            System.out.println("nfsrepl: backup " + repl.nodeName() + " listening for its primary on " + bind + ":"
                    + node.replicationPort());
            stopOnSignal(() -> {
                admin.close();
                node.close();
            }).await();
            return 0;
        }

        /** Starts the admin API and says where it is; what stops it (nothing with --admin-port -1). */
        private java.io.Closeable startAdmin(ServerConfig cfg, NodeView view) throws java.io.IOException {
            if (adminPort < 0) {
                return () -> { };
            }
            Path tokenFile = adminTokenFile != null ? adminTokenFile : cfg.stateDir().resolve("admin.token");
            AdminServer admin = new AdminServer(bind, adminPort, AdminToken.loadOrCreate(tokenFile), view).start();
            System.out.println("nfsrepl: admin API on " + admin.url() + " (token in " + tokenFile + ")");
            return admin;
        }

        /** Closes {@code node} on SIGTERM/SIGINT; the latch opens once it is closed. */
        private static CountDownLatch stopOnSignal(java.io.Closeable node) {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    node.close();
                } catch (Exception e) {
                    LOG.error("error while stopping", e);
                } finally {
                    stopped.countDown();
                }
            }, "nfsrepl-shutdown"));
            return stopped;
        }
    }
}
