package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.testkit.FuzzRun;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Task input from hostile sources: every stored JSON record type parsed from random JSON, task
 * ids of every odd character, and property trees built in code. Each input is either accepted
 * and survives the trip through the store (UTF-8 bytes and back) exactly, or refused with a
 * {@link TaskFormatException} naming what was read and why; never another exception, and never
 * a value that reads back as something else.
 */
@AddLifecycleHook(FuzzRun.class)
class TaskInputFuzzTest {
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00.123456Z");

    /** One stored record type: its subject in error messages, a valid encoding, its parser and encoder. */
    private record Format<T>(String subject, String valid, Function<String, T> parse, Function<T, String> encode) {
        @SuppressWarnings("unchecked")
        String roundTrip(Object value) {
            return encode.apply((T) value);
        }
    }

    private static final List<Format<?>> FORMATS = List.of(
            new Format<>("task properties", "{\"url\":\"https://x\",\"n\":[1,2.5,null,true],\"o\":{}}",
                    TaskProperties::parse, TaskProperties::json),
            new Format<>("task spec", new TaskSpec(TaskProperties.parse("{\"a\":1}"), NOW,
                    Optional.of(NOW.plusSeconds(60))).encode(), TaskSpec::decode, TaskSpec::encode),
            new Format<>("task state", TaskState.initial(NOW).encode(), TaskState::decode, TaskState::encode),
            new Format<>("task command", TaskCommand.PAUSE.encode(), TaskCommand::parse, TaskCommand::encode),
            new Format<>("member command", MemberCommand.release(TaskId.of("t-1")).encode(), MemberCommand::parse,
                    MemberCommand::encode),
            new Format<>("member record", new MemberRecord(true).encode(), MemberRecord::decode,
                    MemberRecord::encode));

    /** A generated input and the record type it is read as. */
    record Input(int format, String json) {
        @Override
        public String toString() {
            return FORMATS.get(format).subject() + ": " + Excerpt.of(json) + " (" + json.length() + " chars)";
        }
    }

    @Property(tries = 3000, shrinking = ShrinkingMode.OFF)
    void storedRecordsAreReadExactlyOrRefusedByName(@ForAll("inputs") Input input) {
        Format<?> format = FORMATS.get(input.format());
        Object value;
        try {
            value = format.parse().apply(input.json());
        } catch (TaskFormatException e) {
            assertThat(e.subject()).isEqualTo(format.subject());
            assertThat(e.getMessage()).startsWith("invalid " + format.subject() + " ");
            assertThat(e.rule()).isNotBlank();
            return;
        }
        String encoded = format.roundTrip(value);
        String stored = new String(encoded.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        Object readBack = format.parse().apply(stored);
        assertThat(readBack).as("what the store gives back for %s", Excerpt.of(stored)).isEqualTo(value);
        assertThat(format.roundTrip(readBack)).isEqualTo(stored);
    }

    @Property(tries = 3000, shrinking = ShrinkingMode.OFF)
    void taskIdsAreKeptExactlyOrRefusedByName(@ForAll("ids") String value) {
        TaskId id;
        try {
            id = TaskId.of(value);
        } catch (TaskFormatException e) {
            assertThat(e.getMessage()).startsWith("invalid task id " + Excerpt.of(value) + ": ");
            return;
        }
        Keyspace keys = new Keyspace("ns/");
        String storedKey = new String(keys.spec(id).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        assertThat(keys.parse(storedKey)).as("the spec key read back from the store")
                .isEqualTo(new Keyspace.TaskKey(id, Keyspace.Part.SPEC));
        String command = MemberCommand.release(id).encode();
        assertThat(MemberCommand.parse(new String(command.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)))
                .isEqualTo(MemberCommand.release(id));
    }

    @Property(tries = 1000, shrinking = ShrinkingMode.OFF)
    void propertiesBuiltInCodeAreStoredAsTheyReadBack(@ForAll("trees") ObjectNode tree) {
        TaskProperties properties;
        try {
            properties = TaskProperties.of(tree);
        } catch (TaskFormatException e) {
            assertThat(e.getMessage()).startsWith("invalid task properties ");
            return;
        }
        String stored = new String(properties.json().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        TaskProperties readBack = TaskProperties.parse(stored);
        assertThat(readBack).isEqualTo(properties);
        assertThat(readBack.json()).isEqualTo(properties.json());
    }

    @Provide
    Arbitrary<Input> inputs() {
        return Arbitraries.randomValue(random -> {
            int format = random.nextInt(FORMATS.size());
            return new Input(format, new HostileJson(random).next(FORMATS.get(format).valid()));
        });
    }

    @Provide
    Arbitrary<String> ids() {
        Arbitrary<Character> odd = Arbitraries.of('/', '\u0000', '\n', '\u007f', '\u0085', '\u00a0', '\u200b',
                '\ufffd', '\ufeff', '\ud800', '\udc00', '\ud83d', '\ude00', 'é', '.', ' ', '%', '\\', '"', '*');
        Arbitrary<Character> any = Arbitraries.chars().all();
        Arbitrary<Character> plain = Arbitraries.chars().alpha();
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                Tuple.of(4, plain), Tuple.of(2, odd), Tuple.of(1, any));
        return Arbitraries.oneOf(
                chars.list().ofMinSize(0).ofMaxSize(12).map(TaskInputFuzzTest::text),
                chars.list().ofMinSize(100).ofMaxSize(300).map(TaskInputFuzzTest::text),
                Arbitraries.of("", ".", "..", "a".repeat(128), "a".repeat(129), "é".repeat(64), "é".repeat(65),
                        "😀".repeat(32), "😀".repeat(33)));
    }

    private static String text(List<Character> chars) {
        StringBuilder s = new StringBuilder(chars.size());
        chars.forEach(s::append);
        return s.toString();
    }

    /** Trees with values JSON cannot carry as they are: non-finite and binary-float numbers, bytes, deep nesting. */
    @Provide
    Arbitrary<ObjectNode> trees() {
        return Arbitraries.randomValue(TaskInputFuzzTest::tree);
    }

    private static ObjectNode tree(Random random) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode root = nodes.objectNode();
        int fields = random.nextInt(5);
        for (int i = 0; i < fields; i++) {
            String name = "f" + random.nextInt(3);
            switch (random.nextInt(10)) {
                case 0 -> root.put(name, random.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY);
                case 1 -> root.put(name, random.nextDouble());
                case 2 -> root.put(name, (float) random.nextGaussian());
                case 3 -> root.put(name, new byte[] {1, 2, (byte) random.nextInt()});
                case 4 -> root.put(name, new BigDecimal(random.nextInt() + "e" + (random.nextInt(800) - 400)));
                case 5 -> root.put(name, random.nextLong());
                case 6 -> root.put(name, "\ud800" + random.nextInt());
                case 7 -> root.set(name, nested(nodes, random.nextInt(3) == 0 ? 2_000 + random.nextInt(50_000) : 3));
                case 8 -> root.putPOJO(name, List.of(random.nextInt()));
                default -> root.put(name, "x".repeat(random.nextInt(3) == 0 ? 70_000 : 5));
            }
        }
        return root;
    }

    private static JsonNode nested(JsonNodeFactory nodes, int depth) {
        JsonNode inner = nodes.numberNode(1);
        for (int i = 0; i < depth; i++) {
            ArrayNode array = nodes.arrayNode();
            array.add(inner);
            inner = array;
        }
        return inner;
    }
}
