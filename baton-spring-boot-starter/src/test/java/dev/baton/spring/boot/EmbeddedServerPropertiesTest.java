package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.etcd.Etcd;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.session.Session;
import dev.baton.session.SessionState;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code baton.embedded.*}: the application runs its own server and needs no etcd. */
class EmbeddedServerPropertiesTest {
    @TempDir
    Path dataDir;

    ApplicationContextRunner application() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class))
                .withPropertyValues("baton.embedded.enabled=true", "baton.endpoints=etcd.invalid:2379");
    }

    @Test
    void theSessionConnectsToTheEmbeddedServerInsteadOfTheEndpoints() {
        application().run(context -> {
            EmbeddedEtcd server = context.getBean(EmbeddedEtcd.class);
            Etcd etcd = context.getBean(Etcd.class);

            assertThat(etcd.endpoints()).singleElement().asString().endsWith(":" + server.port());
            assertThat(context.getBean(Session.class).state()).isEqualTo(SessionState.CONNECTED);
        });
    }

    @Test
    void withADataDirTheDataOutlivesTheApplication() {
        application().withPropertyValues("baton.embedded.data-dir=" + dataDir)
                .run(context -> context.getBean(Etcd.class).put("orders/next", "42", 0).get());

        application().withPropertyValues("baton.embedded.data-dir=" + dataDir)
                .run(context -> assertThat(context.getBean(Etcd.class).get("orders/next").get())
                        .hasValueSatisfying(kv -> assertThat(kv.valueUtf8()).isEqualTo("42")));
    }

    @Test
    void withoutADataDirTheDataLivesInMemoryOnly() {
        application().run(context -> context.getBean(Etcd.class).put("orders/next", "42", 0).get());

        application().run(context -> assertThat(context.getBean(Etcd.class).get("orders/next").get()).isEmpty());
    }

    @Test
    void withoutBatonServerTheApplicationFailsToStartNamingTheMissingModule() {
        application().withClassLoader(new FilteredClassLoader(EmbeddedEtcd.class))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("dev.baton:baton-server, which runs the embedded server, is not on the class path"));
    }
}
