#include "probe/http_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "util/system_ca.h"

namespace certdoctor {

namespace {

struct Sink {
    std::string* body;
    size_t max;
    bool truncated = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* sink = static_cast<Sink*>(user);
    size_t bytes = size * n;
    size_t room = sink->max > sink->body->size() ? sink->max - sink->body->size() : 0;
    sink->body->append(data, std::min(bytes, room));
    if (bytes > room) sink->truncated = true;
    return bytes;  // keep reading (and dropping) what is over the bound; the deadline ends it
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* headers = static_cast<std::map<std::string, std::string>*>(user);
    std::string line(data, size * n);
    size_t colon = line.find(':');
    if (colon != std::string::npos && headers->size() < 100 && line.size() < 8192) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(0, 1);
        while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
        (*headers)[name] = value;
    }
    return size * n;
}

}  // namespace

HttpResponse http_get(const HttpRequest& request, const Deadline& deadline) {
    const bool initialised = ensure_http_ready();
    HttpResponse r;
    if (!initialised) {
        r.error = "libcurl could not be initialised";
        return r;
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    Sink sink{&r.body, request.max_bytes};
    char error[CURL_ERROR_SIZE] = {0};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long>(1, deadline.left().count())));
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, request.follow_redirects ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, &curl_slist_free_all);
    for (const auto& h : request.headers) headers.reset(curl_slist_append(headers.release(), h.c_str()));
    if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kubectl-tekton-certdoctor");
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, request.verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, request.verify ? 2L : 0L);
    curl_blob blob{const_cast<char*>(request.ca_pem.data()), request.ca_pem.size(), CURL_BLOB_COPY};
    if (!request.ca_pem.empty()) {
        curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
    } else {
        curl_easy_setopt(c, CURLOPT_CAINFO, system_ca().file.empty() ? nullptr : system_ca().file.c_str());
        curl_easy_setopt(c, CURLOPT_CAPATH, system_ca().dir.empty() ? nullptr : system_ca().dir.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        r.error = error[0] ? error : curl_easy_strerror(rc);
        r.tls_failed = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ||
                       rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_CACERT_BADFILE;
        return r;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    r.ok = true;
    r.status = static_cast<int>(status);
    r.truncated = sink.truncated;
    return r;
}

}  // namespace certdoctor
