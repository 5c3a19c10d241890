package io.splitvisor.backend;

/**
 * A device cannot be set up or served (a missing image, an unusable frontend key). Its message is
 * one line; the framework writes it to the backend directory's {@code error} key and closes the device.
 */
public class DeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeviceException(String message) {
        super(message);
    }

    public DeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
