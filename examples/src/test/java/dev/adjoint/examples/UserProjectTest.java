package dev.adjoint.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/user-project} is the README's library section as files: a user's own Maven project
 * that the build does not compile. These tests hold the README and that folder to each other, and
 * build and run the project with Maven the way a new user does: from an empty local repository.
 */
class UserProjectTest {
    private static final Path PROJECT = Path.of("user-project");
    private static final String VERSION = "0.1.0-SNAPSHOT";

    @Test
    void theReadmeShowsTheUserProjectsTwoFilesExactly() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Using it as a library");
        assertThat(section).as("README's library section").isPositive();
        assertThat(codeBlock(readme, section, "xml")).as("README's pom.xml vs examples/user-project/pom.xml")
                .isEqualTo(Files.readString(PROJECT.resolve("pom.xml")));
        assertThat(codeBlock(readme, section, "java")).as("README's Main.java vs examples/user-project")
                .isEqualTo(Files.readString(PROJECT.resolve(Path.of("src", "main", "java", "demo", "Main.java"))));
    }

    /**
     * Copies the project to a temporary folder, gives Maven a local repository that holds nothing but
     * adjoint's two artifacts as just built (as {@code mvn install} would leave them), and runs the
     * README's {@code mvn -q compile exec:java} on a small synthetic MNIST. ND4J, slf4j and Maven's
     * plugins come from the repositories: this machine's own local repository, read as a remote one
     * so that nothing is downloaded twice, then Maven Central.
     */
    @Test
    void theUserProjectBuildsWithMavenFromAnEmptyLocalRepositoryAndTrains(@TempDir Path tmp) throws Exception {
        Path work = tmp.resolve("my-net");
        copyTree(PROJECT.resolve("pom.xml"), work.resolve("pom.xml"));
        copyTree(PROJECT.resolve("src"), work.resolve("src"));
        writeSyntheticMnist(work.resolve(Path.of("data", "mnist")));

        Path repo = tmp.resolve("repository");
        install(repo, "adjoint-parent", Path.of("..", "pom.xml"), null);
        install(repo, "adjoint-core", Path.of("..", "core", "pom.xml"), Path.of("..", "core", "target", "classes"));
        install(repo, "adjoint-layers", Path.of("..", "layers", "pom.xml"), Path.of("..", "layers", "target", "classes"));
        assertThat(repo.resolve(Path.of("org", "nd4j"))).as("the local repository starts without ND4J").doesNotExist();

        String machineRepo = System.getProperty("adjoint.maven.repo", Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path settings = tmp.resolve("settings.xml");
        String remote = "<id>this-machine</id><url>" + Path.of(machineRepo).toUri() + "</url><snapshots><enabled>false</enabled></snapshots>";
        Files.writeString(settings, "<settings><localRepository>" + repo.toAbsolutePath() + "</localRepository>"
                + "<profiles><profile><id>this-machine</id>"
                + "<repositories><repository>" + remote + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + remote + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles><activeProfiles><activeProfile>this-machine</activeProfile></activeProfiles></settings>");

        List<String> command = new ArrayList<>(List.of(mavenCommand(), "-B", "-q", "-s", settings.toString(),
                "compile", "exec:java", "-Dexec.args=data/mnist 12"));
        Path log = tmp.resolve("mvn.log");
        Process mvn = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = mvn.waitFor(15, TimeUnit.MINUTES);
        if (!finished) {
            mvn.destroyForcibly();
        }
        String out = Files.readString(log);
        assertThat(finished).as("mvn finished within 15 minutes: " + out).isTrue();
        assertThat(mvn.exitValue()).as("mvn " + command + " in " + work + ":\n" + out).isZero();
        assertThat(out).contains("step 12/12: loss").containsPattern("test accuracy 0\\.\\d{4}");
        assertThat(repo.resolve(Path.of("org", "nd4j", "nd4j-native"))).as("ND4J came through the empty repository").isDirectory();

        Path checkpoint = work.resolve("my-net.safetensors");
        assertThat(checkpoint).exists();
        // PyTorch's names for the twin in examples/pytorch/user_project_twin.py (load_state_dict(strict=True))
        List<String> names = new ArrayList<>(List.of("stem.weight", "fc.weight", "fc.bias"));
        for (String bn : List.of("bn", "block1.bn1", "block1.bn2", "block2.bn1", "block2.bn2")) {
            for (String buffer : List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked")) {
                names.add(bn + "." + buffer);
            }
        }
        names.addAll(List.of("block1.conv1.weight", "block1.conv2.weight", "block2.conv1.weight", "block2.conv2.weight"));
        assertThat(dev.adjoint.io.Checkpoints.read(checkpoint).keySet()).containsExactlyInAnyOrderElementsOf(names);
    }

    /** The first fenced block of the language after {@code from}, with its trailing newline. */
    private static String codeBlock(String text, int from, String language) {
        Matcher m = Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(text);
        assertThat(m.find(from)).as("a ```" + language + " block in README's library section").isTrue();
        return m.group(1);
    }

    private static String mavenCommand() {
        String windows = System.getProperty("os.name").startsWith("Windows") ? "mvn.cmd" : "mvn";
        String home = System.getProperty("adjoint.maven.home", "");
        Path inHome = Path.of(home, "bin", windows);
        return !home.isEmpty() && Files.isExecutable(inHome) ? inHome.toString() : windows;
    }

    /** What {@code mvn install} leaves for a module: its pom and, for a jar module, the jar of its classes. */
    private static void install(Path repo, String artifact, Path pom, Path classes) throws IOException {
        Path dir = repo.resolve(Path.of("dev", "adjoint", artifact, VERSION));
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifact + "-" + VERSION + ".pom"));
        if (classes == null) {
            return;
        }
        assertThat(classes).as("compiled classes of " + artifact).isDirectory();
        try (OutputStream file = Files.newOutputStream(dir.resolve(artifact + "-" + VERSION + ".jar"));
                JarOutputStream jar = new JarOutputStream(file);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                jar.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, jar);
                jar.closeEntry();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target);
                }
            }
        }
    }

    /** MNIST's four IDX files in small: 768 training and 200 test images of random strokes. */
    static void writeSyntheticMnist(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(1);
        writeIdx(dir, "train", 768, r);
        writeIdx(dir, "t10k", 200, r);
    }

    private static void writeIdx(Path dir, String prefix, int n, Random r) throws IOException {
        try (DataOutputStream images = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
                DataOutputStream labels = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            images.writeInt(0x803);
            images.writeInt(n);
            images.writeInt(28);
            images.writeInt(28);
            labels.writeInt(0x801);
            labels.writeInt(n);
            byte[] pixels = new byte[28 * 28];
            for (int i = 0; i < n; i++) {
                int label = r.nextInt(10);
                java.util.Arrays.fill(pixels, (byte) 0);
                for (int x = 2; x < 26; x++) {   // a bar whose row says the label
                    pixels[(2 + 2 * label) * 28 + x] = (byte) (128 + r.nextInt(128));
                }
                images.write(pixels);
                labels.writeByte(label);
            }
        }
    }
}
