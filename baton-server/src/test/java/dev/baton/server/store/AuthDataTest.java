package dev.baton.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Permission;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure rules of auth: coverage of a request by permissions, and the checks of each user. */
class AuthDataTest {
    private static KeyRange range(String key, String end) {
        return KeyRange.of(ByteString.copyFromUtf8(key), ByteString.copyFromUtf8(end));
    }

    @Test
    void aRequestIsCoveredOnlyWhenEveryKeyFallsInSomeGrantedRange() {
        List<KeyRange> granted = List.of(range("a", "c"), range("c", "d"), range("x", ""), range("m", "\0"));
        Object[][] cases = {
            {range("a", ""), true},
            {range("b", "d"), true},           // [a, c) and [c, d) meet at c
            {range("b", "e"), false},          // d..e is not granted
            {range("x", ""), true},            // the single key x
            {range("d", "e"), false},          // [c, d) ends before d
            {range("z", "\0"), true},          // everything from m on
            {range("l", "n"), false},          // l is not granted
            {range("0", ""), false},
            {range("b", "a"), true},           // an empty range: its first key, b, is granted
        };
        for (Object[] c : cases) {
            assertThat(KeyRange.covers(granted, (KeyRange) c[0])).as("%s", c[0]).isEqualTo(c[1]);
        }
    }

    private static AuthData withReader() {
        return AuthData.INITIAL.addUser("root", "").grantRole("root", AuthData.ROOT).addUser("alice", "")
                .addRole("reader")
                .grantPermission("reader", Permission.newBuilder().setPermType(Permission.Type.READ)
                        .setKey(ByteString.copyFromUtf8("a/")).setRangeEnd(ByteString.copyFromUtf8("a0")).build())
                .grantRole("alice", "reader");
    }

    @Test
    void checksApplyOnlyOnceEnabledAndTheRootRoleMayDoAnything() {
        AuthData disabled = withReader();
        disabled.check(null, range("b", ""), true);
        AuthData enabled = disabled.enable();
        enabled.check("alice", range("a/x", ""), false);
        enabled.check("root", range("b", ""), true);
        assertThatThrownBy(() -> enabled.check("alice", range("a/x", ""), true)).hasMessage(
                "etcdserver: permission denied");
        assertThatThrownBy(() -> enabled.check(null, range("a/x", ""), false)).hasMessage(
                "etcdserver: user name is empty");
        assertThatThrownBy(() -> enabled.check("bob", range("a/x", ""), false)).hasMessage(
                "etcdserver: permission denied");
    }

    @Test
    void everyChangeRaisesTheAuthRevisionAndANoOpDoesNot() {
        AuthData data = withReader();
        assertThat(data.revision()).isEqualTo(AuthData.INITIAL.revision() + 6);
        assertThat(data.grantRole("alice", "reader")).isSameAs(data);
        assertThat(data.disable()).isSameAs(data);
        AuthData enabled = data.enable();
        assertThat(enabled.enable()).isSameAs(enabled);
        assertThat(enabled.deleteRole("reader").users().get("alice").getRolesList()).isEmpty();
    }
}
