package dev.baton.etcd;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses etcd endpoints written as {@code host:port}, {@code http://host:port} or
 * {@code https://host:port}, comma-separated. A bare {@code host:port} means plain HTTP.
 */
public final class Endpoints {
    private Endpoints() {
    }

    /** Parses a comma-separated list; every entry must be a valid endpoint. */
    public static List<URI> parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            throw new IllegalArgumentException("endpoints must not be blank, got \"" + commaSeparated + "\"");
        }
        return parse(List.of(commaSeparated.split(",", -1)));
    }

    /** Parses each entry; the list must not be empty. */
    public static List<URI> parse(List<String> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is required");
        }
        List<URI> uris = new ArrayList<>(endpoints.size());
        for (String endpoint : endpoints) {
            uris.add(parseOne(endpoint));
        }
        return List.copyOf(uris);
    }

    static URI parseOne(String endpoint) {
        String trimmed = endpoint == null ? "" : endpoint.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("endpoint must not be blank, got \"" + endpoint + "\"");
        }
        String withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed;
        URI uri;
        try {
            uri = URI.create(withScheme);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed endpoint \"" + endpoint + "\": " + e.getMessage(), e);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("endpoint \"" + endpoint + "\" has scheme \"" + uri.getScheme()
                    + "\"; expected host:port, http://host:port or https://host:port");
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("malformed endpoint \"" + endpoint
                    + "\": expected host:port or http(s)://host:port with a port in 1..65535");
        }
        if ((uri.getPath() != null && !uri.getPath().isEmpty() && !"/".equals(uri.getPath()))
                || uri.getQuery() != null || uri.getUserInfo() != null) {
            throw new IllegalArgumentException("malformed endpoint \"" + endpoint
                    + "\": expected only a host and a port");
        }
        return URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort());
    }
}
