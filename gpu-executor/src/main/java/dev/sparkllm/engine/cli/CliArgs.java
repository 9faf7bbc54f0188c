package dev.sparkllm.engine.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} and {@code --flag} arguments, checked against the names a command knows. */
final class CliArgs {
    private final Map<String, List<String>> values = new HashMap<>();

    CliArgs(String[] args, int from, Set<String> valued, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "'");
            String name = a.substring(2);
            if (flags.contains(name)) {
                values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (valued.contains(name)) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("--" + name + " needs a value");
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
    }

    boolean has(String name) { return values.containsKey(name); }

    String get(String name, String dflt) {
        List<String> v = values.get(name);
        return v == null ? dflt : v.get(v.size() - 1);
    }

    String require(String name) {
        String v = get(name, null);
        if (v == null) throw new IllegalArgumentException("--" + name + " is required");
        return v;
    }

    List<String> all(String name) { return values.getOrDefault(name, List.of()); }

    int intValue(String name, int dflt) {
        String v = get(name, null);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    float floatValue(String name, float dflt) {
        String v = get(name, null);
        try {
            return v == null ? dflt : Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
        }
    }
}
