package dev.baton.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.chaos.history.ResourceSample;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResourceCurveTest {

    private static final long MIB = 1024 * 1024;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static ResourceCurve curve() {
        ResourceCurve curve = new ResourceCurve("soak-server-0");
        curve.add(Duration.ZERO, List.of(new ResourceSample("w0-1", 10, 10 * MIB, 40, 20, 93),
                new ResourceSample("server", 20, 11 * MIB, 22, 0, 105)));
        curve.add(Duration.ofMinutes(2), List.of(new ResourceSample("w0-1", 10, 10 * MIB + MIB / 2, 42, 21, 93),
                new ResourceSample("server", 20, 11 * MIB, 22, 0, 105)));
        curve.add(Duration.ofSeconds(210), List.of(new ResourceSample("w0-1", 10, 10 * MIB, 41, 20, 94)));
        return curve;
    }

    @Test
    void writesOneCsvLinePerProcessAndPoint() {
        assertThat(curve().csv()).isEqualTo("""
                seconds,process,pid,live_heap_bytes,threads,pool_threads,fds
                0,w0-1,10,10485760,40,20,93
                0,server,20,11534336,22,0,105
                120,w0-1,10,11010048,42,21,93
                120,server,20,11534336,22,0,105
                210,w0-1,10,10485760,41,20,94
                """);
    }

    @Test
    void drawsOneLinePerProcessInMinutes() {
        Map<String, double[][]> heap = curve().lines(sample -> sample.liveHeap() / (double) MIB);

        assertThat(heap).containsOnlyKeys("w0-1", "server");
        assertThat(heap.get("w0-1")[0]).containsExactly(0.0, 2.0, 3.5);
        assertThat(heap.get("w0-1")[1]).containsExactly(10.0, 10.5, 10.0);
        assertThat(heap.get("server")[1]).containsExactly(11.0, 11.0);
    }

    @Test
    void namesEachLifeOfARestartedProcessByItsPid() {
        ResourceCurve curve = new ResourceCurve("restarted");
        curve.add(Duration.ZERO, List.of(new ResourceSample("w0-1", 10, MIB, 40, 20, 93)));
        curve.add(Duration.ofMinutes(2), List.of(new ResourceSample("w0-1", 11, MIB, 30, 10, 93)));

        assertThat(curve.lines(ResourceSample::threads)).containsOnlyKeys("w0-1 (pid 10)", "w0-1 (pid 11)");
    }

    @Test
    void refusesAPointBeforeTheLastOne() {
        ResourceCurve curve = curve();

        assertThatThrownBy(() -> curve.add(Duration.ofMinutes(1), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT1M").hasMessageContaining("PT3M30S");
    }

    @Test
    void writesTheCsvAndAPngOfThreePanels(@TempDir Path dir) throws Exception {
        curve().write(dir.resolve("soak-server-0-resources"));

        assertThat(dir.resolve("soak-server-0-resources.csv")).content().startsWith("seconds,process,pid,");
        BufferedImage png = ImageIO.read(dir.resolve("soak-server-0-resources.png").toFile());
        assertThat(png.getWidth()).isEqualTo(ResourceCurve.WIDTH);
        assertThat(png.getHeight()).isEqualTo(3 * ResourceCurve.PANEL_HEIGHT);
        assertThat(Files.size(dir.resolve("soak-server-0-resources.png"))).isGreaterThan(10_000);
    }
}
