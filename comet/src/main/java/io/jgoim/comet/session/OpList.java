package io.jgoim.comet.session;

import io.netty.buffer.ByteBuf;

/**
 * Parses the body of goim's watch and unwatch ops (14 and 16): comma-separated int32 op numbers such as
 * {@code 1000,1001}. Reads the buffer in place without copying or moving its reader index. Stateless.
 */
public final class OpList {
    private OpList() {
    }

    /** Parses "1000,1001"; null when empty or not integers. */
    public static int[] parse(ByteBuf body) {
        int len = body.readableBytes();
        if (len == 0) {
            return null;
        }
        int count = 1;
        for (int i = 0; i < len; i++) {
            if (body.getByte(body.readerIndex() + i) == ',') {
                count++;
            }
        }
        int[] ops = new int[count];
        int n = 0;
        long cur = 0;
        int digits = 0;
        boolean negative = false;
        for (int i = 0; i <= len; i++) {
            byte b = i == len ? (byte) ',' : body.getByte(body.readerIndex() + i);
            if (b == ',') {
                if (digits == 0) {
                    return null;
                }
                ops[n++] = (int) (negative ? -cur : cur);
                cur = 0;
                digits = 0;
                negative = false;
            } else if (b == '-' && digits == 0 && !negative) {
                negative = true;
            } else if (b >= '0' && b <= '9' && digits < 10) {
                cur = cur * 10 + (b - '0');
                digits++;
                if (cur > Integer.MAX_VALUE) {
                    return null;
                }
            } else if (b == ' ' && digits == 0 && !negative) {
                continue;
            } else {
                return null;
            }
        }
        return ops;
    }
}
