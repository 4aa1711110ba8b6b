// libcurl's process-wide set-up, shared by every HTTP user (the registry probe, the API client).
// A layer below both, so that neither includes the other.
#pragma once

namespace certdoctor {

// Runs curl_global_init once; call it before starting threads that use libcurl. False when
// libcurl could not be initialised.
bool ensure_http_ready();

}  // namespace certdoctor
