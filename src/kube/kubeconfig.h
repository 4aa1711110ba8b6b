// Cluster access settings, found the way kubectl finds them:
//   --kubeconfig FILE (only that file), else KUBECONFIG (several paths, merged: the first file to
//   set a value wins), else ~/.kube/config, else the in-cluster service account.
// Then the context (--context, else current-context), its cluster and user (--cluster, --user
// override them) and the namespace (-n, else the context's, else "default").
//
//   KubeFlags flags;
//   flags.context = "prod";
//   RestConfig rc = load_rest_config(flags);   // throws Error naming the file and field
//   KubeClient client(rc);
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace certdoctor {

// kubectl's connection flags, as given ("" when not).
struct KubeFlags {
    std::string kubeconfig;
    std::string context;
    std::string cluster;
    std::string user;
    std::string namespace_;
    std::chrono::milliseconds request_timeout{30000};
    // Overrides of the kubeconfig's values, as kubectl's flags of the same names.
    std::string server;                  // -s, --server (enough on its own, without a kubeconfig)
    std::string token;                   // --token: replaces the user's credentials
    std::string certificate_authority;   // --certificate-authority FILE
    bool insecure_skip_tls_verify = false;
    std::string impersonate_user;        // --as
    std::vector<std::string> impersonate_groups;  // --as-group (repeatable; needs --as)
};

struct ExecConfig {
    std::string api_version;  // client.authentication.k8s.io/v1 or /v1beta1
    std::string command;
    std::vector<std::string> args;
    std::vector<std::pair<std::string, std::string>> env;
    std::string install_hint;
    bool provide_cluster_info = false;
    std::string base_dir;  // the directory of the kubeconfig that defined it
};

struct ClusterConfig {
    std::string name;
    std::string server;         // https://host:port[/prefix]
    std::string ca_file;        // certificate-authority, made absolute
    std::string ca_pem;         // certificate-authority-data, decoded
    bool insecure = false;      // insecure-skip-tls-verify
    std::string tls_server_name;
    std::string proxy_url;
};

struct UserConfig {
    std::string name;
    std::string client_certificate_file;
    std::string client_certificate_pem;
    std::string client_key_file;
    std::string client_key_pem;
    std::string token;
    std::string token_file;
    std::string username;
    std::string password;
    std::optional<ExecConfig> exec;
    std::string auth_provider;  // a legacy auth-provider (gcp, azure, oidc): not supported
};

struct RestConfig {
    std::string context;        // the context name ("" in-cluster)
    ClusterConfig cluster;
    UserConfig user;
    std::string namespace_;
    bool namespace_from_flag = false;
    bool in_cluster = false;
    std::vector<std::string> files;  // the kubeconfig files read
    std::chrono::milliseconds request_timeout{30000};
    std::string impersonate_user;    // sent as Impersonate-User
    std::vector<std::string> impersonate_groups;  // sent as Impersonate-Group, one header each
};

// Throws Error (exit 4 for missing, unreadable or malformed files, exit 2 for a context, cluster
// or user that does not exist, listing those that do, and for flags that contradict each other).
RestConfig load_rest_config(const KubeFlags& flags);

// The directory of the service account files in a pod. TEKTON_CERTDOCTOR_SERVICEACCOUNT_DIR
// overrides it (for pods that project the token elsewhere).
std::string service_account_dir();

// Standard base64 (padding optional), as kubeconfig *-data fields hold. Throws Error on junk.
std::string decode_base64(const std::string& text, const std::string& what);

}  // namespace certdoctor
