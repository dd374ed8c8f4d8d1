package dev.nfsrepl.node;

import java.time.Duration;

/**
 * File locking (NLM and the status monitor).
 *
 * @param nsmPort    port of the status monitor, program 100024, TCP and UDP (0: a free one; clients find it
 *                   through the portmapper)
 * @param grace      after a start that found clients holding locks when the server stopped, how long only
 *                   their reclaims are accepted (new locks and TESTs answer NLM4_DENIED_GRACE_PERIOD)
 * @param notifyName the name the server tells its clients it restarted under (SM_NOTIFY's mon_name); null:
 *                   the address each client sent its requests to, which is what a client mounting by address
 *                   knows the server as (a client mounting by host name needs that name here)
 */
public record LockConfig(int nsmPort, Duration grace, String notifyName) {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(90);
    public static final LockConfig DEFAULTS = new LockConfig(0, DEFAULT_GRACE, null);
}
