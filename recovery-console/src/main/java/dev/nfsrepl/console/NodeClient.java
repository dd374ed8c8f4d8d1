package dev.nfsrepl.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One node's admin API (HTTP + JSON, bearer token), with its failures as {@link ConsoleException}s that name the node. */
final class NodeClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    NodeClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    String base() {
        return base;
    }

    /** GET {@code path}: the JSON of a 200 answer. */
    JsonNode get(String path) throws ConsoleException {
        return send("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    /** POST {@code body} as JSON to {@code path}: the JSON of a 200, 201 or 202 answer. */
    JsonNode post(String path, Object body) throws ConsoleException {
        try {
            return send("POST", path, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private JsonNode send(String method, String path, HttpRequest.BodyPublisher body) throws ConsoleException {
        URI uri;
        try {
            uri = URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new ConsoleException(Console.USAGE, "not a URL: " + base + " (" + e.getMessage() + ")");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").method(method, body).build();
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ConsoleException(Console.UNREACHABLE, "node " + base + " is unreachable: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsoleException(Console.UNREACHABLE, "interrupted while asking " + base);
        }
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            throw new ConsoleException(Console.REFUSED, "node " + base + " refused the token (HTTP " + r.statusCode()
                    + (errorOf(r.body()).isEmpty() ? "" : ": " + errorOf(r.body())) + "); the node's token file is named "
                    + "in its log ('admin API on ... token in FILE')");
        }
        if (r.statusCode() == 400 || r.statusCode() == 404 || r.statusCode() == 409) {
            int code = r.statusCode() == 400 ? Console.USAGE : r.statusCode() == 404 ? Console.NOT_FOUND : Console.CONFLICT;
            throw new ConsoleException(code, "node " + base + " refused " + method + " " + path + ": "
                    + (errorOf(r.body()).isEmpty() ? abbreviate(r.body()) : errorOf(r.body())));
        }
        if (r.statusCode() != 200 && r.statusCode() != 201 && r.statusCode() != 202) {
            throw new ConsoleException(Console.BAD_ANSWER, "node " + base + " answered " + method + " " + path
                    + " with HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
        }
        try {
            return json.readTree(r.body());
        } catch (JsonProcessingException e) {
            throw new ConsoleException(Console.BAD_ANSWER, "node " + base + " answered " + method + " " + path
                    + " with something that is not JSON: " + abbreviate(r.body()));
        }
    }

    private String errorOf(String body) {
        try {
            JsonNode e = json.readTree(body).get("error");
            return e == null ? "" : e.asText();
        } catch (JsonProcessingException | RuntimeException e) {
            return "";
        }
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 200 ? one : one.substring(0, 200) + "...";
    }
}
