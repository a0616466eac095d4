// Our SHA-256 gives the JDK's digest for every length, split and clone (the version hashes depend on it).
package vagga.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Sha256Test {
    @Test
    void knownAnswers() {
        // FIPS 180-4 examples: one block, two blocks (the padding spills over), the empty message
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hex("abc"));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hex(""));
    }

    @Test
    void sameAsTheJdksForEveryLengthAndSplit() throws Exception {
        Random random = new Random(16);
        for (int len = 0; len < 300; len++) {
            byte[] data = new byte[len];
            random.nextBytes(data);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(data);
            assertArrayEquals(expected, new Sha256().digest(data), "length " + len);
            // fed in pieces, single bytes among them
            Sha256 d = new Sha256();
            int at = 0;
            while (at < len) {
                int n = Math.min(len - at, random.nextInt(70));
                if (n == 1) {
                    d.update(data[at]);
                } else {
                    d.update(data, at, n);
                }
                at += n;
            }
            assertArrayEquals(expected, d.digest(), "length " + len + " in pieces");
        }
    }

    @Test
    void aCloneGoesOnAlone() throws Exception {
        Sha256 d = new Sha256();
        d.update("a prefix of 70 bytes, more than one block of the compression function....".getBytes(StandardCharsets.UTF_8));
        MessageDigest copy = (MessageDigest) d.clone();
        d.update((byte) 1);
        copy.update((byte) 2);
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        jdk.update("a prefix of 70 bytes, more than one block of the compression function....".getBytes(StandardCharsets.UTF_8));
        MessageDigest jdkCopy = (MessageDigest) jdk.clone();
        jdk.update((byte) 1);
        jdkCopy.update((byte) 2);
        assertArrayEquals(jdk.digest(), d.digest());
        assertArrayEquals(jdkCopy.digest(), copy.digest());
        // reset by digest(): the same object digests anew
        assertEquals(hex("abc"), HexFormat.of().formatHex(d.digest("abc".getBytes(StandardCharsets.UTF_8))));
    }

    private static String hex(String s) {
        return HexFormat.of().formatHex(new Sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void longInputsGoToCAndGiveTheJdksDigestWithEitherCode() throws Exception {
        // the native blocks are used from Sha256.NATIVE_FROM bytes: lengths around it, and above
        // the per-call limit (several calls), unaligned offsets, both the SHA extensions (where the
        // CPU has them) and the portable C
        org.junit.jupiter.api.Assertions.assertTrue(Sha256.NATIVE, "the JNI library's blocks are used in tests too");
        Random random = new Random(64);
        int[] lengths = {511, 512, 513, 575, 576, 577, 1000, 4096, 65535, 65536, 65537, 65536 * 3 + 17, 1 << 20};
        for (boolean portable : new boolean[] {false, true}) {
            vagga.linux.Sha256Blocks.forcePortable(portable);
            try {
                for (int len : lengths) {
                    byte[] data = new byte[len + 7];
                    random.nextBytes(data);
                    for (int off : new int[] {0, 3, 7}) {
                        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
                        jdk.update(data, off, len);
                        Sha256 d = new Sha256();
                        d.update(data, off, len);
                        assertArrayEquals(jdk.digest(), d.digest(), vagga.linux.Sha256Blocks.kind() + " " + len + "@" + off);
                    }
                    // after a few pending bytes, then the long rest
                    Sha256 d = new Sha256();
                    d.update(data, 0, 5);
                    d.update(data, 5, len - 5);
                    assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(data, len)),
                            d.digest(), vagga.linux.Sha256Blocks.kind() + " " + len + " after 5 bytes");
                }
            } finally {
                vagga.linux.Sha256Blocks.forcePortable(false);
            }
        }
    }
}
