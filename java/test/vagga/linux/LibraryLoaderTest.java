// Finding the JNI library and the shim, and the error that lists where it looked.
package vagga.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class LibraryLoaderTest {
    @Test
    void findsLibraryAndShimInTheLibdir() throws Exception {
        LibraryLoader.loadChecked();
        var shim = LibraryLoader.shim();
        assertEquals(LibraryLoader.SHIM, shim.getFileName().toString());
        assertTrue(Files.isExecutable(shim));
        assertEquals(Syscalls.getpid(), (int) ProcessHandle.current().pid());
    }

    @Test
    void missingFileErrorListsEveryPathTried() {
        var e = assertThrows(LinuxException.class, () -> LibraryLoader.find("no-such-lib.so", false));
        String message = e.getMessage();
        assertTrue(message.startsWith("cannot find no-such-lib.so; tried: "), message);
        for (var dir : LibraryLoader.searchPath()) {
            assertTrue(message.contains(dir.resolve("no-such-lib.so").toString()), message);
        }
        assertTrue(message.contains("/usr/lib/vagga/no-such-lib.so"), message);
        assertTrue(e.hint().contains("vagga.libdir"), e.hint());
    }
}
