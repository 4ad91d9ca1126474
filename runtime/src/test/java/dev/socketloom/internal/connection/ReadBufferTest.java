package dev.socketloom.internal.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.ConnectOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/**
 * The read buffer adapts to the peer: it grows while reads fill it (streaming) and falls back to the small size once
 * a burst is over, so an idle connection never keeps a streaming-sized buffer, and a reader with an array of its own
 * keeps none at all; steady message exchanges settle at one size; no byte is lost either way.
 */
class ReadBufferTest {

    /** An input stream that returns the scripted chunks, one per read, each cut to the space offered. */
    private static class Script extends InputStream {
        final Deque<byte[]> chunks = new ArrayDeque<>();

        Script add(int size, byte fill) {
            byte[] b = new byte[size];
            Arrays.fill(b, fill);
            chunks.add(b);
            return this;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            byte[] next = chunks.poll();
            if (next == null) {
                return -1;
            }
            int n = Math.min(len, next.length);
            System.arraycopy(next, 0, b, off, n);
            if (n < next.length) {
                chunks.addFirst(Arrays.copyOfRange(next, n, next.length));
            }
            return n;
        }
    }

    private static int capacity(ReadBuffer r) throws ReflectiveOperationException {
        Field f = ReadBuffer.class.getDeclaredField("buf");
        f.setAccessible(true);
        byte[] b = (byte[]) f.get(r);
        return b == null ? 0 : b.length;
    }

    private static ReadBuffer over(InputStream in) {
        return new ReadBuffer(in, new Activity() {
            @Override
            ConnectOptions options() {
                return ConnectOptions.DEFAULTS; // a maximum line length of 64 KiB
            }

            @Override
            Object peer() {
                return "test peer";
            }
        });
    }

    @Test
    void aStreamingPeerGrowsTheBufferAndAnIdlingOneShrinksItBack() throws Exception {
        Script script = new Script();
        for (int i = 0; i < 12; i++) {
            script.add(ReadBuffer.STREAMING_BUFFER, (byte) i); // a burst: every read fills whatever it is offered
        }
        script.add(10, (byte) 99); // the burst's small tail
        script.add(3, (byte) 100); // read after the connection idled
        ReadBuffer r = over(script);
        byte[] small = new byte[100]; // smaller than the buffer, so reads go through it
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int peak = 0;
        while (got.size() < 12 * ReadBuffer.STREAMING_BUFFER + 10) {
            int n = r.read(small, 0, small.length);
            got.write(small, 0, n);
            peak = Math.max(peak, capacity(r));
        }
        assertEquals(ReadBuffer.STREAMING_BUFFER, peak, "the buffer grew while the peer streamed");
        assertEquals(3, r.read(small, 0, small.length), "the read after the burst");
        assertEquals(ReadBuffer.INITIAL_BUFFER, capacity(r), "the read that waited for the idle peer used the small "
                + "buffer");
        byte[] expected = new byte[12 * ReadBuffer.STREAMING_BUFFER + 10];
        for (int i = 0; i < 12; i++) {
            Arrays.fill(expected, i * ReadBuffer.STREAMING_BUFFER, (i + 1) * ReadBuffer.STREAMING_BUFFER, (byte) i);
        }
        Arrays.fill(expected, 12 * ReadBuffer.STREAMING_BUFFER, expected.length, (byte) 99);
        assertArrayEquals(expected, got.toByteArray(), "every byte of the burst, in order");
    }

    @Test
    void steadyMessagesKeepTheirBufferSize() throws Exception {
        Script script = new Script();
        for (int i = 0; i < 50; i++) {
            script.add(4096, (byte) i); // request/response with 4 KiB messages: no churn between sizes
        }
        ReadBuffer r = over(script);
        byte[] msg = new byte[4096];
        int last = -1;
        int changes = 0;
        for (int i = 0; i < 50; i++) {
            int done = 0;
            while (done < msg.length) {
                done += r.read(msg, done, Math.min(1000, msg.length - done)); // reads smaller than the buffer
            }
            int c = capacity(r);
            if (i >= 10 && c != last) {
                changes++;
            }
            last = c;
        }
        assertEquals(0, changes, "the buffer settles at one size for steady 4 KiB messages");
        assertTrue(last >= 4096, "and that size holds a whole message: " + last);
    }

    @Test
    void aLongLineGrowsTheBufferOnlyUntilItIsRead() throws IOException, ReflectiveOperationException {
        Script script = new Script().add(20_000, (byte) 'x').add(1, (byte) '\n').add(2, (byte) 'y');
        ReadBuffer r = over(script);
        assertEquals(20_000, r.readLine().length());
        assertTrue(capacity(r) > 20_000, "the line needed a large buffer");
        assertEquals("yy", r.readLine(), "the rest at end of stream");
        assertEquals(ReadBuffer.INITIAL_BUFFER, capacity(r), "after it, a small read waited in the small buffer");
    }

    @Test
    void steadyMessagesOfAnySizeSettleAfterTheFirst() throws Exception {
        for (int size : new int[] {100, 1000, 4000, 6000, 12_000}) {
            Script script = new Script();
            for (int i = 0; i < 30; i++) {
                script.add(size, (byte) i); // one message per read from the socket, as over loopback
            }
            ReadBuffer r = over(script);
            byte[] part = new byte[Math.max(1, size / 5)]; // the handler reads each message in five parts
            int settled = -1;
            for (int i = 0; i < 30; i++) {
                int done = 0;
                while (done < size) {
                    int n = r.read(part, 0, Math.min(part.length, size - done));
                    for (int k = 0; k < n; k++) {
                        assertEquals((byte) i, part[k], "message " + i + " of " + size + " bytes arrives intact");
                    }
                    done += n;
                    if (i > 5) { // checked after every read: a resize and its undoing inside one message count too
                        assertEquals(settled, capacity(r), size + "-byte messages: no resizing once settled");
                    }
                }
                if (i == 5) {
                    settled = capacity(r);
                }
            }
        }
    }

    @Test
    void aReaderWithItsOwnArrayKeepsNoBufferWhileThePeerIsNotStreaming() throws Exception {
        Script script = new Script();
        for (int i = 0; i < 20; i++) {
            script.add(1 + i, (byte) i); // small messages, each smaller than the caller's array
        }
        ReadBuffer r = over(script);
        byte[] own = new byte[ReadBuffer.INITIAL_BUFFER];
        for (int i = 0; i < 20; i++) {
            assertEquals(1 + i, r.read(own, 0, own.length));
            assertEquals((byte) i, own[i]);
        }
        assertEquals(0, capacity(r), "reads straight into the caller's array: no buffer is ever made");
        assertEquals(-1, r.read(own, 0, own.length));
    }

    @Test
    void pipelinedBatchesSettleAtOneReadFromTheSocketEach() throws Exception {
        StringBuilder text = new StringBuilder(); // 16 requests of a small line protocol: header, value, CRLF
        for (int i = 0; i < 16; i++) {
            int len = 8 + (i * 7) % 25;
            text.append("SET key:").append(1000 + i).append(' ').append(len).append("\r\n")
                    .append("v".repeat(len)).append("\r\n");
        }
        byte[] batch = text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int[] reads = {0};
        Script script = new Script() {
            @Override
            public int read(byte[] b, int off, int len) {
                reads[0]++;
                return super.read(b, off, len);
            }
        };
        for (int i = 0; i < 40; i++) {
            script.chunks.add(batch.clone()); // one batch per read, as the client writes it
        }
        ReadBuffer r = over(script);
        byte[] value = new byte[64];
        int readsAfterTen = 0;
        for (int i = 0; i < 40; i++) {
            if (i == 10) {
                readsAfterTen = reads[0];
            }
            for (int k = 0; k < 16; k++) {
                String line = r.readLine();
                int len = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
                int got = 0;
                while (got < len + 2) {
                    got += r.read(value, got, len + 2 - got); // the value and its CRLF
                }
                assertEquals("v".repeat(len) + "\r\n", new String(value, 0, len + 2,
                        java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        assertEquals(30, reads[0] - readsAfterTen, "one read from the socket per batch once settled");
    }

    @Test
    void bytesPutBackAreReadAgainFirstAndInOrderAndCountAsUnconsumed() throws Exception {
        Script script = new Script();
        script.add(3, (byte) 'a').add(100_000, (byte) 'b').add(2, (byte) 'c');
        ReadBuffer r = over(script);
        byte[] first = new byte[3];
        assertEquals(3, r.read(first, 0, 3));
        byte[] big = new byte[100_000];
        int got = 0;
        while (got < big.length) {
            got += r.read(big, got, big.length - got);
        }
        assertEquals(100_003, r.progress().consumed());
        // a readFully of the whole frame timed out here: it puts back all it read, after the small part too
        r.unread(big, 0, big.length);
        r.unread(first, 0, first.length);
        assertEquals(0, r.progress().consumed(), "put back bytes are unconsumed again");
        assertEquals(100_003, r.buffered());
        byte[] all = new byte[100_005];
        int n = 0;
        int k;
        while (n < all.length && (k = r.read(all, n, all.length - n)) > 0) {
            n += k;
        }
        assertEquals(100_005, n);
        byte[] expected = new byte[100_005];
        Arrays.fill(expected, 0, 3, (byte) 'a');
        Arrays.fill(expected, 3, 100_003, (byte) 'b');
        Arrays.fill(expected, 100_003, 100_005, (byte) 'c');
        assertArrayEquals(expected, all, "the put-back bytes come first, in order, then the stream goes on");
    }
}
