package dev.nfsrepl.nfs.export;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parser of exports files, in the style of Linux exports(5).
 *
 * <h2>Grammar</h2>
 * <pre>
 * file        := { line }
 * line        := blank | comment | export [ comment ]
 * comment     := '#' anything-to-end-of-line
 * export      := localdir [ '-' defaultopts ] client { client }
 * client      := spec [ '(' opts ')' ]
 * spec        := '*' | address | address '/' prefixlen | hostname
 * defaultopts := opts
 * opts        := opt { ',' opt }
 * opt         := 'ro' | 'rw' | 'root_squash' | 'no_root_squash' | 'all_squash' | 'no_all_squash'
 *              | 'anonuid=' uint32 | 'anongid=' uint32 | 'secure' | 'insecure' | 'sync' | 'async'
 *              | 'pseudo=' abspath | 'fsid=' uint32          (these two in defaultopts only)
 * </pre>
 *
 * <p>Lexical rules:
 * <ul>
 * <li>The parts of an export are separated by whitespace; there is none inside {@code client(opts)}.
 *     A {@code (opts)} with no client before it is an error (in exports(5), {@code host (rw)}
 *     silently means {@code host} with defaults and everyone else read-write).</li>
 * <li>{@code #} starts a comment anywhere on a line. A line whose last non-blank character (before
 *     any comment) is a backslash continues on the next line.</li>
 * <li>{@code localdir} must be absolute; it is normalized lexically ({@code /srv/./a/} is
 *     {@code /srv/a}). {@code address} is an IPv4 or IPv6 literal, {@code prefixlen} 0..32 or 0..128.
 *     A {@code hostname} is resolved once, while parsing; if it does not resolve, a warning is
 *     logged and the entry matches no client.</li>
 * </ul>
 *
 * <p>Each client's options start from the exports(5) defaults ({@link ExportOptions#DEFAULTS}), then
 * the line's {@code defaultopts}, then the client's own {@code opts}; within them, later options win.
 * {@code pseudo} (default: {@code localdir}) must be absolute and normalized and unique in the file.
 * {@code fsid} (default: {@link Export#derivedFsid}) must be unique in the file too.
 */
final class ExportsParser {

    private static final Logger LOG = LoggerFactory.getLogger(ExportsParser.class);

    /** One whitespace-separated word and the line it is on. */
    private record Token(String text, int line) {}

    private final String sourceName;
    private final Function<String, List<InetAddress>> resolver;

    ExportsParser(String sourceName) {
        this(sourceName, ExportsParser::resolveHost);
    }

    /** @param resolver host name to addresses, empty if unknown */
    ExportsParser(String sourceName, Function<String, List<InetAddress>> resolver) {
        this.sourceName = sourceName;
        this.resolver = resolver;
    }

    Exports parse(String text) throws ExportsFileException {
        List<Export> exports = new ArrayList<>();
        Map<String, Integer> pseudoLines = new HashMap<>();
        Map<Integer, Integer> fsidLines = new HashMap<>();
        for (List<Token> tokens : logicalLines(text)) {
            Export export = parseExport(tokens);
            int line = tokens.get(0).line();
            Integer previous = pseudoLines.putIfAbsent(export.pseudoPath(), line);
            if (previous != null) {
                throw error(line, "duplicate pseudo path '" + export.pseudoPath() + "' (also on line " + previous + ")");
            }
            previous = fsidLines.putIfAbsent(export.fsid(), line);
            if (previous != null) {
                throw error(line, "duplicate fsid " + Integer.toUnsignedString(export.fsid())
                        + " (also on line " + previous + "); give each export its own '-fsid=N'");
            }
            exports.add(export);
        }
        return Exports.of(exports);
    }

    /** The words of each export, continuation lines joined, comments and blank lines dropped. */
    private static List<List<Token>> logicalLines(String text) {
        List<List<Token>> result = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            line = (hash < 0 ? line : line.substring(0, hash)).stripTrailing();
            boolean continued = line.endsWith("\\");
            if (continued) {
                line = line.substring(0, line.length() - 1);
            }
            for (String word : line.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    current.add(new Token(word, i + 1));
                }
            }
            if (!continued && !current.isEmpty()) {
                result.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            result.add(current); // continued on the last line
        }
        return result;
    }

    private Export parseExport(List<Token> tokens) throws ExportsFileException {
        Token dir = tokens.get(0);
        Path localDir = localDir(dir);
        OptionsBuilder defaults = new OptionsBuilder();
        int next = 1;
        if (next < tokens.size() && tokens.get(next).text().startsWith("-")) {
            Token t = tokens.get(next++);
            applyOptions(defaults, t, t.text().substring(1), true);
        }
        if (next == tokens.size()) {
            throw error(dir.line(), "no clients for '" + dir.text() + "' (use '*' for everyone)");
        }
        List<Export.Client> clients = new ArrayList<>();
        for (Token t : tokens.subList(next, tokens.size())) {
            clients.add(parseClient(t, defaults));
        }
        String pseudo = defaults.pseudoPath() != null ? defaults.pseudoPath() : localDir.toString();
        try {
            return defaults.fsid() != null
                    ? new Export(localDir, pseudo, defaults.fsid(), clients)
                    : new Export(localDir, pseudo, clients);
        } catch (IllegalArgumentException e) {
            throw error(dir.line(), e.getMessage());
        }
    }

    private Path localDir(Token dir) throws ExportsFileException {
        try {
            Path p = Path.of(dir.text());
            if (p.isAbsolute()) {
                return p.normalize();
            }
        } catch (InvalidPathException e) {
            // reported below
        }
        throw error(dir.line(), "export directory must be an absolute path, not '" + dir.text() + "'");
    }

    private Export.Client parseClient(Token t, OptionsBuilder defaults) throws ExportsFileException {
        String text = t.text();
        if (text.startsWith("-")) {
            throw error(t.line(), "default options '" + text + "' must come right after the directory");
        }
        int open = text.indexOf('(');
        if (open == 0) {
            throw error(t.line(), "options '" + text + "' without a client; write the client right before"
                    + " the '(' with no space, e.g. '*" + text + "'");
        }
        int close = text.indexOf(')');
        boolean wellFormed = open < 0 ? close < 0 : close == text.length() - 1 && text.indexOf('(', open + 1) < 0;
        if (!wellFormed) {
            throw error(t.line(), "bad client '" + text + "'; expected client(options) with no spaces inside");
        }
        String spec = open < 0 ? text : text.substring(0, open);
        String opts = open < 0 ? null : text.substring(open + 1, close);
        OptionsBuilder options = defaults.forClient();
        if (opts != null) {
            applyOptions(options, t, opts, false);
        }
        ClientSpec clientSpec;
        try {
            clientSpec = ClientSpec.parse(spec, resolver);
        } catch (IllegalArgumentException e) {
            throw error(t.line(), e.getMessage());
        }
        if (clientSpec instanceof ClientSpec.Host h && h.addresses().isEmpty()) {
            LOG.warn("{}:{}: cannot resolve host '{}'; it will match no client", sourceName, t.line(), spec);
        }
        return new Export.Client(clientSpec, options.build());
    }

    private void applyOptions(OptionsBuilder builder, Token t, String list, boolean exportLevel)
            throws ExportsFileException {
        if (list.isEmpty()) {
            throw error(t.line(), "empty option list in '" + t.text() + "'");
        }
        for (String option : list.split(",", -1)) {
            if (option.isEmpty()) {
                throw error(t.line(), "empty option in '" + t.text() + "'");
            }
            try {
                builder.apply(option, exportLevel);
            } catch (IllegalArgumentException e) {
                throw error(t.line(), e.getMessage());
            }
        }
    }

    private ExportsFileException error(int line, String detail) {
        return new ExportsFileException(sourceName, line, detail);
    }

    /** The system resolver's addresses for {@code host}, empty if it does not resolve. */
    static List<InetAddress> resolveHost(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }
}
