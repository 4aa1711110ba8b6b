#include "probe/tls_handshake.h"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <memory>
#include <thread>

namespace certdoctor {

namespace {

struct AddrInfoFree {
    void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) close(fd);
    }
};

// getaddrinfo has no timeout of its own: run it on a thread and stop waiting at the deadline.
std::unique_ptr<addrinfo, AddrInfoFree> resolve(const std::string& host, int port, const Deadline& deadline,
                                                std::string& error) {
    struct Lookup {
        addrinfo* result = nullptr;
        int rc = 0;
    };
    auto lookup = std::make_shared<Lookup>();
    auto done = std::make_shared<std::promise<void>>();
    auto ready = done->get_future();
    std::thread([lookup, done, host, port] {
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_family = AF_UNSPEC;
        try {
            lookup->rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &lookup->result);
        } catch (...) {  // nothing may escape a thread: out of memory is a failed lookup
            lookup->rc = EAI_MEMORY;
        }
        done->set_value();
    }).detach();
    if (ready.wait_for(deadline.left()) != std::future_status::ready) {
        error = "timeout";
        return nullptr;  // the thread frees nothing; the process ends soon after a probe
    }
    if (lookup->rc != 0) {
        error = gai_strerror(lookup->rc);
        return nullptr;
    }
    return std::unique_ptr<addrinfo, AddrInfoFree>(lookup->result);
}

// Waits for `events` on fd until the deadline. Returns false on timeout.
bool wait_for(int fd, short events, const Deadline& deadline) {
    for (;;) {
        auto left = deadline.left().count();
        if (left <= 0) return false;
        pollfd p{fd, events, 0};
        int rc = poll(&p, 1, static_cast<int>(left));
        if (rc > 0) return true;
        if (rc == 0) return false;
        if (errno != EINTR) return true;  // let the caller see the error
    }
}

int connect_any(addrinfo* list, const Deadline& deadline, std::string& problem, std::string& detail) {
    problem = "connection-refused";
    for (addrinfo* a = list; a; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        int rc = connect(fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            if (!wait_for(fd, POLLOUT, deadline)) {
                close(fd);
                problem = "timeout";
                detail = "i/o timeout while connecting";
                return -1;
            }
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            rc = err == 0 ? 0 : -1;
            errno = err;
        }
        if (rc == 0) return fd;
        detail = std::string("connect: ") + std::strerror(errno);
        close(fd);
    }
    return -1;
}

std::string openssl_error_text(unsigned long err) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    return buf;
}

}  // namespace

HandshakeResult tls_handshake(const std::string& host, int port, const std::string& server_name,
                              const Deadline& deadline) {
    HandshakeResult r;
    std::string resolve_error;
    auto addrs = resolve(host, port, deadline, resolve_error);
    if (!addrs) {
        r.problem = resolve_error == "timeout" ? "timeout" : "name-resolution";
        r.detail = resolve_error == "timeout" ? "name resolution of " + host + " did not finish in time"
                                              : "lookup " + host + ": " + resolve_error;
        return r;
    }
    Fd sock;
    sock.fd = connect_any(addrs.get(), deadline, r.problem, r.detail);
    if (sock.fd < 0) return r;

    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);  // as Go's client
    SSL_CTX_set_security_level(ctx.get(), 0);  // capture whatever is served; go_verify judges it
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    // Go's client takes a certificate message of up to 256 KiB (maxHandshakeCertificateMsg, a
    // leaf with 10,000 SANs is about 220 KB); OpenSSL's default of 100 KiB would refuse what
    // Go accepts with "excessive message size".
    SSL_CTX_set_max_cert_list(ctx.get(), kMaxCertificateMessageBytes);
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), &SSL_free);
    SSL_set_fd(ssl.get(), sock.fd);
    if (!server_name.empty()) SSL_set_tlsext_host_name(ssl.get(), server_name.c_str());
    ERR_clear_error();
    for (;;) {
        int rc = SSL_connect(ssl.get());
        if (rc == 1) break;
        int err = SSL_get_error(ssl.get(), rc);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
            if (!wait_for(sock.fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
                r.problem = "timeout";
                r.detail = "net/http: TLS handshake timeout";
                return r;
            }
            continue;
        }
        unsigned long e = ERR_peek_last_error();
        int reason = ERR_GET_REASON(e);
        if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
            reason == SSL_R_HTTP_REQUEST) {
            r.problem = "http-response-to-https";
            r.detail = "http: server gave HTTP response to HTTPS client";
        } else if (reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE || reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
                   reason == SSL_R_TLSV1_ALERT_UNKNOWN_CA || reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE) {
            r.problem = reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE ? "other" : "client-certificate-rejected";
            r.detail = "remote error: " + openssl_error_text(e);
        } else if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN) {
            r.problem = "other";
            r.detail = "the server closed the connection during the TLS handshake";
        } else {
            r.problem = "other";
            r.detail = "TLS handshake failed: " + openssl_error_text(e);
        }
        return r;
    }
    r.completed = true;
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get());
    // Every certificate served, as Go keeps them: their number is bounded by the message size,
    // and the verifier by Go's budget of signature checks.
    for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
        X509* x = sk_X509_value(chain, i);
        X509_up_ref(x);
        r.chain.emplace_back(x);
    }
    if (r.chain.empty()) {
        r.completed = false;
        r.problem = "other";
        r.detail = "the server sent no certificate";
    }
    return r;
}

}  // namespace certdoctor
