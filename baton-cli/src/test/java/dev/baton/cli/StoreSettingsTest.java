package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where each connection setting comes from: flag, else environment, else config file, else default. */
class StoreSettingsTest {
    @TempDir
    Path dir;

    private static final StoreSettings.Flags NO_FLAGS = new StoreSettings.Flags(null, null, null, null, null, null, null);

    private StoreConfig config(String json) throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), json);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return StoreConfig.load(Optional.of(file), Map.of(), dir);
    }

    @ParameterizedTest(name = "flag={0} env={1} file={2} -> {3}")
    @CsvSource(nullValues = "-", value = {
        "https://f:1, https://e:1, https://c:1, https://f:1",
        "-,           https://e:1, https://c:1, https://e:1",
        "-,           -,           https://c:1, https://c:1",
        "-,           -,           -,           http://127.0.0.1:2379",
    })
    void endpointsComeFromTheFlagThenTheEnvironmentThenTheConfigFile(String flag, String env, String file, String expected)
            throws Exception {
        StoreConfig config = file == null ? StoreConfig.none() : config("{\"endpoints\":\"" + file + "\"}");
        StoreSettings settings = StoreSettings.resolve(new StoreSettings.Flags(flag, null, null, null, null, null, null),
                env == null ? Map.of() : Map.of("BATON_ENDPOINTS", env), config);
        assertThat(settings.endpoints()).isEqualTo(expected);
    }

    @Test
    void everySettingFollowsTheSamePrecedence() throws Exception {
        StoreConfig config = config("{\"namespace\":\"from-file\",\"cacert\":\"file-ca.pem\",\"user\":\"file-user\","
                + "\"password\":\"file-pw\"}");
        StoreSettings fileOnly = StoreSettings.resolve(NO_FLAGS, Map.of(), config);
        assertThat(fileOnly.namespace()).isEqualTo("from-file");
        assertThat(fileOnly.cacert()).contains(dir.resolve("file-ca.pem"));
        assertThat(fileOnly.user()).contains("file-user");

        StoreSettings env = StoreSettings.resolve(NO_FLAGS, Map.of("BATON_NAMESPACE", "from-env", "BATON_CACERT", "env-ca.pem",
                "BATON_USER", "env-user", "BATON_PASSWORD", "env-pw"), config);
        assertThat(env.namespace()).isEqualTo("from-env");
        assertThat(env.cacert()).contains(Path.of("env-ca.pem"));
        assertThat(env.user()).contains("env-user");

        Path passwordFile = Files.writeString(dir.resolve("pw"), "flag-pw\n");
        Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        StoreSettings flags = StoreSettings.resolve(new StoreSettings.Flags(null, "from-flag", Path.of("flag-ca.pem"),
                null, null, "flag-user", passwordFile), Map.of("BATON_NAMESPACE", "from-env", "BATON_USER", "env-user"), config);
        assertThat(flags.namespace()).isEqualTo("from-flag");
        assertThat(flags.cacert()).contains(Path.of("flag-ca.pem"));
        assertThat(flags.user()).contains("flag-user");
        assertThat(flags.warnings()).isEmpty();
        assertThat(flags.toString()).doesNotContain("pw");
    }

    @Test
    void aPasswordThatOthersCanReadDrawsAWarning() throws Exception {
        Path file = Files.writeString(dir.resolve("shared.json"), "{\"user\":\"alice\",\"password\":\"s3cret\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        StoreSettings settings = StoreSettings.resolve(NO_FLAGS, Map.of(), StoreConfig.load(Optional.of(file), Map.of(), dir));

        assertThat(settings.warnings()).containsExactly(file + " holds a password and other users can read it; "
                + "restrict it with: chmod 600 " + file);
    }

    @Test
    void theDefaultConfigFileIsUnderXdgConfigHomeAndOptional() throws Exception {
        assertThat(StoreConfig.load(Optional.empty(), Map.of("XDG_CONFIG_HOME", dir.toString()), dir).file()).isNull();
        Files.createDirectories(dir.resolve("baton"));
        Files.writeString(dir.resolve("baton/config.json"), "{\"namespace\":\"xdg\"}");
        Files.createDirectories(dir.resolve(".config/baton"));
        Files.writeString(dir.resolve(".config/baton/config.json"), "{\"namespace\":\"home\"}");

        assertThat(StoreConfig.load(Optional.empty(), Map.of("XDG_CONFIG_HOME", dir.toString()), dir).namespace())
                .contains("xdg");
        assertThat(StoreConfig.load(Optional.empty(), Map.of(), dir).namespace()).contains("home");
    }

    @Test
    void badConfigFilesAreNamed() throws Exception {
        Path missing = dir.resolve("missing.json");
        assertThatThrownBy(() -> StoreConfig.load(Optional.of(missing), Map.of(), dir))
                .hasMessage("config file " + missing + " does not exist");
        assertThatThrownBy(() -> config("{\"usr\":\"alice\"}"))
                .hasMessageContaining("has an unknown field \"usr\"");
        assertThatThrownBy(() -> config("[1"))
                .hasMessageStartingWith("config file " + dir.resolve("config.json") + " is not a valid JSON object");
    }

    @Test
    void incompleteCredentialsAndCertificatesAreRefused() throws Exception {
        assertThatThrownBy(() -> StoreSettings.resolve(NO_FLAGS, Map.of("BATON_USER", "alice"), StoreConfig.none()))
                .hasMessageStartingWith("user alice needs a password: --password-file FILE");
        assertThatThrownBy(() -> StoreSettings.resolve(NO_FLAGS, Map.of("BATON_PASSWORD", "pw"), StoreConfig.none()))
                .hasMessageStartingWith("a password was given but no user");
        assertThatThrownBy(() -> StoreSettings.resolve(NO_FLAGS, Map.of("BATON_CERT", "c.pem"), StoreConfig.none()))
                .hasMessage("a client certificate (c.pem) needs its private key: --key FILE or BATON_KEY");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> StoreSettings.resolve(new StoreSettings.Flags(null, null, null, null, null, "alice", empty),
                Map.of(), StoreConfig.none()))
                .hasMessage("the password file " + empty + " is empty");
        assertThatThrownBy(() -> StoreSettings.resolve(NO_FLAGS, Map.of("BATON_ENDPOINTS", "ftp://x:1"), StoreConfig.none()))
                .hasMessageStartingWith("BATON_ENDPOINTS: endpoint \"ftp://x:1\" has scheme \"ftp\"");
    }
}
