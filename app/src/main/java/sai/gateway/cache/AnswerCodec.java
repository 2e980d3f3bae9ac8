package sai.gateway.cache;

import sai.gateway.sai.SaiAnswer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * An answer as Redis keeps it: one format byte, then DEFLATE (the JDK's, fastest level: answers are text and shrink
 * several times) over the token counts, the model and the text. A value this build cannot read (another format, a
 * truncated or foreign value) is no entry, never an error.
 */
final class AnswerCodec {

    private static final byte FORMAT = 1;
    /** Far above any SAI answer: a value claiming more is not one of ours. */
    private static final int MAX_TEXT_BYTES = 64 * 1024 * 1024;

    private AnswerCodec() {
    }

    static byte[] encode(SaiAnswer answer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + answer.text().length() / 2);
        bytes.write(FORMAT);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes, deflater, 8192))) {
            out.writeLong(answer.promptTokens());
            out.writeLong(answer.completionTokens());
            out.writeBoolean(answer.model() != null);
            if (answer.model() != null) {
                writeText(out, answer.model());
            }
            writeText(out, answer.text());
        } catch (IOException e) {
            throw new UncheckedIOException("in memory, writing cannot fail", e);
        } finally {
            deflater.end();
        }
        return bytes.toByteArray();
    }

    static Optional<SaiAnswer> decode(byte[] value) {
        if (value == null || value.length < 2 || value[0] != FORMAT) {
            return Optional.empty();
        }
        Inflater inflater = new Inflater();
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(value, 1, value.length - 1), inflater))) {
            long prompt = in.readLong();
            long completion = in.readLong();
            String model = in.readBoolean() ? readText(in) : null;
            String text = readText(in);
            // To the end of the stream, so DEFLATE's checksum is checked: a truncated or altered value is not an answer.
            if (in.read() != -1) {
                return Optional.empty();
            }
            return prompt < 0 || completion < 0 ? Optional.empty() : Optional.of(new SaiAnswer(text, prompt, completion, model));
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            inflater.end();
        }
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readText(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_TEXT_BYTES) {
            throw new IOException("not an answer of ours");
        }
        byte[] utf8 = in.readNBytes(length);
        if (utf8.length != length) {
            throw new IOException("truncated");
        }
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
