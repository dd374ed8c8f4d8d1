package dev.nfsrepl.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfsrepl.journal.JournalTool;
import dev.nfsrepl.journal.Replay;
import dev.nfsrepl.replication.log.RecoveryReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nfsrepl journal dump|verify|stats|replay}: read a journal; rebuild a tree from it. */
@Command(name = "journal", mixinStandardHelpOptions = true,
        description = "Read an export's journal (never changing it), or rebuild a tree from it.",
        subcommands = {JournalCommand.Dump.class, JournalCommand.Verify.class, JournalCommand.Stats.class,
                JournalCommand.ReplayInto.class})
final class JournalCommand {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Options every subcommand takes. */
    static class Where {
        @Option(names = "--journal", required = true, description = "The journal directory: the one given to "
                + "serve --journal (when it holds one export), or one export's directory in it.")
        Path journal;

        Path exportJournal() throws java.io.IOException {
            return JournalTool.exportJournal(journal);
        }
    }

    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = "Print the records, oldest first, one per line; paths are derived from FileIds.")
    static final class Dump extends Where implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON object per line (seq, time, op, path, ...).")
        boolean json;

        @Option(names = "--from-seq", defaultValue = "0", description = "Start at this sequence number.")
        long fromSeq;

        @Option(names = "--limit", defaultValue = "" + Long.MAX_VALUE, description = "Print at most this many.")
        long limit;

        @Override
        public Integer call() throws Exception {
            JournalTool.dump(exportJournal(), fromSeq, limit, f -> {
                try {
                    System.out.println(json ? JSON.writeValueAsString(f) : RecordViewLine.of(f));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            });
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every record's checksum and encoding; exit 1 and name the damage if any.")
    static final class Verify extends Where implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            JournalTool.Stats s = JournalTool.stats(exportJournal());
            System.out.printf("%d records #%d..#%d in %d segments (%d bytes)%n", s.records(), s.firstSeq(),
                    s.lastSeq(), s.segments(), s.bytes());
            for (RecoveryReport.Cut c : s.damage()) {
                System.out.println("DAMAGED: " + c);
            }
            System.out.println(s.damage().isEmpty() ? "OK" : "DAMAGED");
            return s.damage().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Records and bytes by operation.")
    static final class Stats extends Where implements Callable<Integer> {
        @Option(names = "--json", description = "As one JSON object.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            JournalTool.Stats s = JournalTool.stats(exportJournal());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("records", s.records());
            m.put("firstSeq", s.firstSeq());
            m.put("lastSeq", s.lastSeq());
            m.put("bytes", s.bytes());
            m.put("segments", s.segments());
            m.put("byOp", s.countByType());
            m.put("writeDataBytes", s.dataBytesByType().getOrDefault(dev.nfsrepl.replication.record.OpType.WRITE, 0L));
            m.put("damaged", !s.damage().isEmpty());
            if (json) {
                System.out.println(JSON.writeValueAsString(m));
            } else {
                m.forEach((k, v) -> System.out.println(k + ": " + v));
            }
            return s.damage().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Rebuild the journaled tree in an empty directory (same FileIds, modes, owners, times).")
    static final class ReplayInto extends Where implements Callable<Integer> {
        @Option(names = "--into", required = true, description = "An empty (or missing) directory.")
        Path into;

        @Option(names = "--state-dir", description = "Where the rebuilt tree's identity index goes "
                + "(default: INTO.nfsrepl-state beside it).")
        Path stateDir;

        @Override
        public Integer call() throws Exception {
            Path state = stateDir != null ? stateDir
                    : into.toAbsolutePath().resolveSibling(into.getFileName() + ".nfsrepl-state");
            Replay.Result r = JournalTool.replay(exportJournal(), into, state, msg -> System.err.println(msg));
            System.out.printf("replayed into %s: %d applied, %d failed (identity index in %s)%n", into,
                    r.applied(), r.failed(), state);
            return r.failed() == 0 && r.superseded() == 0 ? 0 : 1;
        }
    }

    /** The text form of a dumped record. */
    static final class RecordViewLine {
        static String of(Map<String, Object> f) {
            StringBuilder rest = new StringBuilder();
            f.entrySet().stream().skip(4).forEach(e -> rest.append(' ').append(e.getKey()).append('=').append(e.getValue()));
            return String.format("#%-8s %s %-7s %s %s", f.get("seq"), f.get("time"), f.get("op"), f.get("path"), rest);
        }
    }
}
