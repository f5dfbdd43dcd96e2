package roomgate.recording;

import roomgate.protocol.recording.v1.RecordingHeader;

/**
 * The name and version of the recording file format (docs/RECORDING.md), in one place for the
 * gateway that writes files and the load tester that reads them. A reader accepts its own version
 * and older ones it still understands, and refuses newer ones with a message that says so.
 */
public final class RecordingFormat {
    /** The header's {@code format} field in every recording. */
    public static final String NAME = "roomgate-recording";
    /** The version this code writes and the newest it reads. */
    public static final int VERSION = 1;
    /** The oldest version this code reads. */
    public static final int OLDEST_READABLE = 1;

    private RecordingFormat() {}

    /** A header for a new file of the current version. */
    public static RecordingHeader header(String gatewayId, long startedAtUnixMs, String roomPattern) {
        return RecordingHeader.newBuilder()
                .setFormat(NAME)
                .setVersion(VERSION)
                .setGatewayId(gatewayId)
                .setStartedAtUnixMs(startedAtUnixMs)
                .setRoomPattern(roomPattern)
                .build();
    }

    /**
     * Checks that a header read from {@code source} is one this code can read.
     *
     * @throws RecordingFormatException naming what was found and what is accepted
     */
    static void check(RecordingHeader header, String source) {
        if (!NAME.equals(header.getFormat())) {
            throw new RecordingFormatException(source + ": not a roomgate recording (format '" + header.getFormat()
                    + "', expected '" + NAME + "')");
        }
        int version = header.getVersion();
        if (version < OLDEST_READABLE || version > VERSION) {
            throw new RecordingFormatException(source + ": recording format version " + version
                    + " (this reader reads " + OLDEST_READABLE + ".." + VERSION
                    + (version > VERSION ? "; it was written by a newer roomgate" : "") + ")");
        }
    }
}
