package dev.nfsrepl.nfs.export;

import dev.nfsrepl.fs.Identity;
import java.util.Arrays;
import java.util.Objects;

/**
 * The options one client of an export gets, as in exports(5).
 *
 * @param readOnly {@code ro} (true, the default) or {@code rw}
 * @param squash   which callers are mapped to the anonymous identity
 * @param anonUid  uid of the anonymous identity ({@code anonuid=}, default 65534)
 * @param anonGid  gid of the anonymous identity ({@code anongid=}, default 65534)
 * @param secure   {@code secure} (true, the default): requests must come from a source port below 1024
 * @param sync     {@code sync} (true, the default): metadata changes are durable before the reply;
 *                 {@code async} on every client of an export skips those fsyncs (as knfsd's async)
 */
public record ExportOptions(boolean readOnly, Squash squash, int anonUid, int anonGid, boolean secure, boolean sync) {

    /** Which callers are squashed to the anonymous uid/gid. */
    public enum Squash {
        /** {@code no_root_squash}: identities pass through unchanged. */
        NONE,
        /** {@code root_squash} (default): uid 0 and gid 0 become anonuid/anongid. */
        ROOT,
        /** {@code all_squash}: every caller becomes anonuid/anongid. */
        ALL
    }

    /** The conventional "nobody" id, default for {@code anonuid} and {@code anongid}. */
    public static final int NOBODY = 65534;

    /** exports(5) defaults: {@code ro,root_squash,no_all_squash,anonuid=65534,anongid=65534,secure,sync}. */
    public static final ExportOptions DEFAULTS = new ExportOptions(true, Squash.ROOT, NOBODY, NOBODY, true, true);

    public ExportOptions {
        Objects.requireNonNull(squash, "squash");
    }

    /** The identity a request from {@code caller} runs as under these options. */
    public Identity map(Identity caller) {
        return switch (squash) {
            case NONE -> caller;
            case ALL -> new Identity(anonUid, anonGid, new int[0]);
            case ROOT -> new Identity(
                    caller.uid() == 0 ? anonUid : caller.uid(),
                    caller.gid() == 0 ? anonGid : caller.gid(),
                    Arrays.stream(caller.groups()).filter(g -> g != 0).toArray());
        };
    }

    /** Whether a request from source port {@code port} is acceptable ({@code insecure} accepts any port). */
    public boolean permitsSourcePort(int port) {
        return !secure || port < 1024;
    }
}
