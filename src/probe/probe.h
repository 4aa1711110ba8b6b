// The registry probe: handshake, Go-style verdict, trust anchor, and the /v2/ check with the
// candidate CA. Never prints; returns a ProbeResult for the renderers.
//
//   ProbeOptions o;
//   o.ca_files = {"corp-root.pem"};
//   ProbeResult r = probe_registry(parse_probe_target("registry.corp.example:8443"), o);
//   if (r.problem == "ok") ...   // Go would accept this registry with corp-root.pem
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "model/probe_result.h"
#include "probe/target.h"

namespace certdoctor {

struct ProbeOptions {
    std::vector<std::string> ca_files;
    // Bundles already read (config-registry-cert's `cert`), trusted as well: {name, PEM}.
    std::vector<std::pair<std::string, std::string>> ca_pems;
    bool system_roots = true;
    std::string server_name;  // overrides the name sent (SNI) and checked
    std::chrono::milliseconds timeout{10000};  // the whole probe
    bool entrypoint = false;             // also read the image's Entrypoint and Cmd per platform
    std::string registry_config;         // a docker config.json with credentials
};

// Throws Error for unreadable or malformed --ca-file bundles (before any network traffic).
ProbeResult probe_registry(const ProbeTarget& target, const ProbeOptions& options);

}  // namespace certdoctor

namespace certdoctor {

// Judges the chain a probe captured again, offline, as Go would with exactly the PEM bundle
// `ca_pem` as its roots (what a controller with SSL_CERT_FILE=that bundle would do). Throws
// Error naming `where` when the bundle holds no certificate.
struct ReVerdict {
    std::string problem;  // "ok" or the vocabulary's problem
    std::string detail;
};
ReVerdict verify_with_bundle(const ProbeResult& probed, const std::string& ca_pem, const std::string& where);

}  // namespace certdoctor
