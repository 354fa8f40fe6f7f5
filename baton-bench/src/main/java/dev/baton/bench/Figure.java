package dev.baton.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;

/**
 * One measured figure of a scenario: Baton's value next to its baseline's, measured in the same
 * run on the same machine. A {@code null} field does not apply to this figure (a figure with no
 * baseline has no ratio; one that is not a distribution has no percentiles).
 *
 * <p>{@code ratio} is always {@code baton / baseline}: above 1 is better for a rate, below 1 is
 * better for a time or a count of moves. Its JSON form, one object per line with {@link #toJson()}:
 * {@code {"scenario","metric","unit","baton","baseline","baseline_name","ratio","trials","p50","p99"}}.
 *
 * @param scenario     the scenario's name, as given on the command line
 * @param metric       what is measured, e.g. {@code "put/s, 16 clients"}
 * @param unit         the unit of {@code baton}, {@code baseline}, {@code p50} and {@code p99}
 * @param baton        Baton's value (for a distribution, its median)
 * @param baseline     the baseline's value, measured alongside
 * @param baselineName what the baseline is, e.g. {@code "etcd 3.4.23"}
 * @param ratio        {@code baton / baseline}
 * @param trials       how many trials the values summarise
 * @param p50          median of Baton's trials
 * @param p99          99th percentile (nearest rank) of Baton's trials
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"scenario", "metric", "unit", "baton", "baseline", "baseline_name", "ratio", "trials", "p50",
    "p99"})
public record Figure(
        String scenario,
        String metric,
        String unit,
        Double baton,
        Double baseline,
        @JsonProperty("baseline_name") String baselineName,
        Double ratio,
        Integer trials,
        Double p50,
        Double p99) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Figure {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        if (baseline != null && baselineName == null) {
            throw new IllegalArgumentException("figure '" + metric + "' has a baseline without a name");
        }
    }

    /** Baton's value next to a baseline's; the ratio is computed. */
    public static Figure compared(String scenario, String metric, String unit, double baton, double baseline,
            String baselineName) {
        return new Figure(scenario, metric, unit, baton, baseline, baselineName, ratio(baton, baseline), null, null,
                null);
    }

    /** A value that has no baseline. */
    public static Figure alone(String scenario, String metric, String unit, double baton) {
        return new Figure(scenario, metric, unit, baton, null, null, null, null, null, null);
    }

    /** This figure with the number of trials it summarises. */
    public Figure withTrials(int trials) {
        return new Figure(scenario, metric, unit, baton, baseline, baselineName, ratio, trials, p50, p99);
    }

    /** This figure with the median and 99th percentile of Baton's trials. */
    public Figure withPercentiles(double p50, double p99) {
        return new Figure(scenario, metric, unit, baton, baseline, baselineName, ratio, trials, p50, p99);
    }

    /**
     * {@code baton / baseline}, or {@code null} when it means nothing: a zero baseline, or a value
     * that is not a number.
     */
    public static Double ratio(double baton, double baseline) {
        if (baseline == 0 || Double.isNaN(baton) || Double.isNaN(baseline)) {
            return null;
        }
        return baton / baseline;
    }

    /** The figure as one line of JSON, nulls included. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write figure '" + metric + "' as JSON", e);
        }
    }
}
