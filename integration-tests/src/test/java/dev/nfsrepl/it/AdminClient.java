package dev.nfsrepl.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A caller of one node's admin API (HTTP + JSON, bearer token). */
final class AdminClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final String token;

    AdminClient(String url, String token) {
        this.url = url;
        this.token = token;
    }

    String url() {
        return url;
    }

    String token() {
        return token;
    }

    /** GET {@code path} with the node's token; the JSON body of a 200, else an exception naming status and body. */
    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send(path, token);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** POST {@code json} to {@code path}; the JSON body of a 2xx answer, else an exception naming status and body. */
    JsonNode post(String path, String json) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<String> a = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        if (a.statusCode() / 100 != 2) {
            throw new IOException("POST " + url + path + ": HTTP " + a.statusCode() + " " + a.body());
        }
        return JSON.readTree(a.body());
    }

    /** GET {@code path} presenting {@code someToken} (null: none). */
    HttpResponse<String> send(String path, String someToken) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(2));
        if (someToken != null) {
            b.header("Authorization", "Bearer " + someToken);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = send("/metrics", token);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + "/metrics: HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }
}
