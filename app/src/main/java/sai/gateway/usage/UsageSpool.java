package sai.gateway.usage;

import io.micronaut.serde.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * Usage records that neither the database nor memory could take, as JSON lines in files under
 * {@code <DATA_DIR>/usage-spool/}, bounded in total bytes. Files are written one at a time and sealed before they
 * are replayed; a sealed file is deleted only once every record in it is committed (replaying one twice adds nothing:
 * the ids are known). A line cut short by a crash is unreadable, skipped and counted by the replay.
 */
final class UsageSpool implements AutoCloseable {

    static final String PREFIX = "usage-";
    static final String SUFFIX = ".jsonl";

    private final Path directory;
    private final ObjectMapper mapper;
    private final long maxBytes;
    private final long maxFileBytes;
    // Sealed files, oldest first (names start with the time they were opened), and their sizes.
    private final TreeMap<String, Long> sealed = new TreeMap<>();
    private long bytes;
    private Path current;
    private FileChannel out;
    private long currentBytes;
    private long sequence;

    UsageSpool(Path directory, ObjectMapper mapper, long maxBytes, long maxFileBytes) {
        this.directory = directory;
        this.mapper = mapper;
        this.maxBytes = maxBytes;
        this.maxFileBytes = maxFileBytes;
        if (Files.isDirectory(directory)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
                for (Path file : files) {
                    long size = Files.size(file);
                    sealed.put(file.getFileName().toString(), size);
                    bytes += size;
                }
            } catch (IOException e) {
                // an unreadable directory holds nothing we could replay; appending will fail and count the loss
            }
        }
    }

    Path directory() {
        return directory;
    }

    /** Appends records in order until one does not fit or the disk refuses; answers how many were kept. */
    synchronized int append(Collection<UsageRecord> records) {
        int kept = 0;
        try {
            for (UsageRecord record : records) {
                byte[] line = (mapper.writeValueAsString(record) + "\n").getBytes(StandardCharsets.UTF_8);
                if (bytes + line.length > maxBytes) {
                    break;
                }
                if (out == null || currentBytes + line.length > maxFileBytes) {
                    seal();
                    open();
                }
                write(line);
                currentBytes += line.length;
                bytes += line.length;
                kept++;
            }
        } catch (IOException | RuntimeException e) {
            // Disk full, read-only, or a serializer failure: what was not written is the caller's to count, and a
            // line cut short is cut off so the replay does not count it lost a second time.
            truncateQuietly();
        }
        return kept;
    }

    synchronized boolean isEmpty() {
        return sealed.isEmpty() && current == null;
    }

    synchronized long bytes() {
        return bytes;
    }

    /** The oldest file ready to replay (the one being written is sealed first when it is the only one); null when none. */
    synchronized Path oldest() {
        if (sealed.isEmpty()) {
            seal();
        }
        return sealed.isEmpty() ? null : directory.resolve(sealed.firstKey());
    }

    /** All of the file's committed: it goes, and its bytes are free again. */
    synchronized void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
        forget(file);
    }

    /** A file that cannot be read is renamed aside (an operator can look at it) instead of blocking every later one. */
    synchronized void setAside(Path file) {
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // stays where it is; forgotten for this run, tried again at the next start
        }
        forget(file);
    }

    private void forget(Path file) {
        Long size = sealed.remove(file.getFileName().toString());
        if (size != null) {
            bytes -= size;
        }
    }

    /** Reads a sealed file: records in order, and how many lines could not be read. */
    Replay read(Path file) throws IOException {
        List<UsageRecord> records = new ArrayList<>();
        int unreadable = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    UsageRecord record = mapper.readValue(line, UsageRecord.class);
                    if (record == null || record.id() == null) {
                        unreadable++;
                    } else {
                        records.add(record);
                    }
                } catch (IOException | RuntimeException e) {
                    unreadable++;
                }
            }
        }
        return new Replay(records, unreadable);
    }

    record Replay(List<UsageRecord> records, int unreadable) {
    }

    @Override
    public synchronized void close() {
        seal();
    }

    private void open() throws IOException {
        Files.createDirectories(directory);
        String name;
        do {
            name = String.format("%s%013d-%06d%s", PREFIX, System.currentTimeMillis(), sequence++ % 1_000_000, SUFFIX);
        } while (sealed.containsKey(name) || Files.exists(directory.resolve(name)));
        current = directory.resolve(name);
        out = FileChannel.open(current, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        currentBytes = 0;
    }

    private void seal() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // what reached the file is replayed; a cut last line is skipped as unreadable
            }
            out = null;
        }
        if (current != null) {
            if (currentBytes > 0) {
                sealed.put(current.getFileName().toString(), currentBytes);
            } else {
                try {
                    Files.deleteIfExists(current);
                } catch (IOException e) {
                    // an empty file left behind replays as nothing
                }
            }
            current = null;
            currentBytes = 0;
        }
    }

    private void write(byte[] line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private void truncateQuietly() {
        if (out != null) {
            try {
                out.truncate(currentBytes);
            } catch (IOException e) {
                // the replay skips a cut line as unreadable
            }
        }
    }
}
