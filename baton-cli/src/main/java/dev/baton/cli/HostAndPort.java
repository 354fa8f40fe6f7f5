package dev.baton.cli;

import picocli.CommandLine;

/** {@code host:port} or {@code [ipv6]:port}, as given to {@code --listen}. */
record HostAndPort(String host, int port) {

    static HostAndPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port of '" + text + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the port of '" + text + "' is not within 0..65535");
        }
        return new HostAndPort(host, port);
    }

    /** Lets picocli convert option values, reporting bad ones as usage errors. */
    static final class Converter implements CommandLine.ITypeConverter<HostAndPort> {
        @Override
        public HostAndPort convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
