#include "probe/target.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "util/error.h"
#include "util/image_ref.h"

namespace certdoctor {

bool is_ip_literal(std::string_view host) {
    std::string h(host);
    unsigned char buf[16];
    return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

namespace {
std::string bracketed(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}
}  // namespace

std::string ProbeTarget::registry() const {
    return port == 443 ? bracketed(host) : bracketed(host) + ":" + std::to_string(port);
}

std::string ProbeTarget::base_url() const { return "https://" + bracketed(host) + ":" + std::to_string(port); }

namespace {

[[noreturn]] void bad(std::string_view text, const std::string& why) {
    throw Error("probe target '" + std::string(text) + "': " + why +
                    " (expected host, host:port, https://host[:port]/..., or an image reference)",
                ExitCode::usage);
}

void split_host_port(std::string_view text, std::string_view hostport, ProbeTarget& t) {
    if (hostport.empty()) bad(text, "no host");
    std::string_view host = hostport, port;
    if (hostport.front() == '[') {
        size_t close = hostport.find(']');
        if (close == std::string_view::npos) bad(text, "unclosed [ in an IPv6 address");
        host = hostport.substr(1, close - 1);
        std::string_view rest = hostport.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') bad(text, "junk after ]");
            port = rest.substr(1);
        }
    } else if (std::count(hostport.begin(), hostport.end(), ':') == 1) {
        size_t colon = hostport.find(':');
        host = hostport.substr(0, colon);
        port = hostport.substr(colon + 1);
    } else if (std::count(hostport.begin(), hostport.end(), ':') > 1) {
        bad(text, "an IPv6 address needs brackets: [addr]:port");
    }
    for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_'))
            bad(text, std::string("invalid character '") + c + "' in the host");
    if (host.empty()) bad(text, "no host");
    t.host = std::string(host);
    t.host_is_ip = is_ip_literal(t.host);
    if (!port.empty()) {
        int p = 0;
        for (char c : port) {
            if (!std::isdigit(static_cast<unsigned char>(c)) || p > 65535) bad(text, "invalid port");
            p = p * 10 + (c - '0');
        }
        if (p < 1 || p > 65535) bad(text, "port out of range");
        t.port = p;
    }
}

}  // namespace

ProbeTarget parse_probe_target(std::string_view text) {
    ProbeTarget t;
    t.input = std::string(text);
    std::string_view rest = text;
    if (rest.rfind("https://", 0) == 0 || rest.rfind("http://", 0) == 0) {
        rest.remove_prefix(rest.find("://") + 3);
        size_t end = rest.find_first_of("/?#");
        split_host_port(text, rest.substr(0, end), t);
        return t;
    }
    for (std::string_view scheme : {"docker://", "oci://"})
        if (rest.rfind(scheme, 0) == 0) rest.remove_prefix(scheme.size());
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) {
        split_host_port(text, rest, t);
        return t;
    }
    // An image reference: [registry/]repository[:tag][@digest]
    std::string_view first = rest.substr(0, slash);
    bool has_registry = first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
                        first == "localhost" || first.front() == '[';
    std::string_view path = rest;
    if (has_registry) {
        split_host_port(text, first, t);
        path = rest.substr(slash + 1);
    } else {
        t.host = "index.docker.io";
    }
    // A tag and a digest together name the digest (the tag is not part of the repository).
    ImageReferenceParts parts = split_image_reference(path);
    t.reference = !parts.digest.empty() ? parts.digest : !parts.tag.empty() ? parts.tag : "latest";
    if (parts.name.empty()) bad(text, "no repository");
    t.repository = std::move(parts.name);
    if (!has_registry && t.repository.find('/') == std::string::npos) t.repository = "library/" + t.repository;
    return t;
}

}  // namespace certdoctor
