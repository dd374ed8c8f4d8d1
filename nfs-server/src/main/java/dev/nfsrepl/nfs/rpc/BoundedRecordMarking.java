package dev.nfsrepl.nfs.rpc;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.List;
import org.dcache.oncrpc4j.rpc.OncRpcSvc;
import org.dcache.oncrpc4j.rpc.RpcMessageParserTCP;
import org.dcache.oncrpc4j.xdr.Xdr;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.memory.BuffersBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONC RPC record marking over TCP (RFC 5531 section 11) with a bound on the size of a message.
 *
 * <pre>
 *   record   := fragment* last-fragment
 *   fragment := header(4 bytes: bit 31 = last, bits 0..30 = length) payload(length bytes)
 * </pre>
 *
 * oncrpc4j's own parser waits for a whole record however large its header says it is, so one
 * header claiming gigabytes makes the server buffer gigabytes. This filter takes its place in
 * each TCP transport's filter chain: it reads each fragment header as soon as it arrives and drops
 * the connection when the record would exceed {@code maxRecord} bytes, before buffering its
 * payload. Other connections are unaffected.
 */
public final class BoundedRecordMarking extends BaseFilter {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedRecordMarking.class);
    private static final int LAST = 0x80000000;
    private static final int LENGTH = 0x7fffffff;

    /** Fragments one record may have; real clients send one. Empty fragments cannot pile up without end. */
    static final int MAX_FRAGMENTS = 1024;

    private final int maxRecord;

    public BoundedRecordMarking(int maxRecord) {
        this.maxRecord = maxRecord;
    }

    /**
     * Replaces oncrpc4j's parser in every TCP transport of a started service. oncrpc4j builds its
     * filter chains privately in {@code start()}, so the transports are reached by reflection.
     */
    public static void install(OncRpcSvc svc, int maxRecord) throws IOException {
        try {
            Field f = OncRpcSvc.class.getDeclaredField("_transports");
            f.setAccessible(true);
            int replaced = 0;
            for (Object t : (List<?>) f.get(svc)) {
                if (((Transport) t).getProcessor() instanceof FilterChain chain) {
                    for (int i = 0; i < chain.size(); i++) {
                        Filter filter = chain.get(i);
                        if (filter instanceof RpcMessageParserTCP) {
                            chain.set(i, new BoundedRecordMarking(maxRecord));
                            replaced++;
                        }
                    }
                }
            }
            if (replaced == 0) {
                throw new IOException("no TCP record parser found in " + svc + " to bound");
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot bound the RPC record size of " + svc + " (oncrpc4j changed?)", e);
        }
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Buffer in = ctx.getMessage();
        if (in == null) {
            return ctx.getStopAction();
        }
        long total = complete(in);
        if (total < 0) {
            LOG.warn("dropping connection from {}: RPC record larger than {} bytes",
                    ctx.getConnection().getPeerAddress(), maxRecord);
            in.tryDispose();
            ctx.getConnection().closeSilently();
            return ctx.getStopAction();
        }
        if (total == 0) {
            return ctx.getStopAction(in);
        }
        ctx.setMessage(assemble(in, ctx));
        Buffer rest = in.hasRemaining() ? in.split(in.position()) : null;
        return ctx.getInvokeAction(rest);
    }

    /**
     * Scans the fragment headers available: the length of the complete record, 0 if more bytes
     * are needed, or -1 if the record exceeds the bound.
     */
    private long complete(Buffer b) {
        int start = b.position();
        int pos = start;
        for (int fragments = 1; b.limit() - pos >= 4; fragments++) {
            int header = b.getInt(pos);
            long total = (long) pos - start + 4 + (header & LENGTH); // headers count too
            if (total > maxRecord || fragments > MAX_FRAGMENTS) {
                return -1;
            }
            pos += 4;
            long end = (long) pos + (header & LENGTH);
            if (end > b.limit()) {
                return 0;
            }
            pos = (int) end;
            if ((header & LAST) != 0) {
                return pos - start;
            }
        }
        return 0;
    }

    private static Xdr assemble(Buffer in, FilterChainContext ctx) {
        BuffersBuffer parts = null;
        Buffer fragment;
        boolean last;
        do {
            int header = in.getInt();
            int len = header & LENGTH;
            last = (header & LAST) != 0;
            int pos = in.position();
            fragment = in.slice(pos, pos + len);
            in.position(pos + len);
            if (!last && parts == null) {
                parts = BuffersBuffer.create(ctx.getMemoryManager());
            }
            if (parts != null) {
                parts.append(fragment);
            }
        } while (!last);
        return new Xdr(parts == null ? fragment : parts, ctx.getMemoryManager());
    }
}
