package dev.nfsrepl.nfs.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientSpecTest {

    static InetAddress ip(String literal) {
        return InetAddresses.forString(literal);
    }

    /** {@code ::ffff:a.b.c.d} as a real Inet6Address (as some sockets report IPv4 clients). */
    static InetAddress mapped(String ipv4) throws UnknownHostException {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(ip(ipv4).getAddress(), 0, b, 12, 4);
        return Inet6Address.getByAddress(null, b, -1);
    }

    static boolean matches(String spec, String client) {
        return ClientSpec.parse(spec).matches(ip(client));
    }

    @Test
    void starMatchesEveryone() {
        ClientSpec star = ClientSpec.parse("*");
        assertInstanceOf(ClientSpec.Anyone.class, star);
        assertTrue(star.matches(ip("10.0.0.1")));
        assertTrue(star.matches(ip("2001:db8::1")));
        assertEquals("*", star.toString());
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "10.0.0.0/8,       10.255.1.2,     true",
        "10.0.0.0/8,       11.0.0.1,       false",
        "10.0.0.0/8,       9.255.255.255,  false",
        "10.1.2.3/8,       10.9.9.9,       true",   // host bits ignored
        "192.168.0.0/23,   192.168.1.255,  true",
        "192.168.0.0/23,   192.168.2.0,    false",
        "0.0.0.0/0,        203.0.113.7,    true",
        "0.0.0.0/0,        2001:db8::1,    false",
        "10.0.0.1,         10.0.0.1,       true",
        "10.0.0.1,         10.0.0.2,       false",
        "10.0.0.1/32,      10.0.0.1,       true",
        "2001:db8::/32,    2001:db8:1::5,  true",
        "2001:db8::/32,    2001:db9::1,    false",
        "2001:db8::/32,    10.0.0.1,       false",
        "fe80::/10,        fe80::1234,     true",
        "fe80::/10,        fec0::1,        false",
        "2001:db8::/127,   2001:db8::1,    true",
        "2001:db8::/127,   2001:db8::2,    false",
        "::1,              ::1,            true",
        "::1,              ::2,            false",
        "::1,              127.0.0.1,      false",
        "::/0,             2001:db8::1,    true",
        "::ffff:10.0.0.0/104, 10.1.2.3,    true",
        "::ffff:10.0.0.0/104, 11.1.2.3,    false",
        "::ffff:10.0.0.1,  10.0.0.1,       true",
    })
    void addressesAndNetworks(String spec, String client, boolean expected) {
        assertEquals(expected, matches(spec, client));
    }

    @Test
    void ipv4MappedClientMatchesIpv4Specs() throws Exception {
        assertTrue(ClientSpec.parse("10.0.0.0/8").matches(mapped("10.20.30.40")));
        assertFalse(ClientSpec.parse("10.0.0.0/8").matches(mapped("11.20.30.40")));
        assertTrue(ClientSpec.parse("192.168.1.7").matches(mapped("192.168.1.7")));
        assertTrue(ClientSpec.parse("::ffff:10.0.0.0/104").matches(mapped("10.1.1.1")));
        assertFalse(ClientSpec.parse("2001:db8::/32").matches(mapped("10.1.1.1")));
    }

    @Test
    void hostNameMatchesItsResolvedAddresses() throws Exception {
        Map<String, List<InetAddress>> dns = Map.of("nas.example.com", List.of(ip("192.0.2.10"), ip("2001:db8::10")));
        ClientSpec host = ClientSpec.parse("nas.example.com", name -> dns.getOrDefault(name, List.of()));
        assertInstanceOf(ClientSpec.Host.class, host);
        assertTrue(host.matches(ip("192.0.2.10")));
        assertTrue(host.matches(mapped("192.0.2.10")));
        assertTrue(host.matches(ip("2001:db8::10")));
        assertFalse(host.matches(ip("192.0.2.11")));
        assertEquals("nas.example.com", host.toString());

        ClientSpec unknown = ClientSpec.parse("ghost.example.com", name -> dns.getOrDefault(name, List.of()));
        assertFalse(unknown.matches(ip("192.0.2.10")));
    }

    @Test
    void hostNameIsResolvedOnlyOnce() {
        int[] calls = {0};
        ClientSpec host = ClientSpec.parse("nas", name -> {
            calls[0]++;
            return List.of(ip("192.0.2.10"));
        });
        host.matches(ip("192.0.2.10"));
        host.matches(ip("192.0.2.11"));
        assertEquals(1, calls[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/8", "2001:db8::/32", "10.0.0.1", "::1", "*", "fe80::/10"})
    void toStringIsTheSpec(String spec) {
        assertEquals(spec, ClientSpec.parse(spec).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "::1/129", "10.0.0.0/8/8",
        "host.example.com/24", "10.0.0.300", "10.1.2", "::ffff:10.0.0.0/95", "foo_bar", "*.example.com",
        "@netgroup", "",
    })
    void badSpecs(String spec) {
        assertThrows(IllegalArgumentException.class, () -> ClientSpec.parse(spec, name -> List.of()));
    }

    @Test
    void networkRecordValidatesPrefix() {
        assertThrows(IllegalArgumentException.class, () -> new ClientSpec.Network(ip("10.0.0.0"), 33));
        assertEquals(128, ClientSpec.Network.of(ip("::1")).prefixLength());
    }
}
