package dev.nfsrepl.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A primary ("p") and one backup ("b1") as processes on loopback, with their directories in
 * {@code dir}: {@code p}, {@code p-state}, {@code p-journal} and {@code b}, {@code b-state},
 * {@code b-journal}; a shared sync key; both nodes log to {@code nodes.log}; every export is
 * mounted as {@code /export}. The backup's NFS, MOUNT and replication ports are picked once, so a
 * restarted backup keeps them. Closing stops both nodes.
 */
final class TestCluster implements AutoCloseable {

    static final String EXPORT_AS = "/export";

    private final Path dir;
    private final List<String> primaryExtra;
    private final List<String> backupExtra;
    private final int backupNfs;
    private final int backupMount;
    private final int replicationPort;
    private ServerProcess primary;
    private ServerProcess backup;

    /** The directories and key of a cluster whose nodes take {@code primaryExtra} and {@code backupExtra} flags. */
    TestCluster(Path dir, List<String> primaryExtra, List<String> backupExtra) throws IOException {
        this.dir = dir;
        this.primaryExtra = List.copyOf(primaryExtra);
        this.backupExtra = List.copyOf(backupExtra);
        Files.createDirectories(dir.resolve("p"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("key"), "a shared secret of this test cluster\n");
        backupNfs = NfsTreeDigest.freePort();
        backupMount = NfsTreeDigest.freePort();
        replicationPort = NfsTreeDigest.freePort();
    }

    /** Starts the backup, then the primary on free ports. */
    TestCluster start() throws IOException, InterruptedException {
        startBackup();
        startPrimary(0, 0);
        return this;
    }

    /** Starts (or starts again) the backup; returns it once it listens for its primary. */
    ServerProcess startBackup() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--role", "backup", "--name", "b1", "--export",
                dir.resolve("b").toString(), "--state-dir", dir.resolve("b-state").toString(), "--journal",
                dir.resolve("b-journal").toString(), "--nfs-port", Integer.toString(backupNfs), "--mount-port",
                Integer.toString(backupMount), "--replication-port", Integer.toString(replicationPort),
                "--sync-key-file", dir.resolve("key").toString(), "--export-as", EXPORT_AS));
        args.addAll(backupExtra);
        backup = ServerProcess.startNode(args, log(), ServerProcess.BACKUP_READY);
        return backup;
    }

    /** Starts (or starts again) the primary on these ports (0: free ones), replicating to the backup. */
    ServerProcess startPrimary(int nfsPort, int mountPort) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--name", "p", "--export", dir.resolve("p").toString(),
                "--state-dir", dir.resolve("p-state").toString(), "--journal", dir.resolve("p-journal").toString(),
                "--nfs-port", Integer.toString(nfsPort), "--mount-port", Integer.toString(mountPort), "--peer",
                "b1=127.0.0.1:" + replicationPort, "--sync-key-file", dir.resolve("key").toString(), "--export-as",
                EXPORT_AS));
        args.addAll(primaryExtra);
        primary = ServerProcess.startNode(args, log(), ServerProcess.READY);
        return primary;
    }

    ServerProcess primary() {
        return primary;
    }

    ServerProcess backup() {
        return backup;
    }

    /** Where both nodes log. */
    Path log() {
        return dir.resolve("nodes.log");
    }

    int backupNfsPort() {
        return backupNfs;
    }

    int backupMountPort() {
        return backupMount;
    }

    int replicationPort() {
        return replicationPort;
    }

    @Override
    public void close() throws InterruptedException {
        if (primary != null) {
            primary.close();
        }
        if (backup != null) {
            backup.close();
        }
    }
}
