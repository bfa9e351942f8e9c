package io.ecrshare.event;

/** The invocation input is not the event we expect; the message names what is missing or wrong. */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }
}
