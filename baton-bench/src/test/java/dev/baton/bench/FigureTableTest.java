package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FigureTableTest {

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({"12345.6, 12346", "123.4, 123", "12.34, 12.3", "1.234, 1.23", "0.1234, 0.123", "3.0, 3", "0.0, 0"})
    void numbersKeepThreeSignificantDigitsOrMore(double value, String printed) {
        assertThat(FigureTable.number(value)).isEqualTo(printed);
    }

    @Test
    void columnsNoFigureUsesAreLeftOut() {
        String table = FigureTable.of(List.of(Figure.alone("alloc", "solver time", "ms", 12.5)));

        assertThat(table).isEqualTo("| metric | unit | Baton | baseline | baseline is | Baton/baseline |\n"
                + "| --- | --- | ---: | ---: | --- | ---: |\n"
                + "| solver time | ms | 12.5 |  |  |  |\n");
    }

    @Test
    void trialsAndPercentilesAppearWhenAFigureHasThem() {
        String table = FigureTable.of(List.of(
                Figure.compared("claim", "claim 10,000 tasks", "s", 6, 1.5, "raw txns").withTrials(10_000)
                        .withPercentiles(2.5, 5.8),
                Figure.alone("claim", "submit", "s", 4)));

        assertThat(table.lines().toList()).containsExactly(
                "| metric | unit | Baton | baseline | baseline is | Baton/baseline | trials | p50 | p99 |",
                "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
                "| claim 10,000 tasks | s | 6 | 1.50 | raw txns | 4.00 | 10000 | 2.50 | 5.80 |",
                "| submit | s | 4 |  |  |  |  |  |  |");
    }
}
