// The component from context: a message that names no caller takes the one the text around it
// names (a command line, the tool's own output), with confidence medium and what named it; when
// the text names several, the finding stays unknown and lists them.
#include <gtest/gtest.h>

#include <algorithm>

#include "render/render.h"
#include "fix_assertions.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

// The report `explain` gives for a pasted text.
Report explained(const std::string& text) { return explain_text(test::shipped_engine(), text, "stdin"); }

// otland/forgottenserver#645, as pasted.
const char* kGitClone =
    "git clone https://github.com/otland/forgottenserver.git\n\nCloning into 'forgottenserver'...\nerror: server "
    "certificate verification failed. CAfile: /etc/ssl/certs/ca-certificates.crt CRLfile: none while accessing "
    "https://github.com/otland/forgottenserver.git/info/refs\nfatal: HTTP request failed";

// kwk/docker-registry-setup#4, as pasted.
const char* kDockerPush =
    "docker push 0.0.0.0:5000/anyuser/busybox\nThe push refers to a repository [0.0.0.0:5000/anyuser/busybox]\n"
    "Get https://0.0.0.0:5000/v1/_ping: x509: cannot validate certificate for 0.0.0.0 because it doesn't contain any "
    "IP SANs";

TEST(ComponentFromContext, ACommandLineNamesTheCaller) {
    Report r = explained(kDockerPush);
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.component, "step-tool");
    EXPECT_EQ(f.tool, "docker");
    EXPECT_EQ(f.problem, "no-ip-sans");
    EXPECT_EQ(f.confidence, "medium");
    EXPECT_NE(f.context.find("docker push"), std::string::npos) << f.context;
}

// The v1 ping names only the Docker v1 protocol's client (site docker-daemon-pull, confidence
// medium); the command line above it names the docker CLI, which then places the finding.
TEST(ComponentFromContext, AKindOfCallerYieldsToTheToolTheTextNames) {
    Report r = explained(kDockerPush);
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].site_rule, "docker-cli");
    EXPECT_EQ(r.findings[0].confidence, "medium");
    Report alone = explained("Get https://0.0.0.0:5000/v1/_ping: x509: cannot validate certificate for 0.0.0.0 "
                             "because it doesn't contain any IP SANs");
    ASSERT_FALSE(alone.findings.empty());
    EXPECT_EQ(alone.findings[0].site_rule, "docker-daemon-pull");
    EXPECT_EQ(alone.findings[0].confidence, "medium");
}

// umati/Sample-Server#1035, as pasted: a missing tag is a look-alike (no registry fix), and the
// command line still says who asked; a kind of caller beside the tool of its component adds nothing.
TEST(ComponentFromContext, ALookAlikeCauseTakesTheCallerTheTextNames) {
    Report r = explained("> docker pull ghcr.io/umati/sample-server:main\nmain: Pulling from umati/sample-server\n"
                         "manifest unknown\n");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.problem, "not-found");
    EXPECT_TRUE(f.lookalike);
    EXPECT_EQ(f.component, "step-tool");
    EXPECT_EQ(f.confidence, "medium");
    for (const auto& fix : f.fixes) EXPECT_NE(fix.id, "configure-step-tool-ca");
}

// A medium site that the message itself matches (a URL's shape) has no surrounding text to quote:
// the report says where the component came from instead of printing an empty quote.
TEST(ComponentFromContext, AMediumSiteSaysItsWordsNamedTheCaller) {
    Report r = explained("Error: Get \"https://api.github.com/repos/o/r/commits/ef22\": x509: certificate signed by "
                         "unknown authority");
    ASSERT_FALSE(r.findings.empty());
    ASSERT_EQ(r.findings[0].confidence, "medium");
    ASSERT_TRUE(r.findings[0].context.empty());
    std::string text = render_text(r, Color::off);
    EXPECT_EQ(text.find("(medium confidence): \n"), std::string::npos) << text;
    EXPECT_NE(text.find("names a kind of caller, not one tool (medium confidence)"), std::string::npos) << text;
}

// rancher-sandbox/rancher-desktop#1509, as pasted (nerdctl compose up): the progress table that
// containerd's clients draw names them; the resolver's log line names no caller.
TEST(ComponentFromContext, ContainerdClientsProgressTableNamesThem) {
    const char* text =
        "INFO[0000] Ensuring image postgres:13.4\n"
        "docker.io/library/postgres:13.4: resolving      |--------------------------------------|\n"
        "elapsed: 9.9 s                   total:   0.0 B (0.0 B/s)\n"
        "INFO[0010] trying next host                              error=\"failed to do request: Head "
        "\\\"https://registry-1.docker.io/v2/library/postgres/manifests/13.4\\\": dial tcp: lookup "
        "registry-1.docker.io on <IP ADDRESS REMOVED>: read udp <IP ADDRESS REMOVED>-><IP ADDRESS REMOVED>: i/o "
        "timeout\" host=registry-1.docker.io\n"
        "ERRO[0010] active check failed                           error=\"context canceled\"";
    Report r = explained(text);
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].component, "step-tool");
    EXPECT_EQ(r.findings[0].site_rule, "containerd-cli");
    EXPECT_EQ(r.findings[0].problem, "name-resolution");
    EXPECT_EQ(r.findings[0].confidence, "medium");
}

TEST(ComponentFromContext, GitsOwnOutputNamesGit) {
    Report r = explained(kGitClone);
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].component, "git");
    EXPECT_EQ(r.findings[0].problem, "unknown-authority");
}

TEST(ComponentFromContext, TheMessageItselfOutranksTheContextAndIsHigh) {
    std::string text = std::string("docker push r.example/app:1\n") +
                       "error checking push permissions -- make sure you entered the correct tag name, and that you "
                       "are authenticated correctly, and try again: checking push permission for \"r.example/app:1\": "
                       "Get \"https://r.example/v2/\": x509: certificate signed by unknown authority";
    Report r = explained(text);
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].tool, "kaniko");
    EXPECT_EQ(r.findings[0].confidence, "high");
}

TEST(ComponentFromContext, SeveralCallersLeaveItUnknownWithTheCandidates) {
    std::string text = "docker push r.example/app:1\ngit clone https://r.example/repo.git\n"
                       "x509: certificate signed by unknown authority";
    Report r = explained(text);
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].component, "unknown");
    EXPECT_EQ(r.findings[0].confidence, "low");
    EXPECT_EQ(r.findings[0].candidates.size(), 2u);
}

// docker push with content trust talks to the registry and then to the Notary server: a bare x509
// error under "Signing and pushing trust metadata" may be either's, so neither's fix is given
// (goharbor/harbor#3153, shortened).
TEST(ComponentFromContext, ContentTrustsLineMakesTheNotaryServerACandidate) {
    Report r = explained("docker push 222.85.96.104/myregistry/docker.io/hello-world:0.1\n"
                         "The push refers to a repository [222.85.96.104/myregistry/docker.io/hello-world]\n"
                         "45761469c965: Pushed\n"
                         "Signing and pushing trust metadata\n"
                         "x509: certificate signed by unknown authority\n");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.component, "unknown");
    EXPECT_EQ(f.candidates, (std::vector<std::string>{"docker-cli", "notary-client"}));
    for (const auto& fix : f.fixes) EXPECT_EQ(fix.id, "identify-the-caller");
}

// containerd's resolver prints the same words for the kubelet's runtime, nerdctl, BuildKit and helm:
// alone they name no caller (cert-manager/cert-manager#7574), under helm's command line they are
// helm's (helm/helm#12449, as pasted).
TEST(ComponentFromContext, ALibrarysWordsNameNoCallerUntilTheTextDoes) {
    Report alone = explained("Error: unexpected status from HEAD request to "
                             "https://quay.io/v2/jetstack/cert-manager/manifests/v1.17.1: 401 Unauthorized");
    ASSERT_FALSE(alone.findings.empty());
    EXPECT_EQ(alone.findings[0].site_rule, "containerd-resolver");
    EXPECT_EQ(alone.findings[0].component, "unknown");
    EXPECT_EQ(alone.findings[0].confidence, "low");
    EXPECT_EQ(alone.findings[0].likely_component, "kubelet");
    EXPECT_EQ(alone.findings[0].problem, "unauthorized");
    Report helm = explained(
        "docker run -it alpine/helm:3.13.0 pull oci://ghcr.io/apollographql/helm-charts/router --version 1.31.0\n"
        "Error: failed to authorize: failed to fetch anonymous token: unexpected status from GET request to "
        "https://ghcr.io/token?scope=repository%3Aapollographql%2Fhelm-charts%2Frouter%3Apull&scope=repository%3Auser%2F"
        "image%3Apull&service=ghcr.io: 403 Forbidden");
    ASSERT_FALSE(helm.findings.empty());
    EXPECT_EQ(helm.findings[0].component, "step-tool");
    EXPECT_EQ(helm.findings[0].confidence, "medium");
    EXPECT_TRUE(helm.findings[0].likely_component.empty());
    EXPECT_FALSE(helm.findings[0].context.empty());
}

// A registry's answer alone names no caller; the tools' own lines around it do: docker-compose
// v1's network line (buildkite/elastic-ci-stack-for-aws#178, as pasted) and crane copy's log
// line (google/go-containerregistry#1404, shortened to its first lines).
TEST(ComponentFromContext, ToolsOwnLinesNameThemBesideARegistrysAnswer) {
    Report compose = explained(
        "Creating network \"daily_default\" with the default driver\nCreating daily-server_1\n"
        "Pulling container_name (container details)...\nERROR: denied: Your Authorization Token has expired. Please "
        "run 'aws ecr get-login' to fetch a new one.");
    ASSERT_FALSE(compose.findings.empty());
    EXPECT_EQ(compose.findings[0].component, "step-tool");
    EXPECT_EQ(compose.findings[0].tool, "docker");
    EXPECT_EQ(compose.findings[0].confidence, "medium");
    EXPECT_EQ(compose.findings[0].problem, "unauthorized");
    Report crane = explained(
        "2022/07/04 08:31:37 Copying from registry.gitlab.com/bbbatscale/bbbatscale/bbbatscale:4.6.0 to "
        "docker.io/bbbatscale/bbbatscale:4.6.0\n"
        "POST https://index.docker.io/v2/bbbatscale/bbbatscale/blobs/uploads/: UNAUTHORIZED: authentication required");
    ASSERT_FALSE(crane.findings.empty());
    EXPECT_EQ(crane.findings[0].component, "step-tool");
    EXPECT_EQ(crane.findings[0].tool, "crane");
    EXPECT_EQ(crane.findings[0].confidence, "medium");
    Report alone = explained("POST https://index.docker.io/v2/bbbatscale/bbbatscale/blobs/uploads/: UNAUTHORIZED: "
                             "authentication required");
    // Alone, a push request names a client that pushes (never the node or Tekton), not which one.
    ASSERT_FALSE(alone.findings.empty());
    EXPECT_EQ(alone.findings[0].site_rule, "image-push");
    EXPECT_EQ(alone.findings[0].component, "step-tool");
    EXPECT_EQ(alone.findings[0].confidence, "medium");
    EXPECT_TRUE(alone.findings[0].tool.empty());
}

// A command line of a program the catalog does not know names a client run by hand, but only as a
// fallback: the docker CLI's own command line names the docker CLI (a gist, as pasted), and a
// client of some other server (NARKOZ/gitlab#116: the gitlab gem's CLI) names nothing.
TEST(ComponentFromContext, AnUnknownProgramsCommandLineIsAFallbackForRegistryClients) {
    Report sinker = explained(
        "$ sinker push\nINFO[0000] Finding images that need to be pushed ...    \nError: push: image exists at remote: get "
        "image: GET https://<account-number>.dkr.ecr.ap-southeast-2.amazonaws.com/v2/coreos/prometheus-operator/manifests/"
        "v0.40.0: NAME_UNKNOWN: The repository with name 'coreos/prometheus-operator' does not exist in the registry with "
        "id '<account-number>'");
    ASSERT_FALSE(sinker.findings.empty());
    EXPECT_EQ(sinker.findings[0].site_rule, "command-line");
    EXPECT_EQ(sinker.findings[0].component, "step-tool");
    EXPECT_EQ(sinker.findings[0].confidence, "medium");
    EXPECT_NE(sinker.findings[0].context.find("$ sinker push"), std::string::npos) << sinker.findings[0].context;
    Report docker = explained(
        "$ sudo docker push repository:5000/acme/progrium-busybox\n2014/07/21 13:32:46 Error: Invalid Registry endpoint: "
        "Get http://repository:5000/v1/_ping: dial tcp <IP address>:5000: connection refused");
    ASSERT_FALSE(docker.findings.empty());
    EXPECT_EQ(docker.findings[0].site_rule, "docker-cli");
    Report gitlab = explained("$ gitlab users\nSSL_connect returned=1 errno=0 state=SSLv3 read server certificate B: "
                              "certificate verify failed");
    ASSERT_FALSE(gitlab.findings.empty());
    EXPECT_EQ(gitlab.findings[0].component, "unknown");
    EXPECT_TRUE(gitlab.findings[0].site_rule.empty());
}

TEST(ComponentFromContext, ABareMessageIsLow) {
    Report r = explained("x509: certificate signed by unknown authority");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].confidence, "low");
    EXPECT_TRUE(r.findings[0].candidates.empty());
}

// kubernetes/minikube#6354, as pasted from `minikube logs`: the Docker daemon's journal on the
// minikube node is the runtime the kubelet pulls through, so its host and unit name the node.
TEST(ComponentFromContext, TheMinikubeNodesRuntimeJournalNamesTheKubelet) {
    std::string text =
        "Jan 20 15:22:21 minikube dockerd[1975]: time=\"2020-01-20T15:22:21.123445321Z\" level=info "
        "msg=\"Attempting next endpoint for pull after error: Get "
        "https://my-registry.foo.bar/v2/my/private/image/manifests/master: denied: access forbidden\"\n"
        "Jan 20 15:22:21 minikube dockerd[1975]: time=\"2020-01-20T15:22:21.123601897Z\" level=error "
        "msg=\"Handler for POST /images/create returned error: Get "
        "https://my-registry.foo.bar/v2/my/private/image/manifests/master: denied: access forbidden\"";
    Report r = explained(text);
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.component, "kubelet");
    EXPECT_EQ(f.problem, "unauthorized");
    EXPECT_EQ(f.confidence, "medium");
    EXPECT_NE(f.context.find("minikube dockerd[1975]"), std::string::npos) << f.context;
}

// The first finding of a pasted text names the caller, the tool and the problem expected.
void expect_first_finding(const std::string& text, const char* component, const char* tool, const char* problem,
                          const char* confidence = nullptr) {
    Report r = explained(text);
    ASSERT_FALSE(r.findings.empty()) << text;
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.component, component) << text;
    EXPECT_EQ(f.tool, tool) << text;
    EXPECT_EQ(f.problem, problem) << text;
    if (confidence) {
        EXPECT_EQ(f.confidence, confidence) << text;
    }
}

// A server's own log (a cause with side: server) names the server, not the client that connected to
// it: the docker pull above it is a candidate, never the finding's caller. The etcd line
// (etcd-io/etcd#13630) is the server refusing a client certificate; the net/http line
// (minio/operator#561) is a client refusing the server's.
TEST(ComponentFromContext, AServersOwnLogDoesNotTakeTheCallerTheTextNames) {
    const char* lines[] = {
        "2022-01-17 21:02:17.4563 I | embed: rejected connection from \"127.0.0.1:12345\" (error \"tls: failed to "
        "verify client's certificate: x509: certificate specifies an incompatible key usage\", ServerName \"\").",
        "2021/03/29 12:24:40 http: TLS handshake error from 10.253.0.1:48266: remote error: tls: bad certificate"};
    const char* problems[] = {"client-certificate-rejected", "other"};
    for (int i = 0; i < 2; ++i) {
        std::string text = std::string("$ docker pull registry.example.com/team/app:1.0\n") + lines[i] + "\n";
        Report r = explained(text);
        ASSERT_FALSE(r.findings.empty()) << lines[i];
        const Finding& f = r.findings[0];
        EXPECT_EQ(f.problem, problems[i]) << lines[i];
        EXPECT_EQ(f.component, "unknown") << lines[i];
        EXPECT_TRUE(f.lookalike) << lines[i];
        EXPECT_EQ(f.candidates, std::vector<std::string>{"docker-cli"}) << lines[i];
    }
}

// A server's own log takes the component of a server the text names as its own: the admission
// server's kubectl logs command or its start-up line (UKHomeOffice/policy-admission#73 and
// networkservicemesh/networkservicemesh#1817, shortened); the same lines under a client's command
// line stay unknown (above).
TEST(ComponentFromContext, AServersOwnLogTakesTheServerTheTextNames) {
    const char* texts[] = {
        "$ kubectl -n kube-admission logs policy-admission-5d98dc5b47-j56p5\n"
        "echo: http: TLS handshake error from 10.244.2.0:50290: remote error: tls: bad certificate\n",
        "time=\"2019-10-29T17:10:38Z\" level=info msg=\"Admission Webhook starting...\"\n"
        "2019/10/29 17:10:40 http: TLS handshake error from 10.244.0.4:49474: remote error: tls: bad certificate\n"};
    for (const char* text : texts) expect_first_finding(text, "webhook", "", "other", "medium");
    // The bare line names no server.
    expect_first_finding("2019/01/24 16:17:26 http: TLS handshake error from 192.168.65.3:44394: remote error: tls: "
                         "bad certificate\n",
                         "unknown", "", "other");
}

// The docker CLI's own output names it: docker-compose v1's progress and error lines
// (NiNiyas/autoscan#2, sophialittlejohn/phoenix#1), a `docker manifest` command line
// (docker/cli#4345) and the legacy builder's "Step 1 : FROM" (docker/hub-feedback#732), as pasted.
TEST(ComponentFromContext, TheDockerClientsOwnLinesNameIt) {
    const char* texts[] = {
        "ERROR: for autoscan  Head \"https://ghcr.io/v2/niniyas/autoscan/manifests/beta_amd64\": unauthorized\n"
        "ERROR: Head \"https://ghcr.io/v2/niniyas/autoscan/manifests/beta_amd64\": unauthorized\n",
        "Pulling app (registry.gitlab.propulsion-home.ch/full-stack/batch-2018-03/group-projects/phoenix:master)...\n"
        "ERROR: Get https://registry.gitlab.propulsion-home.ch/v2/full-stack/batch-2018-03/group-projects/phoenix/"
        "manifests/master: denied: access forbidden\n",
        "~ docker manifest inspect --verbose registry/docker/image:tag\nGet \"https://registry/v2/docker/image/manifests/"
        "tag\": denied: Write permission required to access 'docker' repository\n",
        "Step 1 : FROM jboss/keycloak:2.0.0.Final\n\nGet https://registry-1.docker.io/v2/jboss/keycloak/manifests/"
        "2.0.0.Final: unauthorized: incorrect username or password\n"};
    for (const char* text : texts) expect_first_finding(text, "step-tool", "docker", "unauthorized", "medium");
}

// helm's commands name it whether it is installed as helm or helm3, `helm show` included
// (deliveryhero/helm-charts#773, as pasted).
TEST(ComponentFromContext, HelmShowNamesHelm) {
    const char* text =
        "helm show chart oci://ghcr.io/deliveryhero/helm-charts/node-local-dns\nError: GET \"https://ghcr.io/v2/"
        "deliveryhero/helm-charts/node-local-dns/tags/list\": GET \"https://ghcr.io/token?scope=repository%3A"
        "deliveryhero%2Fhelm-charts%2Fnode-local-dns%3Apull&service=ghcr.io\": unexpected status code 403: denied: "
        "denied\n";
    expect_first_finding(text, "step-tool", "helm", "unauthorized");
}

// docker push's progress lines name the docker client (docker/hub-feedback#1761, as pasted).
TEST(ComponentFromContext, DockerPushProgressNamesTheDockerClient) {
    const char* text =
        "478d5c9246ad: Layer already exists\nd46f9f76f72f: Retrying in 5 seconds\n0ef7813a3715: Pushed\n"
        "received unexpected HTTP status: 500 Internal Server Error\n";
    expect_first_finding(text, "step-tool", "docker", "other");
}

// curl and wget talk to any HTTPS server: without a registry's API in the text, the server is not
// a registry, and the finding is a look-alike with the client's fix, not a registry's
// (ContainerSolutions/minimesos#440 and jcrodriguez-dis/vpl-jail-system#70, as pasted); with a
// /v2/ request in the text, it is a registry's.
TEST(ComponentFromContext, AGeneralClientTalksToARegistryOnlyWhenTheTextShowsOne) {
    auto fix_ids = [](const Finding& f) {
        std::vector<std::string> ids;
        for (const auto& fx : f.fixes) ids.push_back(fx.id);
        return ids;
    };
    const char* web[] = {
        "~ $ curl -sSL https://minimesos.org/install | sh\ncurl: (60) SSL certificate problem: Invalid certificate chain\n",
        "$ wget https://vpl.dis.ulpgc.es/releases/vpl-jail-system-3.0.1.tar.gz\nERROR: cannot verify vpl.dis.ulpgc.es's "
        "certificate, issued by \u2018CN=Sectigo RSA Extended Validation Secure Server CA,O=Sectigo Limited,L=Salford,"
        "ST=Greater Manchester,C=GB\u2019:\n  Unable to locally verify the issuer's authority.\n"};
    for (const char* text : web) {
        Report r = explained(text);
        ASSERT_FALSE(r.findings.empty()) << text;
        const Finding& f = r.findings[0];
        EXPECT_EQ(f.component, "step-tool") << text;
        EXPECT_TRUE(f.lookalike) << text;
        EXPECT_EQ(f.chain.id, "other-service") << text;
        auto ids = fix_ids(f);
        EXPECT_NE(std::find(ids.begin(), ids.end(), "give-client-the-server-ca"), ids.end()) << text;
        EXPECT_EQ(std::find(ids.begin(), ids.end(), "configure-step-tool-ca"), ids.end()) << text;
    }
    Report r = explained("$ curl -v https://registry.example.com:5000/v2/\ncurl: (60) SSL certificate problem: "
                         "unable to get local issuer certificate\n");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_FALSE(r.findings[0].lookalike);
    auto ids = fix_ids(r.findings[0]);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "configure-step-tool-ca"), ids.end());
    EXPECT_EQ(std::find(ids.begin(), ids.end(), "give-client-the-server-ca"), ids.end());
}

// The same client's certificate defect at a web server is the server's to fix: the registry's
// re-issue is not offered, its stand-in for any server is (curl's and wget's own words, as in the
// catalog's examples). A pasted client message belongs to no run, so no re-run of RUN-NAME.
TEST(ComponentFromContext, AGeneralClientsCertificateDefectAtAWebServerIsTheServersToFix) {
    const char* texts[] = {"curl: (60) SSL certificate problem: certificate has expired",
                           "curl: (60) SSL: no alternative certificate subject name matches target host name 'example.com'"};
    for (const char* text : texts) {
        Report r = explained(text);
        ASSERT_FALSE(r.findings.empty()) << text;
        const Finding& f = r.findings[0];
        EXPECT_TRUE(f.lookalike) << text;
        std::vector<std::string> ids;
        for (const auto& fx : f.fixes) ids.push_back(fx.id);
        EXPECT_NE(std::find(ids.begin(), ids.end(), "reissue-server-certificate"), ids.end()) << text;
        EXPECT_EQ(std::find(ids.begin(), ids.end(), "reissue-registry-certificate"), ids.end()) << text;
        EXPECT_EQ(std::find(ids.begin(), ids.end(), "rerun"), ids.end()) << text;
        // No host in the text: the placeholder names a server, not a registry.
        for (const auto& fx : f.fixes)
            for (const auto& c : fx.commands) EXPECT_EQ(c.find("REGISTRY-HOST"), std::string::npos) << c;
    }
}

// Two sites of one component named by the text around a bare registry answer (skopeo's command
// line and the containers/image library's progress lines, containers/skopeo#651): the kind of
// caller is known, and the surer, more specific site speaks for it.
TEST(ComponentFromContext, SitesOfOneComponentNamedTogetherGiveThatComponent) {
    expect_first_finding("# skopeo copy --dest-tls-verify=false dir:/tmp/foo docker://localhost:5000/foo\n"
                         "Getting image source signatures\n"
                         "Copying blob 4fe2ade4980c done\n"
                         "Writing manifest to image destination\n"
                         "FATA[0000] Error writing manifest: Error uploading manifest latest to localhost:5000/foo: "
                         "received unexpected HTTP status: 500 Internal Server Error \n",
                         "step-tool", "skopeo", "other", "medium");
}

// A refusal that names no caller (standalone: false) is still the problem of a pasted text in
// which nothing else is recognised (jfrog/jfrog-cli#53); beside a recognised failure it adds
// nothing, as in a log where such lines are noise.
TEST(ComponentFromContext, ALoneRefusalStillNamesTheProblem) {
    expect_first_finding("[Error] [Thread 2] Artifactory response: 403 Forbidden\n", "unknown", "", "unauthorized", "low");
    Report beside = explained("[Error] [Thread 2] Artifactory response: 403 Forbidden\n"
                              "Get \"https://registry.example.com/v2/\": x509: certificate signed by unknown authority\n");
    ASSERT_EQ(beside.findings.size(), 1u);
    EXPECT_EQ(beside.findings[0].problem, "unknown-authority");
}

// A server's own log names the client that connected: the first step is to find that client, and
// no step that guesses among Tekton's components (identify-the-caller) or a registry's fix comes.
TEST(ComponentFromContext, AServersLogLeadsToTheClientItNames) {
    Report r = explained("2021/03/29 12:24:40 http: TLS handshake error from 10.253.0.1:48266: remote error: tls: "
                         "bad certificate");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_TRUE(f.server_log);
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_EQ(f.fixes[0].id, "find-the-client-a-server-logged");
    EXPECT_TRUE(test::a_command_holds(f.fixes[0], "status.podIP='10.253.0.1'"));
    for (const auto& fx : f.fixes) EXPECT_NE(fx.id, "identify-the-caller");
}

// openshift-labs/learn-katacoda#435, as pasted: `oc login` talks to the API server and fails by
// itself, so its command line names the caller of the bare x509 text below it: a client of the
// API server, a look-alike that gets no registry fix.
TEST(ComponentFromContext, AnApiClientsCommandLineNamesTheApiServer) {
    Report r = explained("$ oc login -u developer -p developer\nerror: x509: certificate signed by unknown authority");
    ASSERT_FALSE(r.findings.empty());
    const Finding& f = r.findings[0];
    EXPECT_EQ(f.component, "api-client");
    EXPECT_EQ(f.confidence, "medium");
    EXPECT_TRUE(f.lookalike);
    EXPECT_NE(f.context.find("oc login"), std::string::npos) << f.context;
    for (const auto& fx : f.fixes) EXPECT_NE(fx.id, "add-ca-to-config-registry-cert");
}

// A request to a registry's /v2/ under an API client's command line is not that client's: no client
// of the API server makes one. kyverno/kyverno#3984, as pasted, is such a text (its webhook's own
// image check under `k run`); `run` names no caller at all, so a command line that does is tried too.
TEST(ComponentFromContext, AnApiClientsCommandLineDoesNotTakeARegistryRequest) {
    Report applied = explained("$ kubectl apply -f pod.yaml\nerror: Get \"https://registry.private/v2/\": x509: "
                               "certificate signed by unknown authority");
    ASSERT_FALSE(applied.findings.empty());
    EXPECT_EQ(applied.findings[0].component, "unknown");
    EXPECT_EQ(applied.findings[0].problem, "unknown-authority");
    Report plain = explained("$ kubectl apply -f pod.yaml\nerror: x509: certificate signed by unknown authority");
    ASSERT_FALSE(plain.findings.empty());
    EXPECT_EQ(plain.findings[0].component, "api-client");
    Report r = explained(
        "$ k run alpine --image harbor2.zoller.com/cosign/alpine:latest -- sleep 9999\nError from server: admission "
        "webhook \"mutate.kyverno.svc-fail\" denied the request: \n\nresource Pod/default/alpine was blocked due to "
        "the following policies\n\ncheck-image:\n  check-image: 'failed to update digest: failed to fetch image "
        "reference: harbor2.zoller.com/cosign/alpine:latest,\n    error: Get \"https://harbor2.zoller.com/v2/\": x509: "
        "certificate is valid for *.realnames.com,\n    realnames.com, not harbor2.zoller.com'");
    bool mismatch = false;
    for (const auto& f : r.findings) {
        EXPECT_NE(f.component, "api-client") << f.pattern;
        mismatch = mismatch || f.problem == "hostname-mismatch";
    }
    EXPECT_TRUE(mismatch);
}

// A CI's time stamps before each line (Jenkins' timestamper in milvus-io/milvus#6688) do not hide
// what the line starts with: compose's "ERROR: for SERVICE" still names the docker CLI.
TEST(ComponentFromContext, ALinesTimeStampDoesNotHideWhatItStartsWith) {
    Report r = explained("[2021-07-20T09:00:34.911Z] Pulling builder ... \n"
                         "[2021-07-20T09:00:38.189Z] Pulling builder ... error\n"
                         "[2021-07-20T09:00:38.189Z] \n"
                         "[2021-07-20T09:00:38.189Z] ERROR: for builder  Get https://dockerhub-mirror-sh.zilliz.cc/v2/: "
                         "dial tcp 192.168.1.200:443: connect: no route to host\n");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings[0].component, "step-tool");
    EXPECT_EQ(r.findings[0].confidence, "medium");
    EXPECT_EQ(r.findings[0].problem, "connection-refused");
}

// A log stream that prefixes each line with "namespace/pod[container]: " names a step when the
// container is one (projectriff/riff#1249); helm's ChartMuseum plugin's command line names helm.
TEST(ComponentFromContext, AStepsContainerAndAHelmPluginsCommandNameTheirCaller) {
    Report riff = explained("default/hello-java-z77mz-pod-577625[build-step-export]: writing image\n"
                            "default/hello-java-z77mz-pod-577625[build-step-export]: Error: failed to : DENIED: Token "
                            "exchange failed for project 'cf-sandbox-trisberg'. Caller does not have permission "
                            "'storage.buckets.get'.\n");
    ASSERT_FALSE(riff.findings.empty());
    EXPECT_EQ(riff.findings[0].component, "step-tool");
    EXPECT_EQ(riff.findings[0].confidence, "medium");
    Report other = explained("default/hello-pod[istio-proxy]: Error: failed to : DENIED: Token exchange failed\n");
    ASSERT_FALSE(other.findings.empty());
    EXPECT_EQ(other.findings[0].component, "unknown");
    Report helm = explained("helm cm-push . robobeerun\nPushing certs-1.0.3.tgz to robobeerun...\n"
                            "Error: 401: could not properly parse response JSON: "
                            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"UnAuthorized\"}]}\n");
    ASSERT_FALSE(helm.findings.empty());
    EXPECT_EQ(helm.findings[0].component, "step-tool");
    EXPECT_EQ(helm.findings[0].tool, "helm");
}

}  // namespace
}  // namespace certdoctor
