package io.jgoim.comet.push;

import com.google.protobuf.ByteString;
import io.jgoim.comet.frame.PublicationFrames;
import io.jgoim.protocol.rpc.comet.StreamPosition;

import java.util.List;

/** The body of a positioned request (whole goim frames, back to back): checked against its position, and cut. */
final class PositionedBody {
    private PositionedBody() {
    }

    /**
     * The body's frames, or null when the position is not valid: no stream (or not {@code stream} when given), an
     * offset below 1, or a body that is not whole goim frames.
     */
    static List<ByteString> frames(ByteString body, StreamPosition p, String stream) {
        if (p.getStream().isEmpty() || (stream != null && !stream.equals(p.getStream())) || p.getOffset() < 1) {
            return null;
        }
        List<ByteString> frames = PublicationFrames.split(body);
        return frames == null || frames.isEmpty() ? null : frames;
    }

    /** {@code body} without its first {@code skip} of {@code frames} (no copy: a substring of the same bytes). */
    static ByteString after(ByteString body, List<ByteString> frames, int skip) {
        int kept = 0;
        for (int i = skip; i < frames.size(); i++) {
            kept += frames.get(i).size();
        }
        return body.substring(body.size() - kept);
    }
}
