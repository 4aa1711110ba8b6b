// The offline probe: a chain someone was handed (`probe --chain-file`), judged as Go would at a
// chosen time, with the same pool flags as a live probe and the same ProbeResult, minus what
// only a network can tell (the handshake, /v2/, AIA fetches).
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "model/probe_result.h"

namespace certdoctor {

struct ChainFileOptions {
    std::string path;  // "-" for standard input
    std::vector<std::string> ca_files;
    bool system_roots = true;
    std::string server_name;  // "": names are not checked (Go with an empty DNSName)
    std::time_t at = 0;       // the verification time; 0 is now
};

// Throws Error (exit 3) for a chain file or --ca-file that holds no usable certificate.
ProbeResult probe_chain_file(const ChainFileOptions& options);

}  // namespace certdoctor
