package dev.baton.server.wal;

import java.io.IOException;

/** A data directory that cannot be used: locked, unwritable or damaged; the message names the file. */
public final class DataDirectoryException extends IOException {
    private static final long serialVersionUID = 1L;

    DataDirectoryException(String message) {
        super(message);
    }

    DataDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
