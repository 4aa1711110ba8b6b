#include "fix/fix_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "match/vocabulary.h"
#include "fix_assertions.h"
#include "test_engine.h"
#include "util/text.h"

namespace certdoctor {
namespace {

const Catalog& catalog() { return test::shipped_engine().catalog(); }

// A finding as the diagnosis makes it: a site placed it on a stage (none for stage unknown).
Finding finding(const std::string& stage, const std::string& problem) {
    Finding f;
    f.site_rule = stage == "unknown" ? "" : "a-site-at-" + stage;
    f.stage = stage;
    f.problem = problem;
    f.registry = "registry.private:5000";
    f.object = {"TaskRun", "ci", "build-1"};
    return f;
}

std::vector<std::string> ids(const std::vector<FixView>& fixes) {
    std::vector<std::string> out;
    for (const auto& f : fixes) out.push_back(f.id);
    return out;
}

// A fix's only_when names a section the templates set; a misspelt one would keep it from ever
// being planned.
TEST(FixPlan, OnlyWhenNamesATemplateSection) {
    size_t conditional = 0;
    for (const auto& fix : catalog().fixes) {
        if (fix.only_when.empty()) continue;
        ++conditional;
        EXPECT_TRUE(is_template_section(fix.only_when)) << fix.id << ": only_when: " << fix.only_when;
    }
    EXPECT_GE(conditional, 1u);
    EXPECT_FALSE(is_template_section("rbac_user"));  // a string, not a section
    EXPECT_FALSE(is_template_section("no_such_value"));
}

TEST(FixPlan, PlaceholdersAreWordsOfTheirOwnQuotedOrNot) {
    EXPECT_EQ(placeholders_in("kubectl -n 'NAMESPACE' get sa\nnamespace: \"NAMESPACE\""),
              (std::vector<std::string>{"NAMESPACE"}));
    EXPECT_EQ(placeholders_in("skopeo inspect docker://IMAGE --authfile x # REGISTRY-HOST"),
              (std::vector<std::string>{"REGISTRY-HOST", "IMAGE"}));
    // Part of a longer word or name: not a placeholder.
    EXPECT_TRUE(placeholders_in("IMAGE-REPOSITORY-X MY-NAMESPACE NAMESPACES NODE.example KEY_ID $IMAGE_TAG").empty());
    EXPECT_EQ(placeholders_in("IMAGE-REPOSITORY"), (std::vector<std::string>{"IMAGE-REPOSITORY"}));
    // A column header of kubectl's custom-columns is a name kubectl prints, not one to fill in.
    EXPECT_TRUE(placeholders_in("kubectl get secrets -A -o custom-columns=NAMESPACE:.metadata.namespace,SECRET:{.spec.x}")
                    .empty());
    EXPECT_EQ(placeholders_in("-o custom-columns=NAMESPACE:.metadata.namespace\nkubectl -n NAMESPACE get sa"),
              (std::vector<std::string>{"NAMESPACE"}));
    EXPECT_EQ(placeholders_in("REGISTRY-HOST:5000 SECRET:"), (std::vector<std::string>{"REGISTRY-HOST", "SECRET"}));
}

// The fix lists what is left to fill in, and only that: a finding that names its namespace
// leaves no NAMESPACE, one that does not leaves it listed.
TEST(FixPlan, AFixListsThePlaceholdersItStillHolds) {
    Finding named = finding("image-pull", "unauthorized");
    Finding unnamed = named;
    unnamed.object = {};
    auto with = [](const std::vector<FixView>& fixes, const std::string& p) {
        return std::count_if(fixes.begin(), fixes.end(), [&](const FixView& f) {
            return std::find(f.placeholders.begin(), f.placeholders.end(), p) != f.placeholders.end();
        });
    };
    auto named_plan = plan_fixes(named, catalog()), unnamed_plan = plan_fixes(unnamed, catalog());
    ASSERT_FALSE(named_plan.empty());
    EXPECT_EQ(with(named_plan, "NAMESPACE"), 0);
    EXPECT_GE(with(unnamed_plan, "NAMESPACE"), 1);
    for (const auto& fix : unnamed_plan)
        for (const auto& p : fix.placeholders) {
            const std::string text = join(fix.commands, "\n") + "\n" + fix.manifest;
            EXPECT_NE(text.find(p), std::string::npos) << fix.id << ": " << p;
        }
}

TEST(FixPlan, LookupWithUnknownAuthorityAddsTheCaThenSetsTheCommand) {
    auto plan = ids(plan_fixes(finding("entrypoint-lookup", "unknown-authority"), catalog()));
    ASSERT_GE(plan.size(), 2u);
    EXPECT_EQ(plan[0], "add-ca-to-config-registry-cert");
    EXPECT_EQ(plan[1], "set-step-command");
}

TEST(FixPlan, NeverAddsACaForProblemsACaCannotFix) {
    for (auto stage : vocabulary::stages) {
        for (auto problem : vocabulary::problems) {
            if (vocabulary::contains(vocabulary::ca_problems, problem)) continue;
            for (const auto& fix : plan_fixes(finding(std::string(stage), std::string(problem)), catalog())) {
                const FixRule* rule = catalog().fix(fix.id);
                ASSERT_NE(rule, nullptr);
                EXPECT_FALSE(rule->adds_ca) << fix.id << " offered for " << stage << "/" << problem;
            }
        }
    }
}

TEST(FixPlan, ConfigRegistryCertOnlyForTheControllersOwnRequests) {
    for (auto stage : vocabulary::stages) {
        for (auto problem : vocabulary::problems) {
            for (const auto& fix : plan_fixes(finding(std::string(stage), std::string(problem)), catalog())) {
                if (fix.id == "add-ca-to-config-registry-cert" || fix.id == "set-step-command") {
                    EXPECT_TRUE(vocabulary::contains(vocabulary::controller_registry_stages, stage)) << fix.id << " at " << stage;
                }
            }
        }
    }
}

TEST(FixPlan, LookalikesGetNoRegistryFix) {
    for (auto stage : vocabulary::stages) {
        for (auto problem : vocabulary::problems) {
            Finding f = finding(std::string(stage), std::string(problem));
            f.lookalike = true;
            for (const auto& fix : plan_fixes(f, catalog()))
                EXPECT_FALSE(catalog().fix(fix.id)->registry_fix) << fix.id << " offered to a look-alike";
        }
    }
}

TEST(FixPlan, TheCaManifestUsesTheCertKeyAndTheCommandsRestart) {
    auto plan = plan_fixes(finding("entrypoint-lookup", "unknown-authority"), catalog());
    const FixView& add = plan.front();
    EXPECT_NE(add.manifest.find("\ndata:\n  cert: |\n"), std::string::npos) << add.manifest;
    EXPECT_NE(add.description.find("Keep every PEM block already there"), std::string::npos);
    EXPECT_TRUE(test::a_command_holds(add, "rollout restart deployment tekton-pipelines-controller"));
}

TEST(FixPlan, QuotesEveryNameInCommands) {
    Finding f = finding("image-pull", "unknown-authority");
    f.object.namespace_ = "ci;rm -rf /";
    f.object.name = "build-1\nrm -rf ~";
    bool seen = false;
    for (const auto& fix : plan_fixes(f, catalog()))
        for (const auto& c : fix.commands) {
            if (c.find("ci;rm") == std::string::npos) continue;
            seen = true;
            EXPECT_NE(c.find("'ci;rm -rf /'"), std::string::npos) << c;
            EXPECT_EQ(c.find('\n'), std::string::npos) << c;
        }
    EXPECT_TRUE(seen) << "no command names the run's namespace";
}

// A registry is only ever a host[:port]: anything else read from a message stands as the
// placeholder, since manifests put the registry in paths and unquoted YAML.
TEST(FixPlan, ARegistryThatIsNoHostNameIsNeverPrinted) {
    for (std::string registry : {"evil.example;rm -rf /", "reg\n  evil: true", "reg\"x", "$(id).example"}) {
        Finding f = finding("step-run", "unknown-authority");
        f.registry = registry;
        f.tool = "kaniko";
        for (const auto& fix : plan_fixes(f, catalog())) {
            EXPECT_EQ(fix.manifest.find(registry), std::string::npos) << fix.manifest;
            for (const auto& c : fix.commands) EXPECT_EQ(c.find(registry), std::string::npos) << c;
        }
    }
}

TEST(FixPlan, NamesNoCallerOnlyWhenNoSitePlacedIt) {
    auto bare = ids(plan_fixes(finding("unknown", "unknown-authority"), catalog()));
    ASSERT_FALSE(bare.empty());
    EXPECT_EQ(bare.front(), "identify-the-caller");
    for (auto stage : vocabulary::stages) {
        if (stage == "unknown") continue;
        for (const auto& id : ids(plan_fixes(finding(std::string(stage), "unknown-authority"), catalog())))
            EXPECT_NE(id, "identify-the-caller") << stage;
    }
}

// A defect of the certificate itself is mended on the server, whoever asked: no step to find the
// caller. Where the answer depends on the caller (its trust, credentials, clock or network), it
// comes first.
TEST(FixPlan, NamesNoCallerForADefectOfTheCertificateItself) {
    for (auto p : vocabulary::problems) {
        const std::string problem(p);
        auto plan = ids(plan_fixes(finding("unknown", problem), catalog()));
        if (vocabulary::contains(vocabulary::certificate_defects, problem)) {
            for (const auto& id : plan) EXPECT_NE(id, "identify-the-caller") << problem;
        } else {
            ASSERT_FALSE(plan.empty()) << problem;
            EXPECT_EQ(plan.front(), "identify-the-caller") << problem;
        }
    }
}

TEST(FixPlan, SetStepCommandNamesOnlyStepsThatTriggerTheLookup) {
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    f.lookup_steps = {{"build", "registry.private:5000/builder:2", false, false, true}};
    auto plan = plan_fixes(f, catalog());
    const FixView* set = nullptr;
    for (const auto& fix : plan)
        if (fix.id == "set-step-command") set = &fix;
    ASSERT_NE(set, nullptr);
    EXPECT_NE(set->manifest.find("- name: build\n"), std::string::npos) << set->manifest;
    EXPECT_NE(set->manifest.find("image: \"registry.private:5000/builder:2\""), std::string::npos) << set->manifest;
}

// A catalog Task pins its image by tag and digest; skopeo refuses such a reference, so the command
// that reads the ENTRYPOINT names the digest alone, while the manifest keeps the image as written.
TEST(FixPlan, SkopeoReadsAnImagePinnedByTagAndDigestByItsDigest) {
    const std::string digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    f.lookup_steps = {{"clone", "registry.private:5000/tekton/git-init:v0.40.2@" + digest, false, false, true}};
    const FixView* set = nullptr;
    auto plan = plan_fixes(f, catalog());
    for (const auto& fix : plan)
        if (fix.id == "set-step-command") set = &fix;
    ASSERT_NE(set, nullptr);
    EXPECT_NE(set->manifest.find("image: \"registry.private:5000/tekton/git-init:v0.40.2@" + digest + "\""),
              std::string::npos) << set->manifest;
    bool by_digest = false;
    for (const auto& c : set->commands)
        by_digest = by_digest || c.find("skopeo inspect --config docker://'registry.private:5000/tekton/git-init@" +
                                        digest + "'") == 0;
    EXPECT_TRUE(by_digest) << ::testing::PrintToString(set->commands);
}

const FixView* planned(const std::vector<FixView>& plan, const std::string& id) {
    for (const auto& fix : plan)
        if (fix.id == id) return &fix;
    return nullptr;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

// Docker Hub under any of its names: the directories keyed by the registry take docker.io (its
// image references' name) while TLS goes to registry-1.docker.io, and the Docker daemon reads no
// certs.d for it (moby registry/service_v2.go), so it gets the system's roots or SSL_CERT_DIR.
TEST(FixPlan, DockerHubIsKeyedAsDockerIoAndTheDaemonUsesItsRoots) {
    for (const char* name : {"registry-1.docker.io", "docker.io", "index.docker.io"}) {
        Finding node = finding("image-pull", "unknown-authority");
        node.component = "kubelet";
        node.registry = name;
        auto plan = plan_fixes(node, catalog());
        const FixView* nodes = planned(plan, "trust-ca-on-nodes");
        ASSERT_NE(nodes, nullptr) << name;
        const std::string commands = joined(nodes->commands);
        EXPECT_NE(commands.find("/etc/containerd/certs.d/'docker.io'/ca.crt"), std::string::npos) << commands;
        EXPECT_NE(commands.find("'registry-1.docker.io' 'docker.io'"), std::string::npos) << commands;
        EXPECT_NE(commands.find("/etc/containers/certs.d/'docker.io'/ca.crt"), std::string::npos) << commands;
        EXPECT_EQ(commands.find("/etc/docker/certs.d"), std::string::npos) << commands;
        EXPECT_NE(commands.find("update-ca-certificates"), std::string::npos) << commands;
        EXPECT_NE(nodes->manifest.find("\"/host/docker.io/hosts.toml\""), std::string::npos) << nodes->manifest;

        Finding step = finding("step-run", "unknown-authority");
        step.component = "step-tool";
        step.tool = "docker";
        step.registry = name;
        plan = plan_fixes(step, catalog());
        const FixView* tool = planned(plan, "configure-step-tool-ca");
        ASSERT_NE(tool, nullptr) << name;
        EXPECT_NE(tool->manifest.find("value: /etc/registry-ca:/etc/ssl/certs"), std::string::npos) << tool->manifest;
        EXPECT_EQ(tool->manifest.find("certs.d"), std::string::npos) << tool->manifest;
    }
    // Any other registry keeps the daemon's certs.d, under its own name.
    Finding step = finding("step-run", "unknown-authority");
    step.component = "step-tool";
    step.tool = "docker";
    const std::vector<FixView> plan = plan_fixes(step, catalog());
    const FixView* tool = planned(plan, "configure-step-tool-ca");
    ASSERT_NE(tool, nullptr);
    EXPECT_NE(tool->manifest.find("mountPath: /etc/docker/certs.d/registry.private:5000"), std::string::npos)
        << tool->manifest;
    EXPECT_EQ(tool->manifest.find("SSL_CERT_DIR"), std::string::npos) << tool->manifest;
}

// Where a message names no port, the port is the transport's: SSH's 22 for git over SSH (git's
// "git@github.com: ..." names none), the git daemon's 9418 for git://; the network check tests it.
// SSH on a port of its own (ssh://git@host:2222/...) is still SSH: the check opens that port and
// sends no HTTPS request to it.
TEST(FixPlan, ThePortNoMessageNamesIsTheTransports) {
    struct Case { std::string tool, registry, address, prose; };
    for (const auto& c : std::vector<Case>{
             {"ssh", "github.com", "telnet://'github.com:22'", "talks SSH here, on port 22"},
             {"git-daemon", "github.com", "telnet://'github.com:9418'", "on port 9418"},
             {"ssh", "git.example.com:2222", "telnet://'git.example.com:2222'", "talks SSH here, on port 2222"}}) {
        Finding f = finding("git-fetch", "timeout");
        f.component = "git";
        f.tool = c.tool;
        f.registry = c.registry;
        const std::vector<FixView> plan = plan_fixes(f, catalog());
        const FixView* network = planned(plan, "check-network-path");
        ASSERT_NE(network, nullptr) << c.tool << " " << c.registry;
        const std::string commands = joined(network->commands);
        EXPECT_NE(commands.find(c.address), std::string::npos) << commands;
        EXPECT_EQ(commands.find("https://"), std::string::npos) << commands;
        EXPECT_NE(network->description.find(c.prose), std::string::npos) << network->description;
    }
}

// An SSH server on a port other than 22 (ssh://git@host:2222/...): ssh-keyscan asks that port and
// writes its "[host]:port" entry, and Tekton's git-0 annotation takes HOST:PORT for it. On port 22
// neither carries a port.
TEST(FixPlan, AnSshServerOnAnotherPortIsScannedAndAnnotatedWithIt) {
    for (const auto& [address, scan, annotation] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"git.example.com:2222", "ssh-keyscan -p '2222' 'git.example.com' > known_hosts",
              "tekton.dev/git-0='git.example.com:2222'"},
             {"github.com", "ssh-keyscan 'github.com' > known_hosts", "tekton.dev/git-0='github.com'"}}) {
        Finding f = finding("git-fetch", "other");
        f.component = "git";
        f.tool = "ssh";
        f.cause_rule = "ssh-host-key-unverified";
        f.registry = address;
        const std::vector<FixView> plan = plan_fixes(f, catalog());
        const FixView* known_hosts = planned(plan, "add-git-known-hosts");
        ASSERT_NE(known_hosts, nullptr) << address;
        EXPECT_NE(joined(known_hosts->commands).find(scan), std::string::npos) << joined(known_hosts->commands);

        f.problem = "unauthorized";
        f.cause_rule = "registry-credentials-refused";
        const std::vector<FixView> refused = plan_fixes(f, catalog());
        const FixView* credentials = planned(refused, "configure-git-credentials");
        ASSERT_NE(credentials, nullptr) << address;
        const std::string commands = joined(credentials->commands);
        EXPECT_NE(commands.find(scan), std::string::npos) << commands;
        EXPECT_NE(commands.find(annotation), std::string::npos) << commands;
    }
}

// An RBAC refusal of Kubernetes' own identities gets no grant: a node's kubelet is judged by the
// Node authorizer (its certificate's name is what to check), a control-plane component by its
// bootstrap binding. Any other user or ServiceAccount gets the grant, and no such check; an
// identity that does not read as one (no object name after system:node:) is named nowhere.
TEST(FixPlan, KubernetesOwnIdentitiesAreCheckedNotGranted) {
    struct Case { std::string user; bool checked, granted; std::string command; };
    for (const auto& c : std::vector<Case>{
             {"system:node:worker-0", true, false, "kubelet-client-current.pem"},
             {"system:node:", true, false, "kubectl get nodes"},
             {"system:kube-scheduler", true, false, "kubectl auth can-i --list --as='system:kube-scheduler'"},
             {"system:kube-proxy", true, false, "kubectl get clusterrolebinding 'system:node-proxier' -o yaml"},
             {"system:serviceaccount:ci:builder", false, true, "--as='system:serviceaccount:ci:builder'"},
             {"system:node:$(reboot)", false, false, ""}}) {
        Finding f = finding("api-request", "unauthorized");
        f.component = "api-client";
        f.cause_rule = "kubernetes-rbac-forbidden";
        f.refused = {c.user, "list", "pods", "", "ci"};
        const std::vector<FixView> plan = plan_fixes(f, catalog());
        const FixView* check = planned(plan, "check-system-identity");
        EXPECT_EQ(check != nullptr, c.checked) << c.user;
        EXPECT_EQ(planned(plan, "grant-api-permission") != nullptr, c.granted) << c.user;
        std::string all;
        for (const auto& fix : plan) all += fix.title + "\n" + fix.description + "\n" + joined(fix.commands) + "\n";
        if (!c.command.empty()) EXPECT_NE(all.find(c.command), std::string::npos) << c.user << ": " << all;
        EXPECT_EQ(all.find("reboot"), std::string::npos) << all;
    }
}

// Where no site named the caller, the step that tells the callers apart names each caller's CA
// setting only for a problem a CA answers; a refused login is no CA's.
TEST(FixPlan, IdentifyingTheCallerSpeaksOfCasOnlyForACaProblem) {
    for (const auto& [problem, ca] : std::vector<std::pair<std::string, bool>>{
             {"unknown-authority", true}, {"unauthorized", false}, {"timeout", false}}) {
        const std::vector<FixView> plan = plan_fixes(finding("unknown", problem), catalog());
        const FixView* identify = planned(plan, "identify-the-caller");
        ASSERT_NE(identify, nullptr) << problem;
        EXPECT_EQ(identify->description.find("config-registry-cert") != std::string::npos, ca)
            << problem << ": " << identify->description;
    }
}

// Finding the caller of a pasted message, whose run is unknown: the sweep of the failed runs and
// the events of every namespace, commands to run as printed; with the run known, its own record.
TEST(FixPlan, IdentifyingTheCallerOfAPasteNeedsNoPlaceholder) {
    Finding pasted = finding("unknown", "unknown-authority");
    pasted.object = {};
    const std::vector<FixView> plan = plan_fixes(pasted, catalog());
    const FixView* identify = planned(plan, "identify-the-caller");
    ASSERT_NE(identify, nullptr);
    const std::string commands = joined(identify->commands);
    EXPECT_NE(commands.find("kubectl tekton-certdoctor diagnose taskruns -A --since 2h"), std::string::npos) << commands;
    EXPECT_NE(commands.find("kubectl get events -A --field-selector type=Warning"), std::string::npos) << commands;
    for (const char* placeholder : {"NAMESPACE", "RUN-NAME"}) EXPECT_EQ(commands.find(placeholder), std::string::npos) << commands;

    const std::vector<FixView> run_plan = plan_fixes(finding("unknown", "unknown-authority"), catalog());
    const FixView* of_run = planned(run_plan, "identify-the-caller");
    ASSERT_NE(of_run, nullptr);
    const std::string run_commands = joined(of_run->commands);
    EXPECT_NE(run_commands.find("kubectl -n 'ci' get 'taskrun' 'build-1' -o yaml"), std::string::npos) << run_commands;
    EXPECT_NE(run_commands.find("kubectl -n 'ci' get events"), std::string::npos) << run_commands;
    EXPECT_EQ(run_commands.find(" -A"), std::string::npos) << run_commands;
}

// A public registry's name answered by another server's certificate (a wildcard search domain, a
// firewall): the re-issue a private registry's mismatch gets is not the user's to make and would
// change nothing. Where the name leads is the fix, at every stage.
TEST(FixPlan, APublicNameThatLedElsewhereGetsNoReissue) {
    for (auto stage : vocabulary::stages) {
        Finding f = finding(std::string(stage), "hostname-mismatch");
        f.cause_rule = "x509-hostname-mismatch-public-host";
        f.registry = "registry-1.docker.io";
        f.host = "registry-1.docker.io";
        auto plan = ids(plan_fixes(f, catalog()));
        ASSERT_FALSE(plan.empty()) << stage;
        EXPECT_EQ(std::count(plan.begin(), plan.end(), "find-where-the-name-leads"), 1) << stage;
        for (const auto& id : plan) {
            EXPECT_NE(id, "reissue-registry-certificate") << stage;
            EXPECT_NE(id, "reissue-server-certificate") << stage;
        }
        // The same mismatch from a private registry, pulled or asked by a step, keeps its re-issue.
        if (stage != "image-pull" && stage != "step-run" && stage != "unknown") continue;
        f.cause_rule = "x509-hostname-mismatch";
        f.registry = f.host = "registry.private";
        plan = ids(plan_fixes(f, catalog()));
        EXPECT_TRUE(std::count(plan.begin(), plan.end(), "reissue-registry-certificate") +
                    std::count(plan.begin(), plan.end(), "reissue-server-certificate") >= 1) << stage;
    }
}

// An expired certificate whose date is a retired root's (DST Root CA X3, AddTrust): the client's
// CA bundle is out of date. A public service's certificate found expired: the client's clock,
// bundle or proxy first. Neither is the user's certificate to re-issue.
TEST(FixPlan, AnExpiredRetiredRootOrPublicServiceReissuesNothing) {
    for (auto [cause, fix] : {std::pair{"x509-expired-retired-root", "update-client-ca-bundle"},
                              std::pair{"x509-expired-public-host", "check-public-certificate-dates"}}) {
        for (auto stage : {"image-pull", "step-run", "git-fetch", "unknown"}) {
            Finding f = finding(stage, "expired");
            f.cause_rule = cause;
            auto plan = ids(plan_fixes(f, catalog()));
            ASSERT_FALSE(plan.empty()) << stage;
            EXPECT_EQ(std::count(plan.begin(), plan.end(), fix), 1) << cause << " at " << stage;
            for (const auto& id : plan) EXPECT_EQ(id.rfind("reissue-", 0), std::string::npos) << stage << ": " << id;
        }
    }
}

// A client's request to the API server whose certificate is at fault gets a way to mend it (the
// kubelet's when the API server proxied to a kubelet's port), never an empty plan.
TEST(FixPlan, TheApiServersOwnCertificateDefectsEachGetAFix) {
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"expired", "renew-api-server-certificate"},      {"not-yet-valid", "check-clock"},
        {"hostname-mismatch", "reach-api-server-by-its-names"}, {"no-ip-sans", "reach-api-server-by-its-names"},
        {"legacy-common-name", "reach-api-server-by-its-names"}};
    for (const auto& [problem, fix] : expected) {
        Finding f = finding("api-request", problem);
        f.site_rule = "api-server";
        f.component = "api-client";
        f.lookalike = true;
        f.registry = "10.0.0.1:6443";
        auto plan = plan_fixes(f, catalog());
        ASSERT_FALSE(plan.empty()) << problem;
        EXPECT_EQ(plan.front().id, fix) << problem;
        EXPECT_EQ(plan.front().title.find("kubelet"), std::string::npos) << plan.front().title;
        f.registry = "10.142.0.39:10250";
        plan = plan_fixes(f, catalog());
        ASSERT_FALSE(plan.empty()) << problem;
        if (fix != "check-clock") EXPECT_NE(plan.front().title.find("kubelet"), std::string::npos) << plan.front().title;
    }
}

// Public CAs never date a certificate ahead: for a certificate not valid yet, the clock of the
// machine that checked it comes first, wherever the request ran.
TEST(FixPlan, ACertificateNotValidYetChecksTheClockFirst) {
    for (auto stage : vocabulary::stages) {
        auto plan = ids(plan_fixes(finding(std::string(stage), "not-yet-valid"), catalog()));
        ASSERT_FALSE(plan.empty()) << stage;
        EXPECT_EQ(std::count(plan.begin(), plan.end(), "check-clock"), 1) << stage;
    }
}

// A failure on the way to the HTTP proxy (refused, its name unresolved, spoken to in TLS) is the
// proxy setting's: the registry's network path, name or scheme are not in question.
TEST(FixPlan, AFailureOnTheWayToTheProxyChecksTheProxySettingOnly) {
    for (auto [cause, problem, generic] :
         {std::tuple{"proxy-connect-refused", "connection-refused", "check-network-path"},
          std::tuple{"proxy-name-unresolved", "name-resolution", "check-name-resolution"},
          std::tuple{"proxy-spoken-to-in-tls", "http-response-to-https", "fix-registry-scheme"}}) {
        for (auto stage : {"image-pull", "step-run", "entrypoint-lookup"}) {
            Finding f = finding(stage, problem);
            f.cause_rule = cause;
            auto plan = ids(plan_fixes(f, catalog()));
            EXPECT_EQ(std::count(plan.begin(), plan.end(), "check-proxy-settings"), 1) << cause << " at " << stage;
            EXPECT_EQ(std::count(plan.begin(), plan.end(), generic), 0) << cause << " at " << stage;
            // A Docker daemon pulls with its own proxy setting: its variant reads the daemon's.
            f.tool = "docker";
            for (const auto& fix : plan_fixes(f, catalog()))
                if (fix.id == "check-proxy-settings") {
                    ASSERT_FALSE(fix.commands.empty());
                    EXPECT_EQ(fix.commands.front(), "docker info | grep -i proxy");
                }
            f.tool.clear();
            // Without the proxy, the generic fix is the one.
            f.cause_rule.clear();
            plan = ids(plan_fixes(f, catalog()));
            EXPECT_EQ(std::count(plan.begin(), plan.end(), generic), 1) << problem << " at " << stage;
        }
    }
}

// A registry on localhost is on the machine that made the request: for the kubelet the node, for
// a step the pod itself (where a test from another pod would prove nothing).
TEST(FixPlan, ARegistryOnLocalhostIsWhereTheRequestRan) {
    auto network_fix = [](const std::string& stage, const std::string& registry, const std::string& component) {
        Finding f = finding(stage, "connection-refused");
        f.registry = registry;
        f.component = component;
        for (auto& fix : plan_fixes(f, catalog()))
            if (fix.id == "check-network-path") return fix;
        return FixView{};
    };
    FixView node = network_fix("image-pull", "localhost:5000", "kubelet");
    EXPECT_NE(node.description.find("The loopback address is the node itself"), std::string::npos) << node.description;
    FixView pod = network_fix("step-run", "127.0.0.1:5001", "step-tool");
    EXPECT_NE(pod.description.find("The loopback address is the pod itself"), std::string::npos) << pod.description;
    for (const auto& c : pod.commands) EXPECT_EQ(c.find("certdoctor-net-check"), std::string::npos) << c;
    FixView remote = network_fix("step-run", "registry.private:5000", "step-tool");
    EXPECT_EQ(remote.description.find("loopback"), std::string::npos) << remote.description;
    EXPECT_TRUE(test::a_command_holds(remote, "certdoctor-net-check"));
}

// A rate limit is met by authenticating the pulls where they happen: the run's ServiceAccount's
// pull secrets for the kubelet and the controller's lookup (appended, never replacing the list),
// the step's own docker config for a tool in a step.
TEST(FixPlan, ARateLimitAuthenticatesThePullsWhereTheyHappen) {
    auto commands = [](const std::string& stage, const std::string& component) {
        Finding f = finding(stage, "other");
        f.cause_rule = "registry-rate-limited";
        f.component = component;
        for (auto& fix : plan_fixes(f, catalog()))
            if (fix.id == "raise-the-pull-rate-limit") return fix.commands;
        return std::vector<std::string>{};
    };
    for (auto [stage, component] : {std::pair{"image-pull", "kubelet"}, std::pair{"entrypoint-lookup", "tekton-controller"}}) {
        auto c = commands(stage, component);
        bool appended = false;
        for (const auto& line : c) appended = appended || line.find("\"path\":\"/imagePullSecrets/-\"") != std::string::npos;
        EXPECT_TRUE(appended) << component << ": " << ::testing::PrintToString(c);
    }
    auto step = commands("step-run", "step-tool");
    ASSERT_EQ(step.size(), 1u) << ::testing::PrintToString(step);
    EXPECT_NE(step.front().find("create secret generic registry-auth --from-file=config.json=config.json"), std::string::npos);
}

// A connection cut under the client (a reset, an EOF) has problem `other`, and the same path to
// test as a refusal: the network check is planned for that cause too, and for no other `other`.
TEST(FixPlan, AConnectionCutUnderTheClientGetsTheNetworkCheck) {
    Finding cut = finding("step-run", "other");
    cut.cause_rule = "network-transport-broken";
    auto plan = ids(plan_fixes(cut, catalog()));
    EXPECT_EQ(std::count(plan.begin(), plan.end(), "check-network-path"), 1) << ::testing::PrintToString(plan);
    Finding server_error = finding("step-run", "other");
    server_error.cause_rule = "registry-server-error";
    plan = ids(plan_fixes(server_error, catalog()));
    EXPECT_EQ(std::count(plan.begin(), plan.end(), "check-network-path"), 0) << ::testing::PrintToString(plan);
}

// A server error is the server's: its health is checked, its logs read where it is a Service.
TEST(FixPlan, AServerErrorLooksAtTheServersHealth) {
    Finding f = finding("step-run", "other");
    f.cause_rule = "registry-server-error";
    f.registry = "registry.tools.svc:5000";
    const FixView* health = nullptr;
    auto plan = plan_fixes(f, catalog());
    for (const auto& fix : plan)
        if (fix.id == "check-server-health") health = &fix;
    ASSERT_NE(health, nullptr);
    ASSERT_FALSE(health->commands.empty());
    EXPECT_EQ(health->commands.front(), "kubectl -n 'tools' logs service/'registry' --since=1h --tail=200");
}

TEST(FixPlan, PicksTheToolsVariant) {
    Finding f = finding("step-run", "unknown-authority");
    f.tool = "kaniko";
    auto plan = plan_fixes(f, catalog());
    ASSERT_FALSE(plan.empty());
    EXPECT_EQ(plan.front().id, "configure-step-tool-ca");
    EXPECT_NE(plan.front().manifest.find("--registry-certificate=registry.private:5000=/kaniko/registry-ca/ca.crt"),
              std::string::npos);
}

// A variant keyed by the site that placed the finding wins over its tool's: the Go SSH client of
// Argo CD and Flux (tool ssh, as git's own ssh) gets their places for a host key and a private key,
// never the Tekton ssh-auth Secret that git in a step reads.
TEST(FixPlan, PicksTheSitesVariantBeforeTheToolsOne) {
    struct Case {
        std::string message, fix, wanted;
    };
    for (const Case& c : std::vector<Case>{
             // argoproj/argo-cd#7723
             {"rpc error: code = Unknown desc = ssh: handshake failed: knownhosts: key mismatch", "add-git-known-hosts",
              "argocd cert add-ssh --batch --upsert --from known_hosts"},
             // git-bug/git-bug#929
             {"Error: ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no "
              "supported methods remain",
              "configure-git-credentials", "argocd.argoproj.io/secret-type in (repository,repo-creds)"}}) {
        Report r = explain_text(test::shipped_engine(), c.message, "test");
        ASSERT_FALSE(r.findings.empty()) << c.message;
        const Finding& f = r.findings.front();
        EXPECT_EQ(f.site_rule, "go-ssh-client") << c.message;
        EXPECT_EQ(f.tool, "ssh") << c.message;
        const FixView* fix = planned(f.fixes, c.fix);
        ASSERT_NE(fix, nullptr) << c.message;
        const std::string commands = joined(fix->commands);
        EXPECT_NE(commands.find(c.wanted), std::string::npos) << commands;
        EXPECT_NE(commands.find("patch secret flux-system"), std::string::npos) << commands;
        EXPECT_EQ(commands.find("git-ssh"), std::string::npos) << commands;
        EXPECT_EQ(fix->description.find("Tekton writes"), std::string::npos) << fix->description;
        // An unsure finding's fixes name the caller by the site's words for it, not by the transport.
        EXPECT_EQ(fix->conditional, c.fix == "configure-git-credentials") << c.fix;
        if (fix->conditional) {
            // The step that finds the caller looks where those programs report, not only at Tekton.
            const FixView* identify = planned(f.fixes, "identify-the-caller");
            ASSERT_NE(identify, nullptr) << c.message;
            const std::string found = joined(identify->commands);
            EXPECT_NE(found.find("get gitrepositories.source.toolkit.fluxcd.io -A"), std::string::npos) << found;
            EXPECT_NE(found.find("logs deployment/argocd-repo-server"), std::string::npos) << found;
            EXPECT_NE(found.find("diagnose taskruns -A"), std::string::npos) << found;
            EXPECT_TRUE(identify->placeholders.empty()) << found;
            EXPECT_EQ(fix->title.rfind("If the caller is a Go SSH client (Argo CD, Flux): ", 0), 0u) << fix->title;
            EXPECT_NE(fix->condition.find("a Go SSH client (Argo CD, Flux), as the message's wording suggests"),
                      std::string::npos)
                << fix->condition;
        }
    }
    // git's own ssh keeps the tool's text: the ssh-auth Secret of the run (OpenSSH's words, as
    // fluxcd/flux docs/guides/use-private-git-host.md shows them).
    Report r = explain_text(test::shipped_engine(),
                            "No ECDSA host key is known for github.com and you have requested strict checking.\n"
                            "Host key verification failed.\nfatal: Could not read from remote repository.",
                            "test");
    ASSERT_FALSE(r.findings.empty());
    const FixView* fix = planned(r.findings.front().fixes, "add-git-known-hosts");
    ASSERT_NE(fix, nullptr);
    EXPECT_NE(joined(fix->commands).find("patch secret git-ssh"), std::string::npos) << joined(fix->commands);
}

// The fixes whose commands list objects by custom columns: their headers are not left to fill in.
TEST(FixPlan, CustomColumnsHeadersAreNoPlaceholders) {
    struct Case {
        std::string message, fix;
    };
    for (const Case& c : std::vector<Case>{
             // argoproj/argo-cd#7723
             {"rpc error: code = Unknown desc = ssh: handshake failed: knownhosts: key mismatch", "add-git-known-hosts"},
             // kyverno/kyverno#1423 (kube-apiserver calling an admission webhook)
             {"W0101 07:00:25.631227       1 dispatcher.go:169] Failed calling webhook, failing open "
              "mutate.kyverno.svc: failed calling webhook \"mutate.kyverno.svc\": Post "
              "https://kyverno-svc.kyverno.svc:443/mutate?timeout=3s: x509: certificate signed by unknown authority "
              "(possibly because of \"crypto/rsa: verification error\" while trying to verify candidate authority "
              "certificate \"*.kyverno.svc\")",
              "check-webhook-ca-bundle"}}) {
        Report r = explain_text(test::shipped_engine(), c.message, "test");
        ASSERT_FALSE(r.findings.empty()) << c.message;
        const FixView* fix = planned(r.findings.front().fixes, c.fix);
        ASSERT_NE(fix, nullptr) << c.message;
        ASSERT_NE(joined(fix->commands).find("custom-columns=NAME"), std::string::npos) << joined(fix->commands);
        for (const std::string& p : fix->placeholders) {
            const std::string commands = joined(fix->commands);
            EXPECT_NE(commands.find(p), std::string::npos) << c.fix << " lists " << p;
            EXPECT_NE(p, "NAMESPACE") << c.fix;
        }
    }
}

}  // namespace
}  // namespace certdoctor
