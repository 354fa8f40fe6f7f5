package dev.baton.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The store settings of a JSON config file, the lowest-precedence source after flags and the
 * environment. Every field is optional; unknown fields are refused so a typo is not silently
 * ignored. Relative file paths are relative to the config file's directory.
 *
 * <pre>{@code
 * {"endpoints": "https://etcd-1:2379,https://etcd-2:2379", "namespace": "team-a",
 *  "cacert": "ca.pem", "cert": "client.pem", "key": "client-key.pem",
 *  "user": "alice", "passwordFile": "password"}
 * }</pre>
 *
 * {@code "password"} may hold the password itself; the file then draws a warning when users other
 * than its owner can read it.
 */
record StoreConfig(
        Path file,
        Optional<String> endpoints,
        Optional<String> namespace,
        Optional<Path> cacert,
        Optional<Path> cert,
        Optional<Path> key,
        Optional<String> user,
        Optional<String> password,
        Optional<Path> passwordFile) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static StoreConfig none() {
        return new StoreConfig(null, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** What the file holds, field by field. */
    private record Fields(
            @JsonProperty("endpoints") String endpoints,
            @JsonProperty("namespace") String namespace,
            @JsonProperty("cacert") String cacert,
            @JsonProperty("cert") String cert,
            @JsonProperty("key") String key,
            @JsonProperty("user") String user,
            @JsonProperty("password") String password,
            @JsonProperty("passwordFile") String passwordFile) {
    }

    /**
     * The config file given with {@code --config} (it must exist), else the default one when it
     * exists: {@code $XDG_CONFIG_HOME/baton/config.json}, or {@code ~/.config/baton/config.json}
     * when {@code XDG_CONFIG_HOME} is unset.
     *
     * @throws CommandFailure naming the file when it is missing (given explicitly), unreadable or not valid
     */
    static StoreConfig load(Optional<Path> explicit, Map<String, String> environment, Path home) {
        Path file;
        if (explicit.isPresent()) {
            file = explicit.get();
            if (!Files.isRegularFile(file)) {
                throw new CommandFailure("config file " + file + " does not exist");
            }
        } else {
            String xdg = environment.get("XDG_CONFIG_HOME");
            Path base = xdg == null || xdg.isBlank() ? home.resolve(".config") : Path.of(xdg);
            file = base.resolve("baton").resolve("config.json");
            if (!Files.isRegularFile(file)) {
                return none();
            }
        }
        Fields fields;
        try {
            fields = JSON.readValue(file.toFile(), Fields.class);
        } catch (UnrecognizedPropertyException e) {
            throw new CommandFailure("config file " + file + " has an unknown field \"" + e.getPropertyName()
                    + "\"; known: endpoints, namespace, cacert, cert, key, user, password, passwordFile", e);
        } catch (JsonProcessingException e) {
            throw new CommandFailure("config file " + file + " is not a valid JSON object: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CommandFailure("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (fields == null) {
            throw new CommandFailure("config file " + file + " is empty; expected a JSON object");
        }
        Path dir = file.toAbsolutePath().getParent();
        return new StoreConfig(file, Optional.ofNullable(fields.endpoints()), Optional.ofNullable(fields.namespace()),
                relative(dir, fields.cacert()), relative(dir, fields.cert()), relative(dir, fields.key()),
                Optional.ofNullable(fields.user()), Optional.ofNullable(fields.password()),
                relative(dir, fields.passwordFile()));
    }

    private static Optional<Path> relative(Path dir, String path) {
        return Optional.ofNullable(path).map(dir::resolve);
    }
}
