package io.jgoim.common.overload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One procfs file kept open and read again from its start into one direct buffer, the way {@code top} rereads
 * {@code /proc/stat}: a positional read at offset 0 makes the kernel render the file afresh, so a sample costs one
 * {@code pread} and no allocation (no open, no stream, no string). Only the head of the file is read, as much as the
 * buffer holds: the lines the CPU sources parse come first. Not thread-safe: one owner ({@link ProcMachineCpu},
 * {@link ProcProcessCpu}) calls it under its own lock.
 */
final class ProcFile implements AutoCloseable {
    private final FileChannel channel;
    private final ByteBuffer buffer;

    private ProcFile(FileChannel channel, int capacity) {
        this.channel = channel;
        this.buffer = ByteBuffer.allocateDirect(capacity);
    }

    /** Opens {@code path} for reading, or returns null if it cannot be (no procfs: not Linux, or hidden). */
    static ProcFile open(Path path, int capacity) {
        try {
            return new ProcFile(FileChannel.open(path, StandardOpenOption.READ), capacity);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** Reads the file's head again; returns the bytes read (in {@link #buffer}, from index 0), or -1 on error. */
    int read() {
        buffer.clear();
        try {
            return Math.max(0, channel.read(buffer, 0));
        } catch (IOException e) {
            return -1;
        }
    }

    /** What the last {@link #read} filled, addressed absolutely from 0. */
    ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // a read-only procfs file: nothing was buffered that could be lost
        }
    }
}
