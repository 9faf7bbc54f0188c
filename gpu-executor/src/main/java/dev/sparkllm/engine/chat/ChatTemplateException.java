package dev.sparkllm.engine.chat;

/**
 * A chat template could not be parsed or rendered: a syntax error, a {@code raise_exception(...)}
 * call in the template, a sandbox violation, or a render that ran past its time or size limits.
 * The message says which, and is meant to be shown to whoever supplied the model or the request.
 */
public class ChatTemplateException extends RuntimeException {

    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
