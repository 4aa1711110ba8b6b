// The server and the image a finding is about, where no rule captured them: the request the
// client's error wraps, the commands of the pasted text, the address the connection went to. The
// fixes then name them instead of REGISTRY-HOST and IMAGE. Messages are the corpus's, verbatim.
#include <gtest/gtest.h>

#include <algorithm>

#include "diagnose/diagnose.h"
#include "input/normalise.h"
#include "render/render.h"
#include "fix_assertions.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

// The first finding `explain` gives for a pasted text (an empty one, and a failure, when none).
Finding first_finding(const std::string& text) {
    Report r = explain_text(test::shipped_engine(), text, "stdin");
    EXPECT_FALSE(r.findings.empty()) << text;
    return r.findings.empty() ? Finding{} : r.findings[0];
}

// The finding's fix of that id, or null.
const FixView* fix_named(const Finding& f, const std::string& id) {
    for (const auto& fix : f.fixes)
        if (fix.id == id) return &fix;
    return nullptr;
}

using test::a_command_holds;

TEST(PeerOfRequest, GoWrapsTheRequestItsErrorIsAbout) {
    // The quoted URL of Go 1.14 and later (corpus proxies-and-desktops-2).
    EXPECT_EQ(
        peer_of_request(
            "Error response from daemon: Get \"https://registry-1.docker.io/v2/\": net/http: TLS "
            "handshake timeout"),
        "registry-1.docker.io");
    // A port other than 443 stays; no path at all (an API server's discovery).
    EXPECT_EQ(peer_of_request("no response from https://10.149.2.15:6443: Get "
                              "https://10.149.2.15:6443: net/http: request "
                              "canceled while waiting for connection (Client.Timeout exceeded "
                              "while awaiting headers)"),
              "10.149.2.15:6443");
    // The innermost request is the one the error follows.
    EXPECT_EQ(
        peer_of_request(
            "failed to authorize: failed to fetch anonymous token: Get "
            "\"https://auth.docker.io/token?"
            "scope=repository%3Alibrary%2Fredis%3Apull&service=registry.docker.io\": dial tcp "
            "199.96.62.75:443: i/o timeout"),
        "auth.docker.io");
}

// moby/moby#36820: the layer's redirect to Docker Hub's blob storage. The registry's trust settings
// (certs.d, a tool's CA flag) are not keyed by the storage's name; the network path is the
// storage's.
TEST(PeerOfRequest, BlobStorageIsNotTheRegistryForItsTrust) {
    const char* message =
        "docker: error pulling image configuration: Get https://dseasb33srnrn.cloudfront.net/"
        "registry-v2/docker/registry/v2/blobs/sha256/f2/f2a91732366c0332ccd7afd2a5c4ff2b9af81f5493"
        "70f7a19acd460f87686bc7/data?Expires=1523312327: x509: certificate signed by unknown "
        "authority";
    EXPECT_EQ(peer_of_request(message, false), "");
    EXPECT_EQ(peer_of_request(message), "dseasb33srnrn.cloudfront.net");
}

// A short name CRI-O or podman would not complete names no registry: Docker's docker.io is only
// Docker's rule. A name with its registry, or Docker's own words, keep theirs.
TEST(PeerOfRequest, AShortNameLeftUnresolvedNamesNoRegistry) {
    // kvaps/kubectl-node-shell#6 (CRI-O for the kubelet)
    Finding crio = first_finding(
        "Failed to inspect image \"alpine\": rpc error: code = Unknown desc = no registries configured while "
        "trying to pull an unqualified image, add at least one in either /etc/crio/crio.conf or "
        "/etc/containers/registries.conf");
    EXPECT_EQ(crio.cause_rule, "image-short-name-unresolved");
    EXPECT_EQ(crio.component, "kubelet");
    EXPECT_EQ(crio.image, "alpine");
    EXPECT_EQ(crio.registry, "");
    EXPECT_NE(fix_named(crio, "qualify-image-name"), nullptr);
    EXPECT_NE(crio.explanation.find("failed on the node before it sent any request"), std::string::npos)
        << crio.explanation;
    EXPECT_EQ(crio.explanation.find("made the request"), std::string::npos) << crio.explanation;
    // The same short name in Docker's pull goes to docker.io.
    Finding docker = first_finding("Failed to pull image \"alpine\": rpc error: code = Unknown desc = Error response "
                                   "from daemon: Get https://registry-1.docker.io/v2/: net/http: TLS handshake timeout");
    EXPECT_EQ(docker.registry, "docker.io");
    EXPECT_TRUE(image_names_registry("quay.io/team/app:1"));
    EXPECT_TRUE(image_names_registry("localhost/app"));
    EXPECT_FALSE(image_names_registry("team/app"));
    EXPECT_FALSE(image_names_registry("alpine"));
}

TEST(PeerOfRequest, ANameBrokenByAWrappedLineIsNoName) {
    // lncm/pi-factory#133: the ticket broke the host name.
    EXPECT_EQ(peer_of_request("ERROR: error pulling image configuration: Get https://production.cl "
                              "oudflare.docker.com/"
                              "registry-v2/docker/registry/v2/blobs/sha256/e8/e8ddecd9b1649 "
                              "983c39aec154d5a1b348cc83a16aee"
                              "884b976be43267746fa29/data?verify=1548846106-Z9%2F "
                              "Th%2BqawCvk81C1rcJcaTNP%2Bu0%3D: x509: "
                              "certificate has expired or is not yet val id"),
              "");
}

TEST(PeerOfRequest, LookupsCurlAndUrllib3NameTheServer) {
    // kubernetes/kubernetes#27030
    EXPECT_EQ(peer_of_request("Unable to connect to the server: dial tcp: lookup kubernetescluster "
                              "on 127.0.1.1:53: read "
                              "udp 127.0.1.1:53: i/o timeout"),
              "kubernetescluster");
    // docker-archive/docker-registry#1028
    EXPECT_EQ(peer_of_request(
                  "curl: (7) Failed to connect to 192.168.99.100 port 5000: Connection refused"),
              "192.168.99.100:5000");
    // Azure/azure-cli#10142
    EXPECT_EQ(
        peer_of_request(
            "HTTPSConnectionPool(host='susantaacr.azurecr.io', port=443): Max retries exceeded "
            "with "
            "url: /v2/ (Caused by NewConnectionError('<urllib3.connection.VerifiedHTTPSConnection "
            "object at 0x0595E9D0>: Failed to establish a new connection: [WinError 10060] A "
            "connection attempt failed'))"),
        "susantaacr.azurecr.io");
    EXPECT_EQ(peer_of_request("x509: certificate signed by unknown authority"), "");
}

// git over SSH: OpenSSH's own words name the host and the port.
TEST(PeerOfRequest, OpenSshNamesTheHost) {
    // tektoncd/pipeline#2689 (Tekton's git-init), the message as read from its JSON log line
    EXPECT_EQ(
        peer_of_request(
            "Error running git [fetch --recurse-submodules=yes --depth=1 origin --update-head-ok "
            "--force master]: exit status 128 ssh: connect to host github.com port 22: Operation "
            "timed out fatal: Could not read from remote repository."),
        "github.com:22");
    // tektoncd/pipeline#5242, the same way (its start left out)
    EXPECT_EQ(
        peer_of_request(
            "exit status 128 ssh: Could not resolve hostname github.com:xxxx: Try again fatal: "
            "Could not read from remote repository."),
        "github.com");
    // githubschool/on-demand-github-pages#3863: a URL where ssh wanted a host names none.
    EXPECT_EQ(peer_of_request("ssh: Could not resolve hostname https: Name or service not known"),
              "");
}

// X-lab2017/dase-2024-autumn#7: the network check tests the SSH port, not the server's HTTPS.
TEST(PeerFromText, TheSshPortIsThePathToTest) {
    const Finding f = first_finding("ssh: connect to host github.com port 22: Connection refused");
    EXPECT_EQ(f.problem, "connection-refused");
    const FixView* network = fix_named(f, "check-network-path");
    ASSERT_NE(network, nullptr);
    EXPECT_NE(network->description.find("git talks SSH here, on port 22"), std::string::npos)
        << network->description;
    EXPECT_FALSE(a_command_holds(*network, "https://"));
    EXPECT_TRUE(a_command_holds(*network, "telnet://'github.com:22'"));
}

// dangiu/PicoMemcard#44: git over SSH speaks of SSH, its key and its host, never of TLS, HTTPS or a
// basic-auth password.
TEST(PeerFromText, GitOverSshIsToldAsSsh) {
    const Finding f = first_finding(
        "Cloning into 'C:/Users/jd/Documents/Projects/PicoMemcardW/no-OS-FatFS-SD-SPI-RPi-Pico'...\n"
        "git@github.com: Permission denied (publickey).\n"
        "fatal: Could not read from remote repository.\n");
    EXPECT_EQ(f.component, "git");
    EXPECT_EQ(f.tool, "ssh");
    EXPECT_EQ(f.problem, "unauthorized");
    EXPECT_EQ(f.registry, "github.com");
    EXPECT_NE(f.title.find("over SSH"), std::string::npos) << f.title;
    for (const char* word : {"TLS worked", "HTTPS", "libcurl", "certificate is fine"})
        EXPECT_EQ(f.explanation.find(word), std::string::npos) << word << ": " << f.explanation;
    const FixView* credentials = fix_named(f, "configure-git-credentials");
    ASSERT_NE(credentials, nullptr);
    EXPECT_EQ(credentials->description.find("basic-auth"), std::string::npos) << credentials->description;
    EXPECT_TRUE(a_command_holds(*credentials, "--type=kubernetes.io/ssh-auth"));
    EXPECT_TRUE(a_command_holds(*credentials, "tekton.dev/git-0='github.com'"));
}

// tektoncd/pipeline#4280 (Tekton's git-init): a host key the client does not know is no credentials
// problem and no certificate one; its fix is the server's host key, taken for its host.
TEST(PeerFromText, AnUnknownHostKeyGetsTheHostKey) {
    const Finding f = first_finding(
        "{\"level\":\"error\",\"ts\":1633453879.3368287,\"caller\":\"git/git.go:54\",\"msg\":\"Error "
        "running git [fetch --recurse-submodules=yes --depth=1 origin --update-head-ok --force "
        "develop]: exit status 128\\nHost key verification failed.\\r\\nfatal: Could not read from "
        "remote repository.\\n\\nPlease make sure you have the correct access rights\\nand the "
        "repository exists.\\n\"}");
    EXPECT_EQ(f.component, "git");
    EXPECT_EQ(f.problem, "other");
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_EQ(f.fixes[0].id, "add-git-known-hosts");
    EXPECT_EQ(fix_named(f, "configure-git-credentials"), nullptr);
    EXPECT_EQ(f.explanation.find("TLS worked"), std::string::npos) << f.explanation;
}

// ineo6/hosts#29: OpenSSH's reset, problem `other`. SSH judges no certificate, so the prose speaks
// of none.
TEST(PeerFromText, GitOverSshSpeaksOfNoCertificate) {
    const Finding f = first_finding(
        "Connection reset by 140.82.113.3 port 22\nfatal: Could not read from remote repository.\n\n"
        "Please make sure you have the correct access rights\nand the repository exists.");
    EXPECT_EQ(f.site_rule, "git-ssh");
    EXPECT_EQ(f.problem, "other");
    // OpenSSH names the far end; the network check tests it on SSH's port.
    EXPECT_EQ(f.dialled, "140.82.113.3:22");
    const FixView* network = fix_named(f, "check-network-path");
    ASSERT_NE(network, nullptr);
    EXPECT_TRUE(a_command_holds(*network, "telnet://'140.82.113.3:22'"));
    EXPECT_EQ(f.explanation.find("the certificate in this text"), std::string::npos) << f.explanation;
}

// mininet/mininet#721: git:// is git's own protocol on port 9418; its network check tests that port
// and says that the https:// URL is the way out, not the server's HTTPS.
TEST(PeerFromText, GitProtocolTestsPort9418) {
    const Finding f = first_finding(
        "$ git clone git://github.com/mininet/openflow\nCloning into 'openflow'...\nfatal: unable to "
        "connect to github.com:\ngithub.com[0: 192.30.253.113]: errno=Connection refused\n"
        "github.com[1: 192.30.253.112]: errno=Connection refused");
    EXPECT_EQ(f.component, "git");
    EXPECT_EQ(f.tool, "git-daemon");
    EXPECT_EQ(f.problem, "connection-refused");
    EXPECT_EQ(f.explanation.find("libcurl"), std::string::npos) << f.explanation;
    const FixView* network = fix_named(f, "check-network-path");
    ASSERT_NE(network, nullptr);
    EXPECT_NE(network->description.find("https:// URL"), std::string::npos) << network->description;
    EXPECT_FALSE(a_command_holds(*network, "https://"));
    EXPECT_TRUE(a_command_holds(*network, "telnet://'github.com:9418'"));
}

TEST(AddressOfConnection, TheDialAndTheFarEnd) {
    // docker/buildx#298
    EXPECT_EQ(address_of_connection(
                  "failed to solve: rpc error: code = Unknown desc = failed to copy: read tcp "
                  "172.17.0.2:47038->173.194.214.128:443: read: connection reset by peer"),
              "173.194.214.128");
    EXPECT_EQ(
        address_of_connection(
            "Unable to connect to the server: dial tcp 127.0.0.1:6443: connectex: No connection "
            "could be made because the target machine actively refused it"),
        "127.0.0.1:6443");
    EXPECT_EQ(
        address_of_connection("dial tcp: lookup kubernetescluster on 127.0.1.1:53: no such host"),
        "");
}

TEST(ImageNamedByCommands, OneRepositoryUnderSeveralNames) {
    // The command and docker's own line name one repository, the command more precisely.
    EXPECT_EQ(image_named_by_commands(
                  "$ docker push gitlab.organization.com:39140/organization/project-name:v2\n"
                  "The push refers to a repository [gitlab.organization.com:39140/organization/"
                  "project-name]\n9da290505e25: Preparing\n"),
              "gitlab.organization.com:39140/organization/project-name:v2");
    // Docker Hub's short and long names are one repository.
    EXPECT_EQ(image_named_by_commands(
                  "docker push ubuntu:latest\nThe push refers to a repository "
                  "[docker.io/library/ubuntu]\nunauthorized: authentication required"),
              "ubuntu:latest");
    EXPECT_EQ(image_named_by_commands(
                  "C:\\Users\\amitt>docker run -it -p 1880:1880 --name mynodered "
                  "nodered/node-red-docker\nUnable to find image 'nodered/node-red-docker:latest' "
                  "locally"),
              "nodered/node-red-docker:latest");
    // labring/sealos#1708
    EXPECT_EQ(
        image_named_by_commands("crictl pull nginx:alpine\nFATA[0002] pulling image: rpc error"),
        "nginx:alpine");
    EXPECT_EQ(image_named_by_commands(
                  "sudo ctr -n k8s.io images pull --plain-http 10.0.0.5:5000/team/app:v1\n"),
              "10.0.0.5:5000/team/app:v1");
    EXPECT_EQ(
        image_named_by_commands(
            "docker pull --platform linux/arm64 -q ghcr.io/org/tool@sha256:"
            "3f5ef8c8f4b7d7cf9e0bb8f1d1d0a8b3c1a3e7f9d6b5c4a3b2c1d0e9f8a7b6c5\n"),
        "ghcr.io/org/tool@sha256:3f5ef8c8f4b7d7cf9e0bb8f1d1d0a8b3c1a3e7f9d6b5c4a3b2c1d0e9f8a7b6c5");
}

// The lines of docker's Actions runner, docker-compose, podman and kubeadm, from the corpus.
TEST(ImageNamedByCommands, ClientsProgressLines) {
    EXPECT_EQ(
        image_named_by_commands(
            "Pull down action image 'ghcr.io/actionshub/markdownlint:v3.1.0'\n/usr/bin/docker "
            "pull ghcr.io/actionshub/markdownlint:v3.1.0\nError response from daemon: "
            "manifest unknown"),
        "ghcr.io/actionshub/markdownlint:v3.1.0");
    EXPECT_EQ(image_named_by_commands(
                  "/usr/bin/docker --config /home/runner/work/_temp/.docker_408b0888 pull "
                  "ghcr.io/org/app:v1\n"),
              "ghcr.io/org/app:v1");
    EXPECT_EQ(
        image_named_by_commands(
            "Pulling oj-judge (registry.cn-hongkong.aliyuncs.com/oj-image/judge:1.6.1)...\n"
            "Trying to pull repository registry.cn-hongkong.aliyuncs.com/oj-image/judge ... \n"),
        "registry.cn-hongkong.aliyuncs.com/oj-image/judge:1.6.1");
    EXPECT_EQ(
        image_named_by_commands(
            "Trying to pull registry.gitlab.com/lightmeter/controlcenter... manifest unknown: "
            "manifest unknown"),
        "registry.gitlab.com/lightmeter/controlcenter");
    EXPECT_EQ(image_named_by_commands(
                  "[ERROR ImagePull]: failed to pull image registry.cn-hangzhou.aliyuncs.com/"
                  "kainstall/kube-apiserver:v1.25.0: output: E0831 09:51:30.930600 27372"),
              "registry.cn-hangzhou.aliyuncs.com/kainstall/kube-apiserver:v1.25.0");
}

TEST(ImageNamedByCommands, NoneWhereTheTextNamesTwoOrNone) {
    // podman-container-tools/buildah#1227: the local source and the destination differ.
    EXPECT_EQ(image_named_by_commands(
                  "buildah push test docker://registry.local/test:0.1\nGetting image source "
                  "signatures\nunauthorized: authentication required"),
              "");
    EXPECT_EQ(image_named_by_commands(
                  "docker pull alpine:3.19\ndocker pull registry.example.com/team/app:v1\n"),
              "");
    EXPECT_EQ(image_named_by_commands(
                  "Error response from daemon: unauthorized: authentication required"),
              "");
    // Not an image reference: upper case in the path, a placeholder.
    EXPECT_EQ(image_named_by_commands("docker pull <registry>/app\n"), "");
    EXPECT_EQ(image_named_by_commands("docker pull Registry/App\n"), "");
}

// dusty-nv/jetson-containers#186, as pasted: the daemon's answer names neither the registry nor
// the image; the command above it does, and the fixes use them.
TEST(PeerFromText, TheCommandAboveNamesTheImageTheFixesUse) {
    const Finding f = first_finding(
        "sudo docker pull nvcr.io/ea-linux4tegra/l4t-jetpack:r35.1.0\n"
        "Error response from daemon: unauthorized: authentication required");
    EXPECT_EQ(f.problem, "unauthorized");
    EXPECT_EQ(f.image, "nvcr.io/ea-linux4tegra/l4t-jetpack:r35.1.0");
    EXPECT_EQ(f.registry, "nvcr.io");
    ASSERT_FALSE(f.fixes.empty());
    std::string fix = f.fixes[0].description + "\n" + f.fixes[0].manifest;
    for (const auto& c : f.fixes[0].comments) fix += c.text + "\n";
    for (const auto& c : f.fixes[0].commands) fix += c + "\n";
    EXPECT_NE(fix.find("docker login nvcr.io"), std::string::npos) << fix;
    EXPECT_EQ(fix.find("REGISTRY-HOST"), std::string::npos) << fix;
}

// The image of a docker pull is not what a git clone in the same paste failed on.
TEST(PeerFromText, AGitServerTakesNoImage) {
    Report r = explain_text(
        test::shipped_engine(),
        "docker pull alpine:3.19\n"
        "git clone https://git.example.com/team/app.git\n"
        "fatal: unable to access 'https://git.example.com/team/app.git/': SSL certificate problem: "
        "unable to get local issuer certificate",
        "stdin");
    ASSERT_FALSE(r.findings.empty());
    for (const Finding& f : r.findings)
        if (f.component == "git") EXPECT_TRUE(f.image.empty()) << f.image;
}

// A request that names its own server keeps it: the image of another registry is not attached.
TEST(PeerFromText, ARequestToAnotherServerKeepsItsServer) {
    const Finding f = first_finding(
        "docker pull registry.example.com/team/app:v1\n"
        "Error response from daemon: Get \"https://mirror.example.net/v2/\": x509: certificate "
        "signed by unknown authority");
    EXPECT_EQ(f.registry, "mirror.example.net");
    EXPECT_TRUE(f.image.empty()) << f.image;
}

// tektoncd/pipeline#7394, as pasted: buildah in a step; the registry's name led to 127.0.0.1 in
// the pod. The network fix says so, and does not test the path from another pod.
TEST(PeerFromText, ANameThatLedToTheLoopbackAddress) {
    const Finding f = first_finding(
        "2023-11-19T17:56:26.507596481Z STEP 1: FROM hub.ishan.com/lan/nginx:latest\n"
        "2023-11-19T17:56:26.742873851Z error creating build container: Error initializing source "
        "docker://hub.ishan.com/lan/nginx:latest: error pinging docker registry hub.ishan.com: Get "
        "\"https://hub.ishan.com/v2/\": dial tcp 127.0.0.1:443: connect: connection refused");
    EXPECT_EQ(f.problem, "connection-refused");
    EXPECT_EQ(f.dialled, "127.0.0.1");
    const FixView* network = fix_named(f, "check-network-path");
    ASSERT_NE(network, nullptr);
    EXPECT_NE(network->description.find("hub.ishan.com led to 127.0.0.1, a loopback address"),
              std::string::npos)
        << network->description;
    EXPECT_NE(network->description.find("The loopback address is the pod itself here"),
              std::string::npos)
        << network->description;
    EXPECT_FALSE(a_command_holds(*network, "certdoctor-net-check"));
}

// The same message as a finding, with the command above it (docker run hello-world): the image's
// registry, not the storage's name, stands in the CA fix (docker reads certs.d by the registry's).
TEST(PeerFromText, BlobStorageLeavesTheRegistryToTheImage) {
    const Finding f = first_finding(
        "$ docker run hello-world\nUnable to find image 'hello-world:latest' locally\n"
        "latest: Pulling from library/hello-world\nca4f61b1923c: Pulling fs layer\n"
        "docker: error pulling image configuration: Get https://dseasb33srnrn.cloudfront.net/"
        "registry-v2/docker/registry/v2/blobs/sha256/f2/f2a91732366c0332ccd7afd2a5c4ff2b9af81f5493"
        "70f7a19acd460f87686bc7/data?Expires=1523312327: x509: certificate signed by unknown "
        "authority");
    EXPECT_EQ(f.problem, "unknown-authority");
    EXPECT_EQ(f.registry, "docker.io");
    EXPECT_EQ(f.image, "hello-world:latest");
}

// docker-archive-public/docker.kitematic#3378: a time-out on the way to the same storage. The
// network check is of the storage's path, by its name.
TEST(PeerFromText, BlobStorageIsThePathForTheNetwork) {
    const Finding f = first_finding(
        "error pulling image configuration: Get https://dseasb33srnrn.cloudfront.net/registry-v2/"
        "docker/registry/v2/blobs/sha256/a6/a61a91cc0d1bafe6f88612278c24c68ffec215379066bd9efe8199f"
        "c350666e0/"
        "data?Expires=1512223653&Signature=dWuklbZMEvCoHwfw-ql6CU4VjVw3iW7aUeML-j85umLgiEWr"
        "dVhAcGGZgbBsay~sgG5y-pPUHOpgAnWMy1EKS3ljs-l1sV9Lv2y~DrSKxpmg09jt8oyP6tqCRD-jl6nU-"
        "Po8Bhv8PkC"
        "yg~~Hc-EZHGexXA46rTY5TaO9OS5wP3w_&Key-Pair-Id=APKAJECH5M7VWIS5YZ6Q: dial tcp "
        "218.248.255.164:443: i/o timeout");
    EXPECT_EQ(f.problem, "timeout");
    EXPECT_EQ(f.registry, "dseasb33srnrn.cloudfront.net");
    EXPECT_EQ(f.dialled, "218.248.255.164");
}

}  // namespace
}  // namespace certdoctor
