package dev.baton.bench.election;

import java.time.Duration;

/**
 * One of the election implementations compared, bound to the store it runs on: it makes
 * candidates and counts the candidates an election has. {@link #id()} and {@link #endpoint()} are
 * what a candidate in a child JVM needs to make the same system ({@link CandidateMain}).
 */
interface ElectionSystem extends AutoCloseable {
    /** Sessions of every system expire this long after their holder stops renewing them. */
    Duration SESSION_TIMEOUT = Duration.ofSeconds(2);

    /** Short name on the command line of {@link CandidateMain}: {@code baton}, {@code jetcd}, {@code curator}. */
    String id();

    /** What the tables call it. */
    String displayName();

    /** Where its store listens. */
    String endpoint();

    /** A new candidate of {@code election} with its own connection and session. */
    Candidate candidate(String election) throws Exception;

    /** How many candidates {@code election} has in the store right now. */
    int candidates(String election) throws Exception;

    /** Closes what counting candidates needed; candidates are closed by their owners. */
    @Override
    void close();

    /** The system named {@code id}, on the store at {@code endpoint}. */
    static ElectionSystem of(String id, String endpoint) {
        return switch (id) {
            case "baton" -> new BatonElection(endpoint);
            case "jetcd" -> new JetcdElection(endpoint);
            case "curator" -> new CuratorElection(endpoint);
            default -> throw new IllegalArgumentException("unknown election system '" + id
                    + "'; expected baton, jetcd or curator");
        };
    }
}
