package io.jgoim.common.http;

import io.netty.buffer.ByteBuf;

/**
 * A reply's {@code data} that writes its own JSON, for the replies the push API sends at every push: {@link JsonReply}
 * then writes the whole body straight into one buffer, without Jackson or a map per reply. An implementation writes
 * exactly the bytes Jackson writes for it (a record of plain fields is the natural shape: Jackson serialises it the
 * same way wherever else it appears), which its test asserts.
 */
public interface RawJson {
    /** Appends this value's JSON to {@code out}. */
    void writeJson(ByteBuf out);

    /** Appends {@code value} in decimal ASCII, as JSON writes a number, without a String. */
    static void writeLong(ByteBuf out, long value) {
        if (value == Long.MIN_VALUE) {
            out.writeCharSequence("-9223372036854775808", java.nio.charset.StandardCharsets.US_ASCII);
            return;
        }
        if (value < 0) {
            out.writeByte('-');
            value = -value;
        }
        long div = 1;
        while (div <= value / 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            out.writeByte((int) ('0' + (value / div) % 10));
        }
    }
}
