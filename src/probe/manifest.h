// The registry's documents for an image, read as Tekton's entrypoint lookup reads them: a
// manifest (Docker v2 or OCI) or an index / manifest list, and a platform's config blob. Pure
// reading of the JSON (no I/O), so that what a hostile registry sends can be fuzzed alone;
// image_config fetches the documents and hands them here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/probe_result.h"

namespace certdoctor {

inline constexpr size_t kMaxPlatforms = 32;

struct ManifestReading {
    bool json = false;   // the body is a JSON object
    bool index = false;  // it lists manifests (one per platform)
    std::string media_type;
    // An index: its platforms (os, architecture, variant, digest) in order, attestation
    // manifests (platform unknown/unknown) left out, at most kMaxPlatforms, up to the first bad
    // entry (`error` says which).
    std::vector<ImagePlatform> platforms;
    // A manifest: its config's digest.
    std::string config_digest;
    std::vector<std::string> notes;
    std::string error;  // the first thing wrong; what comes before it is still usable
};

// The top document (`index_allowed`) or a platform's manifest (an index there is read as a
// manifest that has no config).
ManifestReading read_manifest(std::string_view body, bool index_allowed);

// Fills `p`'s os, architecture and variant (where the index did not), entrypoint and cmd from a
// config blob. False, with `error`, when the blob is not a JSON object.
bool read_image_config(std::string_view body, const std::string& digest, ImagePlatform& p,
                       std::string& error);

}  // namespace certdoctor
