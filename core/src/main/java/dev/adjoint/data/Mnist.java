package dev.adjoint.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST from the four original IDX files ({@code train-images-idx3-ubyte}, ...; gzipped
 * copies with a {@code .gz} suffix are read too). Pixels are scaled to [0, 1]; images are
 * {@code [1, 28, 28]}. Magic numbers, counts and lengths are checked: a truncated or wrong file
 * gives an IOException that names the file and what was wrong.
 */
public final class Mnist {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private Mnist() {
    }

    /** The 60,000 training examples from {@code dir}. */
    public static TensorDataset train(Path dir) throws IOException {
        return read(dir.resolve(TRAIN_IMAGES), dir.resolve(TRAIN_LABELS));
    }

    /** The 10,000 test examples from {@code dir}. */
    public static TensorDataset test(Path dir) throws IOException {
        return read(dir.resolve(TEST_IMAGES), dir.resolve(TEST_LABELS));
    }

    /** Reads one images file and its labels file; their counts must agree. */
    public static TensorDataset read(Path images, Path labels) throws IOException {
        float[] pixels;
        int count;
        int rows;
        int cols;
        try (DataInputStream in = open(images)) {
            int magic = header(in, images, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new IOException(images + ": not an IDX image file (magic 0x" + Integer.toHexString(magic) + ", expected 0x803)");
            }
            count = header(in, images, "image count");
            rows = header(in, images, "row count");
            cols = header(in, images, "column count");
            if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE) {
                throw new IOException(images + ": implausible sizes " + count + " x " + rows + " x " + cols);
            }
            byte[] raw = readExactly(in, images, 16, count * rows * cols, count + " images of " + rows + "x" + cols);
            pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = (raw[i] & 0xff) / 255f;
            }
        }
        int[] y;
        try (DataInputStream in = open(labels)) {
            int magic = header(in, labels, "magic number");
            if (magic != LABELS_MAGIC) {
                throw new IOException(labels + ": not an IDX label file (magic 0x" + Integer.toHexString(magic) + ", expected 0x801)");
            }
            int n = header(in, labels, "label count");
            if (n != count) {
                throw new IOException(labels + " holds " + n + " labels but " + images + " holds " + count + " images");
            }
            byte[] raw = readExactly(in, labels, 8, n, n + " labels");
            y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = raw[i] & 0xff;
                if (y[i] > 9) {
                    throw new IOException(labels + ": label " + i + " is " + y[i] + ", not a digit");
                }
            }
        }
        return new TensorDataset(pixels, y, 1, rows, cols);
    }

    private static DataInputStream open(Path p) throws IOException {
        Path gz = p.resolveSibling(p.getFileName() + ".gz");
        for (Path f : new Path[] {p, gz}) {
            if (Files.isDirectory(f)) {
                throw new IOException(f.toAbsolutePath() + ": is a folder, not an MNIST IDX file");
            }
        }
        if (!Files.exists(p) && Files.exists(gz)) {
            try {
                return new DataInputStream(new GZIPInputStream(Files.newInputStream(gz), 1 << 16));
            } catch (java.util.zip.ZipException | EOFException e) { // the stream's own message names no file
                throw new IOException(gz + ": not a readable gzip file (" + e.getMessage() + ")", e);
            }
        }
        if (!Files.exists(p)) {
            throw new IOException("MNIST file not found: " + p.toAbsolutePath());
        }
        return new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(p), 1 << 16));
    }

    private static int header(DataInputStream in, Path p, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(p + " is truncated: it ends inside the header (" + what + ")", e);
        } catch (IOException e) { // a damaged .gz: the stream's own message names no file
            throw new IOException(p + " (or its .gz): cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code length} bytes the header declared. A plain file's size is checked against the
     * header before anything is allocated, so a corrupt header cannot ask for gigabytes; a gzipped
     * file is read in growing chunks, so memory follows the bytes that are really there.
     */
    private static byte[] readExactly(InputStream in, Path p, long headerBytes, int length, String what) throws IOException {
        if (Files.exists(p)) {
            long size = Files.size(p);
            if (size != headerBytes + length) {
                throw new IOException(p + ": the header declares " + what + " (" + (headerBytes + length) + " bytes with the header) but the file has "
                        + size + " bytes" + (size < headerBytes + length ? " (truncated)" : ""));
            }
        }
        byte[] buf;
        try {
            buf = in.readNBytes(length);
        } catch (IOException e) { // a damaged .gz: the stream's own message names no file
            throw new IOException(p + " (or its .gz): cannot be read: " + e.getMessage(), e);
        }
        if (buf.length < length) {
            throw new IOException(p + " is truncated: expected " + what + " (" + length + " bytes) but it ends after " + buf.length);
        }
        return buf;
    }
}
