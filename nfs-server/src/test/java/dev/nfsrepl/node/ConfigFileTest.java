package dev.nfsrepl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve --config FILE}: the file gives defaults, flags override them, unknown keys are refused. */
class ConfigFileTest {

    @TempDir
    Path tmp;

    private Main.Serve parse(Path config, String... flags) throws Exception {
        CommandLine top = new CommandLine(new Main());
        CommandLine serve = top.getSubcommands().get("serve");
        serve.setDefaultValueProvider(ConfigFile.load(config, serve.getCommandSpec()));
        String[] args = new String[flags.length + 1];
        args[0] = "serve";
        System.arraycopy(flags, 0, args, 1, flags.length);
        top.parseArgs(args);
        return serve.getCommand();
    }

    @Test
    void theFileGivesSettingsAndFlagsOverrideThem() throws Exception {
        Path f = tmp.resolve("node.conf");
        Files.writeString(f, """
                # a backup
                role = backup
                export = /srv/copy
                nfs-port = 3049
                peer = b1=10.0.0.2:20050,b2=10.0.0.3:20050
                replication-mode = sync
                """);
        Main.Serve s = parse(f, "--nfs-port", "4049");
        assertEquals(ReplicationOptions.Role.backup, s.repl.role);
        assertEquals(Path.of("/srv/copy"), s.export);
        assertEquals(4049, s.nfsPort, "a flag overrides the file");
        assertEquals(ReplicationOptions.Mode.sync, s.repl.mode);
        assertEquals(List.of("b1", "b2"), s.repl.parsedPeers().stream().map(ReplicationOptions.Peer::name).toList());
        assertEquals(20048, s.mountPort, "a setting the file does not give keeps its documented default");
    }

    @Test
    void anUnknownSettingIsAnErrorNamingTheFileAndTheKey() throws Exception {
        Path f = tmp.resolve("node.conf");
        Files.writeString(f, "exprot = /srv/data\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(f));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("'exprot'"), e.getMessage());
    }
}
