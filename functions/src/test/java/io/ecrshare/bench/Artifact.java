package io.ecrshare.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The artifact figures scripts/benchmark.sh collected before the suite started (builds stay in the script). */
final class Artifact {

    private Artifact() {
    }

    static String describe(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return "Not measured: run scripts/benchmark.sh, which builds the artifacts first.\n";
        }
        StringBuilder md = new StringBuilder();
        md.append("The SAM-style artifact is what `sam build` deploys for every function (one CodeUri): "
                + "target/classes plus lib/*.jar of the runtime scope, built and checked by "
                + "`VERBOSE=1 scripts/check-sam-artifact.sh`:\n\n```\n")
                .append(clean(dir.resolve("artifact.txt"))).append("\n```\n\n");
        md.append("Where the jars come from (`mvn dependency:tree -Dscope=runtime`):\n\n```\n")
                .append(clean(dir.resolve("tree.txt"))).append("\n```\n\n");
        md.append("The plan command's jar (`mvn -Pcli package`, shaded, not deployed): ")
                .append(clean(dir.resolve("cli.txt"))).append("\n");
        return md.toString();
    }

    /** Maven's quiet mode still writes colour resets; they are noise in a document. */
    private static String clean(Path file) throws IOException {
        return Files.readString(file).replaceAll("\u001B\\[[0-9;]*m", "").replace("[0m", "").strip();
    }
}
