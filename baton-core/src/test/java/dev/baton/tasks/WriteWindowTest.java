package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WriteWindowTest {

    private final WriteWindow window = new WriteWindow(2, Runnable::run);
    private final List<CompletableFuture<String>> sent = new ArrayList<>();

    private CompletableFuture<String> send() {
        return window.send(() -> {
            CompletableFuture<String> write = new CompletableFuture<>();
            sent.add(write);
            return write;
        });
    }

    @Test
    void writesBeyondTheLimitWaitAndStartInOrderAsOthersComplete() {
        List<CompletableFuture<String>> outcomes = List.of(send(), send(), send(), send());
        assertThat(sent).hasSize(2);

        sent.get(1).complete("second");
        assertThat(sent).hasSize(3);
        assertThat(outcomes.get(1)).isCompletedWithValue("second");

        sent.get(0).completeExceptionally(new IllegalStateException("refused"));
        assertThat(sent).hasSize(4);
        assertThat(outcomes.get(0)).isCompletedExceptionally();
        assertThat(outcomes.get(3)).isNotDone();
    }

    @Test
    void aWriteThatThrowsWhenSentFailsItsOutcomeAndFreesItsPlace() {
        CompletableFuture<String> failed = window.send(() -> {
            throw new IllegalStateException("closed");
        });
        send();
        send();

        assertThat(failed).isCompletedExceptionally();
        assertThat(sent).hasSize(2);
    }
}
