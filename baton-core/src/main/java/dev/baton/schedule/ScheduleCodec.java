package dev.baton.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.tasks.TaskFormatException;
import dev.baton.tasks.TaskOptions;
import dev.baton.tasks.TaskProperties;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;

/**
 * The stored forms of a schedule and of its last fire time, compact JSON:
 *
 * <pre>
 * {"trigger":{"cron":"0 2 * * *","zone":"Europe/Berlin"},"misfire":"fire-once","properties":{…},"options":{"timeout":"PT1M"},"paused":false,"anchor":"2026-12-02T10:15:00Z"}
 * {"trigger":{"every":"PT1M"},…}     {"trigger":{"delay":"PT30S"},…}
 * {"lastFire":"2026-12-02T10:16:00Z"}
 * </pre>
 *
 * {@code "options"} holds the tasks' {@link TaskOptions} as a task spec stores them, and only
 * when one differs from its default; a record without it (written before options existed)
 * reads as the defaults. Decoding is strict (unknown fields, wrong types, bad values refused naming the field), so a
 * corrupt record is listed with its problem and never fires.
 */
final class ScheduleCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("trigger", "misfire", "properties", "options", "paused", "anchor");
    /** The properties' limit and room for the other fields. */
    static final int MAX_ENCODED_BYTES = TaskProperties.MAX_ENCODED_BYTES + 2048;

    private ScheduleCodec() {
    }

    static String encode(Schedule schedule) {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode trigger = node.putObject("trigger");
        if (schedule.trigger() instanceof Trigger.Cron cron) {
            trigger.put("cron", cron.cron().expression()).put("zone", cron.cron().zone().getId());
        } else if (schedule.trigger() instanceof Trigger.FixedRate rate) {
            trigger.put("every", rate.every().toString());
        } else if (schedule.trigger() instanceof Trigger.FixedDelay delay) {
            trigger.put("delay", delay.delay().toString());
        }
        node.put("misfire", schedule.misfire().toString());
        try {
            node.set("properties", JSON.readTree(schedule.properties().json()));
            if (!schedule.options().isDefault()) {
                node.set("options", JSON.readTree(schedule.options().json()));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("task properties that were stored read back as invalid JSON", e);
        }
        node.put("paused", schedule.paused());
        node.put("anchor", schedule.anchor().toString());
        return node.toString();
    }

    static Schedule decode(String name, String json) {
        String subject = "schedule \"" + name + "\"";
        if (json.length() > MAX_ENCODED_BYTES) {
            throw new InvalidScheduleException(subject + ": stored record is " + json.length()
                    + " characters, more than " + MAX_ENCODED_BYTES);
        }
        JsonNode node = object(subject, json);
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw new InvalidScheduleException(subject + ": unknown field \"" + field + "\"");
            }
        }
        JsonNode properties = node.get("properties");
        if (properties == null || !properties.isObject()) {
            throw new InvalidScheduleException(subject + ": field \"properties\" must be a JSON object");
        }
        TaskProperties taskProperties;
        try {
            taskProperties = TaskProperties.of((ObjectNode) properties);
        } catch (TaskFormatException e) {
            throw new InvalidScheduleException(subject + ": field \"properties\": " + e.getMessage());
        }
        TaskOptions options = TaskOptions.defaults();
        JsonNode optionsNode = node.get("options");
        if (optionsNode != null) {
            if (!optionsNode.isObject()) {
                throw new InvalidScheduleException(subject + ": field \"options\" must be a JSON object");
            }
            try {
                options = TaskOptions.parse(optionsNode.toString());
            } catch (TaskFormatException e) {
                throw new InvalidScheduleException(subject + ": field \"options\": " + e.getMessage());
            }
        }
        JsonNode paused = node.get("paused");
        if (paused == null || !paused.isBoolean()) {
            throw new InvalidScheduleException(subject + ": field \"paused\" must be true or false");
        }
        return new Schedule(name, trigger(subject, node.get("trigger")),
                MisfirePolicy.parse(text(subject, node, "misfire")), taskProperties, options, paused.booleanValue(),
                instant(subject, node, "anchor"));
    }

    private static Trigger trigger(String subject, JsonNode trigger) {
        if (trigger == null || !trigger.isObject()) {
            throw new InvalidScheduleException(subject + ": field \"trigger\" must be a JSON object");
        }
        if (trigger.has("cron") && trigger.size() == 2 && trigger.has("zone")) {
            return new Trigger.Cron(CronExpression.parse(text(subject, trigger, "cron"),
                    CronExpression.zone(text(subject, trigger, "zone"))));
        }
        if (trigger.has("every") && trigger.size() == 1) {
            return new Trigger.FixedRate(duration(subject, trigger, "every"));
        }
        if (trigger.has("delay") && trigger.size() == 1) {
            return new Trigger.FixedDelay(duration(subject, trigger, "delay"));
        }
        throw new InvalidScheduleException(subject + ": field \"trigger\" " + trigger
                + " must be {\"cron\",\"zone\"}, {\"every\"} or {\"delay\"}");
    }

    static String encodeFire(Instant lastFire) {
        return JSON.createObjectNode().put("lastFire", lastFire.toString()).toString();
    }

    static Instant decodeFire(String name, String json) {
        String subject = "last fire time of schedule \"" + name + "\"";
        JsonNode node = object(subject, json);
        if (node.size() != 1) {
            throw new InvalidScheduleException(subject + ": must hold exactly the field \"lastFire\", is " + json);
        }
        return instant(subject, node, "lastFire");
    }

    private static JsonNode object(String subject, String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidScheduleException(subject + ": stored record is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidScheduleException(subject + ": stored record is not a JSON object");
        }
        return node;
    }

    private static String text(String subject, JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new InvalidScheduleException(subject + ": field \"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    private static Instant instant(String subject, JsonNode node, String field) {
        String text = text(subject, node, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new InvalidScheduleException(subject + ": field \"" + field + "\" \"" + text + "\" is not an ISO-8601 instant");
        }
    }

    private static Duration duration(String subject, JsonNode node, String field) {
        String text = text(subject, node, field);
        try {
            return Duration.parse(text);
        } catch (DateTimeException e) {
            throw new InvalidScheduleException(subject + ": field \"" + field + "\" \"" + text + "\" is not an ISO-8601 duration");
        }
    }
}
