package dev.nfsrepl.node;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A node's configuration file: java.util.Properties whose keys are the long option names of
 * {@code serve} without their dashes ({@code export = /srv/data}, {@code peer = b1=10.0.0.2:20050});
 * it supplies defaults, so flags on the command line override it. An unknown key is an error (a
 * misspelt setting must not silently fall back to its default).
 */
final class ConfigFile {

    private ConfigFile() {
    }

    static CommandLine.IDefaultValueProvider load(Path file, CommandSpec spec) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IOException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        Set<String> known = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            known.add(o.longestName().replaceFirst("^--", ""));
        }
        for (String k : p.stringPropertyNames()) {
            if (!known.contains(k) || k.equals("config") || k.equals("help") || k.equals("version")) {
                throw new IllegalArgumentException(file + ": unknown setting '" + k + "' (settings are the options of "
                        + "'nfsrepl serve --help' without their dashes)");
            }
        }
        return new CommandLine.PropertiesDefaultProvider(p);
    }
}
