package io.splitvisor.core.store;

import io.splitvisor.abi.proto.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.splitvisor.core.store.StoreTesting.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorePathsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "/                                  | /",
            "/local/domain/5/device/vbd/0/state | /local/domain/5/device/vbd/0/state",
            "device/vbd/51712/state             | /local/domain/7/device/vbd/51712/state",
            "data                               | /local/domain/7/data",
            "/a-b_c@d/E9                        | /a-b_c@d/E9",
            "@releaseDomain                     | @releaseDomain",
            "@introduceDomain                   | @introduceDomain",
    })
    void validPathsResolve(String given, String resolved) {
        assertEquals(resolved, StorePaths.resolveAny(7, given));
    }

    @ParameterizedTest(name = "[{0}] is {1}")
    @CsvSource(delimiter = '|', value = {
            "''                 | STATUS_EINVAL",
            "//                 | STATUS_EINVAL",
            "/a//b              | STATUS_EINVAL",
            "/a/                | STATUS_EINVAL",
            "a/                 | STATUS_EINVAL",
            "/a b               | STATUS_EINVAL",
            "/a.b               | STATUS_EINVAL",
            "/a\\b              | STATUS_EINVAL",
            "/caf\u00e9         | STATUS_EINVAL",
            "/a\u0000b          | STATUS_EINVAL",
            "@watchAll          | STATUS_EINVAL",
            "@releaseDomain/x   | STATUS_EINVAL",
    })
    void invalidPathsAreRefused(String given, Status status) {
        assertStatus(status, () -> StorePaths.resolveAny(7, given));
    }

    @Test
    void nullPathIsInvalid() {
        assertStatus(Status.STATUS_EINVAL, () -> StorePaths.resolveAny(7, null));
    }

    @Test
    void lengthLimits() {
        String name60 = "n".repeat(60);
        StringBuilder sb = new StringBuilder();
        while (sb.length() + 61 <= 512) {
            sb.append('/').append(name60);
        }
        int rest = 512 - sb.length() - 1;
        sb.append('/').append("x".repeat(rest));
        String exactly512 = sb.toString();
        assertEquals(512, exactly512.length());
        assertEquals(exactly512, StorePaths.resolve(1, exactly512));
        assertStatus(Status.STATUS_ENAMETOOLONG, () -> StorePaths.resolve(1, exactly512 + "y"));
        assertStatus(Status.STATUS_ENAMETOOLONG, () -> StorePaths.resolve(1, "/" + "z".repeat(100_000)));

        // a component longer than a directory listing can carry
        assertEquals("/" + "c".repeat(64), StorePaths.resolve(1, "/" + "c".repeat(64)));
        assertStatus(Status.STATUS_ENAMETOOLONG, () -> StorePaths.resolve(1, "/" + "c".repeat(65)));

        // a relative path that is short but too long once resolved against the home
        String relative = "r/".repeat(250) + "r";
        assertTrue(relative.length() <= 512);
        assertStatus(Status.STATUS_ENAMETOOLONG, () -> StorePaths.resolve(12345, relative));
    }

    @Test
    void specialPathsNameNoNode() {
        assertStatus(Status.STATUS_EINVAL, () -> StorePaths.resolve(0, StorePaths.RELEASE_DOMAIN));
    }

    @Test
    void ancestry() {
        assertTrue(StorePaths.isAtOrBelow("/a/b", "/a"));
        assertTrue(StorePaths.isAtOrBelow("/a", "/a"));
        assertTrue(StorePaths.isAtOrBelow("/a", "/"));
        assertFalse(StorePaths.isAtOrBelow("/ab", "/a"));
        assertEquals("/", StorePaths.parent("/a"));
        assertEquals("/a", StorePaths.parent("/a/b"));
        assertEquals("b", StorePaths.name("/a/b"));
        assertEquals("device/vbd", StorePaths.relativeTo(3, "/local/domain/3/device/vbd"));
        assertEquals("/local/domain/4/x", StorePaths.relativeTo(3, "/local/domain/4/x"));
    }
}
