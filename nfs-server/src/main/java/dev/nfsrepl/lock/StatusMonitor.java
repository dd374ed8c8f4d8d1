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
 * runs and moved on at every start, and the client hosts that took locks here, which it notifies
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
 * Not thread-safe: its owner serializes calls.
 */
public final class StatusMonitor {

    /** A monitored client host: its name, its address, and the server address it sent its requests to. */
    public record Client(String name, InetAddress address, InetAddress server) {
    }

    private final Path dir;
    private final int maxHosts;
    private final int state;
    private final List<Client> previous;
    private final Map<String, Client> monitored = new LinkedHashMap<>();

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
        int next = (last % 2 == 0 ? last + 1 : last + 2) & 0x7fffffff;
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

    private static InetAddress numeric(String s) {
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

    /**
     * Monitors {@code c} (durably) unless it already is at the same addresses.
     *
     * @return false when {@code maxHosts} are monitored already and {@code c} is not one of them
     */
    public boolean monitor(Client c) throws IOException {
        Client known = monitored.get(c.name());
        if (c.equals(known)) {
            return true;
        }
        if (known == null && monitored.size() >= maxHosts) {
            return false;
        }
        monitored.put(c.name(), c);
        try {
            persist();
        } catch (IOException e) {
            if (known == null) {
                monitored.remove(c.name());
            } else {
                monitored.put(c.name(), known);
            }
            throw e;
        }
        return true;
    }

    /** The monitored host of this name, or null. */
    public Client get(String name) {
        return monitored.get(name);
    }

    /** Forgets {@code name} (durably): it restarted, its locks are gone. */
    public void forget(String name) throws IOException {
        if (monitored.remove(name) != null) {
            persist();
        }
    }

    private void persist() throws IOException {
        StringBuilder b = new StringBuilder();
        for (Client c : monitored.values()) {
            b.append(URLEncoder.encode(c.name(), StandardCharsets.UTF_8)).append(' ')
                    .append(c.address().getHostAddress()).append(' ').append(c.server().getHostAddress()).append('\n');
        }
        Durable.replace(dir.resolve("monitors"), b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
