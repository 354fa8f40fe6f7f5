package dev.baton.cli;

import dev.baton.cache.CacheEvent;
import dev.baton.cache.CacheStartException;
import dev.baton.cache.KeyspaceCache;
import dev.baton.cache.ValueDecoder;
import dev.baton.etcd.Etcd;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton watch [PREFIX]}: mirrors a prefix through the keyspace cache and prints one line
 * per change until interrupted. The current contents come first, as ADDED lines followed by a
 * RESYNCED line; a RESYNCED line later means history was compacted and the cache reloaded (the
 * lines before it are the real differences).
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Prints every change under a key prefix: KIND REVISION KEY VALUE.",
            "KIND is ADDED, CHANGED, REMOVED, DECODE_FAILED or RESYNCED."})
final class WatchCommand implements Callable<Integer> {
    /** Values longer than this are cut, so one line stays one line on a terminal. */
    static final int MAX_VALUE_CHARS = 200;

    @Spec
    private CommandSpec spec;

    @Mixin
    private StoreOptions store;

    @Parameters(arity = "0..1", paramLabel = "PREFIX",
            description = "Key prefix to watch, as stored (a '/' is appended when missing); default: the namespace.")
    private String prefix;

    @Override
    public Integer call() throws InterruptedException {
        String watched = prefix == null ? store.prefix() : prefix.endsWith("/") ? prefix : prefix + "/";
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        try (Etcd etcd = store.connect()) {
            KeyspaceCache<String> cache;
            try {
                cache = KeyspaceCache.builder(etcd, watched, ValueDecoder.utf8())
                        .listener(event -> print(out, event))
                        .start();
            } catch (CacheStartException e) {
                throw new CommandFailure("cannot read " + watched + ": " + e.getMessage(), e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                cache.close();
                stopped.countDown();
            }, "baton-watch-shutdown"));
            stopped.await();
        }
        return 0;
    }

    private static void print(PrintWriter out, CacheEvent<String> event) {
        synchronized (out) {
            out.println(format(event));
            out.flush();
        }
    }

    /** One line per event: {@code KIND REVISION [KEY [VALUE]]}. */
    static String format(CacheEvent<String> event) {
        StringBuilder line = new StringBuilder().append(event.kind()).append(' ').append(event.modRevision());
        if (event.key() != null) {
            line.append(' ').append(event.key());
        }
        if (event.newValue() != null) {
            line.append(' ').append(printable(event.newValue()));
        } else if (event.decodeError() != null) {
            line.append(' ').append(printable(event.decodeError().message()));
        }
        return line.toString();
    }

    /** Control characters escaped, long values cut with an ellipsis. */
    static String printable(String value) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        for (; i < value.length() && text.length() < MAX_VALUE_CHARS; i++) {
            char c = value.charAt(i);
            if (c == '\n') {
                text.append("\\n");
            } else if (Character.isISOControl(c)) {
                text.append(String.format("\\x%02x", (int) c));
            } else {
                text.append(c);
            }
        }
        return i < value.length() ? text + "…" : text.toString();
    }
}
