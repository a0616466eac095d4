// SHA-256's compression of whole blocks in C (natives in linux_sha256.c): the x86 SHA extensions, else portable C.
package vagga.linux;

/**
 * For {@code vagga.image.Sha256}, which keeps the padding, buffering and short inputs in Java: its
 * own compression loop runs at ~45 MB/s under the C1 compiler vagga starts with, and hashing a
 * large !Copy source, a download or a layer is that loop.
 */
public final class Sha256Blocks {
    static {
        LibraryLoader.load();
    }

    /** At most this many bytes per native call (the array is pinned meanwhile). */
    public static final int MAX_BYTES = 64 << 10;

    private Sha256Blocks() {}

    private static native int blocks0(int[] state, byte[] data, int off, int blocks);
    private static native String kind0();
    private static native void forcePortable0(boolean portable);

    /** Compresses {@code blocks} 64-byte blocks of {@code data} from {@code off} into {@code state} (8 words). */
    public static void compress(int[] state, byte[] data, int off, int blocks) {
        if (blocks * 64L > MAX_BYTES || blocks0(state, data, off, blocks) != 0) {
            throw new IllegalArgumentException("bad block range " + off + "+" + blocks + " of " + data.length);
        }
    }

    /** "sha-ni" or "portable": what {@link #compress} runs. */
    public static String kind() {
        return kind0();
    }

    /** Tests compare both: true makes {@link #compress} run the portable code, false detects again. */
    public static void forcePortable(boolean portable) {
        forcePortable0(portable);
    }
}
