#include "kube/client.h"
#include "kube/announced_length.h"
#include "kube/exec_credential.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <re2/re2.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <memory>

#include "net/curl_global.h"
#include "util/bounded_json.h"
#include "util/header_value.h"
#include "util/read_input.h"
#include "util/regular_file.h"
#include "util/subprocess.h"
#include "util/system_ca.h"
#include "util/escape.h"
#include "util/text.h"
#include "util/time.h"
#include "version.h"

namespace certdoctor {

namespace {

struct Body {
    std::string data;
    size_t max = KubeClient::kMaxResponseBytes;
    bool too_large = false;
    bool cut = false;                      // a longer answer is cut: read up to the bound
    AnnouncedLength announced{max};
};

// Refuses at the end of the headers a body whose Content-Length is over the bound (unless the
// caller takes a cut answer), rather than reading the bound's worth of it first.
size_t on_header(char* ptr, size_t size, size_t n, void* user) {
    auto* b = static_cast<Body*>(user);
    size_t len = size * n;
    b->announced.header_line(std::string_view(ptr, len));
    if (!b->cut && b->announced.over()) {
        b->too_large = true;
        return 0;  // aborts the transfer before any of the body is read
    }
    return len;
}

size_t on_body(char* ptr, size_t size, size_t n, void* user) {
    auto* b = static_cast<Body*>(user);
    size_t len = size * n;
    if (b->data.size() + len > b->max) {
        b->too_large = true;
        return 0;  // aborts the transfer
    }
    b->data.append(ptr, len);
    return len;
}

// The Status object's message and reason, or the start of the body.
std::pair<std::string, std::string> status_of(const std::string& body) {
    static const JsonShape& leaf = JsonShape::scalar();
    static const JsonShape status = JsonShape::object({{"kind", &leaf}, {"message", &leaf}, {"reason", &leaf}});
    nlohmann::json j = parse_json_bounded(body, status).value;
    if (j.is_object() && j.value("kind", "") == "Status") {
        std::string message = j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>() : "";
        std::string reason = j.contains("reason") && j["reason"].is_string() ? j["reason"].get<std::string>() : "";
        return {sanitize_utf8(message.substr(0, 500)), reason};
    }
    std::string text = sanitize_utf8(body.substr(0, 200));
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return {text, ""};
}

// "https://host:6443/prefix" -> scheme, host (IPv6 in brackets), port, and the rest.
struct ServerParts {
    std::string scheme, host, port, rest;
};
std::optional<ServerParts> split_server(const std::string& server) {
    static const RE2 re(R"(^(https?)://(\[[^\]]+\]|[^/:]+)(?::(\d+))?(.*)$)");
    ServerParts p;
    if (!RE2::FullMatch(server, re, &p.scheme, &p.host, &p.port, &p.rest)) return std::nullopt;
    if (p.port.empty()) p.port = p.scheme == "https" ? "443" : "80";
    return p;
}

}  // namespace


Access describe_access(const std::string& path, const std::string& method) {
    static const RE2 core(R"(^/api/v1/(?:namespaces/([^/?]+)/)?([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?)");
    static const RE2 group(R"(^/apis/([^/?]+)/[^/?]+/(?:namespaces/([^/?]+)/)?([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?)");
    Access a;
    std::string g, sub;
    if (RE2::PartialMatch(path, group, &g, &a.namespace_, &a.resource, &a.name, &sub)) {
        a.resource += (sub.empty() ? "" : "/" + sub) + "." + g;
    } else if (RE2::PartialMatch(path, core, &a.namespace_, &a.resource, &a.name, &sub)) {
        if (!sub.empty()) a.resource += "/" + sub;  // pods/log
    } else {
        a.resource = path;
    }
    // "/api/v1/namespaces/x" itself reads a namespace.
    if (a.resource.empty()) a.resource = path;
    a.verb = a.name.empty() ? "list" : "get";
    if (method == "POST") a.verb = "create";
    else if (method == "PUT") a.verb = "update";
    else if (method == "PATCH") a.verb = "patch";
    return a;
}

KubeClient::KubeClient(RestConfig config, Logger log) : config_(std::move(config)), log_(std::move(log)) {
    if (!ensure_http_ready()) throw Error("libcurl could not be initialised");
    const ClusterConfig& c = config_.cluster;
    const auto timeout = config_.request_timeout;
    if (!c.ca_pem.empty()) ca_pem_ = c.ca_pem;
    else if (!c.ca_file.empty())
        ca_pem_ = read_regular_file(c.ca_file, "cluster " + c.name + ": certificate-authority", 4u << 20, timeout);
    if (!ca_pem_.empty() && ca_pem_.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        throw Error("cluster " + c.name + ": certificate-authority" + (c.ca_pem.empty() ? " " + c.ca_file : "-data") +
                    " holds no PEM certificate");
    UserConfig& u = config_.user;
    if (!u.client_certificate_file.empty() && u.client_certificate_pem.empty())
        u.client_certificate_pem = read_regular_file(u.client_certificate_file, "user " + u.name + ": client-certificate",
                                                     1u << 20, timeout);
    if (!u.client_key_file.empty() && u.client_key_pem.empty())
        u.client_key_pem = read_regular_file(u.client_key_file, "user " + u.name + ": client-key", 1u << 20, timeout);
    if (!u.client_certificate_pem.empty() && u.client_key_pem.empty())
        throw Error("user " + u.name + ": has a client certificate but no client key");
    if (!u.auth_provider.empty() && !u.exec && u.token.empty() && u.token_file.empty())
        throw Error("user " + u.name + ": the auth-provider '" + u.auth_provider +
                    "' is not supported (kubectl dropped it too); use an exec credential plugin, e.g. kubelogin or "
                    "gke-gcloud-auth-plugin");
    give_back(take_handle());  // fails here, not at the first request, when curl cannot start
}

KubeClient::~KubeClient() {
    for (void* h : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* KubeClient::take_handle() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_handles_.empty()) {
            void* h = idle_handles_.back();
            idle_handles_.pop_back();
            return h;
        }
    }
    CURL* h = curl_easy_init();
    if (!h) throw Error("cannot start an HTTP client");
    return h;
}

void KubeClient::give_back(void* handle) {
    std::lock_guard<std::mutex> lock(mutex_);
    idle_handles_.push_back(handle);
}

void KubeClient::log(const std::string& line) {
    if (!log_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    log_(line);
}

KubeClient::Credential KubeClient::credential() {
    std::lock_guard<std::mutex> lock(mutex_);
    const UserConfig& u = config_.user;
    if (u.exec && (!exec_loaded_ || (exec_expires_ != 0 && std::time(nullptr) >= exec_expires_)))
        refresh_exec_credential();
    Credential c;
    c.token = bearer_token();
    c.cert_pem = u.exec && !exec_cert_pem_.empty() ? exec_cert_pem_ : u.client_certificate_pem;
    c.key_pem = u.exec && !exec_key_pem_.empty() ? exec_key_pem_ : u.client_key_pem;
    return c;
}

void KubeClient::refresh_exec_credential() {
    const ExecConfig& x = *config_.user.exec;
    nlohmann::json info = {{"apiVersion", x.api_version}, {"kind", "ExecCredential"}, {"spec", {{"interactive", false}}}};
    if (x.provide_cluster_info) {
        const ClusterConfig& c = config_.cluster;
        nlohmann::json cluster = {{"server", c.server}};
        if (!c.tls_server_name.empty()) cluster["tls-server-name"] = c.tls_server_name;
        if (c.insecure) cluster["insecure-skip-tls-verify"] = true;
        if (!ca_pem_.empty()) {
            // base64, as certificate-authority-data is written
            std::string out(4 * ((ca_pem_.size() + 2) / 3) + 1, '\0');
            int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                    reinterpret_cast<const unsigned char*>(ca_pem_.data()), static_cast<int>(ca_pem_.size()));
            out.resize(static_cast<size_t>(n));
            cluster["certificate-authority-data"] = out;
        }
        if (!c.proxy_url.empty()) cluster["proxy-url"] = c.proxy_url;
        info["spec"]["cluster"] = cluster;
    }
    std::vector<std::string> env = current_environment();
    for (const auto& [name, value] : x.env) env.push_back(name + "=" + value);
    env.push_back("KUBERNETES_EXEC_INFO=" + info.dump());
    std::vector<std::string> argv = {x.command};
    argv.insert(argv.end(), x.args.begin(), x.args.end());
    std::string who = "user " + config_.user.name + ": exec plugin '" + x.command + "'";
    if (log_) log_("running the exec credential plugin " + shell_quote(x.command));  // mutex_ is held
    // Bounded as a request is: a plugin waiting on a login prompt it cannot show (its standard
    // input is /dev/null) must not hold the command for ever. On timeout its whole process group
    // is killed, so that its helpers do not outlive it.
    SubprocessResult r = run_subprocess(argv, env, config_.request_timeout);
    if (!r.started) {
        throw Error(who + " could not be run: " + r.error +
                    (x.install_hint.empty() ? std::string() : "\n" + std::string(trim(x.install_hint))));
    }
    if (r.timed_out)
        throw Error(who + " did not finish within " + std::to_string(config_.request_timeout.count()) +
                    "ms (--request-timeout); it was stopped with its child processes");
    if (r.output_too_large) throw Error(who + " wrote more than 1 MiB");
    if (r.exit_status != 0) throw Error(who + " failed with exit code " + std::to_string(r.exit_status));
    ExecCredentialStatus cred = read_exec_credential(r.out, x.api_version, who);
    exec_token_ = std::move(cred.token);
    exec_cert_pem_ = std::move(cred.client_certificate_pem);
    exec_key_pem_ = std::move(cred.client_key_pem);
    exec_expires_ = cred.expires;
    exec_loaded_ = true;
}

std::string KubeClient::bearer_token() {
    const UserConfig& u = config_.user;
    if (u.exec) return exec_token_;
    if (!u.token.empty()) return u.token;
    // Read each time: a projected service account token is rotated in place.
    if (u.token_file.empty()) return {};
    std::string what = "user " + u.name + ": tokenFile";
    std::string token(trim(read_regular_file(u.token_file, what, 1u << 20, config_.request_timeout)));
    if (!is_header_safe(token))
        throw Error(what + " " + u.token_file + ": the token holds a CR, LF or NUL character, which would end the request header");
    return token;
}

KubeClient::Raw KubeClient::send(const Request& request) {
    const std::string& path = request.path;
    const size_t max_bytes = request.max_bytes;
    const bool cut = request.cut;
    const ClusterConfig& c = config_.cluster;
    const UserConfig& u = config_.user;
    Credential cred = credential();
    std::unique_ptr<void, std::function<void(void*)>> handle(take_handle(), [this](void* p) { give_back(p); });
    CURL* h = static_cast<CURL*>(handle.get());
    curl_easy_reset(h);
    std::string server = c.server;
    while (!server.empty() && server.back() == '/') server.pop_back();
    std::string url = server + path;
    curl_slist* resolve = nullptr;
    if (!c.tls_server_name.empty()) {
        // Check the certificate against tls-server-name (and send it as SNI) while connecting to
        // the server's own address: the URL names tls-server-name, CONNECT_TO says where to go.
        auto parts = split_server(server);
        if (!parts) throw Error("cluster " + c.name + ": server '" + c.server + "' is not an http(s) URL");
        url = parts->scheme + "://" + c.tls_server_name + ":" + parts->port + parts->rest + path;
        resolve = curl_slist_append(nullptr, (c.tls_server_name + ":" + parts->port + ":" + parts->host + ":" + parts->port).c_str());
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, resolve);
    }
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.request_timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.request_timeout.count()));
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kubectl-tekton_certdoctor/" CERTDOCTOR_VERSION);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // gzip, as kubectl asks for it
    curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    if (request.method != "GET") {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
    }
    std::string& token = cred.token;
    if (!token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
    if (!config_.impersonate_user.empty())
        headers = curl_slist_append(headers, ("Impersonate-User: " + config_.impersonate_user).c_str());
    for (const auto& group : config_.impersonate_groups)
        headers = curl_slist_append(headers, ("Impersonate-Group: " + group).c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    if (token.empty() && !u.username.empty()) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        curl_easy_setopt(h, CURLOPT_USERNAME, u.username.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, u.password.c_str());
    }
    if (c.insecure) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (!ca_pem_.empty()) {
        curl_blob blob{const_cast<char*>(ca_pem_.data()), ca_pem_.size(), CURL_BLOB_COPY};
        curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
    } else {
        // No CA in the kubeconfig: the host's trust, as kubectl's.
        const SystemCa& ca = system_ca();
        curl_easy_setopt(h, CURLOPT_CAINFO, ca.file.empty() ? nullptr : ca.file.c_str());
        curl_easy_setopt(h, CURLOPT_CAPATH, ca.dir.empty() ? nullptr : ca.dir.c_str());
    }
    const std::string& cert = cred.cert_pem;
    const std::string& key = cred.key_pem;
    if (!cert.empty()) {
        curl_blob cb{const_cast<char*>(cert.data()), cert.size(), CURL_BLOB_COPY};
        curl_blob kb{const_cast<char*>(key.data()), key.size(), CURL_BLOB_COPY};
        curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cb);
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &kb);
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (!c.proxy_url.empty()) curl_easy_setopt(h, CURLOPT_PROXY, c.proxy_url.c_str());
    Body body;
    body.max = max_bytes;
    body.cut = cut;
    body.announced = AnnouncedLength(max_bytes);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &body);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

    auto start = std::chrono::steady_clock::now();
    CURLcode rc = curl_easy_perform(h);
    ++requests_;
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
    // The token lives in curl's copy of the header list only for the call; clear ours.
    std::fill(token.begin(), token.end(), '\0');
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    log(request.method + " " + server + path + " -> " + (rc == CURLE_OK ? std::to_string(status) : std::string("error")) + " in " +
             std::to_string(ms) + " ms, " + std::to_string(body.data.size()) + " bytes");
    if (body.too_large && cut) return {static_cast<int>(status), std::move(body.data)};
    if (body.too_large)
        throw Error("the API server's answer to " + request.method + " " + path + " is larger than " +
                    std::to_string(max_bytes >> 20) + " MiB; narrow it with -n, -l or --limit");
    if (rc != CURLE_OK) {
        std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        std::string where = "cannot reach the API server " + c.server + " (cluster " + c.name + "): " + detail;
        if (rc == CURLE_OPERATION_TIMEDOUT)
            throw Error(where + " (--request-timeout " + std::to_string(config_.request_timeout.count()) + "ms)");
        if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
            throw Error(where + "; the API server's certificate is not trusted by the cluster's certificate-authority" +
                        (c.ca_file.empty() ? std::string() : " (" + c.ca_file + ")"));
        if (rc == CURLE_SSL_CERTPROBLEM) throw Error(where + "; check the client certificate and key of user " + u.name);
        throw Error(where);
    }
    return {static_cast<int>(status), std::move(body.data)};
}

std::string KubeClient::get_raw(const std::string& path) {
    Raw r = send_with_retry(path);
    if (r.status >= 200 && r.status < 300) return std::move(r.body);
    fail(path, r);
}

std::string KubeClient::list_page(const std::string& collection, const ListQuery& query) {
    return get_raw(query.path(collection));
}

nlohmann::json KubeClient::get(const std::string& path) {
    auto found = get_if_found(path);
    if (!found) {
        Access a = describe_access(path);
        throw ApiError(a.resource + " \"" + a.name + "\" not found" +
                           (a.namespace_.empty() ? "" : " in namespace " + a.namespace_),
                       404, "NotFound");
    }
    return std::move(*found);
}

KubeClient::Raw KubeClient::send_with_retry(const std::string& path, size_t max_bytes, bool cut) {
    Request request;
    request.path = path;
    request.max_bytes = max_bytes;
    request.cut = cut;
    return send_with_retry(request);
}

KubeClient::Raw KubeClient::send_with_retry(const Request& request) {
    Raw r = send(request);
    if (r.status == 401 && config_.user.exec) {
        // The plugin's credential may have been revoked early: ask once more, as client-go does.
        {
            std::lock_guard<std::mutex> lock(mutex_);
            refresh_exec_credential();
        }
        r = send(request);
    }
    return r;
}

nlohmann::json KubeClient::write(const std::string& method, const std::string& path, const nlohmann::json& body,
                                 const std::string& content_type, DryRun dry_run) {
    Request request;
    request.method = method;
    request.path = path + (dry_run == DryRun::server ? (path.find('?') == std::string::npos ? "?" : "&") +
                                                            std::string("dryRun=All")
                                                      : std::string());
    request.body = body.dump();
    request.content_type = content_type;
    request.max_bytes = 8u << 20;  // one object
    Raw r = send_with_retry(request);
    if (r.status < 200 || r.status >= 300) fail(path, r, method);
    BoundedJson j = parse_json_bounded(r.body);
    if (!j.ok()) throw Error("the API server's answer to " + method + " " + path + " is not JSON we read: " + j.problem);
    return std::move(j.value);
}

nlohmann::json KubeClient::create(const std::string& collection, const nlohmann::json& object, DryRun dry_run) {
    return write("POST", collection, object, "application/json", dry_run);
}

nlohmann::json KubeClient::update(const std::string& path, const nlohmann::json& object, DryRun dry_run) {
    return write("PUT", path, object, "application/json", dry_run);
}

nlohmann::json KubeClient::patch(const std::string& path, PatchType type, const nlohmann::json& patch,
                                 DryRun dry_run) {
    return write("PATCH", path, patch,
                 type == PatchType::merge ? "application/merge-patch+json" : "application/json-patch+json", dry_run);
}

bool KubeClient::allowed(const ResourceAccess& access) {
    nlohmann::json attributes = {{"verb", access.verb}, {"group", access.group}, {"resource", access.resource}};
    if (!access.namespace_.empty()) attributes["namespace"] = access.namespace_;
    if (!access.name.empty()) attributes["name"] = access.name;
    nlohmann::json review = {{"apiVersion", "authorization.k8s.io/v1"},
                             {"kind", "SelfSubjectAccessReview"},
                             {"spec", {{"resourceAttributes", attributes}}}};
    nlohmann::json answer =
        write("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review, "application/json", DryRun::no);
    const auto& status = answer.contains("status") ? answer["status"] : nlohmann::json();
    return status.is_object() && status.contains("allowed") && status["allowed"].is_boolean() &&
           status["allowed"].get<bool>();
}

std::optional<nlohmann::json> KubeClient::get_if_found(const std::string& path) {
    Raw r = send_with_retry(path);
    if (r.status >= 200 && r.status < 300) {
        BoundedJson j = parse_json_bounded(r.body);
        if (!j.ok()) throw Error("the API server's answer to GET " + path + " is not JSON we read: " + j.problem);
        return std::move(j.value);
    }
    if (r.status == 404) return std::nullopt;
    fail(path, r);
}

std::optional<std::string> KubeClient::get_text(const std::string& path, size_t max_bytes) {
    Raw r = send_with_retry(path, max_bytes, true);
    if (r.status >= 200 && r.status < 300) return std::move(r.body);
    if (r.status == 404) return std::nullopt;
    fail(path, r);
}

void KubeClient::fail(const std::string& path, const Raw& r, const std::string& method) {
    auto [message, reason] = status_of(r.body);
    Access a = describe_access(path, method);
    const UserConfig& u = config_.user;
    std::string user = u.name.empty() ? "anonymous" : "user \"" + u.name + "\"";
    std::string ctx = config_.in_cluster ? "the in-cluster service account" : "context \"" + config_.context + "\"";
    if (r.status == 401) {
        std::string how = u.exec ? "the exec plugin '" + u.exec->command + "' gave a credential the server rejects"
                          : !u.client_certificate_pem.empty() ? "check the client certificate"
                          : !u.token_file.empty() ? "check the token in " + u.token_file
                          : !u.token.empty() ? "the token may have expired"
                          : !u.username.empty() ? "the user name or password (basic authentication) was refused"
                                             : "no credentials were configured";
        throw ApiError("401 Unauthorized: the API server rejected the credentials of " + user + " (" + ctx + "): " + how +
                           (message.empty() ? "" : "; the server said: " + message),
                       401, reason);
    }
    if (r.status == 403) {
        throw ApiError("403 Forbidden: " + user + " may not " + a.verb + " " + a.resource +
                           (a.namespace_.empty() ? " at cluster scope" : " in namespace " + a.namespace_) +
                           (method == "GET" ? " (RBAC); the read-only ClusterRole in the README grants what this tool needs"
                                            : " (RBAC); plugin/rbac/ holds the ClusterRole for --apply") +
                           (message.empty() ? "" : "; the server said: " + message),
                       403, reason);
    }
    if (r.status == 409)
        throw ApiError("409 Conflict: " + a.resource + " \"" + a.name + "\"" +
                           (a.namespace_.empty() ? "" : " in namespace " + a.namespace_) +
                           " changed since it was read" + (message.empty() ? "" : "; the server said: " + message),
                       409, reason.empty() ? "Conflict" : reason);
    throw ApiError("the API server answered " + std::to_string(r.status) + " to " + method + " " + path +
                       (message.empty() ? "" : ": " + message),
                   r.status, reason);
}

}  // namespace certdoctor
