package dev.baton.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.baton.server.store.AuthData;
import dev.baton.server.store.EtcdError;
import dev.baton.server.store.PasswordHash;
import dev.baton.server.store.StoreState;
import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthDisableResponse;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthEnableResponse;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleAddResponse;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleDeleteResponse;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGetResponse;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionResponse;
import io.etcd.jetcd.api.AuthRoleListRequest;
import io.etcd.jetcd.api.AuthRoleListResponse;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionResponse;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserAddResponse;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordResponse;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserDeleteResponse;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGetResponse;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleResponse;
import io.etcd.jetcd.api.AuthUserListRequest;
import io.etcd.jetcd.api.AuthUserListResponse;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleResponse;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.AuthenticateResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.User;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * etcd's Auth service. Changes go through the writer, so they are durable before they are
 * answered and ordered with every write; once auth is enabled each needs the root role, as in
 * etcd, except that any user may get their own user and the roles they hold. Passwords are
 * hashed, and checked, on the hashing executor, never on the writer or a transport thread.
 */
final class AuthService extends AuthGrpc.AuthImplBase {
    /** {@code AuthUserAddRequest.options} (etcd 3.4), which jetcd's generated class lacks. */
    private static final int USER_ADD_OPTIONS_FIELD = 3;
    /** {@code UserAddOptions.no_password}. */
    private static final int NO_PASSWORD_FIELD = 1;

    private final StoreState state;
    private final CommitPipeline pipeline;
    private final ResponseHeaders headers;
    private final CallerIdentity identity;
    private final SimpleTokens tokens;
    private final Executor hashing;

    AuthService(StoreState state, CommitPipeline pipeline, ResponseHeaders headers, CallerIdentity identity,
            SimpleTokens tokens, Executor hashing) {
        this.state = state;
        this.pipeline = pipeline;
        this.headers = headers;
        this.identity = identity;
        this.tokens = tokens;
        this.hashing = hashing;
    }

    private ResponseHeader header() {
        return headers.at(state.publishedRevision());
    }

    @Override
    public void authEnable(AuthEnableRequest request, StreamObserver<AuthEnableResponse> responses) {
        change(responses, AuthData::enable, h -> AuthEnableResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void authDisable(AuthDisableRequest request, StreamObserver<AuthDisableResponse> responses) {
        change(responses, AuthData::disable, tokens::clear,
                h -> AuthDisableResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> responses) {
        CompletableFuture.supplyAsync(() -> {
            AuthData auth = state.auth();
            if (!auth.enabled()) {
                throw EtcdError.authNotEnabled();
            }
            User user = auth.users().get(request.getName());
            if (user == null || !PasswordHash.matches(request.getPassword(), user.getPassword().toStringUtf8())) {
                throw EtcdError.authFailed();
            }
            return tokens.assign(request.getName());
        }, hashing).whenComplete(Replies.later(responses,
                token -> AuthenticateResponse.newBuilder().setHeader(header()).setToken(token).build()));
    }

    @Override
    public void userAdd(AuthUserAddRequest request, StreamObserver<AuthUserAddResponse> responses) {
        String name = request.getName();
        String password = noPassword(request) ? null : request.getPassword();
        changeWithHash(responses, password, hash -> a -> a.addUser(name, hash), () -> {
        }, h -> AuthUserAddResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void userChangePassword(AuthUserChangePasswordRequest request,
            StreamObserver<AuthUserChangePasswordResponse> responses) {
        String name = request.getName();
        changeWithHash(responses, request.getPassword(), hash -> a -> a.changePassword(name, hash),
                () -> tokens.invalidateUser(name),
                h -> AuthUserChangePasswordResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void userDelete(AuthUserDeleteRequest request, StreamObserver<AuthUserDeleteResponse> responses) {
        change(responses, a -> a.deleteUser(request.getName()), () -> tokens.invalidateUser(request.getName()),
                h -> AuthUserDeleteResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void userGrantRole(AuthUserGrantRoleRequest request, StreamObserver<AuthUserGrantRoleResponse> responses) {
        change(responses, a -> a.grantRole(request.getUser(), request.getRole()),
                h -> AuthUserGrantRoleResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void userRevokeRole(AuthUserRevokeRoleRequest request,
            StreamObserver<AuthUserRevokeRoleResponse> responses) {
        change(responses, a -> a.revokeRole(request.getName(), request.getRole()),
                h -> AuthUserRevokeRoleResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void roleAdd(AuthRoleAddRequest request, StreamObserver<AuthRoleAddResponse> responses) {
        change(responses, a -> a.addRole(request.getName()),
                h -> AuthRoleAddResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void roleDelete(AuthRoleDeleteRequest request, StreamObserver<AuthRoleDeleteResponse> responses) {
        change(responses, a -> a.deleteRole(request.getRole()),
                h -> AuthRoleDeleteResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void roleGrantPermission(AuthRoleGrantPermissionRequest request,
            StreamObserver<AuthRoleGrantPermissionResponse> responses) {
        change(responses, a -> a.grantPermission(request.getName(), request.getPerm()),
                h -> AuthRoleGrantPermissionResponse.newBuilder().setHeader(h).build());
    }

    @Override
    public void roleRevokePermission(AuthRoleRevokePermissionRequest request,
            StreamObserver<AuthRoleRevokePermissionResponse> responses) {
        change(responses, a -> a.revokePermission(request.getRole(), request.getKey(), request.getRangeEnd()),
                h -> AuthRoleRevokePermissionResponse.newBuilder().setHeader(h).build());
    }

    /** A user's roles: the root role, or the user themselves. */
    @Override
    public void userGet(AuthUserGetRequest request, StreamObserver<AuthUserGetResponse> responses) {
        Replies.now(responses, () -> {
            String caller = identity.user();
            AuthData auth = state.auth();
            if (caller == null || !caller.equals(request.getName())) {
                auth.checkAdmin(caller);
            }
            List<String> roles = auth.requireUser(request.getName()).getRolesList();
            return AuthUserGetResponse.newBuilder().setHeader(header()).addAllRoles(roles).build();
        });
    }

    /** A role's permissions: the root role, or a user holding that role. */
    @Override
    public void roleGet(AuthRoleGetRequest request, StreamObserver<AuthRoleGetResponse> responses) {
        Replies.now(responses, () -> {
            String caller = identity.user();
            AuthData auth = state.auth();
            User user = caller == null ? null : auth.users().get(caller);
            if (user == null || !user.getRolesList().contains(request.getRole())) {
                auth.checkAdmin(caller);
            }
            return AuthRoleGetResponse.newBuilder().setHeader(header())
                    .addAllPerm(auth.requireRole(request.getRole()).getKeyPermissionList()).build();
        });
    }

    @Override
    public void userList(AuthUserListRequest request, StreamObserver<AuthUserListResponse> responses) {
        Replies.now(responses, () -> {
            AuthData auth = state.auth();
            auth.checkAdmin(identity.user());
            return AuthUserListResponse.newBuilder().setHeader(header()).addAllUsers(auth.users().keySet()).build();
        });
    }

    @Override
    public void roleList(AuthRoleListRequest request, StreamObserver<AuthRoleListResponse> responses) {
        Replies.now(responses, () -> {
            AuthData auth = state.auth();
            auth.checkAdmin(identity.user());
            return AuthRoleListResponse.newBuilder().setHeader(header()).addAllRoles(auth.roles().keySet()).build();
        });
    }

    private <R> void change(StreamObserver<R> responses, UnaryOperator<AuthData> change,
            Function<ResponseHeader, R> answer) {
        change(responses, change, () -> {
        }, answer);
    }

    private <R> void change(StreamObserver<R> responses, UnaryOperator<AuthData> change, Runnable after,
            Function<ResponseHeader, R> answer) {
        changeWithHash(responses, null, hash -> change, after, answer);
    }

    /**
     * Applies an auth change through the writer once the caller is known to hold the root role
     * (checked there, against the auth state the change applies to), runs {@code after} with it
     * and answers with a header. A {@code password} (null: none) is hashed first, on the hashing
     * executor, and its hash (empty for none) given to {@code change}.
     */
    private <R> void changeWithHash(StreamObserver<R> responses, String password,
            Function<String, UnaryOperator<AuthData>> change, Runnable after, Function<ResponseHeader, R> answer) {
        String caller;
        try {
            caller = identity.user();
        } catch (EtcdError e) {
            responses.onError(e.toStatus().asRuntimeException());
            return;
        }
        CompletableFuture<String> hash = password == null ? CompletableFuture.completedFuture("")
                : CompletableFuture.supplyAsync(() -> PasswordHash.of(password), hashing);
        hash.thenCompose(h -> pipeline.submit(s -> {
            s.auth().checkAdmin(caller);
            AuthData changed = s.changeAuth(change.apply(h));
            after.run();
            return changed;
        })).whenComplete(Replies.later(responses, ignored -> answer.apply(header())));
    }

    /** Whether a UserAdd asks for a user without a password ({@code options.no_password}). */
    private static boolean noPassword(AuthUserAddRequest request) {
        UnknownFieldSet.Field options = request.getUnknownFields().getField(USER_ADD_OPTIONS_FIELD);
        if (options.getLengthDelimitedList().isEmpty()) {
            return false;
        }
        try {
            UnknownFieldSet parsed = UnknownFieldSet.parseFrom(options.getLengthDelimitedList().get(0));
            List<Long> flag = parsed.getField(NO_PASSWORD_FIELD).getVarintList();
            return !flag.isEmpty() && flag.get(flag.size() - 1) != 0;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }
}
