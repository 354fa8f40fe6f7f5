package dev.baton.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoredValuesTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void itemsAndMembersRoundTrip() {
        Item item = new Item("i1", 3);
        Member member = new Member("m1", "zone-a", 12, true);
        assertThat(new String(StoredValues.item(item), StandardCharsets.UTF_8)).isEqualTo("{\"replicas\":3}");
        assertThat(new String(StoredValues.member(member), StandardCharsets.UTF_8))
                .isEqualTo("{\"zone\":\"zone-a\",\"capacity\":12,\"exiting\":true}");
        assertThat(StoredValues.decodeItem("i1", StoredValues.item(item))).isEqualTo(item);
        assertThat(StoredValues.decodeMember("m1", StoredValues.member(member))).isEqualTo(member);
    }

    @Test
    void unknownFieldsAreToleratedAndExitingDefaultsToFalse() {
        assertThat(StoredValues.decodeItem("i", utf8("{\"replicas\":2,\"owner\":\"ops\"}"))).isEqualTo(new Item("i", 2));
        assertThat(StoredValues.decodeMember("m", utf8("{\"zone\":\"z\",\"capacity\":4,\"since\":1}")))
                .isEqualTo(new Member("m", "z", 4, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "3", "[]", "{", "{\"replicas\":-1}", "{\"replicas\":\"3\"}", "{\"replicas\":1.5}",
        "{\"replicas\":3000000000}", "{}", "{\"replicas\":1,\"replicas\":2}", "{\"replicas\":1} x"})
    void badItemValuesAreRefusedNamingTheItemAndTheText(String text) {
        assertThatThrownBy(() -> StoredValues.decodeItem("i7", utf8(text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item 'i7'")
                .hasMessageContaining("'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"capacity\":3}", "{\"zone\":1,\"capacity\":3}", "{\"zone\":\"a/b\",\"capacity\":3}",
        "{\"zone\":\"z\"}", "{\"zone\":\"z\",\"capacity\":3,\"exiting\":\"yes\"}", "{\"zone\":\"\",\"capacity\":3}"})
    void badMemberValuesAreRefusedNamingTheMember(String text) {
        assertThatThrownBy(() -> StoredValues.decodeMember("m7", utf8(text)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member 'm7'");
    }

    @Test
    void longValuesAreQuotedShort() {
        String text = "x".repeat(10_000);
        assertThatThrownBy(() -> StoredValues.decodeItem("i", utf8(text)))
                .hasMessageContaining("x".repeat(200) + "...")
                .message().hasSizeLessThan(400);
    }
}
