// What `probe` is pointed at: "host", "host:port", "https://host:port/...", or an image
// reference ("registry.example:8443/team/app:v1"), resolved to where the TLS handshake goes.
#pragma once

#include <string>
#include <string_view>

namespace certdoctor {

struct ProbeTarget {
    std::string input;
    std::string host;        // without brackets for IPv6
    int port = 443;
    bool host_is_ip = false;
    std::string repository;  // for an image reference: "team/app"
    std::string reference;   // tag or digest
    // "host" or "host:port" as written (brackets kept): the registry part of an image reference.
    std::string registry() const;
    // "https://host:port" (brackets for IPv6): the base of the registry's API URLs.
    std::string base_url() const;
};

// Throws Error (usage) with what is wrong when `text` is none of the accepted forms.
ProbeTarget parse_probe_target(std::string_view text);

bool is_ip_literal(std::string_view host);

}  // namespace certdoctor
