#include "net/curl_global.h"

#include <curl/curl.h>

namespace certdoctor {

bool ensure_http_ready() {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    return initialised;
}

}  // namespace certdoctor
