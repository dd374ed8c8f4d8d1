package dev.nfsrepl.console;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nfsrepl-console}: the recovery console. It talks to one node's admin API, found from
 * {@code --node URL --token T} or from the environment ({@code NFSREPL_NODE}, {@code NFSREPL_TOKEN};
 * {@code DIR/demo.env} of {@code nfsrepl demo} sets them for the demo's primary).
 *
 * <p>Exit codes: {@value #OK} done; {@value #USAGE} bad usage (an unknown option, no node given);
 * {@value #UNREACHABLE} the node cannot be reached; {@value #REFUSED} the node refused the token;
 * {@value #BAD_ANSWER} the node answered something unexpected; {@value #NOT_FOUND} no such record,
 * path or export; {@value #CONFLICT} the node refused the request as it stands (a restore into a
 * directory that is not empty, without --force); {@value #JOB_FAILED} a job the node ran failed;
 * {@value #SOME_FAILED} a replay ran but some operations failed (each one's result says why);
 * {@value #DIFFERENT} verify found the trees different (or the other node not caught up). A
 * filter the node cannot use (a bad glob, say) is a usage error.
 */
@Command(name = "nfsrepl-console", mixinStandardHelpOptions = true, version = "nfsrepl-console 0.1",
        description = "The recovery console of an nfsrepl cluster: asks a node's admin API.",
        subcommands = {StatusCommand.class, OpsCommand.class, ShowCommand.class, RestoreCommand.class,
                ReplayCommand.class, CheckpointCommand.class,
                RestorePointCommand.class, VerifyCommand.class, SpillCommand.class, PromoteCommand.class,
                DemoteCommand.class, DivergenceCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "2:bad usage (an unknown option, no node given, a filter the node refused)",
                "3:the node cannot be reached", "4:the node refused the token",
                "5:the node answered something unexpected", "6:no such record, path or export",
                "7:refused as it stands (a restore into a directory that is not empty, without --force)",
                "8:the job failed on the node", "9:a replay ran, but some operations failed (see each one's result)",
                "10:verify: the nodes' trees differ (or the other node did not catch up)"})
public final class Console implements Callable<Integer> {

    static final int OK = 0;
    static final int USAGE = 2;
    static final int UNREACHABLE = 3;
    static final int REFUSED = 4;
    static final int BAD_ANSWER = 5;
    static final int NOT_FOUND = 6;
    static final int CONFLICT = 7;
    static final int JOB_FAILED = 8;
    static final int SOME_FAILED = 9;
    static final int DIFFERENT = 10;

    @Option(names = "--node", paramLabel = "URL", description = "The node's admin API, e.g. http://127.0.0.1:8080 "
            + "(default: $NFSREPL_NODE).")
    String node;

    @Option(names = "--token", paramLabel = "T", description = "The node's admin token (default: $NFSREPL_TOKEN; "
            + "the node names the file that holds it in its log).")
    String token;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    Console(Map<String, String> env) {
        this.env = env;
    }

    /** Without a command: the usage, on stderr, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** The token the options or the environment give (for another node of the same cluster). */
    String token() {
        return token != null ? token : env.get("NFSREPL_TOKEN");
    }

    /** The node the options or the environment name. */
    NodeClient client() throws ConsoleException {
        String url = node != null ? node : env.get("NFSREPL_NODE");
        String t = token != null ? token : env.get("NFSREPL_TOKEN");
        if (url == null || url.isBlank()) {
            throw new ConsoleException(USAGE, "no node: give --node URL, or set NFSREPL_NODE (DIR/demo.env of "
                    + "'nfsrepl demo' sets it for the demo's primary)");
        }
        if (t == null || t.isBlank()) {
            throw new ConsoleException(USAGE, "no token for " + url + ": give --token T, or set NFSREPL_TOKEN");
        }
        return new NodeClient(url.strip(), t.strip());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs the console on {@code args}; returns its exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cl = new CommandLine(new Console(env)).setOut(out).setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConsoleException c) {
                err.println("nfsrepl-console: " + c.getMessage());
                err.flush();
                return c.exitCode();
            }
            throw e;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
