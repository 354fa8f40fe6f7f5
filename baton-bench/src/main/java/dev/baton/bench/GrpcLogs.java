package dev.baton.bench;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gRPC logs through java.util.logging, whose console handler would print INFO lines (such as the
 * transport's start-up notice) between the tables; every JVM the bench starts holds them to
 * warnings.
 */
final class GrpcLogs {
    /** Held here because the JDK keeps loggers only weakly: a collected logger forgets its level. */
    private static final Logger GRPC = Logger.getLogger("io.grpc");

    private GrpcLogs() {
    }

    /** From now on, only gRPC's warnings and errors reach the console. */
    static void quiet() {
        GRPC.setLevel(Level.WARNING);
    }
}
