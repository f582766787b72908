package io.jgoim.common.tls;

import io.jgoim.common.config.ConfigException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * File checks of the TLS config records, run when a config loads so a node with TLS on and a missing file refuses to
 * start with one line naming the key (the loader puts the section in front: {@code rpc.tls: certFile ...}).
 */
final class TlsFiles {
    private TlsFiles() {
    }

    static void required(String file, String key) {
        if (file.isEmpty()) {
            throw new ConfigException(key + " is required when enabled is true");
        }
        readable(file, key);
    }

    static void optional(String file, String key) {
        if (!file.isEmpty()) {
            readable(file, key);
        }
    }

    private static void readable(String file, String key) {
        Path p;
        try {
            p = Path.of(file);
        } catch (InvalidPathException e) {
            throw new ConfigException(key + " is not a file path: '" + file + "'");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new ConfigException(key + " '" + file + "' is not a readable file");
        }
    }
}
