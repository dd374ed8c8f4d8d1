package dev.nfsrepl.lock;

import dev.nfsrepl.replication.io.Durable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of the network status monitor (NSM): the server's state number, odd while it
 * runs and moved on at every start (at least to the odd number of seconds since 2020, so that
 * cluster members that take over from each other keep counting up: a client ignores a restart
 * notice with a state it has seen), and the client hosts that took locks here, which it notifies
 * (SM_NOTIFY) after a restart so that they reclaim them. A host is remembered, durably, before its
 * first lock is granted, so a crash right after cannot forget it; it is forgotten when it says it
 * restarted itself (its locks are freed then).
 *
 * <p>Kept in a directory of the state directory:
 * <pre>
 * state    = 1*DIGIT LF                                  ; the last state number taken
 * monitors = *( name SP client SP server LF )            ; in the order they came
 * name     = the client's caller_name, URL-encoded (UTF-8), so no SP or LF
 * client   = the client's address; server = the address its requests came to (numeric IPv4/IPv6)
 * </pre>
 * Each change is told to a {@link Listener}, which journals it so that the list reaches the
 * backups ({@link #replicated} applies it there): after a failover the new primary notifies the
 * clients of the old one. Changes read the file again and replace it (under one lock per JVM), so
 * replicated changes and local ones do not undo each other. {@link #isMonitored} may be called
 * from any thread; changes are serialized by the owner.
 */
public final class StatusMonitor {

    /** A monitored client host: its name, its address, and the server address it sent its requests to. */
    public record Client(String name, InetAddress address, InetAddress server) {
    }

    /** Told of every change made here, after it is on disk; a failure makes the change fail. */
    public interface Listener {
        void changed(Client c, boolean monitored) throws IOException;
    }

    private static final Object FILES = new Object(); // guards every monitors file of this JVM

    private final Path dir;
    private Listener listener = (c, on) -> {
    };
    private final int maxHosts;
    private final int state;
    private final List<Client> previous;
    private final Map<String, Client> monitored = new java.util.concurrent.ConcurrentHashMap<>();
    /** 2020-01-01T00:00:00Z: state numbers count seconds from it, which fit an int until 2088. */
    private static final long STATE_ORIGIN = 1_577_836_800L;

    private StatusMonitor(Path dir, int maxHosts, int state, List<Client> previous) {
        this.dir = dir;
        this.maxHosts = maxHosts;
        this.state = state;
        this.previous = previous;
        previous.forEach(c -> monitored.put(c.name(), c));
    }

    /**
     * Opens the monitor of {@code dir} (made if missing) for a new start: takes the next odd state
     * number, durably, and remembers who was monitored before it.
     */
    public static StatusMonitor start(Path dir, int maxHosts) throws IOException {
        return start(dir, maxHosts, 0);
    }

    /** As {@link #start(Path, int)}, with the state number at least the odd number of seconds from 2020 to {@code now}. */
    public static StatusMonitor start(Path dir, int maxHosts, long nowEpochSeconds) throws IOException {
        Files.createDirectories(dir);
        Path statePath = dir.resolve("state");
        int last = 0;
        if (Files.exists(statePath)) {
            String text = Files.readString(statePath).strip();
            try {
                last = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IOException(statePath + ": not a state number: '" + text + "'");
            }
        }
        long byTime = Math.max(0, nowEpochSeconds - STATE_ORIGIN) | 1;
        int next = (int) Math.min(Integer.MAX_VALUE, Math.max(last % 2 == 0 ? last + 1L : last + 2L, byTime));
        Durable.replace(statePath, (next + "\n").getBytes(StandardCharsets.US_ASCII));
        return new StatusMonitor(dir, maxHosts, next, read(dir.resolve("monitors")));
    }

    private static List<Client> read(Path file) throws IOException {
        List<Client> list = new ArrayList<>();
        if (!Files.exists(file)) {
            return list;
        }
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            if (f.length != 3) {
                throw new IOException(file + " line " + n + ": want 'name client-address server-address': " + line);
            }
            try {
                list.add(new Client(URLDecoder.decode(f[0], StandardCharsets.UTF_8), numeric(f[1]), numeric(f[2])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + n + ": " + e.getMessage());
            }
        }
        return list;
    }

    /** A numeric IPv4 or IPv6 address (never a name lookup). */
    public static InetAddress numeric(String s) {
        try {
            return com.google.common.net.InetAddresses.forString(s); // (never a name lookup)
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a numeric address: " + s);
        }
    }

    /** This start's state number (odd). */
    public int state() {
        return state;
    }

    /** The hosts monitored when the server last stopped: the ones to notify now. */
    public List<Client> toNotify() {
        return previous;
    }

    public void setListener(Listener l) {
        this.listener = l;
    }

    /**
     * Monitors {@code c} (durably, then told to the listener) unless it already is at the same addresses.
     *
     * @return false when {@code maxHosts} are monitored already and {@code c} is not one of them
     */
    public boolean monitor(Client c) throws IOException {
        if (isMonitored(c)) {
            return true;
        }
        Client known = monitored.get(c.name());
        if (!change(dir, c, true, maxHosts, monitored)) {
            return false;
        }
        try {
            listener.changed(c, true);
        } catch (IOException | RuntimeException e) {
            // not journaled: put back what was there, so that the host's next lock tries again
            try {
                change(dir, known != null ? known : c, known != null, Integer.MAX_VALUE, monitored);
            } catch (IOException again) {
                e.addSuppressed(again);
                monitored.remove(c.name());
            }
            throw e;
        }
        return true;
    }

    /**
     * Tells the listener again of every monitored host (a new primary journals the list it took
     * over, so that its own backups have it for the next failover).
     */
    public void refresh() throws IOException {
        for (Client c : List.copyOf(monitored.values())) {
            listener.changed(c, true);
        }
    }

    /** Whether {@code c} is monitored at these addresses (any thread). */
    public boolean isMonitored(Client c) {
        return c.equals(monitored.get(c.name()));
    }

    /** The names of the monitored hosts. */
    public java.util.Set<String> names() {
        return java.util.Set.copyOf(monitored.keySet());
    }

    /** The monitored host of this name, or null. */
    public Client get(String name) {
        return monitored.get(name);
    }

    /** Forgets {@code name} (durably, then told to the listener): it restarted, its locks are gone. */
    public void forget(String name) throws IOException {
        Client c = monitored.get(name);
        if (c != null) {
            change(dir, c, false, maxHosts, monitored);
            listener.changed(c, false);
        }
    }

    /** Applies a change journaled by the primary to the monitors of {@code dir} (a backup's; no limit there). */
    public static void replicated(Path dir, Client c, boolean monitored) throws IOException {
        Files.createDirectories(dir);
        change(dir, c, monitored, Integer.MAX_VALUE, new LinkedHashMap<>());
    }

    /** An address as the file and the journal write it: numeric, without an IPv6 scope. */
    public static String text(InetAddress a) {
        return com.google.common.net.InetAddresses.toAddrString(a).replaceFirst("%.*$", "");
    }

    /** Reads the file, makes the change, replaces the file; {@code view} gets the result. False: full. */
    private static boolean change(Path dir, Client c, boolean on, int maxHosts, Map<String, Client> view)
            throws IOException {
        synchronized (FILES) {
            Map<String, Client> all = new LinkedHashMap<>();
            read(dir.resolve("monitors")).forEach(x -> all.put(x.name(), x));
            if (on) {
                if (!all.containsKey(c.name()) && all.size() >= maxHosts) {
                    return false;
                }
                all.put(c.name(), c);
            } else if (all.remove(c.name()) == null) {
                view.clear();
                view.putAll(all);
                return true;
            }
            StringBuilder b = new StringBuilder();
            for (Client x : all.values()) {
                b.append(URLEncoder.encode(x.name(), StandardCharsets.UTF_8)).append(' ')
                        .append(text(x.address())).append(' ').append(text(x.server()))
                        .append('\n');
            }
            Durable.replace(dir.resolve("monitors"), b.toString().getBytes(StandardCharsets.UTF_8));
            view.clear();
            view.putAll(all);
            return true;
        }
    }
}
