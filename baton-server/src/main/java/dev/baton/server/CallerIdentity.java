package dev.baton.server;

import dev.baton.server.store.EtcdError;
import dev.baton.server.store.StoreState;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who makes a call, found as etcd finds it: the simple token in the call's {@code token} (or
 * {@code authorization}) metadata; without one, when client certificates are required, the
 * common name of the client's certificate. The interceptor puts both in the call's context;
 * {@link #user()} resolves them against the auth state.
 *
 * <p>The Lock and Election services make their calls as their caller, as etcd's do: they pass
 * on the {@link Caller} to the server's in-process services, whose interceptor
 * ({@link #inProcess()}) takes the certificate's name from the {@value #FORWARDED_NAME} metadata,
 * which only the in-process channel can carry (the network interceptor never reads it).
 */
final class CallerIdentity implements ServerInterceptor {
    static final Metadata.Key<String> TOKEN = Metadata.Key.of("token", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CALL_TOKEN = Context.key("baton-token");
    private static final Context.Key<String> CERTIFICATE_NAME = Context.key("baton-certificate-name");
    static final String FORWARDED_NAME = "baton-certificate-name";
    private static final Metadata.Key<String> FORWARDED_NAME_KEY = Metadata.Key.of(FORWARDED_NAME,
            Metadata.ASCII_STRING_MARSHALLER);

    /** What names the caller of a call: its token and its certificate's common name (each may be null). */
    record Caller(String token, String certificateName) {
        static final Caller NOBODY = new Caller(null, null);

        /** The metadata that makes an in-process call as this caller. */
        Metadata headers() {
            Metadata headers = new Metadata();
            if (token != null) {
                headers.put(TOKEN, token);
            }
            if (certificateName != null) {
                headers.put(FORWARDED_NAME_KEY, certificateName);
            }
            return headers;
        }
    }

    private final StoreState state;
    private final SimpleTokens tokens;
    private final boolean certificateNames;

    /** @param certificateNames whether a client certificate's common name names its user (client CA set) */
    CallerIdentity(StoreState state, SimpleTokens tokens, boolean certificateNames) {
        this.state = state;
        this.tokens = tokens;
        this.certificateNames = certificateNames;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        String certificateName = certificateNames
                ? commonName(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)) : null;
        return withCaller(call, headers, next, certificateName);
    }

    /** The interceptor of the in-process services, which takes a forwarded certificate name. */
    ServerInterceptor inProcess() {
        return new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                    ServerCallHandler<Q, A> next) {
                return withCaller(call, headers, next, headers.get(FORWARDED_NAME_KEY));
            }
        };
    }

    private static <Q, A> ServerCall.Listener<Q> withCaller(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next, String certificateName) {
        String token = headers.get(TOKEN);
        if (token == null) {
            token = headers.get(AUTHORIZATION);
        }
        if (token == null && certificateName == null) {
            return next.startCall(call, headers);
        }
        Context context = Context.current().withValues(CALL_TOKEN, token, CERTIFICATE_NAME, certificateName);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** Who makes the current call, as received, to make other calls on their behalf. */
    static Caller caller() {
        String token = CALL_TOKEN.get();
        String certificateName = CERTIFICATE_NAME.get();
        return token == null && certificateName == null ? Caller.NOBODY : new Caller(token, certificateName);
    }

    /**
     * The user making the current call: the user of its token; without a token, while auth is
     * enabled, the certificate's user or null when the call names nobody (the checks then refuse
     * it with etcd's "user name is empty").
     *
     * @throws EtcdError etcd's "invalid auth token" for a token that is unknown or expired, which
     *     etcd checks whether auth is enabled or not (disabling it ends every token)
     */
    String user() {
        String token = CALL_TOKEN.get();
        if (token != null) {
            String user = tokens.userOf(token);
            if (user == null) {
                throw EtcdError.invalidAuthToken();
            }
            return user;
        }
        return state.auth().enabled() ? CERTIFICATE_NAME.get() : null;
    }

    private static String commonName(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return null;
            }
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (SSLPeerUnverifiedException | InvalidNameException e) {
            return null;
        }
    }
}
