package dev.baton.alloc;

import java.util.Objects;

/**
 * Where the allocator keeps its state, under one namespace (see docs/keyspace.md):
 * <pre>
 *   &lt;ns&gt;alloc/items/&lt;item&gt;                → {"replicas":N}                     no lease
 *   &lt;ns&gt;alloc/members/&lt;member&gt;            → {"zone":Z,"capacity":C,"exiting":B} the member's session lease
 *   &lt;ns&gt;alloc/assign/&lt;item&gt;/&lt;member&gt;      → application status (UTF-8)         the assignee's session lease
 *   &lt;ns&gt;alloc/leader/&lt;lease-hex&gt;          → leader candidates (etcd's election layout)
 * </pre>
 * Ids never contain '/', so every key parses back into exactly one of these.
 */
final class AllocatorKeyspace {

    private final String namespace;
    private final String root;

    /**
     * @param namespace the deployment's prefix, ending in '/', e.g. {@code "baton/"}
     * @throws IllegalArgumentException naming the value when it is blank, does not end in '/' or
     *                                  holds control characters
     */
    AllocatorKeyspace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isBlank() || !namespace.endsWith("/")) {
            throw new IllegalArgumentException("namespace must be a non-blank prefix ending in '/', got '" + namespace + "'");
        }
        if (namespace.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    "namespace must not contain control characters, got '" + namespace.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        this.namespace = namespace;
        this.root = namespace + "alloc/";
    }

    String namespace() {
        return namespace;
    }

    /** The prefix of every allocator key, including the election's. */
    String root() {
        return root;
    }

    String items() {
        return root + "items/";
    }

    String members() {
        return root + "members/";
    }

    String assignments() {
        return root + "assign/";
    }

    /** The election's name, as etcd's election names it (no trailing '/'). */
    String election() {
        return root + "leader";
    }

    String item(String id) {
        return items() + Ids.check("item id", id);
    }

    String member(String id) {
        return members() + Ids.check("member id", id);
    }

    String assignment(Assignment assignment) {
        return itemAssignments(assignment.item()) + assignment.member();
    }

    /** The prefix of one item's assignments: its route. */
    String itemAssignments(String item) {
        return assignments() + Ids.check("item id", item) + "/";
    }

    /**
     * What {@code key} is. Keys outside {@link #root()} are an error; keys inside that are not
     * items, members, assignments or election candidates are {@link KeyKind.Malformed}.
     */
    KeyKind parse(String key) {
        if (!key.startsWith(root)) {
            throw new IllegalArgumentException("key '" + key + "' is outside the allocator keyspace '" + root + "'");
        }
        String rest = key.substring(root.length());
        try {
            if (rest.startsWith("items/")) {
                return new KeyKind.ItemKey(Ids.check("item id", rest.substring("items/".length())));
            }
            if (rest.startsWith("members/")) {
                return new KeyKind.MemberKey(Ids.check("member id", rest.substring("members/".length())));
            }
            if (rest.startsWith("assign/")) {
                String path = rest.substring("assign/".length());
                int slash = path.indexOf('/');
                if (slash < 0) {
                    return new KeyKind.Malformed(key, "an assignment key needs <item>/<member>");
                }
                return new KeyKind.AssignmentKey(new Assignment(path.substring(0, slash), path.substring(slash + 1)));
            }
            if (rest.startsWith("leader/")) {
                return new KeyKind.ElectionKey();
            }
        } catch (IllegalArgumentException e) {
            return new KeyKind.Malformed(key, e.getMessage());
        }
        return new KeyKind.Malformed(key, "not an allocator key");
    }

    /** The kinds of key under {@link #root()}. */
    sealed interface KeyKind {
        record ItemKey(String id) implements KeyKind {
        }

        record MemberKey(String id) implements KeyKind {
        }

        record AssignmentKey(Assignment assignment) implements KeyKind {
        }

        record ElectionKey() implements KeyKind {
        }

        record Malformed(String key, String reason) implements KeyKind {
        }
    }
}
