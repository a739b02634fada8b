package dev.adjoint.examples;

import dev.adjoint.data.DataLoader;
import dev.adjoint.data.Dataset;
import dev.adjoint.io.Checkpoints;
import dev.adjoint.layers.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The checks that keep an example from reporting success after training nothing (no data, a
 * NaN loss) or from losing a trained model at save time. Each failure is one line (Main prints it).
 */
final class Guards {
    /** Room kept free beyond the checkpoint's own size: the file system's bookkeeping and the rest of the program's output. */
    static final long SAVE_MARGIN_BYTES = 1L << 20;

    private Guards() {
    }

    /** A run that started but cannot give a meaningful result: Main prints the message and exits with status 1. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }

    /** The data set must hold at least one example. */
    static void requireExamples(String program, String what, Dataset data) {
        if (data.size() == 0) {
            throw new Options.Invalid(program + ": the " + what + " holds no images");
        }
    }

    /** The loader must yield at least one batch per epoch. */
    static void requireBatches(String program, DataLoader loader) {
        if (loader.batches() == 0) {
            throw new Options.Invalid(program + ": " + loader + " yields no batch per epoch");
        }
    }

    /** Stops training at the first loss that is NaN or infinite, saying where and what to try. */
    static void requireFinite(String program, String what, double loss, int epoch, int step, String hint) {
        if (!Double.isFinite(loss)) {
            throw new Failed(program + ": the " + what + " became " + loss + " at epoch " + epoch + ", step " + step + "; " + hint);
        }
    }

    /**
     * Before training: the checkpoint must fit on its file system (a save writes a temporary copy
     * beside the old file, so the old one's size does not count as free).
     */
    static void requireRoom(String program, String option, Path target, long bytes) {
        Path dir = target.toAbsolutePath().getParent();
        long free;
        try {
            free = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return; // the option's own check found the folder writable; a store we cannot query is not a reason to refuse
        }
        if (free < bytes + SAVE_MARGIN_BYTES) {
            throw new Options.Invalid(program + ": --" + option + " " + target + ": the checkpoint needs " + mb(bytes) + " (and "
                    + mb(SAVE_MARGIN_BYTES) + " to spare) but " + dir + " has " + mb(free) + " free");
        }
    }

    /**
     * Saves the trained model; when that fails, saves it to a file in the system's temporary folder
     * instead and fails with a line saying where it is.
     */
    static void saveOrFallback(String program, Module model, Path target, Map<String, String> metadata) {
        try {
            Checkpoints.save(model, target, metadata);
            return;
        } catch (IOException | RuntimeException e) {
            Path fallback;
            try {
                fallback = Files.createTempFile(program + "-", "-" + target.getFileName());
                Checkpoints.save(model, fallback, metadata);
            } catch (IOException | RuntimeException again) {
                throw new Failed(program + ": could not save the trained model to " + target + " (" + e.getMessage()
                        + "), nor to the temporary folder (" + again.getMessage() + ")");
            }
            throw new Failed(program + ": could not save the trained model to " + target + " (" + e.getMessage() + "); it is saved in " + fallback
                    + " instead");
        }
    }

    private static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
