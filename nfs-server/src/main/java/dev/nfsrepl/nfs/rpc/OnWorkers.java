package dev.nfsrepl.nfs.rpc;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.RpcDispatchable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every call of a program on a worker instead of the network thread that read it: for
 * programs whose calls are rare and may wait on the disk (MOUNT resolves paths, which can mean a
 * tree search). A call that arrives while the server stops is dropped; the client sends it again.
 */
public final class OnWorkers implements RpcDispatchable {

    private static final Logger LOG = LoggerFactory.getLogger(OnWorkers.class);

    private final RpcDispatchable program;
    private final Executor workers;

    public OnWorkers(RpcDispatchable program, Executor workers) {
        this.program = program;
        this.workers = workers;
    }

    @Override
    public void dispatchOncRpcCall(RpcCall call) {
        try {
            workers.execute(() -> run(call));
        } catch (RejectedExecutionException e) {
            LOG.debug("stopping: dropped call {} of program {}", call.getXid(), call.getProgram());
        }
    }

    private void run(RpcCall call) {
        try {
            program.dispatchOncRpcCall(call);
        } catch (IOException e) {
            LOG.warn("program {} procedure {} from {}: {}", call.getProgram(), call.getProcedure(),
                    call.getTransport().getRemoteSocketAddress(), e.toString());
            call.failRpcGarbage();
        } catch (RuntimeException e) {
            LOG.error("program {} procedure {} from {} failed", call.getProgram(), call.getProcedure(),
                    call.getTransport().getRemoteSocketAddress(), e);
            call.failRpcSystem();
        }
    }
}
