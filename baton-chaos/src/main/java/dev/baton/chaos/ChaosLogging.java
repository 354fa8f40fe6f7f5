package dev.baton.chaos;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** The logging set-up every process of the suite starts with. */
public final class ChaosLogging {
    /** The logback configuration of every process of the suite. */
    public static final String CONFIGURATION = "chaos-logback.xml";

    private ChaosLogging() {
    }

    /**
     * Logs through {@value #CONFIGURATION}, java.util.logging included: gRPC logs through it, and
     * its console handler would print two-line INFO records (a transport's start-up notice) between
     * the suite's lines; bridged, they follow the configuration's levels.
     */
    public static void configure() {
        System.setProperty("logback.configurationFile", CONFIGURATION);
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }
}
