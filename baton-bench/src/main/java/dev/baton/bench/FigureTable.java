package dev.baton.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A scenario's figures as a Markdown table, for people: the same text on the terminal and in the
 * report. Columns that no figure of the table uses (trials, percentiles) are left out.
 */
final class FigureTable {
    private FigureTable() {
    }

    static String of(List<Figure> figures) {
        boolean trials = figures.stream().anyMatch(f -> f.trials() != null);
        boolean percentiles = figures.stream().anyMatch(f -> f.p50() != null || f.p99() != null);
        List<String> header = new ArrayList<>(List.of("metric", "unit", "Baton", "baseline", "baseline is",
                "Baton/baseline"));
        List<String> align = new ArrayList<>(List.of("---", "---", "---:", "---:", "---", "---:"));
        if (trials) {
            header.add("trials");
            align.add("---:");
        }
        if (percentiles) {
            header.addAll(List.of("p50", "p99"));
            align.addAll(List.of("---:", "---:"));
        }
        StringBuilder table = new StringBuilder();
        row(table, header);
        row(table, align);
        for (Figure f : figures) {
            List<String> cells = new ArrayList<>(List.of(f.metric(), f.unit(), number(f.baton()),
                    number(f.baseline()), Objects.requireNonNullElse(f.baselineName(), ""), ratio(f.ratio())));
            if (trials) {
                cells.add(f.trials() == null ? "" : Integer.toString(f.trials()));
            }
            if (percentiles) {
                cells.add(number(f.p50()));
                cells.add(number(f.p99()));
            }
            row(table, cells);
        }
        return table.toString();
    }

    private static void row(StringBuilder table, List<String> cells) {
        table.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    /** Three significant digits or more: 12345, 123, 12.3, 1.23, 0.123. */
    static String number(Double value) {
        if (value == null) {
            return "";
        }
        double v = value;
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        double magnitude = Math.abs(v);
        if (magnitude >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (magnitude >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (magnitude >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String ratio(Double ratio) {
        return ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio);
    }
}
