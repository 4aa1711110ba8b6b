// The fixes built from evidence, one decision per test, on hand-built findings: which
// ServiceAccount is patched and how, the SANs of a re-issue, the steps' commands, the kaniko
// flag, the re-runs, the complete CA bundle and ConfigMap.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "fix/artefacts.h"
#include "fix/fix_plan.h"
#include "match/vocabulary.h"
#include "test_certificates.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

const Catalog& catalog() {
    return test::shipped_engine().catalog();
}

Finding finding(const std::string& stage, const std::string& problem) {
    Finding f;
    f.site_rule = "a-site-at-" + stage;
    f.cause_rule = "a-cause";
    f.stage = stage;
    f.problem = problem;
    f.registry = "registry.private:5000";
    f.object = {"TaskRun", "ci", "build-1"};
    return f;
}

const FixView* fix(const std::vector<FixView>& plan, const std::string& id) {
    for (const auto& f : plan)
        if (f.id == id) return &f;
    return nullptr;
}

// The fix `id` of the plan for `f`, kept alive until the next call.
const FixView* planned(const Finding& f, const std::string& id) {
    static std::vector<FixView> plan;
    plan = plan_fixes(f, catalog());
    return fix(plan, id);
}

std::string all_commands(const FixView& v) {
    std::string out;
    for (const auto& c : v.commands) out += c + "\n";
    return out;
}

StepSpec step(const std::string& name, const std::string& image, int index, bool has_args = false) {
    StepSpec s;
    s.name = name;
    s.image = image;
    s.index = index;
    s.has_args = has_args;
    return s;
}

TEST(PullCredentials, PatchesTheServiceAccountTheRunNamesAndKeepsItsSecrets) {
    Finding f = finding("entrypoint-lookup", "unauthorized");
    f.service_account = "deployer";
    const FixView* creds = planned(f, "configure-pull-credentials");
    ASSERT_NE(creds, nullptr);
    std::string commands = all_commands(*creds);
    EXPECT_NE(commands.find("patch serviceaccount 'deployer' --type json"), std::string::npos)
        << commands;
    EXPECT_NE(commands.find(R"("op":"add","path":"/imagePullSecrets/-")"), std::string::npos)
        << commands;
    EXPECT_EQ(commands.find("serviceaccount 'default'"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("--type merge"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("--type strategic"), std::string::npos) << commands;
}

TEST(PullCredentials, UsesDefaultOnlyWhenTheRunNamesNone) {
    const FixView* creds =
        planned(finding("image-pull", "unauthorized"), "configure-pull-credentials");
    ASSERT_NE(creds, nullptr);
    EXPECT_NE(all_commands(*creds).find("patch serviceaccount 'default'"), std::string::npos);
    EXPECT_NE(creds->description.find("the run names none"), std::string::npos)
        << creds->description;
}

TEST(Reissue, AnIpRegistryGetsAnIpSanAndNoServerName) {
    Finding f = finding("entrypoint-lookup", "no-ip-sans");
    f.registry = "10.20.30.40:5000";
    f.host = "10.20.30.40";
    const FixView* re = planned(f, "reissue-registry-certificate");
    ASSERT_NE(re, nullptr);
    std::string commands = all_commands(*re);
    EXPECT_NE(commands.find("subjectAltName='IP:10.20.30.40'"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("DNS:10.20.30.40"), std::string::npos) << commands;
    EXPECT_NE(commands.find("-noservername"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("-servername"), std::string::npos) << commands;
}

TEST(Reissue, AHostNameGetsADnsSan) {
    Finding f = finding("image-pull", "hostname-mismatch");
    f.host = "registry.private";
    const FixView* re = planned(f, "reissue-registry-certificate");
    ASSERT_NE(re, nullptr);
    EXPECT_NE(all_commands(*re).find("subjectAltName='DNS:registry.private'"), std::string::npos)
        << all_commands(*re);
    EXPECT_NE(all_commands(*re).find("-servername 'registry.private'"), std::string::npos);
}

TEST(SetStepCommand, AddsNoArgsToAStepThatHasThem) {
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    f.lookup_steps = {step("build", "registry.private:5000/builder:2", 0, true)};
    const FixView* set = planned(f, "set-step-command");
    ASSERT_NE(set, nullptr);
    EXPECT_EQ(set->manifest.find("args: ["), std::string::npos) << set->manifest;
    f.lookup_steps[0].has_args = false;
    set = planned(f, "set-step-command");
    EXPECT_NE(set->manifest.find("args: ["), std::string::npos) << set->manifest;
}

ImageView probed_image(std::vector<std::string> entrypoint, std::vector<std::string> cmd) {
    ImageView image;
    image.read = true;
    ImagePlatform p;
    p.os = "linux";
    p.architecture = "amd64";
    p.entrypoint = std::move(entrypoint);
    p.cmd = std::move(cmd);
    image.platforms.push_back(p);
    return image;
}

TEST(SetStepCommand, TakesTheProbedEntrypointAndCmdAsATaskPatchWithTests) {
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    f.steps = {step("clone", "alpine/git", 0), step("build", "registry.private:5000/builder:2", 1)};
    f.lookup_steps = {f.steps[1]};
    f.steps_source = {"Task", "build-task", ""};
    f.step_images = {
        {"registry.private:5000/builder:2", probed_image({"/usr/bin/builder"}, {"--serve", "x"})}};
    const FixView* set = planned(f, "set-step-command");
    ASSERT_NE(set, nullptr);
    EXPECT_EQ(set->manifest.find("<ENTRYPOINT"), std::string::npos) << set->manifest;
    EXPECT_NE(set->manifest.find(R"(command: ["/usr/bin/builder"])"), std::string::npos)
        << set->manifest;
    EXPECT_NE(set->manifest.find(R"(args: ["--serve","x"])"), std::string::npos) << set->manifest;
    std::string commands = all_commands(*set);
    EXPECT_NE(commands.find("patch task 'build-task' --type json -p"), std::string::npos)
        << commands;
    EXPECT_NE(commands.find(R"({"op":"test","path":"/spec/steps/1/name","value":"build"})"),
              std::string::npos)
        << commands;
    EXPECT_NE(commands.find(
                  R"({"op":"add","path":"/spec/steps/1/command","value":["/usr/bin/builder"]})"),
              std::string::npos);
    // A step with its own args keeps them.
    f.lookup_steps[0].has_args = true;
    set = planned(f, "set-step-command");
    EXPECT_EQ(all_commands(*set).find("/args"), std::string::npos) << all_commands(*set);
}

TEST(SetStepCommand, AStepActionIsPatchedInsteadOfTheStep) {
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    StepSpec s = step("build", "registry.private:5000/builder:2", 0);
    s.ref = "builder-action";
    f.steps = {s};
    f.lookup_steps = {s};
    f.steps_source = {"Task", "build-task", ""};
    f.step_images = {{"registry.private:5000/builder:2", probed_image({"/builder"}, {})}};
    const FixView* set = planned(f, "set-step-command");
    ASSERT_NE(set, nullptr);
    std::string commands = all_commands(*set);
    EXPECT_NE(commands.find("patch stepaction 'builder-action'"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("patch task"), std::string::npos) << commands;
    EXPECT_NE(set->description.find("command cannot be used with Ref"), std::string::npos);
}

TEST(KanikoCa, UsesTheRealStepAndAppendsToItsArgs) {
    Finding f = finding("step-run", "unknown-authority");
    f.tool = "kaniko";
    f.step = "image-build";
    f.steps = {step("prepare", "alpine", 0),
               step("image-build", "gcr.io/kaniko-project/executor", 1, true)};
    f.steps_source = {"Task", "kaniko", ""};
    const FixView* ca = planned(f, "configure-step-tool-ca");
    ASSERT_NE(ca, nullptr);
    EXPECT_EQ(ca->manifest.find("build-and-push"), std::string::npos) << ca->manifest;
    EXPECT_NE(ca->manifest.find("- name: image-build"), std::string::npos) << ca->manifest;
    std::string commands = all_commands(*ca);
    EXPECT_NE(
        commands.find(
            R"({"op":"add","path":"/spec/steps/1/args/-","value":"--registry-certificate=registry.private:5000=/kaniko/registry-ca/ca.crt"})"),
        std::string::npos)
        << commands;
    EXPECT_NE(commands.find(R"({"op":"test","path":"/spec/steps/1/name","value":"image-build"})"),
              std::string::npos);
}

TEST(Rerun, NotWhileTheRunIsStillRunning) {
    Finding f = finding("image-pull", "unknown-authority");
    f.running = true;
    EXPECT_EQ(planned(f, "rerun"), nullptr);
    f.running = false;
    EXPECT_NE(planned(f, "rerun"), nullptr);
}

TEST(Rerun, AdvisedForStepToolFindings) {
    Finding f = finding("step-run", "unknown-authority");
    f.tool = "kaniko";
    EXPECT_NE(planned(f, "rerun"), nullptr);
}

// A step log or a client's message pasted without its run: nothing to re-run by name. The
// controller's own condition speaks for a run even when its name was not pasted.
TEST(Rerun, OnlyForAFindingThatCameFromARun) {
    Finding f = finding("step-run", "unknown-authority");
    f.object = {};
    EXPECT_EQ(planned(f, "rerun"), nullptr);
    f.object = {"Pod", "ci", "build-1-pod"};
    EXPECT_EQ(planned(f, "rerun"), nullptr);
    f.object = {"PipelineRun", "ci", "release-3"};
    EXPECT_NE(planned(f, "rerun"), nullptr);
    Finding controller = finding("entrypoint-lookup", "unknown-authority");
    controller.object = {};
    controller.component = "tekton-controller";
    EXPECT_NE(planned(controller, "rerun"), nullptr);
}

// What waits for a run is the fix's `needs_run`, not its id: any fix that says it is planned only
// for a finding read from a run, and kept once per run.
TEST(Rerun, AnyFixThatNeedsARunWaitsForOne) {
    Catalog c = catalog();
    FixRule* creds = nullptr;
    for (auto& fx : c.fixes)
        if (fx.id == "configure-pull-credentials") creds = &fx;
    ASSERT_NE(creds, nullptr);
    creds->needs_run = true;
    Finding f = finding("image-pull", "unauthorized");
    EXPECT_NE(fix(plan_fixes(f, c), "configure-pull-credentials"), nullptr);
    f.object = {"Pod", "ci", "build-1-pod"};
    EXPECT_EQ(fix(plan_fixes(f, c), "configure-pull-credentials"), nullptr);
    f.object = {"TaskRun", "ci", "build-1"};
    std::vector<Finding> twice = {f, f};
    for (auto& one : twice) one.fixes = plan_fixes(one, c);
    drop_repeated_reruns(twice);
    EXPECT_NE(fix(twice[0].fixes, "configure-pull-credentials"), nullptr);
    EXPECT_EQ(fix(twice[1].fixes, "configure-pull-credentials"), nullptr);
}

TEST(Rerun, AGroupReRunsEveryRun) {
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    f.rerun_runs = {{"TaskRun", "ci", "build-1"},
                    {"TaskRun", "ci", "build-2"},
                    {"PipelineRun", "cd", "deploy-9"}};
    const FixView* rerun = planned(f, "rerun");
    ASSERT_NE(rerun, nullptr);
    ASSERT_EQ(rerun->commands.size(), 3u);
    EXPECT_NE(rerun->commands[1].find("get 'taskrun' 'build-2'"), std::string::npos)
        << rerun->commands[1];
    EXPECT_NE(rerun->commands[2].find("-n 'cd' get 'pipelinerun' 'deploy-9'"), std::string::npos)
        << rerun->commands[2];
}

TEST(Rerun, APipelineRunGetsOneRerun) {
    Finding parent = finding("entrypoint-lookup", "unknown-authority");
    parent.object = {"PipelineRun", "ci", "nightly-7"};
    Finding child = finding("image-pull", "hostname-mismatch");
    child.object = {"TaskRun", "ci", "nightly-7-build"};
    child.parent = {"PipelineRun", "ci", "nightly-7"};
    std::vector<Finding> findings = {parent, child};
    for (auto& f : findings) f.fixes = plan_fixes(f, catalog());
    ASSERT_NE(fix(findings[1].fixes, "rerun"), nullptr);
    drop_repeated_reruns(findings);
    EXPECT_NE(fix(findings[0].fixes, "rerun"), nullptr);
    EXPECT_EQ(fix(findings[1].fixes, "rerun"), nullptr);
}

std::string pem_of(const char* cn) {
    auto cert = test::self_signed(cn);
    return to_pem(cert.get());
}

TEST(CaBundle, KeepsTheOldCertificatesInOrderAndAddsTheNewOneOnce) {
    std::string a = pem_of("Team A Root"), b = pem_of("Team B Root"), reg = pem_of("Registry Root");
    CaBundle once = merge_ca_bundle(a + "\n" + b, {reg});
    EXPECT_EQ(once.kept, 2u);
    EXPECT_EQ(once.added, 1u);
    EXPECT_EQ(once.pem, a + b + reg);
    CaBundle again = merge_ca_bundle(once.pem, {reg});
    EXPECT_EQ(again.added, 0u);
    EXPECT_EQ(again.already, 1u);
    EXPECT_EQ(again.pem, once.pem);
}

TEST(CaBundle, TheManifestKeepsEveryOtherKeyLabelAndAnnotation) {
    InstallationFacts facts;
    facts.read = facts.configmap_present = true;
    facts.configmap_data = {{"README", "kept as it is"}, {"cert", pem_of("Old")}};
    facts.configmap_labels = {{"app.kubernetes.io/part-of", "tekton-pipelines"}};
    facts.configmap_annotations = {{"team", "platform: core"}};
    std::string manifest = config_registry_cert_manifest(facts, "tekton-pipelines", "PEM\n");
    EXPECT_NE(manifest.find("  README: \"kept as it is\"\n"), std::string::npos) << manifest;
    EXPECT_NE(manifest.find("    app.kubernetes.io/part-of: tekton-pipelines\n"), std::string::npos)
        << manifest;
    EXPECT_NE(manifest.find("    team: \"platform: core\"\n"), std::string::npos) << manifest;
    EXPECT_NE(manifest.find("  cert: |\n    PEM\n"), std::string::npos) << manifest;
}

TEST(CaBundle, TheManifestNeverPrintsAValueThatMayBeASecret) {
    InstallationFacts facts;
    facts.read = facts.configmap_present = true;
    facts.configmap_data = {{"registry-password", "planted-password-81"},
                            {"client.key", "-----BEGIN PRIVATE KEY-----\nplanted-key-82\n"},
                            {"notes", "-----BEGIN RSA PRIVATE KEY-----\nplanted-key-83\n"},
                            {"README", "kept as it is"},
                            {"cert", pem_of("Old")}};
    std::string manifest = config_registry_cert_manifest(facts, "tekton-pipelines", "PEM\n");
    for (const char* planted : {"planted-password-81", "planted-key-82", "planted-key-83"})
        EXPECT_EQ(manifest.find(planted), std::string::npos) << planted << "\n" << manifest;
    EXPECT_NE(manifest.find("  README: \"kept as it is\"\n"), std::string::npos) << manifest;
    EXPECT_NE(manifest.find("# Not shown, as they may hold secrets: data.registry-password, "
                            "data.client.key, data.notes."),
              std::string::npos)
        << manifest;
    // The manifest without them is still one valid ConfigMap.
    YAML::Node doc = YAML::Load(manifest);
    EXPECT_EQ(doc["data"]["cert"].as<std::string>(), "PEM\n");
    EXPECT_FALSE(doc["data"]["registry-password"]);
}

Finding probed_lookup(const std::string& ca_pem) {
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    f.probed = true;
    f.probe.problem = "unknown-authority";
    f.probe.has_anchor = true;
    f.probe.trust_anchor.pem = ca_pem;
    f.probe.trust_anchor.subject = "CN=Registry Root";
    return f;
}

// Found by configmap_merge_fuzz: a CERTIFICATE block with a private key pasted into its lines does
// not parse, was kept as written, and so printed by the manifest and the patch command.
TEST(AddCa, AKeyPastedIntoACertificateBlockIsNeverPrinted) {
    std::string old = pem_of("Team A Root"), broken = pem_of("Team B Root"), reg = pem_of("Registry Root");
    const std::string key_line = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgqAGmjpVqMxQhWSwT";
    size_t cut = broken.find('\n', broken.find('\n') + 1);  // after its second line
    broken.insert(cut + 1, "-----BEGIN PRIVATE KEY-----\n" + key_line + "\n");
    CaBundle bundle = merge_ca_bundle(old + broken, {reg});
    EXPECT_EQ(bundle.pem, old + reg);
    Finding f = probed_lookup(reg);
    f.tekton_namespace = "tekton-pipelines";
    f.installation.read = f.installation.configmap_present = true;
    f.installation.configmap_data = {{"cert", old + broken}};
    const FixView* add = planned(f, "add-ca-to-config-registry-cert");
    ASSERT_NE(add, nullptr);
    std::string shown = add->manifest + all_commands(*add);
    EXPECT_EQ(shown.find(key_line), std::string::npos) << shown;
    EXPECT_EQ(shown.find("PRIVATE KEY"), std::string::npos) << shown;
    EXPECT_NE(shown.find(old.substr(28, 40)), std::string::npos);  // the good CA is kept
}

// Found by configmap_merge_fuzz: a BEGIN CERTIFICATE line with bytes after it is no BEGIN line to
// OpenSSL, which skips on to the next block; so a private key between it and a whole certificate
// below made one block whose certificate parsed, and the block was kept as written, key and all.
TEST(AddCa, AKeyInsideABlockWhoseCertificateParsesIsNeverPrinted) {
    std::string old = pem_of("Team A Root"), inner = pem_of("Team B Root"),
                reg = pem_of("Registry Root");
    const std::string key_line = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgqAGmjpVqMxQhWSwT";
    const std::string bundle_text = old + "-----BEGIN CERTIFICATE-----junk\n" +
                                    "-----BEGIN PRIVATE KEY-----\n" + key_line +
                                    "\n-----END PRIVATE KEY-----\n" + inner;
    CaBundle bundle = merge_ca_bundle(bundle_text, {reg});
    EXPECT_EQ(bundle.pem, old + inner + reg);  // the certificate is kept, as OpenSSL writes it
    EXPECT_EQ(bundle.kept, 2u);
    Finding f = probed_lookup(reg);
    f.tekton_namespace = "tekton-pipelines";
    f.installation.read = f.installation.configmap_present = true;
    f.installation.configmap_data = {{"cert", bundle_text}};
    const FixView* add = planned(f, "add-ca-to-config-registry-cert");
    ASSERT_NE(add, nullptr);
    std::string shown = add->manifest + all_commands(*add);
    EXPECT_EQ(shown.find(key_line), std::string::npos) << shown;
    EXPECT_EQ(shown.find("PRIVATE KEY"), std::string::npos) << shown;
}

// Found by configmap_merge_fuzz: a PEM whose END line is broken by bytes that are not UTF-8 makes
// one block with the next certificate, kept as written; the merge patch's JSON threw on them.
TEST(AddCa, BytesThatAreNotUtf8InTheBundleDoNotStopThePatch) {
    std::string old = pem_of("Team A Root"), a = pem_of("Broken End"), b = pem_of("Registry Root");
    size_t end = a.find("-----END CERTIFICATE-----");
    ASSERT_NE(end, std::string::npos);
    a.replace(end, 10, "---\xda\xff\xff\xff" "D ");  // "-----END C" -> junk, "ERTIFICATE-----" stays
    Finding f = probed_lookup(a + b);
    f.tekton_namespace = "tekton-pipelines";
    f.installation.read = f.installation.configmap_present = true;
    f.installation.configmap_data = {{"cert", old}};
    const FixView* add = nullptr;
    ASSERT_NO_THROW(add = planned(f, "add-ca-to-config-registry-cert"));
    ASSERT_NE(add, nullptr);
    std::string commands = all_commands(*add);
    auto at = commands.find("--type merge -p '");
    ASSERT_NE(at, std::string::npos) << commands;
    EXPECT_NE(commands.find(old.substr(28, 40)), std::string::npos);  // the old CA is kept
}

TEST(AddCa, OfflineTheProbedCaIsWrittenByACommand) {
    std::string reg = pem_of("Registry Root");
    const FixView* add = planned(probed_lookup(reg), "add-ca-to-config-registry-cert");
    ASSERT_NE(add, nullptr);
    ASSERT_FALSE(add->commands.empty());
    EXPECT_EQ(add->commands[0].rfind("printf '%s\\n' '-----BEGIN CERTIFICATE-----'", 0), 0u)
        << add->commands[0];
    EXPECT_NE(add->commands[0].find("> registry-ca.pem"), std::string::npos);
    for (const auto& c : add->comments)
        EXPECT_EQ(c.text.find("save the PEM"), std::string::npos) << c.text;
}

TEST(AddCa, InTheClusterTheCompleteConfigMapAndItsPatch) {
    std::string old = pem_of("Team A Root"), reg = pem_of("Registry Root");
    Finding f = probed_lookup(reg);
    f.tekton_namespace = "tekton-pipelines";
    f.installation.read = f.installation.configmap_present = true;
    f.installation.configmap_data = {{"cert", old}, {"other", "x"}};
    const FixView* add = planned(f, "add-ca-to-config-registry-cert");
    ASSERT_NE(add, nullptr);
    EXPECT_EQ(add->manifest.find("<every PEM"), std::string::npos) << add->manifest;
    EXPECT_NE(add->manifest.find("kind: ConfigMap"), std::string::npos);
    EXPECT_NE(add->manifest.find("  other: x\n"), std::string::npos);
    std::string commands = all_commands(*add);
    EXPECT_NE(commands.find(
                  "get configmap config-registry-cert -o yaml > config-registry-cert.backup.yaml"),
              std::string::npos);
    EXPECT_NE(commands.find("patch configmap config-registry-cert --type merge -p"),
              std::string::npos)
        << commands;
    EXPECT_NE(commands.find("rollout restart deployment tekton-pipelines-controller"),
              std::string::npos);
    // The patch holds the whole bundle: the old CA, then the registry's, once each.
    auto at = add->commands[1].find("-p '");
    ASSERT_NE(at, std::string::npos);
    std::string json = add->commands[1].substr(at + 4, add->commands[1].size() - at - 5);
    auto patch = nlohmann::json::parse(json);
    EXPECT_EQ(patch["data"]["cert"].get<std::string>(), old + reg);
}

TEST(AddCa, UnderTheOperatorTheDirectEditNeverTheTektonConfigAndAStatefulSet) {
    Finding f = probed_lookup(pem_of("Registry Root"));
    f.installation.read = f.installation.configmap_present = true;
    f.installation.operator_managed = true;
    f.installation.statefulsets = true;
    const FixView* add = planned(f, "add-ca-to-config-registry-cert");
    ASSERT_NE(add, nullptr);
    std::string commands = all_commands(*add);
    // TektonConfig options would panic the operator's reconcile on the shipped ConfigMap.
    EXPECT_EQ(commands.find("tektonconfig"), std::string::npos) << commands;
    EXPECT_NE(commands.find("patch configmap config-registry-cert --type merge -p"),
              std::string::npos)
        << commands;
    EXPECT_NE(commands.find("rollout restart statefulset tekton-pipelines-controller"),
              std::string::npos)
        << commands;
    EXPECT_NE(commands.find("grep -c 'BEGIN CERTIFICATE'"), std::string::npos) << commands;
    EXPECT_NE(add->description.find("Tekton Operator owns this installation"), std::string::npos);
    EXPECT_NE(add->description.find("reconcile panics"), std::string::npos);
}


TEST(FixCommands, HoldOnlyCommandsNeverComments) {
    for (auto stage : vocabulary::stages)
        for (auto problem : vocabulary::problems)
            for (std::string tool : {"", "kaniko", "buildah", "crane"}) {
                Finding f = finding(std::string(stage), std::string(problem));
                f.tool = tool;
                for (const auto& fix : plan_fixes(f, catalog()))
                    for (const auto& c : fix.commands) EXPECT_NE(c.front(), '#') << fix.id << ": " << c;
            }
}


TEST(ServeFullChain, NamesTheMissingIntermediateAndFetchesItFromItsUrl) {
    Finding f = finding("entrypoint-lookup", "incomplete-chain");
    f.probed = true;
    f.probe.problem = "incomplete-chain";
    f.probe.missing_issuer = {"CN=Corp Issuing CA 2", "AB:CD", "http://pki.corp.example/issuing2.der"};
    auto plan = plan_fixes(f, catalog());
    ASSERT_FALSE(plan.empty());
    EXPECT_EQ(plan.front().id, "serve-full-chain");
    EXPECT_NE(plan.front().description.find("(CN=Corp Issuing CA 2, key id AB:CD, published at http://pki.corp.example/issuing2.der)"),
              std::string::npos)
        << plan.front().description;
    EXPECT_NE(all_commands(plan.front()).find("curl -fsS --max-time 10 -o intermediate.der 'http://pki.corp.example/issuing2.der'"),
              std::string::npos);
    EXPECT_NE(plan.front().description.find("Harbor"), std::string::npos);
    f.probe.missing_issuer.aia_url.clear();
    plan = plan_fixes(f, catalog());
    EXPECT_EQ(all_commands(plan.front()).find("curl"), std::string::npos);
    EXPECT_EQ(plan.front().description.find("published at"), std::string::npos);
    // No CA to add is the leaf: without an anchor the CA fix has no PEM of its own.
    const FixView* add = fix(plan, "add-ca-to-config-registry-cert");
    ASSERT_NE(add, nullptr);
    EXPECT_EQ(add->manifest.find("BEGIN CERTIFICATE-----\n    MII"), std::string::npos);
}


TEST(ProbedCa, EveryFixThatReadsRegistryCaPemGetsItWrittenFirst) {
    std::string reg = pem_of("Registry Root");
    for (std::string stage : {"image-pull", "step-run", "bundle-resolution"}) {
        Finding f = probed_lookup(reg);
        f.stage = stage;
        f.tool = stage == "step-run" ? "kaniko" : "";
        auto plan = plan_fixes(f, catalog());
        bool seen = false;
        for (const auto& fix : plan) {
            if (all_commands(fix).find("registry-ca.pem") == std::string::npos) continue;
            seen = true;
            EXPECT_EQ(fix.commands.front().rfind("printf '%s\\n' '-----BEGIN CERTIFICATE-----'", 0), 0u) << fix.id;
            EXPECT_NE(fix.commands.front().find("> registry-ca.pem"), std::string::npos) << fix.id;
            ASSERT_FALSE(fix.comments.empty());
            EXPECT_EQ(fix.comments.front().before, 0u);
            EXPECT_NE(fix.comments.front().text.find("CN=Registry Root"), std::string::npos);
        }
        EXPECT_TRUE(seen) << stage;
    }
}


// Keys, labels and annotations read from the cluster come back exactly when the manifest is read
// as YAML, whatever they hold: no value adds a key or a line of its own.
TEST(CaBundle, TheManifestKeepsHostileValuesExactly) {
    InstallationFacts facts;
    facts.read = facts.configmap_present = true;
    std::string evil = "x\n  evil: true\n\"'$(touch pwned)\x1b]0;t\x07";
    facts.configmap_data = {{"notes", evil}, {"cert", "old"}};
    facts.configmap_labels = {{"team", "a: b"}};
    facts.configmap_annotations = {{"note", evil}, {"kubectl.kubernetes.io/last-applied-configuration", "{}"}};
    std::string pem = pem_of("Registry Root");
    YAML::Node doc = YAML::Load(config_registry_cert_manifest(facts, "tekton-pipelines", pem));
    EXPECT_EQ(doc["data"]["notes"].as<std::string>(), evil);
    EXPECT_EQ(doc["data"]["cert"].as<std::string>(), pem);
    EXPECT_EQ(doc["metadata"]["labels"]["team"].as<std::string>(), "a: b");
    EXPECT_EQ(doc["metadata"]["annotations"]["note"].as<std::string>(), evil);
    EXPECT_FALSE(doc["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]);
    EXPECT_FALSE(doc["evil"]);
    EXPECT_EQ(doc["data"].size(), 2u);
}


TEST(SetStepCommand, AnInlineTaskSpecIsReCreatedWithThePatchButAChildGoesThroughItsPipelineRun) {
    Finding f = finding("entrypoint-lookup", "unknown-authority");
    f.steps = {step("build", "registry.private:5000/builder:2", 0)};
    f.lookup_steps = f.steps;
    f.steps_source = {"TaskRun", "build-1", ""};
    f.step_images = {{"registry.private:5000/builder:2", probed_image({"/builder"}, {})}};
    const FixView* set = planned(f, "set-step-command");
    ASSERT_NE(set, nullptr);
    EXPECT_NE(all_commands(*set).find("kubectl patch --local -f - --type json -p"), std::string::npos) << all_commands(*set);
    EXPECT_NE(all_commands(*set).find("/spec/taskSpec/steps/0/command"), std::string::npos);
    f.parent = {"PipelineRun", "ci", "nightly-7"};
    set = planned(f, "set-step-command");
    EXPECT_EQ(all_commands(*set).find("kubectl create"), std::string::npos) << all_commands(*set);
    EXPECT_NE(set->comments.back().text.find("nightly-7"), std::string::npos);
}

}  // namespace
}  // namespace certdoctor

#include <fstream>
#include <sstream>

#include "run/run.h"

namespace certdoctor {
namespace {

// A YAML document as JSON, scalars as strings (what the patch's `test` compares are names).
nlohmann::json to_json(const YAML::Node& n) {
    if (n.IsMap()) {
        nlohmann::json j = nlohmann::json::object();
        for (const auto& kv : n) j[kv.first.as<std::string>()] = to_json(kv.second);
        return j;
    }
    if (n.IsSequence()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& e : n) j.push_back(to_json(e));
        return j;
    }
    return n.IsNull() ? nlohmann::json() : nlohmann::json(n.as<std::string>());
}

// The JSON patch inside a printed command: the argument after `--type json -p`, unquoted.
nlohmann::json patch_in(const std::string& command) {
    const std::string flag = "--type json -p '";
    size_t at = command.find(flag);
    if (at == std::string::npos) return nullptr;
    at += flag.size();
    return nlohmann::json::parse(command.substr(at, command.find('\'', at) - at));
}

// The finding of a dump with the image's Entrypoint and Cmd as the probe would have read them.
Finding dump_lookup_with_image(const std::string& sample) {
    Report r = diagnose_dump(test::shipped_engine(), test::sample_text(sample), sample);
    EXPECT_FALSE(r.findings.empty());
    Finding f = r.findings.front();
    for (const auto& s : f.lookup_steps) f.step_images.emplace_back(s.image, probed_image({"/usr/local/bin/entry"}, {"--default"}));
    return f;
}

TEST(SetStepCommand, AStepInlineInAPipelineRunIsPatchedAtItsPipelineTask) {
    Finding f = dump_lookup_with_image("pipelinerun-inline-taskspec.yaml");
    EXPECT_EQ(f.steps_source.kind, "PipelineRun");
    EXPECT_EQ(f.steps_source.pipeline_task, "package");
    EXPECT_EQ(f.steps_source.pipeline_task_list, "tasks");
    EXPECT_EQ(f.steps_source.pipeline_task_index, 1);
    const FixView* set = planned(f, "set-step-command");
    ASSERT_NE(set, nullptr);
    std::string commands = all_commands(*set);
    EXPECT_NE(commands.find("get pipelinerun 'release-12' -o json"), std::string::npos) << commands;
    nlohmann::json ops = patch_in(set->commands.back());
    ASSERT_TRUE(ops.is_array()) << commands;

    // Applied to the PipelineRun as dumped: the step gets the Entrypoint, and keeps its own args.
    nlohmann::json run = to_json(YAML::LoadAll(test::sample_text("pipelinerun-inline-taskspec.yaml")).front());
    nlohmann::json patched = run.patch(ops);
    const auto& step = patched["spec"]["pipelineSpec"]["tasks"][1]["taskSpec"]["steps"][1];
    EXPECT_EQ(step["name"], "package");
    EXPECT_EQ(step["command"], nlohmann::json::array({"/usr/local/bin/entry"}));
    EXPECT_EQ(step["args"], nlohmann::json::array({"--out=/workspace/dist"}));
    EXPECT_FALSE(patched["spec"]["pipelineSpec"]["tasks"][1]["taskSpec"]["steps"][0].contains("command"));  // has a script

    // The `test` operations refuse a PipelineRun whose tasks or steps moved.
    nlohmann::json moved = run;
    std::swap(moved["spec"]["pipelineSpec"]["tasks"][0], moved["spec"]["pipelineSpec"]["tasks"][1]);
    EXPECT_ANY_THROW(moved.patch(ops));
    moved = run;
    std::swap(moved["spec"]["pipelineSpec"]["tasks"][1]["taskSpec"]["steps"][0],
              moved["spec"]["pipelineSpec"]["tasks"][1]["taskSpec"]["steps"][1]);
    EXPECT_ANY_THROW(moved.patch(ops));
}

// Without the PipelineRun in the input, the pipeline task's place is unknown: the patch is shown
// for the steps, and nothing is created.
TEST(SetStepCommand, WithoutThePipelineRunThePatchIsShownForTheSteps) {
    std::string text = test::sample_text("pipelinerun-inline-taskspec.yaml");
    text = text.substr(text.find("\n---\n") + 5);
    Report r = diagnose_dump(test::shipped_engine(), text, "child.yaml");
    ASSERT_FALSE(r.findings.empty());
    Finding f = r.findings.front();
    for (const auto& s : f.lookup_steps) f.step_images.emplace_back(s.image, probed_image({"/e"}, {}));
    EXPECT_EQ(f.steps_source.pipeline_task_index, -1);
    const FixView* set = planned(f, "set-step-command");
    ASSERT_NE(set, nullptr);
    EXPECT_EQ(all_commands(*set).find("kubectl create"), std::string::npos) << all_commands(*set);
}

// A TaskRun with its own inline taskSpec (tests/samples): the run is created again with the patch,
// whose `test` operations hold on the dump and fail when the steps moved.
TEST(SetStepCommand, AnInlineTaskSpecPatchAppliesToTheDumpedTaskRun) {
    std::string text = test::sample_text("taskrun-unknown-authority.yaml");
    // The sample references a Task; the same run with the Task inline, as many runs are written.
    nlohmann::json run = to_json(YAML::Load(text));
    run["spec"].erase("taskRef");
    run["spec"]["taskSpec"] = run["status"]["taskSpec"];
    Report r = diagnose_dump(test::shipped_engine(), run.dump(), "taskrun.json");
    ASSERT_FALSE(r.findings.empty());
    Finding f = r.findings.front();
    for (const auto& s : f.lookup_steps) f.step_images.emplace_back(s.image, probed_image({"/usr/bin/build"}, {"--all"}));
    EXPECT_EQ(f.steps_source.kind, "TaskRun");
    const FixView* set = planned(f, "set-step-command");
    ASSERT_NE(set, nullptr);
    nlohmann::json ops = patch_in(set->commands.back());
    ASSERT_TRUE(ops.is_array()) << all_commands(*set);
    nlohmann::json patched = run.patch(ops);
    EXPECT_EQ(patched["spec"]["taskSpec"]["steps"][1]["command"], nlohmann::json::array({"/usr/bin/build"}));
    EXPECT_EQ(patched["spec"]["taskSpec"]["steps"][1]["args"], nlohmann::json::array({"--output=/workspace/out"}));
    nlohmann::json moved = run;
    std::swap(moved["spec"]["taskSpec"]["steps"][1], moved["spec"]["taskSpec"]["steps"][2]);
    EXPECT_ANY_THROW(moved.patch(ops));
}

}  // namespace
}  // namespace certdoctor

namespace certdoctor {
namespace {

// The same run with its pipeline in a Pipeline of the cluster (spec.pipelineRef), which the run
// keeps resolved in status.pipelineSpec: the Pipeline is patched at its pipeline task, and the
// patch holds on the Pipeline and refuses one whose tasks moved.
TEST(SetStepCommand, AStepInlineInAReferencedPipelineIsPatchedInThePipeline) {
    std::vector<YAML::Node> docs = YAML::LoadAll(test::sample_text("pipelinerun-inline-taskspec.yaml"));
    ASSERT_EQ(docs.size(), 2u);
    nlohmann::json run = to_json(docs[0]);
    nlohmann::json pipeline = {{"apiVersion", "tekton.dev/v1"},
                               {"kind", "Pipeline"},
                               {"metadata", {{"name", "release"}, {"namespace", "shop"}}},
                               {"spec", run["spec"]["pipelineSpec"]}};
    run["status"]["pipelineSpec"] = run["spec"]["pipelineSpec"];
    run["spec"].erase("pipelineSpec");
    run["spec"]["pipelineRef"] = {{"name", "release"}};
    nlohmann::json child = to_json(docs[1]);
    Report r = diagnose_dump(test::shipped_engine(), run.dump() + "\n---\n" + child.dump(), "run.yaml");
    ASSERT_FALSE(r.findings.empty());
    Finding f = r.findings.front();
    for (const auto& s : f.lookup_steps) f.step_images.emplace_back(s.image, probed_image({"/usr/local/bin/entry"}, {}));
    EXPECT_EQ(f.steps_source.kind, "Pipeline");
    EXPECT_EQ(f.steps_source.name, "release");
    EXPECT_EQ(f.steps_source.pipeline_task_index, 1);
    const FixView* set = planned(f, "set-step-command");
    ASSERT_NE(set, nullptr);
    std::string commands = all_commands(*set);
    EXPECT_NE(commands.find("get pipeline 'release' -o yaml > pipeline.backup.yaml"), std::string::npos) << commands;
    EXPECT_NE(set->commands.back().find("patch pipeline 'release' --type json -p"), std::string::npos) << commands;
    EXPECT_EQ(commands.find("kubectl create"), std::string::npos) << commands;
    nlohmann::json ops = patch_in(set->commands.back());
    ASSERT_TRUE(ops.is_array()) << commands;
    nlohmann::json patched = pipeline.patch(ops);
    const auto& step = patched["spec"]["tasks"][1]["taskSpec"]["steps"][1];
    EXPECT_EQ(step["command"], nlohmann::json::array({"/usr/local/bin/entry"}));
    EXPECT_EQ(step["args"], nlohmann::json::array({"--out=/workspace/dist"}));
    nlohmann::json moved = pipeline;
    std::swap(moved["spec"]["tasks"][0], moved["spec"]["tasks"][1]);
    EXPECT_ANY_THROW(moved.patch(ops));

    // A Pipeline a resolver fetched is not in the cluster: the patch is shown for the steps.
    run["spec"]["pipelineRef"] = {{"resolver", "git"}};
    r = diagnose_dump(test::shipped_engine(), run.dump() + "\n---\n" + child.dump(), "run.yaml");
    ASSERT_FALSE(r.findings.empty());
    EXPECT_EQ(r.findings.front().steps_source.pipeline_task_index, -1);
}

}  // namespace
}  // namespace certdoctor
