#include "kube/kubeconfig.h"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <map>

#include "util/base64.h"
#include "util/error.h"
#include "util/header_value.h"
#include "util/regular_file.h"
#include "util/text.h"

namespace certdoctor {

namespace {

constexpr size_t kMaxKubeconfigBytes = 16u << 20;

bool file_exists(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string dir_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// A path in a kubeconfig is relative to the file that holds it.
std::string resolve(const std::string& path, const std::string& base) {
    if (path.empty() || path[0] == '/') return path;
    if (path[0] == '~' && (path.size() == 1 || path[1] == '/')) {
        const char* home = std::getenv("HOME");
        return std::string(home ? home : "") + path.substr(1);
    }
    return base + "/" + path;
}

// One named entry (cluster, user or context) as it was read, with where it came from.
struct Entry {
    YAML::Node node;
    std::string file;
};

struct Merged {
    std::map<std::string, Entry> clusters, users, contexts;
    std::vector<std::string> context_order;
    std::string current_context;
    std::vector<std::string> files;
};

std::string scalar(const YAML::Node& n, const char* key, const std::string& where) {
    if (!n || !n.IsMap()) return {};
    YAML::Node v = n[key];
    if (!v || v.IsNull()) return {};
    if (!v.IsScalar()) throw Error(where + ": field " + key + " must be a string");
    return v.as<std::string>();
}

bool boolean(const YAML::Node& n, const char* key, const std::string& where) {
    std::string v = scalar(n, key, where);
    if (v.empty() || v == "false") return false;
    if (v == "true") return true;
    throw Error(where + ": field " + key + " must be true or false, not '" + v + "'");
}

void merge_file(Merged& m, const std::string& path, std::chrono::milliseconds timeout) {
    std::string text = read_regular_file(path, "kubeconfig", kMaxKubeconfigBytes, timeout);
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw Error("kubeconfig " + path + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    m.files.push_back(path);
    if (!root || root.IsNull()) return;  // an empty file is allowed, as kubectl allows it
    if (!root.IsMap()) throw Error("kubeconfig " + path + ": not a kubeconfig (expected a mapping at the top)");
    auto read_list = [&](const char* key, const char* inner, std::map<std::string, Entry>& into, bool order) {
        YAML::Node list = root[key];
        if (!list || list.IsNull()) return;
        if (!list.IsSequence()) throw Error("kubeconfig " + path + ": " + key + " must be a list");
        for (const auto& item : list) {
            std::string name = scalar(item, "name", "kubeconfig " + path + ": " + key);
            if (name.empty()) throw Error("kubeconfig " + path + ": an entry of " + key + " has no name");
            YAML::Node body = item[inner];
            if (body && !body.IsNull() && !body.IsMap())
                throw Error("kubeconfig " + path + ": " + key + " " + name + ": " + inner + " must be a mapping");
            if (into.count(name)) continue;  // the first file to define it wins
            into.emplace(name, Entry{body ? body : YAML::Node(YAML::NodeType::Map), path});
            if (order) m.context_order.push_back(name);
        }
    };
    read_list("clusters", "cluster", m.clusters, false);
    read_list("users", "user", m.users, false);
    read_list("contexts", "context", m.contexts, true);
    if (m.current_context.empty()) m.current_context = scalar(root, "current-context", "kubeconfig " + path);
}

std::string names_of(const std::map<std::string, Entry>& entries) {
    std::vector<std::string> names;
    for (const auto& [name, _] : entries) names.push_back(name);
    return names.empty() ? "none" : join(names, ", ");
}

ClusterConfig read_cluster(const std::string& name, const Entry& e) {
    std::string where = "kubeconfig " + e.file + ": cluster " + name;
    std::string base = dir_of(e.file);
    ClusterConfig c;
    c.name = name;
    c.server = scalar(e.node, "server", where);
    if (c.server.empty()) throw Error(where + ": has no server");
    c.ca_file = resolve(scalar(e.node, "certificate-authority", where), base);
    std::string data = scalar(e.node, "certificate-authority-data", where);
    if (!data.empty()) c.ca_pem = decode_base64(data, where + ": certificate-authority-data");
    c.insecure = boolean(e.node, "insecure-skip-tls-verify", where);
    c.tls_server_name = scalar(e.node, "tls-server-name", where);
    c.proxy_url = scalar(e.node, "proxy-url", where);
    return c;
}

UserConfig read_user(const std::string& name, const Entry& e) {
    std::string where = "kubeconfig " + e.file + ": user " + name;
    std::string base = dir_of(e.file);
    UserConfig u;
    u.name = name;
    u.client_certificate_file = resolve(scalar(e.node, "client-certificate", where), base);
    u.client_key_file = resolve(scalar(e.node, "client-key", where), base);
    std::string cert = scalar(e.node, "client-certificate-data", where);
    std::string key = scalar(e.node, "client-key-data", where);
    if (!cert.empty()) u.client_certificate_pem = decode_base64(cert, where + ": client-certificate-data");
    if (!key.empty()) u.client_key_pem = decode_base64(key, where + ": client-key-data");
    u.token = scalar(e.node, "token", where);
    u.token_file = resolve(scalar(e.node, "tokenFile", where), base);
    u.username = scalar(e.node, "username", where);
    u.password = scalar(e.node, "password", where);
    // These go into request headers; the message never shows the value.
    for (auto [field, value] : {std::pair<const char*, const std::string*>{"token", &u.token}, {"username", &u.username},
                                {"password", &u.password}})
        if (!is_header_safe(*value))
            throw Error(where + ": field " + field + " holds a CR, LF or NUL character, which would end the request header");
    YAML::Node provider = e.node["auth-provider"];
    if (provider && provider.IsMap()) u.auth_provider = scalar(provider, "name", where);
    YAML::Node exec = e.node["exec"];
    if (exec && !exec.IsNull()) {
        if (!exec.IsMap()) throw Error(where + ": exec must be a mapping");
        ExecConfig x;
        x.api_version = scalar(exec, "apiVersion", where + ": exec");
        x.command = scalar(exec, "command", where + ": exec");
        if (x.command.empty()) throw Error(where + ": exec has no command");
        if (x.api_version != "client.authentication.k8s.io/v1" && x.api_version != "client.authentication.k8s.io/v1beta1")
            throw Error(where + ": exec apiVersion '" + x.api_version +
                        "' is not supported (use client.authentication.k8s.io/v1 or v1beta1)");
        if (x.command.find('/') != std::string::npos) x.command = resolve(x.command, base);
        YAML::Node args = exec["args"];
        if (args && args.IsSequence())
            for (const auto& a : args) x.args.push_back(a.IsScalar() ? a.as<std::string>() : std::string());
        YAML::Node env = exec["env"];
        if (env && env.IsSequence())
            for (const auto& v : env) x.env.emplace_back(scalar(v, "name", where + ": exec env"), scalar(v, "value", where + ": exec env"));
        x.install_hint = scalar(exec, "installHint", where + ": exec");
        x.provide_cluster_info = boolean(exec, "provideClusterInfo", where + ": exec");
        x.base_dir = base;
        u.exec = std::move(x);
    }
    return u;
}

RestConfig in_cluster_config(const KubeFlags& flags) {
    const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
    const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
    std::string dir = service_account_dir();
    RestConfig rc;
    rc.in_cluster = true;
    std::string h = host;
    if (h.find(':') != std::string::npos) h = "[" + h + "]";
    rc.cluster.name = "in-cluster";
    rc.cluster.server = "https://" + h + ":" + (port && *port ? port : "443");
    rc.cluster.ca_file = dir + "/ca.crt";
    rc.user.name = "serviceaccount";
    rc.user.token_file = dir + "/token";
    if (!file_exists(rc.user.token_file))
        throw Error("in-cluster configuration: no service account token at " + rc.user.token_file +
                    " (is automountServiceAccountToken off?)");
    if (!flags.namespace_.empty()) {
        rc.namespace_ = flags.namespace_;
        rc.namespace_from_flag = true;
    } else if (file_exists(dir + "/namespace")) {
        rc.namespace_ = std::string(trim(read_regular_file(dir + "/namespace", "in-cluster configuration: namespace file",
                                                           1u << 20, flags.request_timeout)));
        if (rc.namespace_.empty()) rc.namespace_ = "default";
    } else {
        rc.namespace_ = "default";
    }
    rc.request_timeout = flags.request_timeout;
    return rc;
}

// --server alone, without a kubeconfig: kubectl then talks to that server with no credentials
// but what the other flags give.
RestConfig flags_only_config(const KubeFlags& flags) {
    RestConfig rc;
    rc.cluster.name = "flags";
    rc.user.name = "flags";
    rc.namespace_ = flags.namespace_.empty() ? "default" : flags.namespace_;
    rc.namespace_from_flag = !flags.namespace_.empty();
    rc.request_timeout = flags.request_timeout;
    return rc;
}

// kubectl's connection flags over what the kubeconfig (or the pod) gave.
RestConfig with_flag_overrides(RestConfig rc, const KubeFlags& flags) {
    if (!flags.server.empty()) {
        if (flags.server.rfind("https://", 0) != 0 && flags.server.rfind("http://", 0) != 0)
            throw Error("--server " + flags.server + ": expected an https:// URL such as https://10.0.0.1:6443", ExitCode::usage);
        rc.cluster.server = flags.server;
    }
    if (rc.cluster.server.empty()) throw Error("cluster " + rc.cluster.name + ": no server; give one with --server");
    if (!flags.certificate_authority.empty() && flags.insecure_skip_tls_verify)
        throw Error("--certificate-authority and --insecure-skip-tls-verify contradict each other (kubectl refuses them together)",
                    ExitCode::usage);
    if (!flags.certificate_authority.empty()) {
        struct stat st {};
        if (stat(flags.certificate_authority.c_str(), &st) != 0)
            throw Error("--certificate-authority " + flags.certificate_authority + ": no such file");
        rc.cluster.ca_file = flags.certificate_authority;
        rc.cluster.ca_pem.clear();
        rc.cluster.insecure = false;
    }
    if (flags.insecure_skip_tls_verify) {
        rc.cluster.insecure = true;
        rc.cluster.ca_file.clear();
        rc.cluster.ca_pem.clear();
    }
    for (auto [flag, value] : {std::pair<const char*, const std::string*>{"--token", &flags.token}, {"--as", &flags.impersonate_user}})
        if (!is_header_safe(*value))
            throw Error(std::string(flag) + " holds a CR, LF or NUL character, which would end the request header", ExitCode::usage);
    for (const auto& g : flags.impersonate_groups)
        if (!is_header_safe(g))
            throw Error("--as-group holds a CR, LF or NUL character, which would end the request header", ExitCode::usage);
    if (!flags.token.empty()) {
        // As kubectl: the flag's token is the credential; the kubeconfig user's others are dropped.
        UserConfig u;
        u.name = rc.user.name.empty() ? "flags" : rc.user.name;
        u.token = flags.token;
        rc.user = std::move(u);
    }
    if (!flags.impersonate_groups.empty() && flags.impersonate_user.empty())
        throw Error("--as-group needs --as: a group is impersonated together with a user", ExitCode::usage);
    rc.impersonate_user = flags.impersonate_user;
    rc.impersonate_groups = flags.impersonate_groups;
    return rc;
}

}  // namespace

std::string service_account_dir() {
    const char* dir = std::getenv("TEKTON_CERTDOCTOR_SERVICEACCOUNT_DIR");
    return dir && *dir ? dir : "/var/run/secrets/kubernetes.io/serviceaccount";
}

std::string decode_base64(const std::string& text, const std::string& what) {
    auto bytes = base64_decode(text);
    if (!bytes) throw Error(what + ": not base64");
    return std::move(*bytes);
}

RestConfig load_rest_config(const KubeFlags& flags) {
    std::vector<std::string> paths;
    bool explicit_file = !flags.kubeconfig.empty();
    if (explicit_file) {
        // A path that exists but is no regular file (a FIFO) is refused by the read, not called missing.
        struct stat st {};
        if (stat(flags.kubeconfig.c_str(), &st) != 0)
            throw Error("--kubeconfig " + flags.kubeconfig + ": no such file");
        paths.push_back(flags.kubeconfig);
    } else if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
        std::string list = env;
        size_t start = 0;
        while (start <= list.size()) {
            size_t end = list.find(':', start);
            if (end == std::string::npos) end = list.size();
            std::string p = list.substr(start, end - start);
            // A missing file is skipped, as kubectl skips it; one that exists but is no regular
            // file (/dev/zero, a FIFO) is refused by the read, naming it, not called missing.
            struct stat st {};
            if (!p.empty() && stat(p.c_str(), &st) == 0) paths.push_back(p);
            start = end + 1;
        }
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        std::string def = std::string(home) + "/.kube/config";
        if (file_exists(def)) paths.push_back(def);
    }

    Merged m;
    for (const auto& p : paths) merge_file(m, p, flags.request_timeout);

    bool overrides = !flags.context.empty() || !flags.cluster.empty() || !flags.user.empty();
    const char* service_host = std::getenv("KUBERNETES_SERVICE_HOST");
    if (m.contexts.empty() && m.clusters.empty() && !overrides && service_host && *service_host)
        return with_flag_overrides(in_cluster_config(flags), flags);
    if (m.files.empty() && !flags.server.empty()) return with_flag_overrides(flags_only_config(flags), flags);
    if (m.files.empty()) {
        const char* env = std::getenv("KUBECONFIG");
        throw Error(std::string("no cluster to talk to: no kubeconfig found (") +
                    (env && *env ? "none of the files in KUBECONFIG exists" : "looked for ~/.kube/config") +
                    ") and not running in a pod; use --kubeconfig, KUBECONFIG, --server, or diagnose -f with a dump");
    }
    std::string files = join(m.files, ", ");

    RestConfig rc;
    rc.files = m.files;
    rc.request_timeout = flags.request_timeout;
    rc.context = flags.context.empty() ? m.current_context : flags.context;
    const Entry* context = nullptr;
    if (!rc.context.empty()) {
        auto it = m.contexts.find(rc.context);
        // Asked for by --context: the command line is wrong; named by current-context: the file is.
        if (it == m.contexts.end())
            throw Error("context \"" + rc.context + "\" is not in the kubeconfig (" + files +
                        "); contexts there: " + names_of(m.contexts) +
                        (flags.context.empty() ? " (current-context names it)" : ""),
                        flags.context.empty() ? ExitCode::tool_failed : ExitCode::usage);
        context = &it->second;
    } else if (flags.cluster.empty()) {
        throw Error("the kubeconfig (" + files + ") has no current-context; pick one with --context (contexts there: " +
                    names_of(m.contexts) + ")", ExitCode::tool_failed);
    }
    std::string where = context ? "kubeconfig " + context->file + ": context " + rc.context : std::string();
    std::string cluster_name = !flags.cluster.empty() ? flags.cluster : scalar(context->node, "cluster", where);
    std::string user_name = !flags.user.empty() ? flags.user : context ? scalar(context->node, "user", where) : "";
    if (cluster_name.empty()) throw Error(where + ": names no cluster", ExitCode::tool_failed);
    auto c = m.clusters.find(cluster_name);
    if (c == m.clusters.end())
        throw Error("cluster \"" + cluster_name + "\" is not in the kubeconfig (" + files + "); clusters there: " +
                    names_of(m.clusters) + (flags.cluster.empty() ? " (" + where + " names it)" : ""),
                    flags.cluster.empty() ? ExitCode::tool_failed : ExitCode::usage);
    rc.cluster = read_cluster(cluster_name, c->second);
    if (!user_name.empty()) {
        auto u = m.users.find(user_name);
        if (u == m.users.end())
            throw Error("user \"" + user_name + "\" is not in the kubeconfig (" + files + "); users there: " +
                        names_of(m.users) + (flags.user.empty() ? " (" + where + " names it)" : ""),
                        flags.user.empty() ? ExitCode::tool_failed : ExitCode::usage);
        rc.user = read_user(user_name, u->second);
    }
    if (!flags.namespace_.empty()) {
        rc.namespace_ = flags.namespace_;
        rc.namespace_from_flag = true;
    } else {
        rc.namespace_ = context ? scalar(context->node, "namespace", where) : "";
        if (rc.namespace_.empty()) rc.namespace_ = "default";
    }
    return with_flag_overrides(std::move(rc), flags);
}

}  // namespace certdoctor
