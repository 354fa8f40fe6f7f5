package dev.baton.bench.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;

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
    void aRunNeedingMoreThreadsThanTheMachineAllowsIsRefusedNamingBothNumbers() {
        assertThatCode(() -> ScaleScenario.checkThreadLimit(32_767, OptionalLong.of(32_768)))
                .doesNotThrowAnyException();
        assertThatCode(() -> ScaleScenario.checkThreadLimit(100_050, OptionalLong.empty())).doesNotThrowAnyException();
        assertThatThrownBy(() -> ScaleScenario.checkThreadLimit(100_050, OptionalLong.of(32_768)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("100,050 threads needed").hasMessageContaining("allows 32,768")
                .hasMessageContaining("pid_max");
    }

    @Test
    void noMembersOrTasksIsAnErrorNamingTheValues() {
        assertThatThrownBy(() -> ScaleScenario.perCachedTask(0, 1, 0, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("are 0 and 5");
        assertThatThrownBy(() -> ScaleScenario.perMember(0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is 0");
    }
}
