package io.jgoim.job.event;

/** A domain event that does not match its schema; the message says which field and why (it becomes the DLT reason). */
public final class EventException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventException(String message) {
        super(message, null, false, false);
    }
}
