package dev.nfsrepl.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A path of the admin API with its query parameters (those given; null ones are left out). Immutable. */
final class Query {

    private final String path;
    private final Map<String, String> params;

    Query(String path) {
        this(path, Map.of());
    }

    private Query(String path, Map<String, String> params) {
        this.path = path;
        this.params = params;
    }

    /** This query with {@code name=value} set (or unchanged when value is null). */
    Query param(String name, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, String> p = new LinkedHashMap<>(params);
        p.put(name, value.toString());
        return new Query(path, p);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(path);
        char sep = '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return sb.toString();
    }
}
