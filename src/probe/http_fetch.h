// Small HTTPS/HTTP requests over libcurl for the probe: the registry's /v2/ endpoint (with a
// given CA bundle, verifying as curl does) and caIssuers downloads. Bounded in time by the
// deadline and in size by `max_bytes`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "net/curl_global.h"
#include "probe/deadline.h"

namespace certdoctor {

struct HttpResponse {
    bool ok = false;           // a response was received
    int status = 0;
    std::string body;          // at most max_bytes
    std::map<std::string, std::string> headers;  // lower-cased names; last value wins
    std::string error;         // curl's message when !ok
    bool truncated = false;    // the body was longer than max_bytes
    bool tls_failed = false;   // the TLS handshake or the peer's certificate failed
};

struct HttpRequest {
    std::string url;
    std::string ca_pem;        // trusted CAs for https; empty: curl's default store
    bool verify = true;
    size_t max_bytes = 64 * 1024;
    std::vector<std::string> headers;  // "Name: value"; an Authorization header is never sent to another host
    bool follow_redirects = false;     // at most 5, http(s) only
};

HttpResponse http_get(const HttpRequest& request, const Deadline& deadline);

}  // namespace certdoctor
