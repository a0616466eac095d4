// !DockerImage's reference syntax: what Docker's grammar accepts, and the words for what it refuses.
package vagga.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerReferenceTest {
    @Test
    void referencesDockerAccepts() {
        assertNull(DockerReference.problem("registry-1.docker.io", "library/python", "3.11-slim"));
        assertNull(DockerReference.problem("127.0.0.1:5000", "team/my_app", "v2.0_rc-1"));
        assertNull(DockerReference.problem("[::1]:5000", "a/b__c/d-e", "latest"));
        assertNull(DockerReference.problem("localhost", "x.y", "_"));
    }

    @Test
    void whatItRefusesIsNamed() {
        assertTrue(DockerReference.problem("r", "app", "bad tag!").startsWith("bad docker image tag \"bad tag!\""));
        assertTrue(DockerReference.problem("r", "app", ".hidden").startsWith("bad docker image tag"));
        assertTrue(DockerReference.problem("r", "app", "x".repeat(129)).startsWith("bad docker image tag"));
        assertTrue(DockerReference.problem("r", "App", "1").startsWith("bad docker image name \"App\""));
        assertTrue(DockerReference.problem("r", "app/", "1").startsWith("bad docker image name"));
        assertTrue(DockerReference.problem("r", "a//b", "1").startsWith("bad docker image name"));
        assertTrue(DockerReference.problem("r", "python@sha256", "abc").startsWith("bad docker image name"));
        assertTrue(DockerReference.problem("http://r", "app", "1").startsWith("bad docker registry \"http://r\""));
        assertTrue(DockerReference.problem("r:port", "app", "1").startsWith("bad docker registry"));
    }

    @Test
    void theOneStringFormAsVaggaSplitsIt() {
        assertEquals(Map.of("image", "library/python", "tag", "3.11"), DockerReference.parse("python:3.11"));
        assertEquals(Map.of("registry", "localhost", "image", "app"), DockerReference.parse("localhost/app"));
        assertEquals(Map.of("registry", "r.example:443", "image", "a/b", "tag", "1"),
                DockerReference.parse("r.example:443/a/b:1"));
        assertEquals(Map.of("image", "me/app"), DockerReference.parse("me/app"));
    }
}
