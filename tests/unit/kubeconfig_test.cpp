// kubectl's loading rules, on real files in a temporary directory: merging KUBECONFIG (the first
// file to set a value wins), relative paths, overrides, namespaces, in-cluster, and the errors.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "match/versions.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/list_scan.h"
#include "util/error.h"
#include "util/regular_file.h"
#include "util/text.h"
#include "util/time.h"

namespace certdoctor {
namespace {

namespace fs = std::filesystem;

class KubeconfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/certdoctor-kc-XXXXXX";
        dir_ = mkdtemp(tmpl);
        for (const char* v : {"KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
                              "TEKTON_CERTDOCTOR_SERVICEACCOUNT_DIR"}) {
            const char* old = getenv(v);
            saved_.emplace_back(v, old ? std::optional<std::string>(old) : std::nullopt);
            unsetenv(v);
        }
        const char* home = getenv("HOME");
        saved_.emplace_back("HOME", home ? std::optional<std::string>(home) : std::nullopt);
        setenv("HOME", dir_.c_str(), 1);  // no ~/.kube/config unless a test writes one
    }
    void TearDown() override {
        for (const auto& [name, value] : saved_) {
            if (value) setenv(name.c_str(), value->c_str(), 1);
            else unsetenv(name.c_str());
        }
        fs::remove_all(dir_);
    }
    std::string write(const std::string& name, const std::string& text) {
        fs::path p = fs::path(dir_) / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p.string();
    }
    std::string dir_;
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

const char* kFirst = R"(apiVersion: v1
kind: Config
current-context: first
clusters:
- name: shared
  cluster: {server: "https://first:6443", certificate-authority: certs/ca.pem}
users:
- name: alice
  user: {token: "t-first", client-certificate: alice.pem, client-key: /abs/alice.key}
contexts:
- name: first
  context: {cluster: shared, user: alice, namespace: ci}
)";

const char* kSecond = R"(apiVersion: v1
kind: Config
current-context: second
clusters:
- name: shared
  cluster: {server: "https://second:6443"}
- name: other
  cluster: {server: "https://other:6443", insecure-skip-tls-verify: true, tls-server-name: api.other, proxy-url: "http://proxy:3128"}
users:
- name: alice
  user: {token: "t-second"}
- name: bob
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      args: [--cluster, other]
      env: [{name: A, value: b}]
      provideClusterInfo: true
      installHint: install get-token
contexts:
- name: first
  context: {cluster: other, user: bob}
- name: second
  context: {cluster: other, user: bob}
)";

TEST_F(KubeconfigTest, MergesKubeconfigPathsFirstValueWins) {
    std::string a = write("a/config", kFirst), b = write("b/config", kSecond);
    setenv("KUBECONFIG", (a + ":" + dir_ + "/missing:" + b).c_str(), 1);
    RestConfig rc = load_rest_config({});
    EXPECT_EQ(rc.context, "first");
    EXPECT_EQ(rc.cluster.server, "https://first:6443");
    EXPECT_EQ(rc.cluster.ca_file, dir_ + "/a/certs/ca.pem");  // relative to the file that holds it
    EXPECT_EQ(rc.user.token, "t-first");
    EXPECT_EQ(rc.user.client_certificate_file, dir_ + "/a/alice.pem");
    EXPECT_EQ(rc.user.client_key_file, "/abs/alice.key");
    EXPECT_EQ(rc.namespace_, "ci");
    EXPECT_EQ(rc.files.size(), 2u);
}

TEST_F(KubeconfigTest, ContextClusterUserAndNamespaceOverrides) {
    std::string b = write("b/config", kSecond);
    KubeFlags f;
    f.kubeconfig = b;
    f.context = "second";
    f.namespace_ = "team-a";
    RestConfig rc = load_rest_config(f);
    EXPECT_EQ(rc.cluster.server, "https://other:6443");
    EXPECT_TRUE(rc.cluster.insecure);
    EXPECT_EQ(rc.cluster.tls_server_name, "api.other");
    EXPECT_EQ(rc.cluster.proxy_url, "http://proxy:3128");
    ASSERT_TRUE(rc.user.exec);
    EXPECT_EQ(rc.user.exec->command, dir_ + "/b/./bin/get-token");
    EXPECT_EQ(rc.user.exec->args, (std::vector<std::string>{"--cluster", "other"}));
    EXPECT_TRUE(rc.user.exec->provide_cluster_info);
    EXPECT_EQ(rc.namespace_, "team-a");
    EXPECT_TRUE(rc.namespace_from_flag);
    f.namespace_.clear();
    f.cluster = "shared";
    f.user = "alice";
    rc = load_rest_config(f);
    EXPECT_EQ(rc.cluster.server, "https://second:6443");
    EXPECT_EQ(rc.user.token, "t-second");
    EXPECT_EQ(rc.namespace_, "default");  // the context names none
}

// kubectl's connection flags over the kubeconfig: -s, --token, --certificate-authority,
// --insecure-skip-tls-verify, --as, --as-group.
TEST_F(KubeconfigTest, ConnectionFlagsOverrideTheKubeconfig) {
    KubeFlags f;
    f.kubeconfig = write("config", kFirst);
    f.server = "https://flag:6443";
    f.token = "t-flag";
    f.certificate_authority = write("flag-ca.pem", "x");
    f.impersonate_user = "jane";
    f.impersonate_groups = {"support", "ops"};
    RestConfig rc = load_rest_config(f);
    EXPECT_EQ(rc.cluster.server, "https://flag:6443");
    EXPECT_EQ(rc.cluster.ca_file, f.certificate_authority);
    EXPECT_EQ(rc.user.token, "t-flag");
    EXPECT_EQ(rc.user.client_certificate_file, "");  // the flag's token is the credential
    EXPECT_EQ(rc.impersonate_user, "jane");
    EXPECT_EQ(rc.impersonate_groups, (std::vector<std::string>{"support", "ops"}));
    EXPECT_EQ(rc.namespace_, "ci");  // still the context's

    KubeFlags insecure;
    insecure.kubeconfig = f.kubeconfig;
    insecure.insecure_skip_tls_verify = true;
    rc = load_rest_config(insecure);
    EXPECT_TRUE(rc.cluster.insecure);
    EXPECT_EQ(rc.cluster.ca_file, "");
}

TEST_F(KubeconfigTest, ServerFlagAloneNeedsNoKubeconfig) {
    KubeFlags f;
    f.server = "https://10.0.0.1:6443";
    f.token = "t";
    RestConfig rc = load_rest_config(f);
    EXPECT_EQ(rc.cluster.server, "https://10.0.0.1:6443");
    EXPECT_EQ(rc.user.token, "t");
    EXPECT_EQ(rc.namespace_, "default");
    EXPECT_TRUE(rc.files.empty());
    f.namespace_ = "ci";
    EXPECT_EQ(load_rest_config(f).namespace_, "ci");
}

TEST_F(KubeconfigTest, ConnectionFlagsThatCannotWork) {
    auto code_of = [](const KubeFlags& f) {
        try {
            load_rest_config(f);
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()).find("t-secret"), std::string::npos) << e.what();
            return e.code();
        }
        return ExitCode::no_problem;
    };
    KubeFlags both;
    both.server = "https://x:6443";
    both.certificate_authority = write("ca.pem", "x");
    both.insecure_skip_tls_verify = true;
    EXPECT_EQ(code_of(both), ExitCode::usage);
    KubeFlags group_alone;
    group_alone.server = "https://x:6443";
    group_alone.impersonate_groups = {"support"};
    EXPECT_EQ(code_of(group_alone), ExitCode::usage);
    KubeFlags scheme;
    scheme.server = "x:6443";
    EXPECT_EQ(code_of(scheme), ExitCode::usage);
    KubeFlags header;
    header.server = "https://x:6443";
    header.token = "t-secret\r\nX-Injected: 1";
    EXPECT_EQ(code_of(header), ExitCode::usage);
    KubeFlags missing_ca;
    missing_ca.server = "https://x:6443";
    missing_ca.certificate_authority = dir_ + "/none.pem";
    EXPECT_EQ(code_of(missing_ca), ExitCode::tool_failed);
    KubeFlags missing_file;
    missing_file.kubeconfig = dir_ + "/none.yaml";
    EXPECT_EQ(code_of(missing_file), ExitCode::tool_failed);  // the environment, not the command line
    EXPECT_EQ(code_of(KubeFlags{}), ExitCode::tool_failed);    // no kubeconfig at all
}

TEST_F(KubeconfigTest, MissingNamesListWhatExists) {
    KubeFlags f;
    f.kubeconfig = write("config", kSecond);
    f.context = "prod";
    try {
        load_rest_config(f);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("contexts there: first, second"), std::string::npos) << e.what();
    }
    f.context.clear();
    f.user = "carol";
    try {
        load_rest_config(f);
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("users there: alice, bob"), std::string::npos) << e.what();
    }
}

TEST_F(KubeconfigTest, MalformedFilesNameFileAndLine) {
    KubeFlags f;
    f.kubeconfig = write("config", "clusters:\n- name: x\n  cluster: {server: [\n");
    try {
        load_rest_config(f);
        FAIL() << "no error";
    } catch (const Error& e) {
        std::string m = e.what();
        EXPECT_NE(m.find(f.kubeconfig + ": line "), std::string::npos) << m;
    }
    f.kubeconfig = write("config2", "users:\n- name: u\n  user: {client-certificate-data: '!!not base64!!'}\n"
                                    "clusters: [{name: c, cluster: {server: 'https://x'}}]\n"
                                    "contexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n");
    EXPECT_THROW(load_rest_config(f), Error);
    f.kubeconfig = write("config3", "- just\n- a list\n");
    EXPECT_THROW(load_rest_config(f), Error);
    f.kubeconfig = dir_ + "/nope";
    EXPECT_THROW(load_rest_config(f), Error);
}

TEST_F(KubeconfigTest, HeaderValuesWithLineBreaksAreRefusedNamingTheFieldNotTheValue) {
    for (const char* field : {"token", "username", "password"}) {
        for (const char* value : {"\"s3cr3t\\r\\nX-Injected: 1\"", "\"s3cr3t\\nx\"", "\"s3cr3t\\0x\""}) {
            KubeFlags f;
            f.kubeconfig = write("config", std::string("users:\n- name: u\n  user: {") + field + ": " + value + "}\n"
                                           "clusters: [{name: c, cluster: {server: 'https://x'}}]\n"
                                           "contexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n");
            try {
                load_rest_config(f);
                ADD_FAILURE() << field << " " << value << ": no error";
            } catch (const Error& e) {
                std::string m = e.what();
                EXPECT_NE(m.find(": user u: field " + std::string(field) + " holds a CR, LF or NUL"), std::string::npos) << m;
                EXPECT_EQ(m.find("s3cr3t"), std::string::npos) << m;
                EXPECT_EQ(e.code(), ExitCode::tool_failed);
            }
        }
    }
}

TEST_F(KubeconfigTest, FilesThatAreNoRegularFilesAreRefusedWithoutBlocking) {
    std::string fifo = dir_ + "/kubeconfig.fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    KubeFlags f;
    f.kubeconfig = fifo;
    f.request_timeout = std::chrono::milliseconds(100000);
    try {
        load_rest_config(f);  // would wait for a writer for ever if it opened the FIFO blocking
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "kubeconfig " + fifo + ": is a FIFO, not a regular file; it is not read");
    }
    EXPECT_THROW(read_regular_file("/dev/zero", "x", 1u << 20, std::chrono::seconds(5)), Error);
    EXPECT_THROW(read_regular_file(dir_, "x", 1u << 20, std::chrono::seconds(5)), Error);
    std::string big = write("big", std::string(2000, 'a'));
    EXPECT_THROW(read_regular_file(big, "x", 1000, std::chrono::seconds(5)), Error);
    EXPECT_EQ(read_regular_file(big, "x", 2000, std::chrono::seconds(5)), std::string(2000, 'a'));
}

TEST_F(KubeconfigTest, InClusterWhenNoKubeconfig) {
    std::string sa = dir_ + "/sa";
    write("sa/token", "abc\n");
    write("sa/namespace", "tekton-ci\n");
    setenv("TEKTON_CERTDOCTOR_SERVICEACCOUNT_DIR", sa.c_str(), 1);
    setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    RestConfig rc = load_rest_config({});
    EXPECT_TRUE(rc.in_cluster);
    EXPECT_EQ(rc.cluster.server, "https://[fd00::1]:443");
    EXPECT_EQ(rc.user.token_file, sa + "/token");
    EXPECT_EQ(rc.cluster.ca_file, sa + "/ca.crt");
    EXPECT_EQ(rc.namespace_, "tekton-ci");
    // A kubeconfig, when there is one, comes first.
    write(".kube/config", kFirst);
    EXPECT_FALSE(load_rest_config({}).in_cluster);
}

TEST(Base64, DecodesWithAndWithoutPadding) {
    EXPECT_EQ(decode_base64("aGVsbG8=", "x"), "hello");
    EXPECT_EQ(decode_base64("aGVsbG8", "x"), "hello");
    EXPECT_EQ(decode_base64("aGVs\nbG8h", "x"), "hello!");
    EXPECT_THROW(decode_base64("a$b", "x"), Error);
}

TEST(Access, NamesVerbResourceAndNamespace) {
    Access a = describe_access("/apis/tekton.dev/v1/namespaces/ci/taskruns?limit=500");
    EXPECT_EQ(a.verb, "list");
    EXPECT_EQ(a.resource, "taskruns.tekton.dev");
    EXPECT_EQ(a.namespace_, "ci");
    a = describe_access("/api/v1/namespaces/tekton-pipelines/configmaps/config-registry-cert");
    EXPECT_EQ(a.verb, "get");
    EXPECT_EQ(a.resource, "configmaps");
    EXPECT_EQ(a.name, "config-registry-cert");
    a = describe_access("/api/v1/namespaces/ci/pods/build-1-pod/log?container=step-build");
    EXPECT_EQ(a.resource, "pods/log");
    EXPECT_EQ(a.verb, "get");
    a = describe_access("/apis/tekton.dev/v1/taskruns");
    EXPECT_EQ(a.verb, "list");
    EXPECT_EQ(a.namespace_, "");
    EXPECT_EQ(percent_encode("tekton.dev/pipelineRun=a b"), "tekton.dev%2FpipelineRun%3Da%20b");
}

TEST(Versions, ChainRangesAndTimes) {
    EXPECT_TRUE(version_in_range("v0.56.1", "v0.47 and later"));
    EXPECT_FALSE(version_in_range("v0.46.0", "v0.47 and later"));
    EXPECT_TRUE(version_in_range("v0.40.2", "v0.32 to v0.46"));
    EXPECT_TRUE(version_in_range("v0.11.3", "v0.11"));
    EXPECT_FALSE(version_in_range("", "v0.11"));
    EXPECT_TRUE(version_in_range("v1.0.0", "v0.47 and later"));
    EXPECT_EQ(parse_rfc3339("2024-05-01T10:00:00Z").value(), 1714557600);
    EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00.123+02:00").value(), 1714557600);
    EXPECT_FALSE(parse_rfc3339("yesterday"));
    EXPECT_EQ(format_rfc3339(1714557600), "2024-05-01T10:00:00Z");
}

}  // namespace
}  // namespace certdoctor

namespace certdoctor {
namespace {

TEST(ListScan, SplitsItemsWhateverTheirContent) {
    std::string body = R"({"kind":"TaskRunList","items":[{"a":"}]\"{[","b":[{"c":1}]},{"d":{}}],"metadata":{"continue":"t0k"}})";
    ListScan s = scan_list(body);
    ASSERT_TRUE(s.ok);
    ASSERT_EQ(s.items.size(), 2u);
    EXPECT_EQ(s.items[0], R"({"a":"}]\"{[","b":[{"c":1}]})");
    EXPECT_EQ(s.items[1], R"({"d":{}})");
    EXPECT_EQ(s.skeleton, R"({"kind":"TaskRunList","items":[],"metadata":{"continue":"t0k"}})");
    // "items" nested deeper is not the list's.
    s = scan_list(R"({"metadata":{"items":[{"x":1}]},"items":[]})");
    ASSERT_TRUE(s.ok);
    EXPECT_TRUE(s.items.empty());
    EXPECT_FALSE(scan_list(R"({"items":[{"x":1})").ok);
    EXPECT_FALSE(scan_list(R"({"kind":"Status"})").ok);
    EXPECT_FALSE(scan_list(std::string("\0\xff{", 3)).ok);
}

}  // namespace
}  // namespace certdoctor
