package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium for the dashboard's browser tests: {@code chromium} or
 * {@code chromium-browser} on {@code PATH}, else where distributions and snaps install it. Without
 * one, the test calling it is skipped (aborted by an assumption), naming what was looked for.
 * Each run uses a fresh profile in the test's temporary directory and is stopped, with every
 * process it started, when it ends or after 90 seconds.
 */
final class HeadlessChromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser");
    private static final List<String> USUAL_PLACES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/lib/chromium/chromium", "/usr/lib/chromium-browser/chromium-browser", "/snap/bin/chromium",
            "/usr/local/bin/chromium", "/opt/google/chrome/chrome");

    private final Path browser;
    private final Path dir;

    private HeadlessChromium(Path browser, Path dir) {
        this.browser = browser;
        this.dir = dir;
    }

    /** The browser found, working in {@code dir}; skips the calling test when there is none. */
    static HeadlessChromium in(Path dir) {
        Optional<Path> browser = find();
        Assumptions.assumeTrue(browser.isPresent(), "no chromium or chromium-browser on PATH nor in " + USUAL_PLACES
                + " (./scripts/test installs it): skipping the browser check");
        return new HeadlessChromium(browser.get(), dir);
    }

    private static Optional<Path> find() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .flatMap(entry -> NAMES.stream().map(name -> Path.of(entry, name)));
        return Stream.concat(onPath, USUAL_PLACES.stream().map(Path::of)).filter(Files::isExecutable).findFirst();
    }

    /** The DOM of {@code url} once its scripts have run. */
    String dumpDom(String url) throws Exception {
        return run(url, "--dump-dom");
    }

    /** Saves a picture of {@code url}, {@code width} × {@code height} pixels, as {@code png}. */
    void screenshot(String url, Path png, int width, int height) throws Exception {
        Files.createDirectories(png.toAbsolutePath().getParent());
        run(url, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars");
        assertThat(png).as("screenshot of " + url).isNotEmptyFile();
    }

    private String run(String url, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
        command.addAll(List.of(args));
        command.add(url);
        Path out = dir.resolve("chromium.out");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("chromium.err").toFile()).start();
        try {
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        return Files.readString(out);
    }
}
