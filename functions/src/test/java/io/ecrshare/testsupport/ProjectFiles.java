package io.ecrshare.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files at the repository's top level (template.yaml, events/), found from wherever the tests run. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("template.yaml")) && Files.isDirectory(dir.resolve("events"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the project root (template.yaml and events/) above "
                + Path.of("").toAbsolutePath());
    }

    public static Path event(String name) {
        Path path = root().resolve("events").resolve(name);
        if (!Files.exists(path)) {
            throw new IllegalStateException("no sample event " + path);
        }
        return path;
    }

    public static String eventText(String name) {
        try {
            return Files.readString(event(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InputStream eventStream(String name) {
        return new ByteArrayInputStream(eventText(name).getBytes());
    }
}
