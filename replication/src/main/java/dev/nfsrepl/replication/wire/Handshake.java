package dev.nfsrepl.replication.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The challenge-response that opens every replication connection, as pure functions: payload
 * layouts and proofs. The backup (the server) speaks first.
 *
 * <pre>
 *   backup  → CHALLENGE  version:u16be nonceB:32
 *   primary → AUTH       version:u16be nonceP:32 proofP:32 name:utf8
 *                        proofP = HMAC(K, "primary", nonceB, nonceP, name)
 *   backup  → WELCOME    proofB:32          proofB = HMAC(K, "backup", nonceP, nonceB)
 *             (or REFUSED reason:utf8, and the connection closes)
 *   session key = HMAC(K, "session", nonceB, nonceP)      ; then every frame carries a MAC
 * </pre>
 * K is the {@link SyncKey}; HMAC is HMAC-SHA256 over length-prefixed parts. Both sides prove they
 * hold K without sending it; fresh nonces on both sides make every session key new, so frames of
 * an old connection cannot be replayed into a new one. A different protocol version is refused,
 * never guessed at.
 */
final class Handshake {

    /** The protocol version this build speaks (2: ACK carries flags; 3: RESYNC_BEGIN + RESYNC_HAVE resume a resync). */
    static final int VERSION = 6; // 4: PROGRESS frames; 5: a resync's copy is exact as of RESYNC_END's asOf; 6: HELLO has epochs
    static final int NONCE_BYTES = 32;
    private static final int PROOF_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    record Challenge(int version, byte[] nonce) {
    }

    record Auth(int version, byte[] nonce, byte[] proof, String name) {
    }

    static byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    static byte[] challenge(byte[] nonceB) {
        return ByteBuffer.allocate(2 + NONCE_BYTES).putShort((short) VERSION).put(nonceB).array();
    }

    static Challenge challenge(Frame f) {
        ByteBuffer b = payload(f, Frame.Type.CHALLENGE, 2 + NONCE_BYTES);
        int version = b.getShort() & 0xffff;
        byte[] nonce = new byte[NONCE_BYTES];
        b.get(nonce);
        return new Challenge(version, nonce);
    }

    static byte[] auth(SyncKey key, byte[] nonceB, byte[] nonceP, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + NONCE_BYTES + PROOF_BYTES + n.length).putShort((short) VERSION).put(nonceP)
                .put(primaryProof(key, nonceB, nonceP, name)).put(n).array();
    }

    static Auth auth(Frame f) {
        ByteBuffer b = payload(f, Frame.Type.AUTH, 2 + NONCE_BYTES + PROOF_BYTES);
        int version = b.getShort() & 0xffff;
        byte[] nonce = new byte[NONCE_BYTES];
        byte[] proof = new byte[PROOF_BYTES];
        b.get(nonce).get(proof);
        byte[] name = new byte[b.remaining()];
        b.get(name);
        return new Auth(version, nonce, proof, new String(name, StandardCharsets.UTF_8));
    }

    static byte[] primaryProof(SyncKey key, byte[] nonceB, byte[] nonceP, String name) {
        return key.mac(bytes("primary"), nonceB, nonceP, name.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] backupProof(SyncKey key, byte[] nonceP, byte[] nonceB) {
        return key.mac(bytes("backup"), nonceP, nonceB);
    }

    static byte[] welcomeProof(Frame f) {
        ByteBuffer b = payload(f, Frame.Type.WELCOME, PROOF_BYTES);
        if (b.remaining() != PROOF_BYTES) {
            throw new IllegalArgumentException("WELCOME of " + b.remaining() + " bytes");
        }
        byte[] proof = new byte[PROOF_BYTES];
        b.get(proof);
        return proof;
    }

    static byte[] sessionKey(SyncKey key, byte[] nonceB, byte[] nonceP) {
        return key.mac(bytes("session"), nonceB, nonceP);
    }

    static Frame refused(String reason) {
        return new Frame(Frame.Type.REFUSED, bytes(reason));
    }

    static String reason(Frame f) {
        return new String(f.payload(), StandardCharsets.UTF_8);
    }

    private static ByteBuffer payload(Frame f, Frame.Type want, int atLeast) {
        if (f.type() != want) {
            throw new IllegalArgumentException("expected " + want + ", got " + f.type());
        }
        byte[] p = f.payload();
        if (p.length < atLeast) {
            throw new IllegalArgumentException(want + " of " + p.length + " bytes, needs at least " + atLeast);
        }
        return ByteBuffer.wrap(p);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
