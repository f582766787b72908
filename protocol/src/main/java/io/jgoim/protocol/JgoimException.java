package io.jgoim.protocol;

/** The one unchecked exception inside jgoim; edges translate {@link #code()} to a reply or an HTTP status. */
public class JgoimException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode code;

    public JgoimException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public JgoimException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
