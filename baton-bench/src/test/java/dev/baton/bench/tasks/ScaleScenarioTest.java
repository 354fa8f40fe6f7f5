package dev.baton.bench.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScaleScenarioTest {

    @Test
    void capacityIsTheFairShareRoundedUpPlusSlack() {
        assertThat(ScaleScenario.capacity(100_000, 10)).isEqualTo(11_000);
        assertThat(ScaleScenario.capacity(10_001, 10)).isEqualTo(2_001);
    }

    @Test
    void heapPerCachedTaskDividesTheGrowthByMembersTimesTasks() {
        assertThat(ScaleScenario.perCachedTask(1_000_000, 31_000_000, 10, 10_000)).isEqualTo(300.0);
        assertThat(ScaleScenario.perCachedTask(2_000, 1_000, 1, 1_000)).isEqualTo(-1.0);
    }

    @Test
    void threadsPerMemberDivideTheGrowthByMembers() {
        assertThat(ScaleScenario.perMember(40, 10_140, 10)).isEqualTo(1010.0);
    }

    @Test
    void noMembersOrTasksIsAnErrorNamingTheValues() {
        assertThatThrownBy(() -> ScaleScenario.perCachedTask(0, 1, 0, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("are 0 and 5");
        assertThatThrownBy(() -> ScaleScenario.perMember(0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 0");
    }
}
