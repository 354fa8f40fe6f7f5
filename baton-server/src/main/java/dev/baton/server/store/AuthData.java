package dev.baton.server.store;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Permission;
import io.etcd.jetcd.api.Role;
import io.etcd.jetcd.api.User;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The users, roles and permissions of etcd's auth, and whether auth is enabled: an immutable
 * value; each change returns the next value, with the auth revision raised, or throws etcd's
 * {@link EtcdError} and changes nothing.
 *
 * <p>The rules are etcd 3.4's: the user {@value #ROOT} must exist and hold the role
 * {@value #ROOT} before auth can be enabled; that user and role cannot be deleted (nor the role
 * taken from the user) while auth is enabled; a user with the role {@value #ROOT} may do
 * anything; anyone else may read or write a key or range only when the permissions of their
 * roles cover it. Passwords are held as {@link PasswordHash} strings, never in clear. The auth
 * revision is separate from the key space's revision: auth changes do not raise the latter.
 */
public record AuthData(boolean enabled, long revision, SortedMap<String, User> users, SortedMap<String, Role> roles) {
    public static final String ROOT = "root";
    /** A new server's auth: disabled, no users, no roles. */
    public static final AuthData INITIAL = new AuthData(false, 1, Collections.emptySortedMap(),
            Collections.emptySortedMap());

    public AuthData {
        users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
        roles = Collections.unmodifiableSortedMap(new TreeMap<>(roles));
    }

    private AuthData next(boolean nowEnabled, SortedMap<String, User> newUsers, SortedMap<String, Role> newRoles) {
        return new AuthData(nowEnabled, revision + 1, newUsers, newRoles);
    }

    /** Enabling needs the root user with the root role; enabling twice changes nothing. */
    public AuthData enable() {
        if (enabled) {
            return this;
        }
        User root = users.get(ROOT);
        if (root == null) {
            throw EtcdError.rootUserMissing();
        }
        if (!root.getRolesList().contains(ROOT)) {
            throw EtcdError.rootRoleMissing();
        }
        return next(true, users, roles);
    }

    public AuthData disable() {
        return enabled ? next(false, users, roles) : this;
    }

    /** Adds a user; {@code passwordHash} is empty for a user who cannot authenticate with a password. */
    public AuthData addUser(String name, String passwordHash) {
        if (name.isEmpty()) {
            throw EtcdError.userEmpty();
        }
        if (users.containsKey(name)) {
            throw EtcdError.userExists();
        }
        return withUser(User.newBuilder().setName(ByteString.copyFromUtf8(name))
                .setPassword(ByteString.copyFromUtf8(passwordHash)).build());
    }

    public AuthData deleteUser(String name) {
        if (enabled && name.equals(ROOT)) {
            throw EtcdError.invalidAuthManagement();
        }
        requireUser(name);
        SortedMap<String, User> changed = new TreeMap<>(users);
        changed.remove(name);
        return next(enabled, changed, roles);
    }

    public AuthData changePassword(String name, String passwordHash) {
        User user = requireUser(name);
        return withUser(user.toBuilder().setPassword(ByteString.copyFromUtf8(passwordHash)).build());
    }

    /** Grants {@code role} (which must exist, unless it is the root role); granting it again changes nothing. */
    public AuthData grantRole(String name, String role) {
        User user = requireUser(name);
        if (!role.equals(ROOT) && !roles.containsKey(role)) {
            throw EtcdError.roleNotFound();
        }
        List<String> granted = new ArrayList<>(user.getRolesList());
        if (granted.contains(role)) {
            return this;
        }
        granted.add(role);
        Collections.sort(granted);
        return withUser(user.toBuilder().clearRoles().addAllRoles(granted).build());
    }

    public AuthData revokeRole(String name, String role) {
        if (enabled && name.equals(ROOT) && role.equals(ROOT)) {
            throw EtcdError.invalidAuthManagement();
        }
        User user = requireUser(name);
        List<String> granted = new ArrayList<>(user.getRolesList());
        if (!granted.remove(role)) {
            throw EtcdError.roleNotGranted();
        }
        return withUser(user.toBuilder().clearRoles().addAllRoles(granted).build());
    }

    public User requireUser(String name) {
        User user = users.get(name);
        if (user == null) {
            throw EtcdError.userNotFound();
        }
        return user;
    }

    private AuthData withUser(User user) {
        SortedMap<String, User> changed = new TreeMap<>(users);
        changed.put(user.getName().toStringUtf8(), user);
        return next(enabled, changed, roles);
    }

    public AuthData addRole(String name) {
        if (name.isEmpty()) {
            throw EtcdError.roleEmpty();
        }
        if (roles.containsKey(name)) {
            throw EtcdError.roleExists();
        }
        return withRole(Role.newBuilder().setName(ByteString.copyFromUtf8(name)).build(), users);
    }

    /** Deletes a role and takes it from every user who has it. */
    public AuthData deleteRole(String name) {
        if (enabled && name.equals(ROOT)) {
            throw EtcdError.invalidAuthManagement();
        }
        requireRole(name);
        SortedMap<String, User> changedUsers = new TreeMap<>(users);
        for (User user : users.values()) {
            if (user.getRolesList().contains(name)) {
                List<String> kept = new ArrayList<>(user.getRolesList());
                kept.remove(name);
                changedUsers.put(user.getName().toStringUtf8(),
                        user.toBuilder().clearRoles().addAllRoles(kept).build());
            }
        }
        SortedMap<String, Role> changedRoles = new TreeMap<>(roles);
        changedRoles.remove(name);
        return next(enabled, changedUsers, changedRoles);
    }

    public Role requireRole(String name) {
        Role role = roles.get(name);
        if (role == null) {
            throw EtcdError.roleNotFound();
        }
        return role;
    }

    /**
     * Grants a permission; one on the same key and range end replaces it (its type changes),
     * others are kept in key order, as etcd keeps them.
     */
    public AuthData grantPermission(String roleName, Permission permission) {
        Role role = requireRole(roleName);
        List<Permission> permissions = new ArrayList<>(role.getKeyPermissionList());
        int at = 0;
        while (at < permissions.size() && KeyRange.ORDER.compare(permissions.get(at).getKey().toByteArray(),
                permission.getKey().toByteArray()) < 0) {
            at++;
        }
        if (at < permissions.size() && sameKeys(permissions.get(at), permission.getKey(), permission.getRangeEnd())) {
            permissions.set(at, permission);
        } else {
            permissions.add(at, permission);
        }
        return withRole(role.toBuilder().clearKeyPermission().addAllKeyPermission(permissions).build(), users);
    }

    public AuthData revokePermission(String roleName, ByteString key, ByteString rangeEnd) {
        Role role = requireRole(roleName);
        List<Permission> permissions = new ArrayList<>(role.getKeyPermissionList());
        if (!permissions.removeIf(p -> sameKeys(p, key, rangeEnd))) {
            throw EtcdError.permissionNotGranted();
        }
        return withRole(role.toBuilder().clearKeyPermission().addAllKeyPermission(permissions).build(), users);
    }

    private static boolean sameKeys(Permission permission, ByteString key, ByteString rangeEnd) {
        return permission.getKey().equals(key) && permission.getRangeEnd().equals(rangeEnd);
    }

    private AuthData withRole(Role role, SortedMap<String, User> newUsers) {
        SortedMap<String, Role> changed = new TreeMap<>(roles);
        changed.put(role.getName().toStringUtf8(), role);
        return next(enabled, newUsers, changed);
    }

    // ---- checks

    /** Whether {@code user} holds the root role (auth disabled: anyone may). */
    public void checkAdmin(String user) {
        if (!enabled) {
            return;
        }
        if (user == null || user.isEmpty()) {
            throw EtcdError.userEmpty();
        }
        User found = requireUser(user);
        if (!found.getRolesList().contains(ROOT)) {
            throw EtcdError.permissionDenied();
        }
    }

    /**
     * Whether {@code user} may read ({@code write} false) or write {@code range}: nothing is
     * checked while auth is disabled; a request without a user is refused with etcd's "user name
     * is empty", a user who does not exist or lacks a covering permission with "permission denied".
     */
    public void check(String user, KeyRange range, boolean write) {
        if (!enabled) {
            return;
        }
        if (user == null || user.isEmpty()) {
            throw EtcdError.userEmpty();
        }
        User found = users.get(user);
        if (found == null) {
            throw EtcdError.permissionDenied();
        }
        if (found.getRolesList().contains(ROOT)) {
            return;
        }
        List<KeyRange> granted = new ArrayList<>();
        for (String roleName : found.getRolesList()) {
            Role role = roles.get(roleName);
            if (role == null) {
                continue;
            }
            for (Permission p : role.getKeyPermissionList()) {
                boolean allows = p.getPermType() == Permission.Type.READWRITE
                        || p.getPermType() == (write ? Permission.Type.WRITE : Permission.Type.READ);
                if (allows) {
                    granted.add(KeyRange.of(p.getKey(), p.getRangeEnd()));
                }
            }
        }
        if (!KeyRange.covers(granted, range)) {
            throw EtcdError.permissionDenied();
        }
    }
}
