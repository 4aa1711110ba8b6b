// Reads a file that configuration names (a kubeconfig and the files it points at: tokenFile,
// certificate-authority, client-certificate, client-key, the service account's files). Such a
// path may name a FIFO, a device or /proc/self/fd/0: those are refused, as they could block for
// ever or never end; a regular file is read up to a size bound and within a time bound.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace certdoctor {

// The whole of `path`. Throws Error (exit 4) naming `what` and the path when it cannot be opened,
// is not a regular file (the file is opened without blocking, then checked), is larger than
// `max_bytes`, or is still being read when `timeout` passes (checked between reads of 64 KiB).
std::string read_regular_file(const std::string& path, const std::string& what, size_t max_bytes,
                              std::chrono::milliseconds timeout);

}  // namespace certdoctor
