package dev.baton.alloc.solver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.alloc.Item;
import dev.baton.alloc.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaxPlacementTest {

    @ParameterizedTest(name = "replicas {0} over capacities {1}: {2}")
    @CsvSource(delimiter = ';', value = {
        "3,3,3;       5,5,5;    9",  // everything fits
        "3,3,3;       2,2,2;    6",  // capacity binds
        "3;           100;      1",  // one member: one replica per item
        "3,3;         100,1;    3",  // distinct members bind: 2 on the big member, 1 on the small
        "1,1,1,1;     1,1;      2",
        "0,0;         4,4;      0",
        "2,2,2;       3,0,3;    6",  // zero-capacity members take nothing
    })
    void knownCases(String replicas, String capacities, long expected) {
        assertThat(MaxPlacement.of(ints(replicas), ints(capacities))).isEqualTo(expected);
    }

    @Test
    void matchesExhaustiveSearchOnRandomInstances() {
        for (long seed = 1; seed <= 400; seed++) {
            Random random = new Random(seed);
            List<Item> items = new ArrayList<>();
            for (int i = 0, n = random.nextInt(5); i < n; i++) {
                items.add(new Item("i" + i, random.nextInt(4)));
            }
            List<Member> members = new ArrayList<>();
            for (int m = 0, n = 1 + random.nextInt(4); m < n; m++) {
                members.add(new Member("m" + m, "z", random.nextInt(4)));
            }
            Instance instance = Instance.of(items, members, List.of());
            assertThat(instance.maxPlacement).as("seed " + seed + " " + items + " " + members)
                    .isEqualTo(ExhaustiveSearch.maxPlaced(items, members));
        }
    }

    private static int[] ints(String csv) {
        String[] parts = csv.split(",");
        int[] values = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            values[k] = Integer.parseInt(parts[k].trim());
        }
        return values;
    }
}
