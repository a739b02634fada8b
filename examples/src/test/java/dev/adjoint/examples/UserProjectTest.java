package dev.adjoint.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/user-project} is a separate Maven project that uses the library as a user's does;
 * the build does not compile it. This compiles its sources against the library as built now and runs
 * its program briefly, so an API change that breaks a user's code breaks this test first.
 */
class UserProjectTest {
    @Test
    void theUserProjectCompilesAgainstTheLibraryAndTrains(@TempDir Path classes) throws Exception {
        Path src = Path.of("user-project", "src", "main", "java");
        assertThat(src).as("run from the examples module").isDirectory();
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(src)) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> files.add(p.toString()));
        }
        assertThat(files).isNotEmpty();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK, not a JRE").isNotNull();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"), "--release", "17"));
        args.addAll(files);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(new String[0]));
        assertThat(rc).as("javac on the user project: " + diagnostics).isZero();

        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true));
            loader.loadClass("demo.Main").getMethod("main", String[].class).invoke(null, (Object) new String[] {"520"});
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString()).as("its report").contains("steady step: median").contains("resident memory step 500");
    }
}
