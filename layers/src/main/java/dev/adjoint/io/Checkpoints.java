package dev.adjoint.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.adjoint.DType;
import dev.adjoint.Shapes;
import dev.adjoint.Tensor;
import dev.adjoint.layers.Module;
import dev.adjoint.optim.Optimizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves and loads state dicts in the safetensors format: an 8-byte little-endian header length,
 * a JSON header {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}}},
 * then the raw little-endian values. PyTorch reads these files with
 * {@code safetensors.torch.load_file} and {@code model.load_state_dict} (names follow PyTorch's
 * module naming), and adjoint reads what PyTorch writes.
 *
 * <p>Writes are atomic: the file is written to a temporary sibling ({@code .NAME.<pid>.<n>.tmp}),
 * flushed to disk, then renamed over the target, so a crash mid-save leaves the previous checkpoint
 * intact. A temporary file that a crashed save left behind (its process is gone) is removed by the
 * next save to the same target. Loading checks the whole file (lengths, offsets, dtypes, names,
 * shapes) before it changes anything.
 *
 * <p>String metadata (e.g. the class names a classifier was trained on) travels in the format's
 * {@code __metadata__} entry, which PyTorch's loaders ignore: {@link #save(Module, Path, Map)},
 * {@link #metadata(Path)}.
 */
public final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {
    }

    /** Writes the module's state dict to {@code file}. */
    public static void save(Module module, Path file) throws IOException {
        write(module.stateDict(), file);
    }

    /**
     * Writes the module's state dict with string metadata (keys other than {@code format} and
     * {@code writer}, which adjoint sets), e.g. {@code Map.of("classes", Checkpoints.encodeList(names))}.
     */
    public static void save(Module module, Path file, Map<String, String> metadata) throws IOException {
        write(module.stateDict(), file, metadata);
    }

    /** The bytes {@link #save(Module, Path)} would write for this module, within the header's few hundred bytes. */
    public static long sizeOf(Module module) {
        long bytes = 8;
        for (Map.Entry<String, Tensor> e : module.stateDict().entrySet()) {
            int width = e.getKey().endsWith("num_batches_tracked") || e.getValue().dtype() == DType.FLOAT64 ? 8 : 4;
            bytes += e.getValue().numel() * width + 80 + e.getKey().length(); // its data and its header entry
        }
        return bytes;
    }

    /** The string metadata of a safetensors file (without {@code format} and {@code writer}); empty when it has none. */
    public static Map<String, String> metadata(Path file) throws IOException {
        JsonNode meta = header(file).get("__metadata__");
        Map<String, String> out = new LinkedHashMap<>();
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("format") && !e.getKey().equals("writer") && e.getValue().isTextual()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }

    /** A list of strings as one metadata value (a JSON array). */
    public static String encodeList(java.util.List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The inverse of {@link #encodeList}; an IOException when the value is not a JSON array of strings. */
    public static java.util.List<String> decodeList(String value) throws IOException {
        JsonNode a = JSON.readTree(value);
        if (a == null || !a.isArray()) {
            throw new IOException("metadata value is not a JSON array: " + value);
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode v : a) {
            if (!v.isTextual()) {
                throw new IOException("metadata list holds a non-string: " + v);
            }
            out.add(v.asText());
        }
        return out;
    }

    /** Loads {@code file} into the module; on any error the module is left unchanged. */
    public static void load(Module module, Path file) throws IOException {
        Map<String, Tensor> state = read(file);
        try {
            module.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes an optimizer's state (momentum buffers, moments, step counts, learning rate). */
    public static void save(Optimizer optimizer, Path file) throws IOException {
        write(optimizer.stateDict(), file);
    }

    public static void load(Optimizer optimizer, Path file) throws IOException {
        Map<String, Tensor> state = read(file);
        try {
            optimizer.loadStateDict(state);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes named tensors as a safetensors file, atomically. */
    public static void write(Map<String, Tensor> tensors, Path file) throws IOException {
        write(tensors, file, Map.of());
    }

    /**
     * Writes named tensors and string metadata as a safetensors file, atomically.
     *
     * @throws IOException naming the file when it cannot be written (no space, no permission, a folder in the way)
     */
    public static void write(Map<String, Tensor> tensors, Path file, Map<String, String> metadata) throws IOException {
        try {
            writeAtomically(tensors, file, metadata);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            throw m.contains(file.toString()) ? e : new IOException(file + ": cannot be written (" + e + ")", e);
        }
    }

    private static void writeAtomically(Map<String, Tensor> tensors, Path file, Map<String, String> metadata) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a folder; a checkpoint needs a file name");
        }
        ObjectNode header = JSON.createObjectNode();
        long offset = 0;
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            boolean asInt = e.getKey().endsWith("num_batches_tracked");
            byte[] bytes = encode(t, asInt);
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", asInt ? "I64" : t.dtype() == DType.FLOAT64 ? "F64" : "F32");
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes.length);
            offset += bytes.length;
            blobs.put(e.getKey(), bytes);
        }
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        meta.put("format", "pt").put("writer", "adjoint");
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // align the data section to 8 bytes
        byte[] headerBytes = new byte[padded];
        java.util.Arrays.fill(headerBytes, (byte) ' ');
        System.arraycopy(json, 0, headerBytes, 0, json.length);

        // through a symbolic link to its target (the link stays); a new file gets the umask's permissions,
        // an existing one keeps its own
        Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        removeStaleTemporaries(target);
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                len.flip();
                writeAll(ch, len);
                writeAll(ch, ByteBuffer.wrap(headerBytes));
                for (byte[] b : blobs.values()) {
                    writeAll(ch, ByteBuffer.wrap(b));
                }
                ch.force(true);
            }
            if (Files.exists(target) && Files.getFileStore(target).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Deletes {@code .NAME.<pid>.<n>.tmp} siblings of {@code target} whose process has ended (a
     * save killed midway), and the {@code .NAME.<n>.tmp} ones of versions before the pid was in
     * the name; a save in progress in a live process is left alone.
     */
    private static void removeStaleTemporaries(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".";
        java.util.List<Path> stale = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> siblings = Files.list(target.getParent())) {
            siblings.forEach(p -> {
                String n = p.getFileName().toString();
                if (!n.startsWith(prefix) || !n.endsWith(".tmp")) {
                    return;
                }
                String[] middle = n.substring(prefix.length(), n.length() - 4).split("\\.");
                if (middle.length == 1 && middle[0].matches("[0-9a-f]+")) {
                    stale.add(p);
                } else if (middle.length == 2 && middle[0].matches("[0-9]{1,18}") && middle[1].matches("[0-9a-f]+")) {
                    long pid = Long.parseLong(middle[0]);
                    if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
                        stale.add(p);
                    }
                }
            });
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] encode(Tensor t, boolean asInt) {
        double[] v = t.toDoubleArray();
        if (asInt) {
            ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (double d : v) {
                b.putLong((long) d);
            }
            return b.array();
        }
        if (t.dtype() == DType.FLOAT64) {
            ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (double d : v) {
                b.putDouble(d);
            }
            return b.array();
        }
        float[] f = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float d : f) {
            b.putFloat(d);
        }
        return b.array();
    }

    /** The safetensors format's limit on the JSON header. */
    private static final long MAX_HEADER = 100L << 20;

    /**
     * Reads every tensor of a safetensors file (F32, F64 and I64; integers become float32). The
     * header is read and checked first (every entry's dtype, shape and byte range; the ranges must
     * cover the data section exactly, without overlaps or holes, as the format requires), then the
     * tensors one at a time from the file, so a file of any size needs only its largest tensor in memory.
     *
     * @throws IOException naming the file, and the tensor where one is at fault, when it is truncated or malformed
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        checkReadable(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            JsonNode header = header(file, ch);
            long size = ch.size();
            long headerLen = readAt(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong(); // checked by header()
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = header.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("__metadata__")) {
                    entries.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataLen));
                }
            }
            checkRanges(file, entries, dataLen);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                out.put(e.getKey(), e.getValue().load(ch, dataStart));
            }
            return out;
        }
    }

    private static void checkReadable(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a folder, not a safetensors file");
        }
        if (!Files.isReadable(file)) {
            throw new IOException(file + ": " + (Files.exists(file) ? "cannot be read (no permission)" : "does not exist"));
        }
    }

    private static JsonNode header(Path file) throws IOException {
        checkReadable(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(file, ch);
        }
    }

    /** The checked JSON header. */
    private static JsonNode header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new IOException(file + ": not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
        }
        long headerLen = readAt(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen <= 0 || headerLen > size - 8 || headerLen > MAX_HEADER) {
            throw new IOException(file + ": corrupted or truncated: header length " + headerLen + " does not fit in " + size
                    + " bytes (or exceeds the format's 100 MB)");
        }
        ByteBuffer headerBytes = readAt(ch, 8, (int) headerLen);
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes.array(), 0, (int) headerLen, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(file + ": corrupted header (not JSON): " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new IOException(file + ": corrupted header: not a JSON object");
        }
        return header;
    }

    /** One tensor's header entry, checked. */
    private record Entry(String where, String dtype, long[] shape, int count, long begin, long end) {
        Tensor load(FileChannel ch, long dataStart) throws IOException {
            ByteBuffer b = readAt(ch, dataStart + begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
            if (dtype.equals("F64")) {
                double[] v = new double[count];
                b.asDoubleBuffer().get(v);
                return new Tensor(Nd4j.create(v, shape, DType.FLOAT64.nd4j()));
            }
            float[] v = new float[count];
            if (dtype.equals("F32")) {
                b.asFloatBuffer().get(v);
            } else {
                for (int i = 0; i < count; i++) {
                    v[i] = b.getLong();
                }
            }
            return new Tensor(Nd4j.create(v, shape, 'c'));
        }
    }

    private static Entry entry(Path file, String name, JsonNode entry, long dataLen) throws IOException {
        String where = file + ": tensor '" + name + "'";
        if (!entry.isObject()) {
            throw new IOException(where + ": its entry is not a JSON object");
        }
        JsonNode dtype = entry.get("dtype");
        JsonNode shapeNode = entry.get("shape");
        JsonNode offsets = entry.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shapeNode == null || !shapeNode.isArray() || offsets == null || !offsets.isArray()
                || offsets.size() != 2) {
            throw new IOException(where + ": entry needs a dtype string, a shape array and data_offsets [begin, end]");
        }
        int width;
        switch (dtype.asText()) {
            case "F32": width = 4; break;
            case "F64": case "I64": width = 8; break;
            default: throw new IOException(where + ": unsupported dtype " + dtype.asText() + " (adjoint reads F32, F64, I64)");
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new IOException(where + ": bad shape " + shapeNode + ": sizes must be whole non-negative numbers");
            }
            shape[i] = d.asLong();
            try {
                count = Math.multiplyExact(count, shape[i]);
            } catch (ArithmeticException e) {
                throw new IOException(where + ": shape " + shapeNode + " has more elements than a long can count", e);
            }
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new IOException(where + ": shape " + shapeNode + " has " + count + " elements, more than one tensor can hold here");
        }
        for (JsonNode o : offsets) {
            if (!o.isIntegralNumber() || !o.canConvertToLong()) {
                throw new IOException(where + ": data_offsets " + offsets + " must be two whole numbers");
            }
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLen) {
            throw new IOException(where + ": data offsets [" + begin + ", " + end + ") lie outside the " + dataLen
                    + " data bytes: the file is truncated or corrupted");
        }
        if (end - begin != count * width) {
            throw new IOException(where + ": " + (end - begin) + " bytes do not hold " + dtype.asText() + Shapes.str(shape));
        }
        return new Entry(where, dtype.asText(), shape, (int) count, begin, end);
    }

    /** The byte ranges, in order, must tile the data section: no overlap, no hole (the format's rule). */
    private static void checkRanges(Path file, Map<String, Entry> entries, long dataLen) throws IOException {
        java.util.List<Entry> sorted = new java.util.ArrayList<>(entries.values());
        sorted.sort(java.util.Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        for (Entry e : sorted) {
            if (e.begin() != at) {
                throw new IOException(e.where() + ": its data [" + e.begin() + ", " + e.end() + ") " + (e.begin() < at ? "overlaps another tensor's"
                        : "leaves a hole after byte " + at) + "; the data ranges must follow each other exactly");
            }
            at = e.end();
        }
        if (at != dataLen) {
            throw new IOException(file + ": the tensors' data ends at byte " + at + " of a " + dataLen + "-byte data section");
        }
    }

    private static ByteBuffer readAt(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            int r = ch.read(b, position + b.position());
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + (position + b.position()));
            }
        }
        b.flip();
        return b;
    }
}
