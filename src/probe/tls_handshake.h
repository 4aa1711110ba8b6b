// A TLS handshake that captures the certificate chain exactly as the server sends it, without
// judging it (go_verify does that). SNI as Go sends it: the host name, none for an IP literal.
// Bounded by the deadline from name resolution to the last handshake byte.
#pragma once

#include <string>
#include <vector>

#include "probe/deadline.h"
#include "probe/openssl_util.h"

namespace certdoctor {

// The largest certificate message taken, as Go's crypto/tls (maxHandshakeCertificateMsg).
inline constexpr long kMaxCertificateMessageBytes = 256L << 10;

struct HandshakeResult {
    bool completed = false;
    std::string problem;  // when not completed: connection-refused, name-resolution, timeout, http-response-to-https, client-certificate-rejected, other
    std::string detail;
    std::vector<X509Ptr> chain;  // leaf first
};

HandshakeResult tls_handshake(const std::string& host, int port, const std::string& server_name,
                              const Deadline& deadline);

}  // namespace certdoctor
