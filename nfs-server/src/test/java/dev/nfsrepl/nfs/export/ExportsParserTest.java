package dev.nfsrepl.nfs.export;

import static dev.nfsrepl.nfs.export.ClientSpecTest.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfsrepl.nfs.export.ExportOptions.Squash;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExportsParserTest {

    static final Map<String, List<InetAddress>> DNS = Map.of(
            "backup.example.com", List.of(ip("192.0.2.50")),
            "laptop", List.of(ip("192.0.2.60"), ip("2001:db8::60")));

    static Exports parse(String text) throws ExportsFileException {
        return new ExportsParser("test-exports", name -> DNS.getOrDefault(name, List.of())).parse(text);
    }

    static ExportOptions optionsFor(Exports exports, int index, String client) {
        return exports.all().get(index).optionsFor(ip(client)).orElseThrow();
    }

    static final String REALISTIC = String.join("\n",
            "# /etc/nfsrepl/exports",
            "#",
            "# localdir   [-defaultopts]   client(opts) ...",
            "",
            "/srv/data   -fsid=7,pseudo=/data   10.0.0.0/8(rw,no_root_squash) \\",
            "            192.168.1.0/24(all_squash,anonuid=1000,anongid=1000)   # office LAN",
            "/srv/pub    *(ro,insecure)        # world-readable",
            "   ",
            "/srv/home -async  2001:db8::/32(rw) \\",
            "\t\tbackup.example.com(rw,no_root_squash) \\   ",
            "   laptop",
            "# end",
            "");

    @Test
    void parsesRealisticFile() throws Exception {
        Exports exports = parse(REALISTIC);
        assertEquals(3, exports.all().size());

        Export data = exports.all().get(0);
        assertEquals(Path.of("/srv/data"), data.localDir());
        assertEquals("/data", data.pseudoPath());
        assertEquals(7, data.fsid());
        assertEquals(2, data.clients().size());
        assertEquals("10.0.0.0/8", data.clients().get(0).spec().toString());
        assertEquals("192.168.1.0/24", data.clients().get(1).spec().toString());
        assertEquals(new ExportOptions(false, Squash.NONE, 65534, 65534, true, true), data.clients().get(0).options());
        assertEquals(new ExportOptions(true, Squash.ALL, 1000, 1000, true, true), data.clients().get(1).options());

        Export pub = exports.all().get(1);
        assertEquals("/srv/pub", pub.pseudoPath());
        assertEquals(Export.derivedFsid("/srv/pub"), pub.fsid());
        assertEquals(new ExportOptions(true, Squash.ROOT, 65534, 65534, false, true), optionsFor(exports, 1, "203.0.113.9"));

        Export home = exports.all().get(2);
        assertEquals("/srv/home", home.pseudoPath());
        assertEquals(0x2c118b68, home.fsid()); // zlib.crc32(b"/srv/home")
        assertEquals(List.of("2001:db8::/32", "backup.example.com", "laptop"),
                home.clients().stream().map(c -> c.spec().toString()).toList());
        assertEquals(new ExportOptions(false, Squash.ROOT, 65534, 65534, true, false), optionsFor(exports, 2, "2001:db8::1"));
        assertEquals(Squash.NONE, optionsFor(exports, 2, "192.0.2.50").squash());
        assertEquals(new ExportOptions(true, Squash.ROOT, 65534, 65534, true, false), optionsFor(exports, 2, "192.0.2.60"));
        assertFalse(optionsFor(exports, 2, "2001:db8::60").readOnly()); // 2001:db8::/32 comes first
        assertTrue(home.optionsFor(ip("192.0.2.51")).isEmpty());

        assertEquals(data, exports.byPseudoPath("/data/").orElseThrow());
        assertEquals(home, exports.byFsid(0x2c118b68).orElseThrow());
    }

    @Test
    void crlfLineEndingsAreAccepted() throws Exception {
        Exports exports = parse("# c\r\n/a *(rw)\r\n/b \\\r\n *\r\n");
        assertEquals(2, exports.all().size());
        assertFalse(optionsFor(exports, 0, "10.0.0.1").readOnly());
    }

    @Test
    void emptyFileHasNoExports() throws Exception {
        assertTrue(parse("").all().isEmpty());
        assertTrue(parse("# nothing\n\n   \n").all().isEmpty());
    }

    @Test
    void defaults() throws Exception {
        Exports exports = parse("/srv/./a/ *");
        Export e = exports.all().get(0);
        assertEquals(Path.of("/srv/a"), e.localDir());
        assertEquals("/srv/a", e.pseudoPath());
        assertEquals(Export.derivedFsid("/srv/a"), e.fsid());
        assertEquals(ExportOptions.DEFAULTS, optionsFor(exports, 0, "10.0.0.1"));
    }

    @Test
    void clientOptionsOverrideDefaultOptions() throws Exception {
        Exports exports = parse("/srv -rw,all_squash,anonuid=5,insecure,async "
                + "10.0.0.1(ro) 10.0.0.2(no_all_squash,secure) 10.0.0.3 10.0.0.4(anongid=9,sync)");
        assertEquals(new ExportOptions(true, Squash.ALL, 5, 65534, false, false), optionsFor(exports, 0, "10.0.0.1"));
        assertEquals(new ExportOptions(false, Squash.ROOT, 5, 65534, true, false), optionsFor(exports, 0, "10.0.0.2"));
        assertEquals(new ExportOptions(false, Squash.ALL, 5, 65534, false, false), optionsFor(exports, 0, "10.0.0.3"));
        assertEquals(new ExportOptions(false, Squash.ALL, 5, 9, false, true), optionsFor(exports, 0, "10.0.0.4"));
    }

    @Test
    void squashFlagsCombineAsInExports5() throws Exception {
        Exports exports = parse("/srv -no_root_squash 10.0.0.1(all_squash) 10.0.0.2(all_squash,no_all_squash) "
                + "10.0.0.3 10.0.0.4(no_all_squash,root_squash) 10.0.0.5(rw,ro)");
        assertEquals(Squash.ALL, optionsFor(exports, 0, "10.0.0.1").squash());
        assertEquals(Squash.NONE, optionsFor(exports, 0, "10.0.0.2").squash());
        assertEquals(Squash.NONE, optionsFor(exports, 0, "10.0.0.3").squash());
        assertEquals(Squash.ROOT, optionsFor(exports, 0, "10.0.0.4").squash());
        assertTrue(optionsFor(exports, 0, "10.0.0.5").readOnly()); // later option wins
    }

    @Test
    void firstMatchingClientWins() throws Exception {
        Exports exports = parse("/srv 10.1.0.0/16(rw) 10.0.0.0/8(ro,no_root_squash) 10.1.2.3(rw,all_squash) *(all_squash)\n"
                + "/lan 10.0.0.0/8(rw)");
        assertFalse(optionsFor(exports, 0, "10.1.2.3").readOnly());
        assertEquals(Squash.ROOT, optionsFor(exports, 0, "10.1.2.3").squash());
        assertEquals(new ExportOptions(true, Squash.NONE, 65534, 65534, true, true), optionsFor(exports, 0, "10.2.0.1"));
        assertEquals(Squash.ALL, optionsFor(exports, 0, "11.0.0.1").squash());
        assertEquals(Squash.ALL, optionsFor(exports, 0, "2001:db8::1").squash());
        assertTrue(exports.all().get(1).optionsFor(ip("11.0.0.1")).isEmpty());
    }

    @Test
    void unresolvableHostMatchesNobody() throws Exception {
        Exports exports = parse("/srv nowhere.invalid(rw) 10.0.0.0/8");
        assertTrue(optionsFor(exports, 0, "10.0.0.1").readOnly());
        assertTrue(exports.all().get(0).optionsFor(ip("192.0.2.1")).isEmpty());
    }

    @Test
    void parsesFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("exports");
        Files.writeString(file, "/srv 127.0.0.1(rw)\n");
        assertEquals(1, Exports.parse(file).all().size());

        Files.writeString(file, "# comment\n\n/srv *(rww)\n");
        ExportsFileException e = assertThrows(ExportsFileException.class, () -> Exports.parse(file));
        assertEquals(file + ":3: unknown option 'rww'", e.getMessage());
        assertEquals(file.toString(), e.sourceName());
        assertEquals(3, e.lineNumber());
        assertEquals("unknown option 'rww'", e.detail());
    }

    @Test
    void publicParseUsesSourceName() {
        ExportsFileException e = assertThrows(ExportsFileException.class,
                () -> Exports.parse("/srv *(rww)", "/etc/nfsrepl/exports"));
        assertEquals("/etc/nfsrepl/exports:1: unknown option 'rww'", e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # text ('~' is a newline)                  | line | message detail
        /srv *(rww)                                 | 1    | unknown option 'rww'
        "# a~~/srv *(rw,rww)"                       | 3    | unknown option 'rww'
        /srv -bogus *                               | 1    | unknown option 'bogus'
        srv *                                       | 1    | export directory must be an absolute path, not 'srv'
        ./srv *                                     | 1    | export directory must be an absolute path, not './srv'
        /a *~*(rw) /b                               | 2    | export directory must be an absolute path, not '*(rw)'
        /srv                                        | 1    | no clients for '/srv'
        /srv -rw                                    | 1    | no clients for '/srv'
        /srv -rw # *                                | 1    | no clients for '/srv'
        /srv (rw)                                   | 1    | options '(rw)' without a client
        /srv host (rw)                              | 1    | options '(rw)' without a client
        /srv * -rw                                  | 1    | default options '-rw' must come right after the directory
        /srv *(rw                                   | 1    | bad client '*(rw'
        /srv *rw)                                   | 1    | bad client '*rw)'
        /srv *(rw)(ro)                              | 1    | bad client '*(rw)(ro)'
        /srv *(rw,                                  | 1    | bad client '*(rw,'
        /srv *()                                    | 1    | empty option list in '*()'
        /srv - *                                    | 1    | empty option list in '-'
        /srv *(rw,,sync)                            | 1    | empty option in '*(rw,,sync)'
        /srv *(rw=1)                                | 1    | option 'rw' takes no value
        /srv *(anonuid=x)                           | 1    | option 'anonuid' needs an unsigned 32-bit number
        /srv *(anonuid)                             | 1    | option 'anonuid' needs an unsigned 32-bit number
        /srv *(anongid=-1)                          | 1    | option 'anongid' needs an unsigned 32-bit number
        /srv -fsid=4294967296 *                     | 1    | option 'fsid' needs an unsigned 32-bit number
        /srv -fsid=root *                           | 1    | option 'fsid' needs an unsigned 32-bit number
        /srv -fsid *                                | 1    | option 'fsid' needs a value
        /srv *(fsid=1)                              | 1    | option 'fsid' is only allowed in the export's default options
        /srv *(pseudo=/x)                           | 1    | option 'pseudo' is only allowed in the export's default options
        /srv -pseudo= *                             | 1    | option 'pseudo' needs a value
        /srv -pseudo=data *                         | 1    | pseudo path must be absolute: 'data'
        /srv -pseudo=/a/../b *                      | 1    | pseudo path must not contain '..': '/a/../b'
        /srv -pseudo=/a/ *                          | 1    | pseudo path must be normalized
        /srv -pseudo=/a//b *                        | 1    | pseudo path must be normalized
        /srv 10.0.0.0/33                            | 1    | bad network '10.0.0.0/33': prefix length must be 0..32
        /srv 10.0.0.0/                              | 1    | bad network '10.0.0.0/': prefix length must be 0..32
        /srv 10.0.0.0/abc(rw)                       | 1    | bad network '10.0.0.0/abc': prefix length must be 0..32
        /srv 2001:db8::/129                         | 1    | bad network '2001:db8::/129': prefix length must be 0..128
        /srv 10.0.0/8                               | 1    | bad network '10.0.0/8': '10.0.0' is not an IP address
        /srv 10.0.0.256                             | 1    | bad client '10.0.0.256'
        /srv foo_bar(rw)                            | 1    | bad client 'foo_bar'
        /srv *.example.com                          | 1    | bad client '*.example.com'
        /a *~/b *~/a/ *                             | 3    | duplicate pseudo path '/a' (also on line 1)
        /a *~/b -pseudo=/a *                        | 2    | duplicate pseudo path '/a' (also on line 1)
        /a -fsid=1 *~/b -fsid=1 *                   | 2    | duplicate fsid 1 (also on line 1)
        /srv \\~ 10.0.0.1 \\~ *(nope)                | 3    | unknown option 'nope'
        """)
    void errorsNameFileAndLine(String text, int line, String detail) {
        String source = text.replace('~', '\n');
        ExportsFileException e = assertThrows(ExportsFileException.class, () -> parse(source));
        assertTrue(e.getMessage().startsWith("test-exports:" + line + ": " + detail),
                () -> "message was: " + e.getMessage());
        assertEquals(line, e.lineNumber());
        assertEquals("test-exports", e.sourceName());
    }
}
