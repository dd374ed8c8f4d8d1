package dev.nfsrepl.nfs.export;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * One exported directory: one line of the exports file.
 *
 * @param localDir   the directory on the server, absolute
 * @param pseudoPath the path clients mount: absolute and normalized (no {@code .}, {@code ..},
 *                   empty segments or trailing {@code /}, except the root {@code /} itself)
 * @param fsid       identifies the export in file handles; an unsigned 32-bit number held in an
 *                   {@code int} (see {@link Integer#toUnsignedLong})
 * @param clients    the client rules in file order; the first that matches a client wins
 */
public record Export(Path localDir, String pseudoPath, int fsid, List<Client> clients) {

    /** One {@code client(options)} entry of an export. */
    public record Client(ClientSpec spec, ExportOptions options) {
        public Client {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(options, "options");
        }
    }

    /** @throws IllegalArgumentException if {@code localDir} is relative or {@code pseudoPath} is not valid */
    public Export {
        if (!localDir.isAbsolute()) {
            throw new IllegalArgumentException("export directory must be an absolute path: '" + localDir + "'");
        }
        checkPseudoPath(pseudoPath);
        clients = List.copyOf(clients);
    }

    /** An export whose fsid is {@link #derivedFsid derived} from its pseudo path. */
    public Export(Path localDir, String pseudoPath, List<Client> clients) {
        this(localDir, pseudoPath, derivedFsid(pseudoPath), clients);
    }

    /** The options of the first client rule matching {@code client}, or empty if it may not mount this export. */
    public Optional<ExportOptions> optionsFor(InetAddress client) {
        return clients.stream().filter(c -> c.spec().matches(client)).map(Client::options).findFirst();
    }

    /**
     * The fsid used when none is given: the CRC-32 (as in {@link CRC32}) of the pseudo path's UTF-8
     * bytes, so it stays the same across restarts as long as the pseudo path does.
     */
    public static int derivedFsid(String pseudoPath) {
        CRC32 crc = new CRC32();
        crc.update(pseudoPath.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    /**
     * Returns {@code path} if it is a valid pseudo path.
     *
     * @throws IllegalArgumentException saying what is wrong with it otherwise
     */
    static String checkPseudoPath(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("pseudo path must be absolute: '" + path + "'");
        }
        if (path.equals("/")) {
            return path;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException("pseudo path must not contain '..': '" + path + "'");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                throw new IllegalArgumentException(
                        "pseudo path must be normalized (no '.', '//' or trailing '/'): '" + path + "'");
            }
        }
        return path;
    }
}
