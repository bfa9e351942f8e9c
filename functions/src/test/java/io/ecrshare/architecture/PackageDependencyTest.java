package io.ecrshare.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package graph of {@code src/main/java}, read from the imports: dependencies point one way
 * (entry points -> wiring -> adapters -> domain -> ports -> base) and there is no cycle. docs/architecture.md
 * draws the same graph.
 */
class PackageDependencyTest {

    private static final Path MAIN = Path.of("src/main/java/io/ecrshare");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.ecrshare\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** Layers from the top; a package may depend only on packages of a lower layer, or its own layer when acyclic. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("grant", 0), Map.entry("enforce", 0), Map.entry("reconcile", 0), Map.entry("tokenapi", 0),
            Map.entry("cli", 0),
            Map.entry("wiring", 1),
            Map.entry("aws", 2),
            Map.entry("share", 3), Map.entry("token", 3),
            Map.entry("policy", 4), Map.entry("event", 4),
            Map.entry("config", 5), Map.entry("registry", 5), Map.entry("minting", 5),
            Map.entry("observability", 6));

    static Map<String, Set<String>> graph() {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> deps = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        deps.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return graph;
    }

    @Test
    void everyPackageHasALayer() {
        Set<String> unplaced = new TreeSet<>(graph().keySet());
        unplaced.removeAll(LAYER.keySet());
        assertEquals(Set.of(), unplaced, "new packages need a layer here and in docs/architecture.md");
    }

    @Test
    void dependenciesPointDown() {
        List<String> upward = new ArrayList<>();
        graph().forEach((pkg, deps) -> deps.forEach(dep -> {
            if (LAYER.getOrDefault(dep, -1) < LAYER.getOrDefault(pkg, -1)) {
                upward.add(pkg + " -> " + dep);
            }
        }));
        assertEquals(List.of(), upward, "a package depends on a package above it");
    }

    @Test
    void noCycles() {
        List<List<String>> cycles = stronglyConnected(graph()).stream().filter(c -> c.size() > 1).toList();
        assertEquals(List.of(), cycles, "package cycles");
    }

    @Test
    void theCheckFindsACycle() {
        Map<String, Set<String>> g = new HashMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
        List<List<String>> cycles = stronglyConnected(g).stream().filter(c -> c.size() > 1).toList();
        assertEquals(1, cycles.size());
        assertTrue(cycles.get(0).containsAll(List.of("a", "b", "c")));
    }

    /** Tarjan's algorithm. */
    static List<List<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : new TreeSet<>(graph.keySet())) {
            if (!index.containsKey(v)) {
                visit(v, graph, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void visit(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                              Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                              List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                visit(w, graph, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }
}
