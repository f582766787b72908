package io.jgoim.common.history;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A script's flat array reply as Java values, bulk strings kept as raw bytes ({@code byte[]}, never decoded: history
 * entries are binary goim frames, which the connection's UTF-8 codec would mangle) and integers as {@link Long}.
 * One instance per command; filled on the connection's event loop, read after the command completed.
 */
final class FlatReply extends CommandOutput<String, String, List<Object>> {
    FlatReply() {
        super(StringCodec.UTF8, new ArrayList<>());
    }

    @Override
    public void set(ByteBuffer bytes) {
        if (bytes == null) {
            output.add(null);
            return;
        }
        byte[] b = new byte[bytes.remaining()];
        bytes.get(b);
        output.add(b);
    }

    @Override
    public void setSingle(ByteBuffer bytes) {
        set(bytes);
    }

    @Override
    public void set(long integer) {
        output.add(integer);
    }

    @Override
    public void multi(int count) {
        // the replies are one flat array: nothing to open
    }
}
