package io.jgoim.client;

import io.jgoim.protocol.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads jgoim's error reply body, {@code {"code":n,"message":"..."}}; lenient, never throws. */
final class ErrorReplies {
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*(-?\\d+)");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private ErrorReplies() {
    }

    record Parsed(ErrorCode code, String message) {
    }

    static Parsed parse(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        Matcher c = CODE.matcher(s);
        ErrorCode code = c.find() ? ErrorCode.of(Integer.parseInt(c.group(1))) : ErrorCode.UNKNOWN;
        Matcher m = MESSAGE.matcher(s);
        String message = m.find() ? m.group(1) : s;
        return new Parsed(code, code.code() + " " + message);
    }
}
