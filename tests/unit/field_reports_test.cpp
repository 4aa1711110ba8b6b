// Verdicts on failures as users paste them, from the defects found by trying the tool on public
// reports: the reading of each shape named here is what a user needs, not what a phrase matched.
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "diagnose/diagnose.h"
#include "logscan/log_analyzer.h"
#include "render/render.h"
#include "run/analyze.h"
#include "fix_assertions.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

Report explain(const std::string& text) { return explain_text(test::shipped_engine(), text, "stdin"); }

// The first finding of explaining `text` (an empty one, failing the test, when there is none).
Finding first_finding(const std::string& text) {
    Report r = explain(text);
    EXPECT_FALSE(r.findings.empty()) << text;
    return r.findings.empty() ? Finding{} : r.findings[0];
}

std::vector<std::string> fix_ids(const Finding& f) {
    std::vector<std::string> ids;
    for (const auto& fix : f.fixes) ids.push_back(fix.id);
    return ids;
}

bool has(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

using test::a_command_holds;

// The grant of an RBAC refusal's finding, or null.
const FixView* grant(const Finding& f) {
    for (const auto& fix : f.fixes)
        if (fix.id == "grant-api-permission") return &fix;
    return nullptr;
}

// Fixes that add or trust a CA: wrong wherever a CA is not what is missing.
const std::vector<std::string> kCaFixes = {"add-ca-to-config-registry-cert", "create-config-registry-cert",
                                           "trust-ca-on-nodes", "configure-step-tool-ca", "add-ca-to-resolvers",
                                           "configure-git-ca", "add-ca-to-openshift-trusted-ca"};

// minio/operator#561: a Go server's log line. The client refused the server's certificate.
const std::string kServerLoggedHandshake =
    "2021/03/29 12:24:40 http: TLS handshake error from 10.253.0.1:48266: remote error: tls: bad certificate";

TEST(FieldReports, AServerLoggedHandshakeErrorIsTheClientRefusingTheServer) {
    Report r = explain(kServerLoggedHandshake);
    ASSERT_EQ(r.findings.size(), 1u);
    const Finding& f = r.findings[0];
    EXPECT_NE(f.problem, "client-certificate-rejected");
    EXPECT_TRUE(f.lookalike);
    EXPECT_NE(f.explanation.find("caBundle"), std::string::npos) << f.explanation;
    for (const auto& id : fix_ids(f)) EXPECT_FALSE(has(kCaFixes, id)) << id;
}

TEST(FieldReports, AnalyzeReadsTheServerLoggedHandshakeErrorTheSameWay) {
    LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher());
    a.read_text(kServerLoggedHandshake + "\n", "webhook.log");
    Report r = analysis_report(a, test::shipped_engine());
    ASSERT_EQ(r.groups.size(), 1u);
    EXPECT_NE(r.groups[0].problem, "client-certificate-rejected");
    EXPECT_TRUE(r.findings.at(r.groups[0].finding).lookalike);
}

TEST(FieldReports, AnUnknownAuthorityFromAPublicRegistryIsAProxyStory) {
    Report r = explain("Error response from daemon: Get \"https://registry-1.docker.io/v2/\": tls: failed to verify "
                       "certificate: x509: certificate signed by unknown authority");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.cause_rule, "x509-unknown-authority-public-registry");
    EXPECT_NE(f.explanation.find("proxy"), std::string::npos) << f.explanation;
}

TEST(FieldReports, AParentThatCannotSignIsNotACaAndAddingItDoesNotHelp) {
    Report r = explain("failed to create task run pod \"x\": translating TaskSpec to Pod: Get \"https://registry.corp/v2/\": "
                       "x509: certificate signed by unknown authority (possibly because of \"x509: invalid signature: "
                       "parent certificate cannot sign this kind of certificate\" while trying to verify candidate "
                       "authority certificate \"Corp CA\"). Maybe missing or invalid Task ci/build");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].problem, "not-a-ca");
    for (const auto& id : fix_ids(r.findings[0])) EXPECT_FALSE(has(kCaFixes, id)) << id;
}

// pyload/pyload#4469: openssl s_client against a server that sends only its leaf. OpenSSL says
// "unable to get local issuer certificate" first and "unable to verify the first certificate"
// next: one finding, the missing intermediate, whose fix is the server's chain, not a CA.
TEST(FieldReports, AMissingIntermediateIsOneFindingNotAnUnknownAuthorityToo) {
    Report r = explain("$ echo quit | openssl s_client -connect www788.ucdn.to:183\nCONNECTED(00000003)\n"
                       "depth=0 CN = *.ucdn.to\nverify error:num=20:unable to get local issuer certificate\n"
                       "verify return:1\ndepth=0 CN = *.ucdn.to\nverify error:num=21:unable to verify the first "
                       "certificate\nverify return:1\n");
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].problem, "incomplete-chain");
    for (const auto& id : fix_ids(r.findings[0])) EXPECT_FALSE(has(kCaFixes, id)) << id;
}

// Two hosts, two verdicts: the precise one does not hide the other host's unknown authority.
TEST(FieldReports, APreciseVerdictOnOneHostLeavesAnotherHostsUnknownAuthority) {
    Report r = explain("Get \"https://a.example/v2/\": x509: certificate signed by unknown authority (possibly "
                       "because of \"x509: invalid signature: parent certificate cannot sign this kind of "
                       "certificate\" while trying to verify candidate authority certificate \"Corp CA\")\n"
                       "Get \"https://b.example/v2/\": x509: certificate signed by unknown authority\n");
    std::vector<std::string> problems;
    for (const auto& f : r.findings) problems.push_back(f.problem);
    EXPECT_TRUE(has(problems, "not-a-ca"));
    EXPECT_TRUE(has(problems, "unknown-authority"));
}

// redhat-developer/mapt#508: kubectl timed out twice, then met the API server's certificate. The
// certificate is what to fix; the time-outs stay listed after it.
TEST(FieldReports, ACertificateVerdictLeadsTheTimeOutsBeforeIt) {
    Report r = explain("deployment.apps/tekton-operator-webhook created\n"
                       "Unable to connect to the server: dial tcp 34.233.132.18:6443: i/o timeout\n"
                       "Unable to connect to the server: dial tcp 34.233.132.18:6443: i/o timeout\n"
                       "Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by "
                       "unknown authority (possibly because of \"crypto/rsa: verification error\" while trying to verify "
                       "candidate authority certificate \"kubernetes\")\n");
    ASSERT_GE(r.findings.size(), 2u);
    EXPECT_EQ(r.findings[0].component, "api-client");
    EXPECT_NE(r.findings[0].problem, "timeout");
    EXPECT_EQ(r.findings[1].problem, "timeout");
}

// helm/helm#11252: helm's lookup quoted its request to the API server once, then failed the same
// way without it. One finding, the API client's, not an unplaced one beside it.
TEST(FieldReports, ARetryWithoutItsRequestJoinsTheFailurePlacedBeforeIt) {
    Report r = explain("lookup_func.go:111: [ERROR] unable to retrieve resource list for: v1 , error: Get "
                       "\"https://abc.k8s.ondigitalocean.com/api/v1?timeout=32s\": dial tcp: lookup "
                       "abc.k8s.ondigitalocean.com on 10.0.0.138:53: no such host\n"
                       "lookup_func.go:85: [ERROR] unable to get apiresource from unstructured: /v1, Kind=Secret , error "
                       "Get \"abc.k8s.ondigitalocean.com/api/v1?timeout=32s\": dial tcp: lookup abc.k8s.ondigitalocean.com "
                       "on 10.0.0.138:53: no such host\n");
    ASSERT_EQ(r.findings.size(), 1u);
    EXPECT_EQ(r.findings[0].component, "api-client");
    EXPECT_EQ(r.findings[0].problem, "name-resolution");
}

// moby/moby#33432: the cause reads only the alert, no rule captures the request; the registry
// API URL still names the registry, and the prose names its certs.d directory, not "the registry".
TEST(FieldReports, ARegistryApiUrlNamesTheRegistryWhenNoRuleCapturedIt) {
    Report r = explain("Error response from daemon: Get https://docker.mydomain.io/v1/_ping: remote error: tls: "
                       "handshake failure\nError response from daemon: Get https://docker.mydomain.io/v2/: remote "
                       "error: tls: handshake failure");
    ASSERT_FALSE(r.findings.empty());
    bool named = false;
    for (const auto& f : r.findings) {
        EXPECT_EQ(f.explanation.find("certs.d/the registry"), std::string::npos) << f.explanation;
        // A handshake failure is no trust verdict: the daemon's prose names the registry, not its CA file.
        named = named || (f.registry == "docker.mydomain.io" &&
                          f.explanation.find("talked to docker.mydomain.io") != std::string::npos &&
                          f.explanation.find("ca.crt") == std::string::npos);
    }
    EXPECT_TRUE(named);
}

// goharbor/harbor#15614, redhat-openshift-ecosystem/operator-pipelines#847: curl calling a registry
// product's REST API (Harbor's /api/v2.0/, Quay's /api/v1/) is answered in words a registry uses too
// ({"code":"UNAUTHORIZED"}, insufficient_scope); without a request to the registry's own paths that
// server is not the registry, so no registry fix. The same words after a /v2/ request still are.
TEST(FieldReports, ARegistryProductsRestApiIsNotTheRegistry) {
    EXPECT_FALSE(names_registry_api(
        R"({"detail": "Unauthorized", "error_type": "insufficient_scope", "type": "https://quay.io/api/v1/error/insufficient_scope", "status": 403})"));
    EXPECT_TRUE(names_registry_api("GET https://quay.io/v2/org/app/manifests/1: UNAUTHORIZED: insufficient_scope; "
                                   "see also https://quay.io/api/v1/"));
    EXPECT_TRUE(names_registry_api("denied: requested access to the resource is denied"));

    Finding f = first_finding(
        "[root@localhost harbor]# curl -v -u admin:x \"https://192.168.145.188/api/v2.0/configurations\"\n"
        "< HTTP/1.1 401 Unauthorized\n"
        "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"unauthorized\"}]}");
    EXPECT_EQ(f.tool, "curl");
    EXPECT_TRUE(f.lookalike);
    for (const auto& fix : f.fixes) EXPECT_FALSE(test::shipped_engine().catalog().fix(fix.id)->registry_fix) << fix.id;
}

// collabnix/selenium-docker-extension#1: the docker client's credential helper could not run, so no
// request left it. The site's prose says so instead of "talked to the registry"; a TLS failure
// under the same site still says the daemon talked to it.
TEST(FieldReports, AClientThatFailedBeforeItsRequestIsNotSaidToHaveTalkedToThePeer) {
    Finding helper = first_finding(
        "executing 'docker --context desktop-linux compose -p x -f /home/k/docker-compose.yaml up -d' : exit status "
        "1: edge Pulling selenium-hub Pulling error getting credentials - err: exec: \"docker-credential-desktop\": "
        "executable file not found in $PATH, out: ``");
    EXPECT_EQ(helper.tool, "docker");
    EXPECT_EQ(helper.cause_rule, "docker-credential-helper-failed");
    EXPECT_EQ(helper.explanation.find("talked to"), std::string::npos) << helper.explanation;
    EXPECT_NE(helper.explanation.find("failed before it sent any request"), std::string::npos) << helper.explanation;

    Finding tls = first_finding(
        "ERROR: Service 'web' failed to build: Get https://registry-1.docker.io/v2/: x509: certificate is valid for "
        "*.kneura.com, not registry-1.docker.io");
    EXPECT_EQ(tls.tool, "docker");
    EXPECT_NE(tls.explanation.find("talked to"), std::string::npos) << tls.explanation;
    EXPECT_EQ(tls.explanation.find("before it sent any request"), std::string::npos) << tls.explanation;
}

// kubesphere/kubesphere#6185: a bare verdict names no caller and shows no registry, so its peer is
// not assumed to be one (in the corpus, most such texts came from webhooks, API servers and web
// sites). The same verdict on a registry's /v2/ request still speaks of the registry.
TEST(FieldReports, AVerdictThatNamesNoCallerAndNoRegistrySpeaksOfAServer) {
    Finding bare = first_finding(
        "The error is: x509: certificate has expired or is not yet valid: current time 2024-09-18T12:18:40Z is after "
        "2024-09-10T12:29:33Z.");
    EXPECT_EQ(bare.component, "unknown");
    EXPECT_EQ(bare.peer(), "unknown");
    EXPECT_FALSE(bare.labelled_registry());
    EXPECT_EQ(bare.title, "The server's certificate has expired");
    EXPECT_EQ(bare.explanation.find("registry"), std::string::npos) << bare.explanation;
    ASSERT_FALSE(bare.fixes.empty());
    bool server_host = false;
    for (const auto& fix : bare.fixes)
        for (const auto& c : fix.commands) {
            EXPECT_EQ(c.find("REGISTRY-HOST"), std::string::npos) << c;
            server_host = server_host || c.find("SERVER-HOST") != std::string::npos;
        }
    EXPECT_TRUE(server_host);

    Finding registry = first_finding(
        "Get \"https://registry.example.com:5000/v2/\": x509: certificate has expired or is not yet valid: current "
        "time 2024-09-18T12:18:40Z is after 2024-09-10T12:29:33Z");
    EXPECT_EQ(registry.peer(), "registry");
    EXPECT_EQ(registry.title, "The registry's certificate has expired");
}

// git-for-windows/git#2838: a git server that wants a client certificate gets git's own settings
// (http.sslCert, http.sslKey), not a registry's certs.d or hosts.toml.
TEST(FieldReports, AGitServerWantingAClientCertificateGetsGitsSettings) {
    Finding f = first_finding(
        "batch response: Post \"https://myserver/test/myrepo.git/info/lfs/objects/batch\": remote error: tls: alert(116)");
    EXPECT_EQ(f.component, "git");
    EXPECT_EQ(f.problem, "client-certificate-rejected");
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_EQ(f.fixes[0].id, "configure-git-client-certificate");
    EXPECT_TRUE(a_command_holds(f.fixes[0], ".sslCert"));
    EXPECT_FALSE(has(fix_ids(f), "configure-client-certificate"));
}

// kubernetes/kubernetes examples/podsecuritypolicy/rbac: kubectl puts "Error from server (Forbidden): "
// before an admission's refusal as before RBAC's. Admission refused the object (no grant helps),
// RBAC refused the user: each gets its own cause, and the refused object a fix that reads it.
TEST(FieldReports, AnAdmissionRefusalUnderKubectlsForbiddenIsNotRbac) {
    Finding refused = first_finding(
        "Error from server (Forbidden): error when creating \"examples/podsecuritypolicy/rbac/pod_priv.yaml\": pods "
        "\"nginx\" is forbidden: unable to validate against any pod security policy: "
        "[spec.containers[0].securityContext.privileged: Invalid value: true: Privileged containers are not allowed]");
    EXPECT_EQ(refused.cause_rule, "kubernetes-object-refused");
    EXPECT_EQ(refused.component, "api-client");
    ASSERT_FALSE(refused.fixes.empty());
    EXPECT_EQ(refused.fixes[0].id, "correct-the-refused-object");
    EXPECT_TRUE(a_command_holds(refused.fixes[0], "describe resourcequota,limitrange"));
    EXPECT_TRUE(has(refused.fixes[0].placeholders, "MANIFEST"));
    EXPECT_FALSE(has(fix_ids(refused), "grant-api-permission"));

    Finding rbac = first_finding(
        "Error from server (Forbidden): pods \"web-0\" is forbidden: User \"system:serviceaccount:ci:default\" cannot get "
        "resource \"pods\" in API group \"\" in the namespace \"ci\"");
    EXPECT_EQ(rbac.cause_rule, "kubernetes-rbac-forbidden");
    EXPECT_EQ(rbac.problem, "unauthorized");
}

// desktop/desktop#9309: a revocation check that could not run is no trust verdict, so the git
// site's prose gives no CA advice beside the cause's "Adding a CA does not help".
TEST(FieldReports, ACauseThatNamesNoTrustVerdictKeepsCaAdviceOutOfTheSitesProse) {
    Finding f = first_finding("fatal: unable to access 'https://github.com/owner/name.git/': schannel: next "
                              "InitializeSecurityContext failed: Unknown error (0x80092012) - The revocation function "
                              "was unable to check revocation for the certificate.");
    EXPECT_EQ(f.component, "git");
    EXPECT_EQ(f.cause_rule, "tls-revocation-check-failed");
    EXPECT_EQ(f.explanation.find("http.sslCAInfo"), std::string::npos) << f.explanation;
    EXPECT_NE(f.explanation.find("verified its certificate"), std::string::npos) << f.explanation;
    EXPECT_NE(f.explanation.find("Adding a CA does not help"), std::string::npos) << f.explanation;
}

// A git server is no registry: the finding labels it a host, and the cause's prose says git server.
TEST(FieldReports, AGitServerIsAHostNotARegistry) {
    Report r = explain("fatal: unable to access 'https://github.com/o/n.git/': OpenSSL SSL_connect: SSL_ERROR_SYSCALL "
                       "in connection to github.com:443");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.component, "git");
    EXPECT_EQ(f.registry, "github.com");
    EXPECT_FALSE(f.peer_is_registry());
    EXPECT_NE(f.explanation.find("the connection to the git server"), std::string::npos) << f.explanation;
    std::string text = render_text(r, Color::off);
    EXPECT_NE(text.find(" · host github.com"), std::string::npos) << text;
    EXPECT_EQ(text.find(" · registry github.com"), std::string::npos) << text;
    EXPECT_NE(render_markdown(r).find("| Host | `github.com` |"), std::string::npos);
}

// skopeo list-tags refuses a reference with a tag or digest: the command names the repository.
TEST(FieldReports, TheTagListCommandNamesTheRepositoryWithoutTagOrDigest) {
    for (const auto& [image, repository] : std::vector<std::pair<std::string, std::string>>{
             {"ghcr.io/acme/app:v1", "ghcr.io/acme/app"},
             {"registry.private:5000/team/app@sha256:0123456789abcdef", "registry.private:5000/team/app"},
             {"registry.private:5000/team/app:v1@sha256:0123456789abcdef", "registry.private:5000/team/app"}}) {
        Finding f = first_finding("rpc error: code = NotFound desc = failed to pull and unpack image \"" + image +
                                  "\": failed to resolve reference \"" + image + "\": " + image + ": not found");
        EXPECT_EQ(f.image, image);
        bool listed = false;
        for (const auto& fix : f.fixes)
            if (fix.id == "check-image-reference")
                for (const auto& c : fix.commands) listed = listed || c == "skopeo list-tags docker://'" + repository + "'";
        EXPECT_TRUE(listed) << image;
    }
}

TEST(FieldReports, AVerificationErrorOnAWebhookIsAStaleCaBundle) {
    Finding f = first_finding(
        "Internal error occurred: failed calling webhook \"webhook.pipeline.tekton.dev\": failed to call webhook: Post "
        "\"https://tekton-pipelines-webhook.tekton-pipelines.svc:443/defaulting?timeout=10s\": tls: failed to verify "
        "certificate: x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: verification "
        "error\" while trying to verify candidate authority certificate \"tekton-pipelines-webhook.tekton-pipelines.svc\")");
    EXPECT_EQ(f.component, "webhook");
    EXPECT_EQ(f.cause_rule, "x509-stale-ca-copy");
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_EQ(f.fixes[0].id, "check-webhook-ca-bundle");
    const auto& tekton_commands = f.fixes[0].commands;
    EXPECT_TRUE(has(tekton_commands, "kubectl -n 'tekton-pipelines' delete secret webhook-certs"));
    EXPECT_TRUE(has(tekton_commands, "kubectl -n 'tekton-pipelines' rollout restart deployment 'tekton-pipelines-webhook'"));
    // Another product's webhook (istio/istio#5828) is not renewed by deleting Tekton's Secret.
    Finding istio = first_finding(
        "Internal error occurred: failed calling admission webhook \"sidecar-injector.istio.io\": Post "
        "https://istio-sidecar-injector.istio-system.svc:443/inject?timeout=30s: x509: certificate signed by unknown "
        "authority (possibly because of \"crypto/rsa: verification error\" while trying to verify candidate authority "
        "certificate \"k8s.cluster.local\")");
    ASSERT_FALSE(istio.fixes.empty());
    EXPECT_EQ(istio.fixes[0].id, "check-webhook-ca-bundle");
    for (const auto& c : istio.fixes[0].commands) EXPECT_EQ(c.find("tekton"), std::string::npos) << c;
    EXPECT_TRUE(has(istio.fixes[0].commands,
                    "kubectl -n 'istio-system' get service,endpoints 'istio-sidecar-injector' -o wide"));
}

// A webhook that does not answer in time is the path to its Service: deleting its certificate's
// Secret would not help, so the caBundle step is not offered; nor is a certificate or CA step for
// the interceptors or an ACME server that could not be reached.
TEST(FieldReports, ATimeOutOrRefusalGetsNoCertificateStep) {
    Finding f = first_finding(
        "Internal error occurred: failed calling webhook \"webhook.cert-manager.io\": Post "
        "\"https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s\": context deadline exceeded");
    EXPECT_EQ(f.component, "webhook");
    EXPECT_EQ(f.problem, "timeout");
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_EQ(f.fixes[0].id, "check-network-path");
    for (const auto& fix : f.fixes) EXPECT_NE(fix.id, "check-webhook-ca-bundle");
    // The same for an EventListener's call to the core interceptors.
    Finding interceptor = first_finding(
        "Post \"https://tekton-triggers-core-interceptors.tekton-pipelines.svc:8443/gitlab\": dial tcp "
        "10.96.4.4:8443: connect: connection refused");
    EXPECT_EQ(interceptor.problem, "connection-refused");
    for (const auto& fix : interceptor.fixes) EXPECT_NE(fix.id, "check-interceptor-certificate");
    Finding acme = first_finding("Failed to register ACME account: Get \"https://acme.corp.example/directory\": dial tcp "
                                 "10.0.0.5:443: i/o timeout");
    EXPECT_EQ(acme.problem, "timeout");
    for (const auto& fix : acme.fixes) EXPECT_NE(fix.id, "check-cert-manager-issuer");
}

// The network test runs where the failing request ran: the control plane for a webhook (whose
// Service's endpoints come first), the client's machine for an API client, the node for the
// kubelet, and a pod in Tekton's namespace for the controller. The chain stops at the connection.
TEST(FieldReports, TheNetworkCheckRunsWhereTheRequestRan) {
    auto joined = [](const FixView& fix) {
        std::string all = fix.description + "\n";
        for (const auto& c : fix.commands) all += c + "\n";
        return all;
    };
    Finding webhook = first_finding(
        "Internal error occurred: failed calling webhook \"webhook.cert-manager.io\": Post "
        "\"https://cert-manager-webhook.cert-manager.svc:443/mutate?timeout=10s\": context deadline exceeded");
    ASSERT_FALSE(webhook.fixes.empty());
    const FixView& w = webhook.fixes.front();
    ASSERT_EQ(w.id, "check-network-path");
    ASSERT_FALSE(w.commands.empty());
    EXPECT_EQ(w.commands.front(), "kubectl -n 'cert-manager' get endpoints 'cert-manager-webhook'");
    EXPECT_NE(w.description.find("from the control plane"), std::string::npos) << w.description;
    EXPECT_EQ(joined(w).find("run certdoctor-net-check"), std::string::npos) << joined(w);
    ASSERT_FALSE(webhook.chain.frames.empty());
    EXPECT_EQ(webhook.chain.frames.back().function, "connect to the webhook's Service or URL");
    EXPECT_TRUE(webhook.chain.frames.back().failed);

    Finding api = first_finding("Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout");
    ASSERT_FALSE(api.fixes.empty());
    EXPECT_EQ(api.fixes.front().commands.front().rfind("curl -sv --max-time 10 ", 0), 0u) << joined(api.fixes.front());
    EXPECT_EQ(api.chain.frames.back().function, "connect to the API server's address");

    Finding node = first_finding(
        "Failed to pull image \"registry.private/app:1\": rpc error: code = Unknown desc = failed to pull and unpack "
        "image \"registry.private/app:1\": failed to resolve reference \"registry.private/app:1\": failed to do "
        "request: Head \"https://registry.private/v2/app/manifests/1\": dial tcp 10.1.1.1:443: i/o timeout");
    EXPECT_EQ(node.component, "kubelet");
    ASSERT_FALSE(node.fixes.empty());
    EXPECT_EQ(node.fixes.front().commands.front().rfind("kubectl debug node/'NODE' ", 0), 0u) << joined(node.fixes.front());

    Finding controller = first_finding(
        "failed to create task run pod \"task-run\": translating TaskSpec to Pod: error getting image manifest: Get "
        "https://registry.private/v2/: dial tcp 10.1.1.1:443: connect: connection refused");
    EXPECT_EQ(controller.component, "tekton-controller");
    const FixView* path = nullptr;
    for (const auto& fix : controller.fixes)
        if (fix.id == "check-network-path") path = &fix;
    ASSERT_NE(path, nullptr);
    EXPECT_EQ(path->commands.front().rfind("kubectl -n 'tekton-pipelines' run certdoctor-net-check ", 0), 0u)
        << joined(*path);
    EXPECT_NE(path->description.find("HTTPS_PROXY"), std::string::npos) << path->description;

    // A name that does not resolve is looked up with the resolver the request used.
    Finding dns = first_finding(
        "Unable to connect to the server: dial tcp: lookup api.old-cluster.example on 127.0.0.53:53: no such host");
    ASSERT_FALSE(dns.fixes.empty());
    EXPECT_EQ(dns.fixes.front().id, "check-name-resolution");
    EXPECT_EQ(dns.fixes.front().commands.front(), "nslookup 'api.old-cluster.example'");
    Finding service = first_finding(
        "Internal error occurred: failed calling webhook \"x.example.com\": Post "
        "\"https://foo-webhook.foo.svc:443/mutate?timeout=10s\": dial tcp: lookup foo-webhook.foo.svc on "
        "10.0.0.2:53: no such host");
    ASSERT_FALSE(service.fixes.empty());
    EXPECT_EQ(service.fixes.front().commands.front(), "kubectl -n 'foo' get service 'foo-webhook'");
}

// A tool in a step reads its own docker config: a refused login there gets the tool's credentials
// (kaniko's dockerconfig workspace), never a patch of the ServiceAccount's imagePullSecrets, which
// only the kubelet and the controller read (GoogleContainerTools/kaniko#622's wording).
TEST(FieldReports, AStepToolsRefusedLoginGetsTheToolsCredentials) {
    Finding kaniko = first_finding(
        "error checking push permissions -- make sure you entered the correct tag name, and that you are "
        "authenticated correctly, and try again: checking push permission for \"registry.private/app:1\": POST "
        "https://registry.private/v2/app/blobs/uploads/: UNAUTHORIZED: authentication required");
    EXPECT_EQ(kaniko.component, "step-tool");
    EXPECT_EQ(kaniko.problem, "unauthorized");
    ASSERT_FALSE(kaniko.fixes.empty());
    EXPECT_EQ(kaniko.fixes.front().id, "configure-step-tool-credentials");
    EXPECT_NE(kaniko.fixes.front().description.find("/kaniko/.docker"), std::string::npos);
    EXPECT_NE(kaniko.fixes.front().manifest.find("name: dockerconfig"), std::string::npos);
    for (const auto& fix : kaniko.fixes) EXPECT_NE(fix.id, "configure-pull-credentials");
    Finding node = first_finding(
        "Failed to pull image \"registry.private/app:1\": rpc error: code = Unknown desc = failed to pull and unpack "
        "image \"registry.private/app:1\": failed to resolve reference \"registry.private/app:1\": pull access denied, "
        "repository does not exist or may require authorization: server message: insufficient_scope: authorization "
        "failed");
    EXPECT_EQ(node.component, "kubelet");
    ASSERT_FALSE(node.fixes.empty());
    EXPECT_EQ(node.fixes.front().id, "configure-pull-credentials");
}

// A refused login to a server that is not a registry gets that client's credentials: git's
// basic-auth Secret, the kubeconfig's user for the API server, helm's repository login for a
// chart repository (NVIDIA/gpu-operator#926's wording); never a pull secret, and an RBAC refusal
// is not a credential problem.
TEST(FieldReports, ARefusedLoginToAServerThatIsNoRegistryGetsThatClientsCredentials) {
    Finding git = first_finding("fatal: Authentication failed for 'https://git.corp.example/org/repo.git/'");
    EXPECT_EQ(git.component, "git");
    ASSERT_FALSE(git.fixes.empty());
    EXPECT_EQ(git.fixes.front().id, "configure-git-credentials");
    // The URL's server, which no rule captured, is the git server.
    EXPECT_TRUE(a_command_holds(git.fixes.front(), "tekton.dev/git-0=https://'git.corp.example'"));
    // Where the text names no server, the placeholder names a git server.
    Finding bare = first_finding("remote: HTTP Basic: Access denied\nfatal: Authentication failed");
    EXPECT_EQ(bare.component, "git");
    ASSERT_FALSE(bare.fixes.empty());
    EXPECT_TRUE(a_command_holds(bare.fixes.front(), "tekton.dev/git-0=https://'GIT-HOST'"));
    // drone-plugins/drone-git#88: git's credential prompt names the server.
    Finding prompt = first_finding("fatal: could not read Username for 'https://git.mydomain.com': No such device or address");
    EXPECT_EQ(prompt.registry, "git.mydomain.com");
    ASSERT_FALSE(prompt.fixes.empty());
    EXPECT_TRUE(a_command_holds(prompt.fixes.front(), "tekton.dev/git-0=https://'git.mydomain.com'"));
    Finding api = first_finding("error: You must be logged in to the server (Unauthorized)");
    ASSERT_FALSE(api.fixes.empty());
    EXPECT_EQ(api.fixes.front().id, "check-kubeconfig-credentials");
    for (const auto& c : api.fixes.front().commands) EXPECT_EQ(c.find("token"), std::string::npos) << c;
    Finding rbac = first_finding(
        "Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:ci:default\" cannot list "
        "resource \"pods\" in API group \"\" in the namespace \"ci\"");
    EXPECT_FALSE(has(fix_ids(rbac), "check-kubeconfig-credentials"));
    Finding chart = first_finding(
        "Error: INSTALLATION FAILED: failed to fetch https://helm.ngc.nvidia.com/nvidia/charts/gpu-operator-v24.6.1.tgz : "
        "401 Unauthorized");
    EXPECT_TRUE(chart.lookalike);
    ASSERT_FALSE(chart.fixes.empty());
    EXPECT_EQ(chart.fixes.front().id, "configure-client-credentials");
    EXPECT_FALSE(has(fix_ids(chart), "configure-step-tool-credentials"));
    EXPECT_FALSE(has(fix_ids(chart), "configure-pull-credentials"));
}

// An RBAC refusal names what was refused; the grant is of exactly that (one verb, one resource,
// its group, its namespace or the cluster scope) to the identity named, and none is offered to
// system:anonymous or a control-plane identity. Values from the message stay inert in the
// manifest and the commands.
TEST(FieldReports, AnRbacRefusalGetsAGrantOfExactlyWhatWasRefused) {
    // kubernetes/client-go#1280: a ServiceAccount, a namespaced resource of a named group.
    Finding lease = first_finding(
        "E0710 21:02:45.211259 1 leaderelection.go:330] error retrieving resource lock ci/boskos-cleaner-leaderlock: "
        "leases.coordination.k8s.io \"boskos-cleaner-leaderlock\" is forbidden: User \"system:serviceaccount:ci:boskos\" "
        "cannot get resource \"leases\" in API group \"coordination.k8s.io\" in the namespace \"ci\"");
    const FixView* g = grant(lease);
    ASSERT_NE(g, nullptr);
    YAML::Node role, binding;
    {
        std::vector<YAML::Node> docs = YAML::LoadAll(g->manifest);
        ASSERT_EQ(docs.size(), 2u) << g->manifest;
        role = docs[0];
        binding = docs[1];
    }
    EXPECT_EQ(role["kind"].as<std::string>(), "Role");
    EXPECT_EQ(role["metadata"]["namespace"].as<std::string>(), "ci");
    EXPECT_EQ(role["rules"][0]["apiGroups"][0].as<std::string>(), "coordination.k8s.io");
    EXPECT_EQ(role["rules"][0]["resources"][0].as<std::string>(), "leases");
    EXPECT_EQ(role["rules"][0]["verbs"].size(), 1u);
    EXPECT_EQ(role["rules"][0]["verbs"][0].as<std::string>(), "get");
    EXPECT_EQ(binding["kind"].as<std::string>(), "RoleBinding");
    EXPECT_EQ(binding["roleRef"]["name"].as<std::string>(), role["metadata"]["name"].as<std::string>());
    EXPECT_EQ(binding["subjects"][0]["kind"].as<std::string>(), "ServiceAccount");
    EXPECT_EQ(binding["subjects"][0]["name"].as<std::string>(), "boskos");
    EXPECT_EQ(binding["subjects"][0]["namespace"].as<std::string>(), "ci");
    ASSERT_FALSE(g->commands.empty());
    EXPECT_EQ(g->commands.front(),
              "kubectl auth can-i 'get' 'leases.coordination.k8s.io' -n 'ci' --as='system:serviceaccount:ci:boskos'");

    // kubeguard/guard#352: a user, at the cluster scope, the core group.
    Finding pods = first_finding(
        "Error from server (Forbidden): pods is forbidden: User \"vesurbag\" cannot list resource \"pods\" in API "
        "group \"\" at the cluster scope");
    g = grant(pods);
    ASSERT_NE(g, nullptr);
    std::vector<YAML::Node> docs = YAML::LoadAll(g->manifest);
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_EQ(docs[0]["kind"].as<std::string>(), "ClusterRole");
    EXPECT_FALSE(docs[0]["metadata"]["namespace"]);
    EXPECT_EQ(docs[0]["rules"][0]["apiGroups"][0].as<std::string>(), "");
    EXPECT_EQ(docs[1]["kind"].as<std::string>(), "ClusterRoleBinding");
    EXPECT_EQ(docs[1]["subjects"][0]["kind"].as<std::string>(), "User");
    EXPECT_EQ(docs[1]["subjects"][0]["name"].as<std::string>(), "vesurbag");
    EXPECT_EQ(g->description.find("(API group"), std::string::npos) << g->description;

    // A subresource: the rule names it whole, can-i takes it apart.
    Finding exec = first_finding(
        "Error from server (Forbidden): pods \"web-0\" is forbidden: User \"system:serviceaccount:ci:deployer\" cannot "
        "create resource \"pods/exec\" in API group \"\" in the namespace \"shop\"");
    g = grant(exec);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(YAML::LoadAll(g->manifest)[0]["rules"][0]["resources"][0].as<std::string>(), "pods/exec");
    EXPECT_EQ(g->commands.front(), "kubectl auth can-i 'create' 'pods' --subresource='exec' -n 'shop' "
                                   "--as='system:serviceaccount:ci:deployer'");

    // No grant to anonymous, to a control-plane component, or to a node.
    for (const char* user : {"system:anonymous", "system:kube-controller-manager", "system:node:worker-1"}) {
        Finding f = first_finding(std::string("Error from server (Forbidden): nodes is forbidden: User \"") + user +
                                  "\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
        EXPECT_EQ(f.problem, "unauthorized") << user;
        EXPECT_EQ(grant(f), nullptr) << user;
    }

    // A hostile user name stays one quoted word in the shell and one scalar in YAML.
    Finding hostile = first_finding(
        "Error from server (Forbidden): pods is forbidden: User \"x'; rm -rf ~; echo '$(id)\" cannot list resource "
        "\"pods\" in API group \"\" at the cluster scope");
    g = grant(hostile);
    ASSERT_NE(g, nullptr);
    EXPECT_NE(g->commands.front().find("--as='x'\\''; rm -rf ~; echo '\\''$(id)'"), std::string::npos)
        << g->commands.front();
    docs = YAML::LoadAll(g->manifest);
    ASSERT_EQ(docs.size(), 2u);
    EXPECT_EQ(docs[1]["subjects"][0]["name"].as<std::string>(), "x'; rm -rf ~; echo '$(id)");
}

// The API server's older wording names the resource with its group ("nodes.metrics.k8s.io") and
// quotes the namespace; a non-resource path is granted by a ClusterRole's nonResourceURLs. A
// namespace the text does not quote, or a path that is not one, gets no grant: the cluster scope
// would grant too much, and the value would not be the path.
TEST(FieldReports, OlderRbacWordingAndPathsGetTheirGrant) {
    // vmware-archive/kubewatch#95: a ServiceAccount at the cluster scope.
    Finding pods = first_finding(
        "ERROR: logging before flag.Parse: E0418 04:56:17.489683       1 reflector.go:201] "
        "github.com/skippbox/kubewatch/pkg/controller/controller.go:147: Failed to list *v1.Pod: pods is forbidden: User "
        "\"system:serviceaccount:default:default\" cannot list pods at the cluster scope");
    const FixView* g = grant(pods);
    ASSERT_NE(g, nullptr);
    std::vector<YAML::Node> docs = YAML::LoadAll(g->manifest);
    ASSERT_EQ(docs.size(), 2u) << g->manifest;
    EXPECT_EQ(docs[0]["kind"].as<std::string>(), "ClusterRole");
    EXPECT_EQ(docs[0]["rules"][0]["resources"][0].as<std::string>(), "pods");
    EXPECT_EQ(docs[0]["rules"][0]["apiGroups"][0].as<std::string>(), "");
    EXPECT_EQ(docs[1]["subjects"][0]["name"].as<std::string>(), "default");
    EXPECT_EQ(g->commands.front(), "kubectl auth can-i 'list' 'pods' --as='system:serviceaccount:default:default'");

    // A group and a quoted namespace, JSON-escaped in a log line.
    Finding services = first_finding(
        "level=error err=\"Failed to list *v1.Service: services.apps is forbidden: User "
        "\\\"system:serviceaccount:monitoring:prom\\\" cannot list services.apps/status in the namespace "
        "\\\"kube-system\\\"\"");
    g = grant(services);
    ASSERT_NE(g, nullptr);
    docs = YAML::LoadAll(g->manifest);
    EXPECT_EQ(docs[0]["kind"].as<std::string>(), "Role");
    EXPECT_EQ(docs[0]["metadata"]["namespace"].as<std::string>(), "kube-system");
    EXPECT_EQ(docs[0]["rules"][0]["apiGroups"][0].as<std::string>(), "apps");
    EXPECT_EQ(docs[0]["rules"][0]["resources"][0].as<std::string>(), "services/status");
    EXPECT_EQ(g->commands.front(), "kubectl auth can-i 'list' 'services.apps' --subresource='status' -n 'kube-system' "
                                   "--as='system:serviceaccount:monitoring:prom'");

    // A namespace not quoted: no grant (nor one at the cluster scope).
    EXPECT_EQ(grant(first_finding("User \"jane\" cannot list pods in the namespace ci")), nullptr);

    // A path: a ClusterRole's nonResourceURLs, and can-i of the path.
    Finding metrics = first_finding(
        "{\"kind\":\"Status\",\"message\":\"forbidden: User \\\"system:serviceaccount:ops:scraper\\\" cannot get "
        "path \\\"/metrics\\\"\",\"code\":403}");
    g = grant(metrics);
    ASSERT_NE(g, nullptr);
    docs = YAML::LoadAll(g->manifest);
    ASSERT_EQ(docs.size(), 2u) << g->manifest;
    EXPECT_EQ(docs[0]["kind"].as<std::string>(), "ClusterRole");
    EXPECT_EQ(docs[0]["rules"][0]["nonResourceURLs"][0].as<std::string>(), "/metrics");
    EXPECT_FALSE(docs[0]["rules"][0]["resources"]);
    EXPECT_TRUE(RE2::FullMatch(docs[0]["metadata"]["name"].as<std::string>(), "certdoctor-get-path-metrics-[0-9a-f]{8}"))
        << docs[0]["metadata"]["name"];
    EXPECT_EQ(docs[1]["kind"].as<std::string>(), "ClusterRoleBinding");
    EXPECT_EQ(g->commands.front(), "kubectl auth can-i 'get' '/metrics' --as='system:serviceaccount:ops:scraper'");
    EXPECT_NE(g->description.find("the path /metrics"), std::string::npos) << g->description;

    // Grants whose words read alike keep apart: a path and its glob, a resource with and without
    // its group, one grant for two identities (the second's apply must not take the first's
    // binding). The same grant found twice is the same object.
    auto names = [](const char* text) {
        const Finding f = first_finding(text);
        const FixView* g = grant(f);
        EXPECT_NE(g, nullptr) << text;
        if (g == nullptr) return std::array<std::string, 3>{};
        std::vector<YAML::Node> docs = YAML::LoadAll(g->manifest);
        EXPECT_EQ(docs.size(), 2u) << g->manifest;
        if (docs.size() != 2) return std::array<std::string, 3>{};
        std::string role = docs[0]["metadata"]["name"].as<std::string>();
        EXPECT_EQ(docs[1]["roleRef"]["name"].as<std::string>(), role);
        std::string binding = docs[1]["metadata"]["name"].as<std::string>();
        for (const std::string& name : {role, binding}) {
            EXPECT_LE(name.size(), 253u);
            EXPECT_TRUE(RE2::FullMatch(name, "[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")) << name;
        }
        std::string file;
        for (const auto& c : g->commands)
            if (c.rfind("kubectl apply -f ", 0) == 0) file = c;
        EXPECT_NE(file.find(binding + ".yaml"), std::string::npos) << file;
        return std::array<std::string, 3>{role, binding, file};
    };
    auto healthz = names("forbidden: User \"system:serviceaccount:ops:probe\" cannot get path \"/healthz\"");
    auto healthz_all = names("forbidden: User \"system:serviceaccount:ops:probe\" cannot get path \"/healthz/*\"");
    auto healthz_other = names("forbidden: User \"system:serviceaccount:ops:other\" cannot get path \"/healthz\"");
    auto core_services = names("services is forbidden: User \"jane\" cannot list resource \"services\" in API group \"\" "
                          "at the cluster scope");
    auto apps_services = names("services.apps is forbidden: User \"jane\" cannot list resource \"services\" in API "
                               "group \"apps\" at the cluster scope");
    EXPECT_NE(healthz[0], healthz_all[0]);
    EXPECT_NE(healthz[1], healthz_all[1]);
    EXPECT_EQ(healthz[0], healthz_other[0]);  // one rule, one role
    EXPECT_NE(healthz[1], healthz_other[1]);  // two identities, two bindings
    EXPECT_NE(healthz[2], healthz_other[2]);  // and two files
    EXPECT_NE(core_services[0], apps_services[0]);
    EXPECT_EQ(names("forbidden: User \"system:serviceaccount:ops:probe\" cannot get path \"/healthz\"")[1], healthz[1]);
    // A path of 200 bytes still names an object.
    const std::string long_path = "/" + std::string(199, 'a');
    auto long_names = names(("forbidden: User \"jane\" cannot get path \"" + long_path + "\"").c_str());
    EXPECT_GT(long_names[0].size(), 180u);

    // The older wording's unquoted path (opsnull/follow-me-install-kubernetes-cluster#366), a
    // sentence's full stop left out of it: the Kubernetes API's refusal, and its grant.
    Finding bare = first_finding("forbidden: User \"jane\" cannot get path /healthz/ping.");
    EXPECT_EQ(bare.component, "api-client");
    g = grant(bare);
    ASSERT_NE(g, nullptr);
    docs = YAML::LoadAll(g->manifest);
    ASSERT_EQ(docs.size(), 2u) << g->manifest;
    EXPECT_EQ(docs[0]["rules"][0]["nonResourceURLs"][0].as<std::string>(), "/healthz/ping");

    // Anonymous, or a path that is no path: none.
    EXPECT_EQ(grant(first_finding("forbidden: User \"system:anonymous\" cannot get path \"/metrics\"")), nullptr);
    Finding odd = first_finding("forbidden: User \"jane\" cannot get path \"/x$(reboot)\"");
    EXPECT_EQ(odd.problem, "unauthorized");
    EXPECT_EQ(grant(odd), nullptr);
}

// "Check the image reference" lists an image's tags: it is offered where there is an image (named
// in the message, or a registry's own answer), with the image the daemon named; never for a git
// server's, the API server's or a chart repository's "not found".
// The controller reads the run's ServiceAccount, then each Secret it lists, before it creates the
// pod (tektoncd/pipeline pkg/pod/creds_init.go). Those are the controller's requests to the API
// server, an API client's as its read of an in-cluster Task is, not the entrypoint lookup: no
// registry chain, no "certificate" in the title, and the fix names the object, in the namespace
// the message's "Maybe missing or invalid Task" names.
TEST(FieldReports, TheRunsServiceAccountAndItsSecretsAreNamedAndMadeAgain) {
    // The README of coolboy0961/openshift-pipeline-springboot.
    Finding account = first_finding(
        "failed to create task run pod \"sample-pipeline-run-3-git-clone\": translating TaskSpec to Pod: serviceaccounts "
        "\"pipeline\" not found. Maybe missing or invalid Task jiadchen-dev/git-clone");
    EXPECT_EQ(account.component, "api-client");
    EXPECT_EQ(account.stage, "api-request");
    EXPECT_EQ(account.problem, "not-found");
    EXPECT_EQ(account.service_account, "pipeline");
    EXPECT_EQ(account.title.find("certificate"), std::string::npos) << account.title;
    EXPECT_EQ(account.chain.id, "api-request");
    ASSERT_FALSE(account.fixes.empty());
    EXPECT_EQ(account.fixes[0].id, "create-run-service-account");
    EXPECT_TRUE(a_command_holds(account.fixes[0], "kubectl -n 'jiadchen-dev' create serviceaccount 'pipeline'"));
    EXPECT_TRUE(has(fix_ids(account), "rerun"));

    // konflux-ci/build-definitions#870, as its condition's message.
    Finding secret = first_finding(
        "failed to create task run pod \"devfile-sample-python-basic-ebgn-c6fdw-clamav-scan\": translating TaskSpec to Pod: "
        "secrets \"devfile-sample-python-basic-b1jt\" not found. Maybe missing or invalid Task build-templates-e2e/");
    EXPECT_EQ(secret.component, "api-client");
    EXPECT_EQ(secret.stage, "api-request");
    EXPECT_EQ(secret.missing_secret, "devfile-sample-python-basic-b1jt");
    ASSERT_FALSE(secret.fixes.empty());
    EXPECT_EQ(secret.fixes[0].id, "restore-listed-secret");
    const std::string first = secret.fixes[0].commands.front();
    EXPECT_NE(first.find("--arg secret 'devfile-sample-python-basic-b1jt'"), std::string::npos) << first;
    EXPECT_NE(first.find("kubectl -n 'build-templates-e2e' get serviceaccounts"), std::string::npos) << first;

    // A name read from the message stays one quoted word, as a dump's does (hostile_output_test.sh).
    Finding odd = first_finding(
        "failed to create task run pod \"x\": translating TaskSpec to Pod: serviceaccounts \"a$(reboot)\" not found. "
        "Maybe missing or invalid Task ci/t");
    ASSERT_FALSE(odd.fixes.empty());
    EXPECT_EQ(odd.fixes[0].id, "create-run-service-account");
    EXPECT_TRUE(a_command_holds(odd.fixes[0], "kubectl -n 'ci' create serviceaccount 'a$(reboot)'"));
    // A Secret's name that is no object's name is not written: the placeholder stands for it.
    Finding odd_secret = first_finding(
        "failed to create task run pod \"x\": translating TaskSpec to Pod: secrets \"a;reboot\" not found. "
        "Maybe missing or invalid Task ci/t");
    ASSERT_FALSE(odd_secret.fixes.empty());
    EXPECT_TRUE(a_command_holds(odd_secret.fixes[0], "--arg secret 'SECRET'"));
    EXPECT_FALSE(a_command_holds(odd_secret.fixes[0], "reboot"));

    // The pod-creation wrapper around another failure (opendatahub-io/notebooks#966) is not
    // called a certificate's; the shortened TLS quote's explanation still says why the registry.
    Finding volumes = first_finding(
        "failed to create task run pod \"cuda-jupyter-pytor3dee076fd6d8f33e4cfa9f5444781e92-build-images\": translating "
        "TaskSpec to Pod: multiple volumes with same name \"tekton-internal-secret-volume-imagerepository-for-noteboo-pp9km\": "
        "[18].name. Maybe missing or invalid Task rhoai-ide-konflux-tenant/");
    EXPECT_EQ(volumes.component, "tekton-controller");
    EXPECT_EQ(volumes.title.find("certificate"), std::string::npos) << volumes.title;
    Finding tls = first_finding("failed to create task run pod \"x\": ... x509: certificate signed by unknown authority");
    EXPECT_NE(tls.title.find("failed while creating the run's pod"), std::string::npos) << tls.title;
    EXPECT_NE(tls.explanation.find("most likely that lookup"), std::string::npos) << tls.explanation;
}

// A message that asks one server by an https:// URL names the peer its fixes are about, though no
// rule captured the request; two servers, or a registry's blob storage, name none.
TEST(FieldReports, TheOneServerAMessageAsksIsThePeer) {
    // expressjs/timeout#31: yarn's registry.
    Finding yarn = first_finding(
        "error An unexpected error occurred: \"https://registry.yarnpkg.com/connect-timeout: certificate has expired\".");
    EXPECT_EQ(yarn.problem, "expired");
    EXPECT_EQ(yarn.registry, "registry.yarnpkg.com");
    ASSERT_FALSE(yarn.fixes.empty());
    EXPECT_TRUE(a_command_holds(yarn.fixes[0], "'registry.yarnpkg.com:443'"));
    EXPECT_FALSE(a_command_holds(yarn.fixes[0], "REGISTRY-HOST"));

    // A port other than 443 is kept.
    EXPECT_EQ(first_finding("request to https://npm.corp.example:8443/pkg failed, reason: certificate has expired").registry,
              "npm.corp.example:8443");
    // Two servers: which one failed is not said.
    EXPECT_EQ(first_finding("fetching https://a.example/x then https://b.example/y: certificate has expired").registry, "");
    // A registry's blob storage after a redirect is not the registry whose trust a fix names.
    Finding blob = first_finding(
        "error pulling image configuration: Get https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/"
        "blobs/sha256/e8/e8dd/data: x509: certificate signed by unknown authority");
    EXPECT_NE(blob.registry, "production.cloudflare.docker.com");
}

TEST(FieldReports, TheImageCheckIsForImagesOnly) {
    // dqzboy/Docker-Proxy#8: the daemon names the image.
    Finding daemon = first_finding(
        "Error response from daemon: manifest for localhost:5000/busybox:latest not found: manifest unknown: manifest unknown");
    ASSERT_TRUE(has(fix_ids(daemon), "check-image-reference")) << daemon.pattern;
    for (const auto& fix : daemon.fixes)
        if (fix.id == "check-image-reference") {
            ASSERT_FALSE(fix.commands.empty());
            EXPECT_EQ(fix.commands.front(), "skopeo list-tags docker://'localhost:5000/busybox'");
        }
    // ietf-tools/www#392: the registry's answer alone; the check stays, its image to fill in.
    EXPECT_TRUE(has(fix_ids(first_finding("Error response from daemon: manifest unknown")), "check-image-reference"));
    // goharbor/harbor#14802: the registry's answer under `docker pull`, which names a registry
    // client: the peer is a registry, and the check lists the tags of the image pulled.
    Finding pulled = first_finding(
        "$ docker pull my-harbor/dockerhub/library/alpine:3.2\nError response from daemon: unknown: artifact dockerhub/library/alpine:3.2 not found");
    EXPECT_EQ(pulled.peer(), "registry");
    EXPECT_TRUE(has(fix_ids(pulled), "check-image-reference")) << pulled.pattern;
    // git-clients-2 (GoogleCloudPlatform/appengine-angular-hello-world-python), tektoncd/pipeline#6315,
    // tektoncd/pipeline#4364, timescale/helm-charts#85: no image.
    for (const char* text :
         {"remote: Repository not found.\nfatal: repository \n'https://github.com/GoogleCloudPlatform/appengine-angular-hello-world-python/' \nnot found",
          "failed to get task: error requesting remote resource: error getting \"Git\" \"default/git-d9f145400a6dd620a430f19b39e885ad\": revision error: reference not found",
          "Pipeline /bundle-pipeline can't be Run; it contains Tasks that don't exist: Couldn't retrieve Task \"bundle-task1\": tasks.tekton.dev \"bundle-task1\" not found",
          "Error: looks like \"https://github.com/timescale/timescaledb-kubernetes\" is not a valid chart repository or cannot be reached: failed to fetch https://github.com/timescale/timescaledb-kubernetes/index.yaml : 404 Not Found"}) {
        Report r = explain(text);
        ASSERT_FALSE(r.findings.empty()) << text;
        EXPECT_EQ(r.findings[0].problem, "not-found") << text;
        EXPECT_FALSE(has(fix_ids(r.findings[0]), "check-image-reference")) << text;
    }
}

// Where no request names the server, the name its certificate was checked against does: the
// re-issue's check connects to it instead of a placeholder (moby/moby#38787).
TEST(FieldReports, TheNameTheCertificateWasCheckedAgainstNamesTheServer) {
    Finding f = first_finding("x509: certificate is valid for *.channeladvisor.com, not registry-1.docker.io");
    EXPECT_EQ(f.problem, "hostname-mismatch");
    ASSERT_FALSE(f.fixes.empty());
    // A public registry's name: the server that answered was another (moby/moby#38787 was a
    // wildcard record), so the checks resolve that name and look at who answers for it.
    EXPECT_EQ(f.fixes.front().id, "find-where-the-name-leads");
    const auto& commands = f.fixes.front().commands;
    ASSERT_GE(commands.size(), 2u);
    EXPECT_NE(commands.front().find(" nslookup 'registry-1.docker.io'"), std::string::npos) << commands.front();
    EXPECT_EQ(commands.back().rfind("openssl s_client -connect 'registry-1.docker.io':443 -servername 'registry-1.docker.io' ", 0), 0u)
        << commands.back();
}

// A pasted describe names the node the pod was scheduled to (the scheduler's event, or the
// "Node:" line): the kubelet's checks run there (acryldata/datahub-helm#565). A paste that names
// two nodes names none for all. The verdict line names it.
TEST(FieldReports, APastedDescribeNamesTheNodeForTheNodesChecks) {
    const std::string paste =
        "% kubectl describe pod elasticsearch-master-0\n\n[...]\nMessage\n-------\n"
        "Successfully assigned default/elasticsearch-master-0 to gke-datahub-cluster\n"
        "AttachVolume.Attach succeeded for volume \"pvc-bcf3c548-0669-47c0-affb-9e8a5\n"
        "Failed to pull image \"docker.elastic.co/elasticsearch/elasticsearch:7.17.3\"\n[...]\n"
        "failed to do request: Head \"https://docker.elastic.co/v2/elasticsearch/elasticsearch/manifests/7.17.3\": dial tcp "
        "34.172.121.65:443: i/o timeout";
    Finding f = first_finding(paste);
    EXPECT_EQ(f.component, "kubelet");
    EXPECT_EQ(f.node, "gke-datahub-cluster");
    bool on_node = false;
    for (const auto& fix : f.fixes)
        for (const auto& c : fix.commands)
            if (c.rfind("kubectl debug node/'gke-datahub-cluster' ", 0) == 0) on_node = true;
    EXPECT_TRUE(on_node);
    // The verdict says it too, in text and in Markdown.
    Report r = explain(paste);
    EXPECT_NE(render_text(r, Color::off).find("· problem timeout · registry docker.elastic.co · node gke-datahub-cluster\n"),
              std::string::npos);
    EXPECT_NE(render_markdown(r).find("| Node | `gke-datahub-cluster` |"), std::string::npos);
    const std::string failure = paste.substr(paste.find("Failed to pull"));
    EXPECT_EQ(first_finding("Name: x\nNode:         worker-2/10.0.0.5\nEvents:\n" + failure).node, "worker-2");
    // The Node line and the scheduler's event disagree: no node is named.
    EXPECT_EQ(first_finding("Node:         worker-2/10.0.0.5\n" + paste).node, "");
}

TEST(FieldReports, TheBareMessageGetsANextStepAndTheHelpExampleItsComponent) {
    Report bare = explain("x509: certificate signed by unknown authority");
    ASSERT_FALSE(bare.findings.empty());
    EXPECT_TRUE(has(fix_ids(bare.findings[0]), "identify-the-caller"));
    Report help = explain("failed to create task run pod \"x\": translating TaskSpec to Pod: x509: certificate signed "
                          "by unknown authority");
    ASSERT_FALSE(help.findings.empty());
    EXPECT_EQ(help.findings[0].component, "tekton-controller");
    EXPECT_FALSE(help.findings[0].fixes.empty());
}

// For failures that are no certificate problem the text does not send the user to a trust store,
// and a refused login fails past the ping, where the manifest is fetched.
TEST(FieldReports, NonCertificateFailuresSpeakOfNoTrustStore) {
    const std::string head = "failed to create task run pod \"x\": translating TaskSpec to Pod: ";
    const std::string tail = ". Maybe missing or invalid Task ci/build";
    for (const std::string inner :
         {"GET https://registry.corp/v2/app/manifests/1: UNAUTHORIZED: authentication required",
          "Get \"https://registry.corp/v2/\": http: server gave HTTP response to HTTPS client",
          "Get \"https://registry.corp/v2/\": dial tcp: lookup registry.corp on 10.96.0.10:53: no such host"}) {
        Report r = explain(head + inner + tail);
        ASSERT_FALSE(r.findings.empty()) << inner;
        EXPECT_EQ(r.findings[0].explanation.find("trust store"), std::string::npos) << inner;
    }
    Report unauthorized = explain(head + "GET https://registry.corp/v2/app/manifests/1: UNAUTHORIZED: authentication "
                                         "required" + tail);
    ASSERT_FALSE(unauthorized.findings.empty());
    const auto& frames = unauthorized.findings[0].chain.frames;
    ASSERT_FALSE(frames.empty());
    EXPECT_TRUE(frames.back().failed);
    EXPECT_EQ(frames.back().function.find("pingSingle"), std::string::npos) << frames.back().function;
}

TEST(FieldReports, AnExpiredCertificateSaysHowToTellWhichOne) {
    Report r = explain("Get \"https://registry.corp/v2/\": tls: failed to verify certificate: x509: certificate has "
                       "expired or is not yet valid: current time 2024-06-22T22:03:47Z is after 2024-02-27T04:29:33Z");
    ASSERT_FALSE(r.findings.empty());
    const std::string& e = r.findings[0].explanation;
    EXPECT_NE(e.find("2024-02-27T04:29:33Z"), std::string::npos) << e;
    EXPECT_NE(e.find("-showcerts"), std::string::npos) << e;
}

// microsoft/Snip-Insights#5, quoted in a reply and hard-wrapped inside the quote.
TEST(FieldReports, AQuotedWrappedReplyGivesTheVerdictOfTheMessage) {
    Report r = explain("> Cloning into 'Snip-Insights'...\n> fatal: unable to access "
                       "'https://github.com/Microsoft/Snip-Insights.git/': SSL certificate problem: self\n> signed "
                       "certificate in certificate chain");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].component, "git");
    EXPECT_EQ(r.findings[0].problem, "unknown-authority");
}

// podman-container-tools/skopeo#565: the time-out names no caller; skopeo's own output above it
// does (containers/image's "Getting image source signatures").
TEST(FieldReports, ATimeOutTakesTheCallerTheContextNames) {
    Report r = explain("./skopeo copy --command-timeout=2s  --src-tls-verify=true --src-creds ****:***** "
                       "docker://ubuntu:14.04 dir:/tmp/*****/raw\nGetting image source signatures\nCopying blob "
                       "sha256:*******\n 4.53 MB / 48.98 MB [=====>-----] 1s\nFATA[0002] Error writing blob: context "
                       "deadline exceeded\n");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].component, "step-tool");
    EXPECT_EQ(r.findings[0].problem, "timeout");
}

// egen/concourse-tutorial#270: the first line says what failed; go-containerregistry's "failed to
// ping registry" is a library's words, which name no caller, so the finding is unknown with the
// likeliest caller beside it and the step that finds out first.
TEST(FieldReports, ALibrarysWordsNameNoCallerOnlyTheLikeliest) {
    Report r = explain("failed to ping registry: 2 error(s) occurred:\n\nping https: Get "
                       "\"https://registry-1.docker.io/v2/\": context deadline exceeded (Client.Timeout exceeded while "
                       "awaiting headers) ping http: Get \"http://registry-1.docker.io/v2/\": context deadline exceeded "
                       "(Client.Timeout exceeded while awaiting headers) image check failed\nerrored\n");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.component, "unknown");
    EXPECT_EQ(f.stage, "unknown");
    EXPECT_EQ(f.problem, "timeout");
    EXPECT_EQ(f.confidence, "low");
    EXPECT_EQ(f.likely_component, "step-tool");
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_EQ(f.fixes.front().id, "identify-the-caller");
    for (const auto& fix : f.fixes)
        if (fix.id != "identify-the-caller" && fix.title.rfind("If the caller is", 0) == 0) EXPECT_TRUE(fix.conditional);
    std::string text = render_text(r, Color::off);
    EXPECT_NE(text.find("step-tool (a guess)"), std::string::npos) << text;
}

// A message that no site reads takes the likeliest caller of another line's library words, and
// says that it came from there, not from its own words.
TEST(FieldReports, ALikelyCallerFromAnotherLineSaysWhereItCameFrom) {
    Report r = explain("GET https://r.example/v2/a/manifests/1: UNAUTHORIZED: authentication required\n"
                       "remote error: tls: handshake failure\n");
    ASSERT_EQ(r.findings.size(), 2u);
    const Finding& other = r.findings[1];
    EXPECT_TRUE(other.site_rule.empty());
    EXPECT_EQ(other.likely_component, "step-tool");
    std::string text = render_text(r, Color::off);
    EXPECT_NE(text.find("another message of the text is a library's, most often printed by step-tool"),
              std::string::npos) << text;
    Report own = explain("GET https://r.example/v2/a/manifests/1: UNAUTHORIZED: authentication required");
    text = render_text(own, Color::off);
    EXPECT_NE(text.find("several callers print these words; the likeliest is step-tool (a guess)"), std::string::npos)
        << text;
}

// Maven's level in brackets is part of the message, not a `tkn` step label (step names are lower
// case): the docker-maven-plugin's "[ERROR] DOCKER> " still names it (fabric8io/docker-maven-plugin#369).
TEST(FieldReports, AMavenLevelIsNotAStepLabel) {
    Report r = explain("[ERROR] DOCKER> name unknown: The repository with name 'tomcat' does not exist in the registry "
                       "with id '295240448163' (Internal Server Error: 500)");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].site_rule, "docker-maven-plugin");
    EXPECT_EQ(r.findings[0].problem, "not-found");
    EXPECT_TRUE(r.findings[0].step.empty());
    Report tkn = explain("[build : push] error checking push permissions -- make sure you entered the correct tag name, "
                         "and that you are authenticated correctly, and try again: checking push permission for "
                         "\"r.example/a:1\": Get \"https://r.example/v2/\": x509: certificate signed by unknown authority");
    ASSERT_FALSE(tkn.findings.empty());
    EXPECT_EQ(tkn.findings[0].site_rule, "kaniko");
}

// A registry's answer that names no image in words still names it in the URL: the fix checks
// that image rather than a placeholder.
TEST(FieldReports, TheImageComesFromTheRegistryApiUrlWhenNoWordsNameIt) {
    Finding f = first_finding("GET https://harbor.example.com/v2/library/nginx/manifests/1.25: MANIFEST_UNKNOWN: "
                              "manifest unknown; map[Tag:1.25]");
    EXPECT_EQ(f.image, "harbor.example.com/library/nginx:1.25");
    EXPECT_EQ(f.registry, "harbor.example.com");
    std::string commands;
    for (const auto& fix : f.fixes)
        for (const auto& c : fix.commands) commands += c + "\n";
    EXPECT_NE(commands.find("harbor.example.com/library/nginx"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("IMAGE-REPOSITORY"), std::string::npos) << commands;
}

// A registry's own answer is a look-alike only in that no registry fix applies: its peer is still
// the registry, in text and JSON; an API server's and a git server's are not.
TEST(FieldReports, ARegistrysNotFoundKeepsItsPeerARegistry) {
    Finding f = first_finding("GET https://harbor.example.com/v2/library/nginx/manifests/1.25: MANIFEST_UNKNOWN: "
                              "manifest unknown; map[Tag:1.25]");
    EXPECT_TRUE(f.lookalike);
    EXPECT_EQ(f.peer(), "registry");
    Report r = explain("GET https://harbor.example.com/v2/library/nginx/manifests/1.25: MANIFEST_UNKNOWN: manifest unknown");
    EXPECT_NE(render_text(r, Color::off).find("registry harbor.example.com"), std::string::npos);
    EXPECT_NE(render_json(r).find("\"peer\": \"registry\""), std::string::npos);
    EXPECT_EQ(first_finding("Unable to connect to the server: x509: certificate signed by unknown authority").peer(), "server");
    EXPECT_EQ(first_finding("fatal: unable to access 'https://git.corp/x.git/': SSL certificate problem: unable to get "
                            "local issuer certificate").peer(), "git-server");
}

// A cause's title and prose name the peer the site talks to: a webhook's server and an API server
// are servers, reached by a name, not an image reference (kubernetes/ingress-nginx#5968 shape).
TEST(FieldReports, ALookAlikesTitleAndProseNameTheServer) {
    Finding webhook = first_finding(
        "Internal error occurred: failed calling webhook \"validate.nginx.ingress.kubernetes.io\": Post "
        "\"https://ingress-nginx-controller-admission.ingress-nginx.svc:443/networking/v1/ingresses?timeout=10s\": "
        "x509: certificate is valid for ingress.local, not ingress-nginx-controller-admission.ingress-nginx.svc");
    EXPECT_EQ(webhook.peer(), "server");
    EXPECT_EQ(webhook.title.rfind("The certificate is not valid for the server's name", 0), 0u) << webhook.title;
    EXPECT_NE(webhook.explanation.find("or the server must be reached by a name"), std::string::npos) << webhook.explanation;
    EXPECT_EQ(webhook.explanation.find("image"), std::string::npos) << webhook.explanation;
    Finding registry = first_finding("Get \"https://registry.private/v2/\": x509: certificate is valid for a.example, not registry.private");
    EXPECT_EQ(registry.title.rfind("The certificate is not valid for the registry's name", 0), 0u) << registry.title;
    EXPECT_NE(registry.explanation.find("or the image must be referenced by a name"), std::string::npos);
    Finding api = first_finding("Unable to connect to the server: x509: certificate has expired or is not yet valid");
    EXPECT_EQ(api.title.rfind("The server's certificate has expired", 0), 0u) << api.title;
}

// A failed call to the API server that says nothing about its certificate gets no advice about the
// kubeconfig's CA, and a fix's title names the peer: the network path to the server, not to a
// registry (tektoncd/dashboard#2411, as pasted; kubectl's time-out).
TEST(FieldReports, AnApiServerCallThatIsNoTrustFailureGetsNoCaAdvice) {
    Finding proxy = first_finding(
        "tekton dashboard Error while proxying request: error dialing backend: dial tcp operation was canceled");
    EXPECT_EQ(proxy.component, "api-client");
    EXPECT_EQ(proxy.title, "a client's request to the Kubernetes API server failed");
    for (const auto& fix : proxy.fixes) EXPECT_NE(fix.id, "check-kubeconfig-ca");
    Finding timeout = first_finding("Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout");
    ASSERT_FALSE(timeout.fixes.empty());
    EXPECT_EQ(timeout.fixes.front().id, "check-network-path");
    EXPECT_EQ(timeout.fixes.front().title, "Check the network path to the server");
    for (const auto& c : timeout.fixes.front().commands) EXPECT_EQ(c.find("/v2/"), std::string::npos) << c;
    Finding untrusted = first_finding("Unable to connect to the server: x509: certificate signed by unknown authority");
    ASSERT_FALSE(untrusted.fixes.empty());
    EXPECT_EQ(untrusted.fixes.front().id, "check-kubeconfig-ca");
}

// A pasted command line names a caller but says nothing failed: the failure under it, a webhook's
// here, comes first (aws/karpenter-provider-aws#1409).
TEST(FieldReports, AFailureComesBeforeTheCommandLineAboveIt) {
    Report r = explain("\xE2\x9E\x9C  ~ helm install karpenter ./infra/karpenter --namespace karpenter --create-namespace\n"
                       "Error: INSTALLATION FAILED: failed to create resource: Internal error occurred: failed calling "
                       "webhook \"defaulting.webhook.provisioners.karpenter.sh\": Post "
                       "\"https://karpenter-webhook.karpenter.svc:443/?timeout=10s\": no endpoints available for service "
                       "\"karpenter-webhook\"\n");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].component, "webhook");
    EXPECT_EQ(r.findings[0].problem, "connection-refused");
}

// The kubelet's and the CRI's log shapes name the kubelet; a gRPC status alone does not.
TEST(FieldReports, KubeletLogShapesNameTheKubeletAndAGrpcStatusAloneDoesNot) {
    Report k3s = explain("E1228 16:48:24.779749    2869 pod_workers.go:191] Error syncing pod "
                         "897177e6-03db-4a81-b7b1-177d6d949819 (\"helm-install-traefik-g8tqb_kube-system(897177e6-03db-"
                         "4a81-b7b1-177d6d949819)\"), skipping: failed to \"StartContainer\" for \"helm\" with "
                         "ImagePullBackOff: \"Back-off pulling image \\\"rancher/klipper-helm:v0.3.2\\\"\"");
    ASSERT_FALSE(k3s.findings.empty());
    EXPECT_EQ(k3s.findings[0].component, "kubelet");
    Report argo = explain("rpc error: code = Unknown desc = Manifest generation error (cached): `helm repo add stable "
                          "https://charts.helm.sh/stable` failed exit status 1: Error: looks like "
                          "\"https://charts.helm.sh/stable\" is not a valid chart repository or cannot be reached: Get "
                          "\"https://charts.helm.sh/stable/index.yaml\": x509: certificate signed by unknown authority");
    ASSERT_FALSE(argo.findings.empty());
    EXPECT_NE(argo.findings[0].component, "kubelet");
}

}  // namespace
}  // namespace certdoctor
