package dev.nfsrepl.nfs.export;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Which clients an export rule applies to: {@code *}, an address, a CIDR network or a host name.
 *
 * <p>Addresses are compared in IPv6 form, an IPv4 address {@code a.b.c.d} being taken as
 * {@code ::ffff:a.b.c.d}. So a client seen as an IPv4-mapped IPv6 address (as on a dual-stack
 * socket) matches IPv4 specs, and {@code ::ffff:10.0.0.0/104} is the same network as
 * {@code 10.0.0.0/8}. Scope ids of link-local addresses are ignored.
 */
public sealed interface ClientSpec {

    /** Whether a request from {@code client} is covered by this spec. */
    boolean matches(InetAddress client);

    /** {@code *}: every client. */
    record Anyone() implements ClientSpec {
        @Override
        public boolean matches(InetAddress client) {
            return true;
        }

        @Override
        public String toString() {
            return "*";
        }
    }

    /**
     * A network {@code address/prefixLength}; a single address has the full prefix length
     * (32 for an {@link Inet4Address}, 128 otherwise). Host bits of {@code address} are ignored.
     */
    record Network(InetAddress address, int prefixLength) implements ClientSpec {
        public Network {
            Objects.requireNonNull(address, "address");
            int max = address.getAddress().length * 8;
            if (prefixLength < 0 || prefixLength > max) {
                throw new IllegalArgumentException("prefix length must be 0.." + max + ", not " + prefixLength);
            }
        }

        /** A single address. */
        public static Network of(InetAddress address) {
            return new Network(address, address.getAddress().length * 8);
        }

        @Override
        public boolean matches(InetAddress client) {
            int bits = address instanceof Inet4Address ? prefixLength + 96 : prefixLength;
            byte[] net = v6Bytes(address);
            byte[] c = v6Bytes(client);
            int whole = bits / 8;
            if (!Arrays.equals(net, 0, whole, c, 0, whole)) {
                return false;
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (net[whole] & mask) == (c[whole] & mask);
        }

        @Override
        public String toString() {
            String a = InetAddresses.toAddrString(address);
            return prefixLength == address.getAddress().length * 8 ? a : a + "/" + prefixLength;
        }
    }

    /** A host name, resolved once (when the spec is made) to {@code addresses}; matches none if unresolvable. */
    record Host(String name, List<InetAddress> addresses) implements ClientSpec {
        public Host {
            Objects.requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
        }

        @Override
        public boolean matches(InetAddress client) {
            byte[] c = v6Bytes(client);
            return addresses.stream().anyMatch(a -> Arrays.equals(v6Bytes(a), c));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Parses a spec, resolving a host name with the system resolver. */
    static ClientSpec parse(String text) {
        return parse(text, ExportsParser::resolveHost);
    }

    /**
     * Parses {@code *}, an IPv4/IPv6 address, {@code address/prefixlen} or a host name, resolving
     * host names with {@code resolver}.
     *
     * @throws IllegalArgumentException if {@code text} is none of these
     */
    static ClientSpec parse(String text, Function<String, List<InetAddress>> resolver) {
        if (text.equals("*")) {
            return new Anyone();
        }
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        if (InetAddresses.isInetAddress(addr)) {
            InetAddress a = InetAddresses.forString(addr);
            boolean mappedV4 = addr.contains(":") && a instanceof Inet4Address; // e.g. ::ffff:10.0.0.1
            int max = addr.contains(":") ? 128 : 32;
            int prefix = slash < 0 ? max : parsePrefix(text, text.substring(slash + 1), max);
            if (mappedV4 && prefix < 96) {
                throw new IllegalArgumentException("prefix length of IPv4-mapped network '" + text + "' must be at least 96");
            }
            return new Network(a, mappedV4 ? prefix - 96 : prefix);
        }
        if (slash >= 0) {
            throw new IllegalArgumentException("bad network '" + text + "': '" + addr + "' is not an IP address");
        }
        if (!isHostName(text)) {
            throw new IllegalArgumentException("bad client '" + text + "': not '*', an IP address, a network or a host name");
        }
        return new Host(text, resolver.apply(text));
    }

    /** Letters-digits-hyphens labels, the last one not all digits (so "10.1.2" is no host name). */
    private static boolean isHostName(String text) {
        String label = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
        return text.matches("(?i)(?:" + label + "\\.)*(?=[a-z0-9-]*[a-z])" + label + "\\.?");
    }

    private static int parsePrefix(String text, String prefix, int max) {
        if (!prefix.matches("[0-9]{1,3}") || Integer.parseInt(prefix) > max) {
            throw new IllegalArgumentException("bad network '" + text + "': prefix length must be 0.." + max);
        }
        return Integer.parseInt(prefix);
    }

    /** The address as 16 bytes, IPv4 as IPv4-mapped IPv6. */
    private static byte[] v6Bytes(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            return b;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(b, 0, mapped, 12, 4);
        return mapped;
    }
}
