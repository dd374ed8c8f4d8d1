package dev.nfsrepl.nfs.rpc;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.dcache.oncrpc4j.xdr.XdrAble;

/**
 * Replies to non-idempotent requests (CREATE, REMOVE, RENAME, ...), kept so that a client
 * retransmitting after a lost reply gets the original answer instead of EEXIST or ENOENT.
 *
 * <p>Entries are keyed by the client's address (not its port: clients reconnect from new
 * ports), the RPC xid, the procedure and a checksum of the encoded arguments, so that a reused
 * xid with other arguments is executed anew. A retransmission that arrives while the original
 * is still executing waits for its reply.
 *
 * <p>Thread-safe.
 */
public final class DuplicateRequestCache {

    public record Key(InetAddress client, int xid, int program, int procedure, long argsChecksum) {
    }

    private final Cache<Key, CompletableFuture<XdrAble>> replies;
    private final Duration waitForOriginal;

    public DuplicateRequestCache(int maxEntries, Duration retention, Duration waitForOriginal) {
        this.replies = CacheBuilder.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterWrite(retention)
                .build();
        this.waitForOriginal = waitForOriginal;
    }

    /**
     * The reply to this request: the cached one if the request was seen before, else the one
     * {@code execute} computes (and which is then cached). Returns null if the original is still
     * executing after the wait, in which case the retransmission should be dropped.
     */
    public XdrAble replyTo(Key key, Supplier<XdrAble> execute) throws InterruptedException {
        CompletableFuture<XdrAble> mine = new CompletableFuture<>();
        CompletableFuture<XdrAble> earlier = replies.asMap().putIfAbsent(key, mine);
        if (earlier == null) {
            try {
                XdrAble reply = execute.get();
                mine.complete(reply);
                return reply;
            } catch (RuntimeException | Error e) {
                replies.invalidate(key);
                mine.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return earlier.get(waitForOriginal.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        }
    }

    public long size() {
        return replies.size();
    }
}
