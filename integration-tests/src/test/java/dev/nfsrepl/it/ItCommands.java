package dev.nfsrepl.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs external commands (libnfs's nfs-cp/nfs-cat/nfs-ls, mount, cp) for the integration tests,
 * with a deadline. A command that is not installed fails the test with what to install.
 */
final class ItCommands {

    /** Exit status and combined stdout+stderr of a finished command. */
    record Result(int exit, String output) {
    }

    private ItCommands() {
    }

    /** Runs {@code command}, failing the test if it is missing or does not finish within {@code timeout}. */
    static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
        File out = File.createTempFile("nfsrepl-it-cmd", ".out");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start();
            } catch (IOException e) {
                fail("cannot run " + command[0] + " (" + e.getMessage() + "); install it: "
                        + installHint(command[0]));
                throw e;
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", command) + " did not finish within " + timeout + "; output so far:\n"
                        + Files.readString(out.toPath(), StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }

    /** Runs {@code command} and fails the test unless it exits 0. */
    static String runOk(Duration timeout, String... command) throws IOException, InterruptedException {
        Result r = run(timeout, command);
        if (r.exit() != 0) {
            fail(String.join(" ", command) + " exited " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }

    static String installHint(String tool) {
        if (List.of("nfs-cp", "nfs-cat", "nfs-ls").contains(tool)) {
            return "apt-get install libnfs-utils";
        }
        if (List.of("mount", "umount").contains(tool)) {
            return "apt-get install mount";
        }
        if (List.of("cp", "mkfifo", "stat").contains(tool)) {
            return "apt-get install coreutils";
        }
        return "the Debian package providing '" + tool + "'";
    }
}
