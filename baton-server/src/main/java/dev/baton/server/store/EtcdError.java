package dev.baton.server.store;

import io.grpc.Status;

/**
 * A request failure as etcd reports it: a gRPC status code and etcd's exact message, so clients
 * written for etcd recognise it.
 */
public final class EtcdError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status.Code code;

    private EtcdError(Status.Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }

    public Status toStatus() {
        return Status.fromCode(code).withDescription(getMessage());
    }

    public static EtcdError badLeaderTransferee() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: bad leader transferee");
    }

    public static EtcdError emptyKey() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided");
    }

    public static EtcdError keyNotFound() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: key not found");
    }

    public static EtcdError valueProvided() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: value is provided");
    }

    public static EtcdError leaseProvided() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: lease is provided");
    }

    public static EtcdError tooManyOperations() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request");
    }

    public static EtcdError duplicateKey() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request");
    }

    public static EtcdError requestTooLarge() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large");
    }

    public static EtcdError compacted() {
        return new EtcdError(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted");
    }

    public static EtcdError futureRevision() {
        return new EtcdError(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision");
    }

    public static EtcdError leaseNotFound() {
        return new EtcdError(Status.Code.NOT_FOUND, "etcdserver: requested lease not found");
    }

    public static EtcdError leaseExists() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists");
    }

    /** A write that would add data while the NOSPACE alarm is raised, or past the space quota. */
    public static EtcdError noSpace() {
        return new EtcdError(Status.Code.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded");
    }

    public static EtcdError leaseTtlTooLarge() {
        return new EtcdError(Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL");
    }

    public static EtcdError rootUserMissing() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not exist");
    }

    public static EtcdError rootRoleMissing() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: root user does not have root role");
    }

    public static EtcdError userExists() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: user name already exists");
    }

    public static EtcdError userEmpty() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: user name is empty");
    }

    public static EtcdError userNotFound() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: user name not found");
    }

    public static EtcdError roleExists() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: role name already exists");
    }

    public static EtcdError roleNotFound() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: role name not found");
    }

    public static EtcdError roleEmpty() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: role name is empty");
    }

    public static EtcdError authFailed() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT,
                "etcdserver: authentication failed, invalid user ID or password");
    }

    public static EtcdError permissionDenied() {
        return new EtcdError(Status.Code.PERMISSION_DENIED, "etcdserver: permission denied");
    }

    public static EtcdError roleNotGranted() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: role is not granted to the user");
    }

    public static EtcdError permissionNotGranted() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: permission is not granted to the role");
    }

    public static EtcdError authNotEnabled() {
        return new EtcdError(Status.Code.FAILED_PRECONDITION, "etcdserver: authentication is not enabled");
    }

    public static EtcdError invalidAuthToken() {
        return new EtcdError(Status.Code.UNAUTHENTICATED, "etcdserver: invalid auth token");
    }

    /** Deleting the root user or role, or taking the root role from the root user, while auth is enabled. */
    public static EtcdError invalidAuthManagement() {
        return new EtcdError(Status.Code.INVALID_ARGUMENT, "etcdserver: invalid auth management");
    }
}
