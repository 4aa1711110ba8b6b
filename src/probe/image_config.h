// Reads an image's entrypoint from its registry the way Tekton's entrypoint lookup does: the
// manifest (Docker v2 or OCI), or an index / manifest list with one entry per platform, and each
// platform's config blob. Authenticates with an anonymous bearer token, or with credentials from
// a docker config.json. Secrets are sent only to the registry and its token realm, never printed.
#pragma once

#include <string>
#include <vector>

#include "model/probe_result.h"
#include "probe/deadline.h"
#include "probe/target.h"

namespace certdoctor {

struct RegistryCredential {
    std::string username;
    std::string password;
    std::string identity_token;
    bool empty() const { return username.empty() && identity_token.empty(); }
};

// The credential for `registry` (host or host:port) in a docker config.json; empty when none.
// Throws Error naming the file when it is not valid JSON.
RegistryCredential credential_from_docker_config(const std::string& path, const std::string& registry);

// Fills result.image. `ca_pem` is the trusted pool the TLS verdict used.
void read_image_entrypoint(ProbeResult& result, const ProbeTarget& target, const std::string& ca_pem,
                           const RegistryCredential& credential, const Deadline& deadline);

}  // namespace certdoctor
