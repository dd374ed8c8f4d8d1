package dev.nfsrepl.node;

import dev.nfsrepl.journal.JournalConfig;
import java.nio.file.Path;

/**
 * What a node serves and where.
 *
 * @param export     directory to export when no exports file is given (read-write to loopback only)
 * @param exportsFile exports(5)-style file, or null
 * @param stateDir   where identity indexes and FileId counters live (never inside an export)
 * @param bind       address to listen on
 * @param nfsPort    TCP port of the NFS program (2049 by default; 0 picks a free one)
 * @param mountPort  TCP port of the MOUNT program (20048 by default; 0 picks a free one)
 * @param portmap    answer portmapper queries on port 111 (needs root and a free port 111)
 * @param workers    threads running the NFS procedures that may wait on the disk (reads and writes of data,
 *                   namespace changes, listings); metadata reads are answered on the network threads
 * @param journal    where and how every change is journaled, or null for no journal
 * @param pseudoPath the path clients mount {@code export} as (null: its absolute path)
 * @param readOnly   serve {@code export} read-only (a backup)
 * @param clients    who may mount {@code export} (client specs as in an exports file, comma-separated; each gets
 *                   {@code insecure,no_root_squash}); null: loopback only
 * @param locks      file locking: the status monitor's port, the grace period, the name clients are notified under
 */
public record ServerConfig(Path export, Path exportsFile, Path stateDir, String bind, int nfsPort, int mountPort,
                           boolean portmap, int workers, JournalConfig journal, String pseudoPath, boolean readOnly,
                           String clients, LockConfig locks) {

    public ServerConfig(Path export, Path exportsFile, Path stateDir, String bind, int nfsPort, int mountPort,
                        boolean portmap, int workers) {
        this(export, exportsFile, stateDir, bind, nfsPort, mountPort, portmap, workers, null, null, false, null,
                LockConfig.DEFAULTS);
    }

    public ServerConfig withLocks(LockConfig l) {
        return new ServerConfig(export, exportsFile, stateDir, bind, nfsPort, mountPort, portmap, workers, journal,
                pseudoPath, readOnly, clients, l);
    }

    public ServerConfig withJournal(JournalConfig j) {
        return new ServerConfig(export, exportsFile, stateDir, bind, nfsPort, mountPort, portmap, workers, j, pseudoPath,
                readOnly, clients, locks);
    }

    /** {@code export} to these clients (see {@link #clients}). */
    public ServerConfig withClients(String specs) {
        return new ServerConfig(export, exportsFile, stateDir, bind, nfsPort, mountPort, portmap, workers, journal,
                pseudoPath, readOnly, specs, locks);
    }

    public ServerConfig withExportAs(String pseudo, boolean ro) {
        return new ServerConfig(export, exportsFile, stateDir, bind, nfsPort, mountPort, portmap, workers, journal, pseudo,
                ro, clients, locks);
    }

    public static final int DEFAULT_NFS_PORT = 2049;
    public static final int DEFAULT_MOUNT_PORT = 20048;
    public static final int DEFAULT_WORKERS = 32;
    public static final int DEFAULT_ADMIN_PORT = 20051;
}
