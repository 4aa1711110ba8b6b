// Every fix in the catalog (and every step tool's variant of it), rendered for a finding whose
// every name is hostile (quotes, spaces, $(...), backticks, a newline, ESC): each printed command
// passes `bash -n`, stays on one line, and run by bash with stub tools on PATH starts no injected
// command and creates no file the payload names. Offline, in cluster mode (the complete
// ConfigMap, under the operator), and with the probed image for set-step-command.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "fix/fix_plan.h"
#include "probe/openssl_util.h"
#include "support/run_process.h"
#include "test_certificates.h"
#include "test_engine.h"

namespace certdoctor {
namespace {

namespace fs = std::filesystem;

const std::string kHostile = "x';touch pwned;'$(touch pwned)`touch pwned`\"\n# \x1b[2J y";

Finding hostile_finding(const std::string& tool, bool cluster) {
    const std::string& p = kHostile;
    Finding f;
    f.site_rule = f.cause_rule = "rule " + p;
    f.stage = "entrypoint-lookup";
    f.problem = "unknown-authority";
    f.registry = "reg" + p + ":5000";
    f.host = "reg" + p;
    f.url = "https://" + f.registry + "/v2/";
    f.image = f.registry + "/app" + p + ":v1";
    f.step = "step" + p;
    f.tool = tool;
    f.object = {"TaskRun", "ns" + p, "run" + p};
    f.parent = {};
    f.service_account = "sa" + p;
    f.tekton_namespace = "tekton" + p;
    f.wrong_config_key = "key" + p;
    StepSpec step;
    step.name = f.step;
    step.image = f.image;
    step.index = 0;
    f.steps = {step};
    f.lookup_steps = {step};
    f.steps_source = {"Task", "task" + p, ""};
    ImageView image;
    image.read = true;
    image.platforms.push_back({"linux", "amd64", "", "", {"/bin/entry" + p}, {"--flag" + p}});
    f.step_images = {{f.image, image}};
    f.probed = true;
    f.probe.problem = "unknown-authority";
    f.probe.has_anchor = true;
    f.probe.trust_anchor.subject = "CN=" + p;
    f.probe.trust_anchor.pem = to_pem(test::self_signed("Hostile Root").get());
    f.probe.missing_issuer = {"CN=" + p, "0A:" + p, "http://pki" + p + "/ca.der"};
    if (cluster) {
        f.installation.read = true;
        f.installation.configmap_present = true;
        f.installation.configmap_data = {{"cert", ""}, {"other" + p, "value" + p}};
        f.installation.configmap_labels = {{"team" + p, "v" + p}};
        f.installation.operator_managed = tool == "operator";
        f.installation.statefulsets = tool == "operator";
    }
    return f;
}

// The refusals the RBAC fixes are rendered for: Kubernetes' own identities (checked, not
// granted), and a user named with every hostile character but the line break (a name a grant
// takes) refused a resource in a namespace and a path.
std::vector<RefusedRequest> hostile_refusals() {
    std::string user = kHostile;
    user.erase(std::remove(user.begin(), user.end(), '\n'), user.end());
    return {{"system:node:", "get", "nodes", "", ""},
            {"system:node:worker-0", "get", "nodes", "", ""},
            {"system:kube-proxy", "get", "nodes", "", ""},
            {user, "list", "pods/log", "apps", "ci"},
            {user, "get", "", "", "", "/metrics/*"}};
}

// A stub for every program a fix may call: records that it ran, does nothing else.
struct Stubs {
    fs::path dir, log, cwd;
    Stubs() {
        dir = fs::temp_directory_path() / ("certdoctor-stubs-" + std::to_string(::getpid()));
        fs::create_directories(dir / "bin");
        cwd = dir / "cwd";
        fs::create_directories(cwd);
        log = dir / "ran.log";
        for (const char* tool :
             {"kubectl", "jq",     "openssl", "skopeo", "cat",   "sed",   "rm",
              "id",      "touch",  "curl",    "sudo",   "mkdir", "tee",   "systemctl",
              "crictl",  "base64", "cp",      "mv",     "ln",    "chmod", "podman",
              "docker",  "crane",  "helm",    "git",    "awk",   "grep",  "head",
              "tail",    "tr",     "xargs",   "env",    "sh",    "wget",  "update-ca-certificates",
              "buildah", "oc"}) {
            fs::path stub = dir / "bin" / tool;
            std::ofstream(stub) << "#!/bin/bash\necho " << tool << " >> '" << log.string() << "'\n";
            fs::permissions(stub, fs::perms::owner_all);
        }
    }
    ~Stubs() { fs::remove_all(dir); }
};

void expect_inert(const std::string& what, const std::string& command, const Stubs& stubs) {
    ASSERT_EQ(command.find('\n'), std::string::npos)
        << what << ": a command spans lines: " << command;
    auto syntax = test::run_process({"/bin/bash", "-n", "-c", command});
    EXPECT_EQ(syntax.exit_code, 0) << what << ": bash -n rejects " << command << "\n" << syntax.err;
    fs::remove(stubs.log);
    test::ProcessOptions options;
    options.env = {{"PATH", (stubs.dir / "bin").string()}, {"HOME", stubs.cwd.string()}};
    auto run = test::run_process(
        {"/bin/bash", "-c", "cd '" + stubs.cwd.string() + "' || exit 99; " + command}, options);
    EXPECT_FALSE(run.timed_out) << what << ": " << command;
    std::ifstream in(stubs.log);
    std::string ran;
    while (std::getline(in, ran))
        EXPECT_NE(ran, "touch") << what << ": an injected command ran: " << command;
    EXPECT_FALSE(fs::exists(stubs.cwd / "pwned")) << what << ": a file was created by " << command;
}

TEST(HostileNames, EveryFixsCommandsParseAndStayInert) {
    const Catalog& catalog = test::shipped_engine().catalog();
    Stubs stubs;
    size_t commands = 0;
    std::set<std::string> fixes_with_commands, granted;
    for (const auto& fix : catalog.fixes) {
        std::vector<std::string> tools = {"", "operator"};
        for (const auto& [tool, _] : fix.variants) tools.push_back(tool);
        for (const auto& tool : tools)
            for (bool cluster : {false, true}) {
                Finding finding = hostile_finding(tool, cluster);
                // A variant keyed by a site is found by the finding's site first, as the diagnosis
                // sets it, with that site's own tool beside it.
                if (const Rule* site = catalog.rule(tool); site && site->kind == RuleKind::site) {
                    finding.site_rule = site->id;
                    finding.tool = site->tool;
                }
                FixView view = render_fix(fix, finding);
                if (auto variant = fix.variants.find(tool); variant != fix.variants.end()) {
                    FixRule only = fix;
                    only.content = variant->second;
                    only.variants.clear();
                    FixView wanted = render_fix(only, finding);
                    EXPECT_EQ(view.description, wanted.description) << fix.id << ": not the variant for " << tool;
                    EXPECT_EQ(view.commands, wanted.commands) << fix.id << ": not the variant for " << tool;
                }
                std::string what = fix.id + (tool.empty() ? "" : " (" + tool + ")") +
                                   (cluster ? " in cluster mode" : "");
                for (const auto& c : view.commands) {
                    expect_inert(what, c, stubs);
                    ++commands;
                    fixes_with_commands.insert(fix.id);
                }
            }
        // A fix for an RBAC refusal prints its commands only for the refusal it answers: the
        // hostile finding's names are still around it.
        if (fix.only_when.rfind("rbac_", 0) == 0)
            for (const auto& refused : hostile_refusals()) {
                Finding f = hostile_finding("", false);
                f.refused = refused;
                for (const auto& c : render_fix(fix, f).commands) {
                    expect_inert(fix.id + " for " + refused.user + " " + refused.resource + refused.path, c, stubs);
                    ++commands;
                    fixes_with_commands.insert(fix.id);
                    if (c.find("can-i") != std::string::npos && c.find("touch pwned") != std::string::npos)
                        granted.insert(refused.path.empty() ? "resource" : "path");
                }
            }
    }
    EXPECT_GT(commands, 100u);
    // The hostile user was named in a grant's check, for the resource and for the path.
    EXPECT_EQ(granted, (std::set<std::string>{"path", "resource"}));
    // Every fix that prints commands was run here: a fix id with none is one with only prose.
    for (const auto& fix : catalog.fixes)
        if (!fix.content.commands.empty()) {
            EXPECT_TRUE(fixes_with_commands.count(fix.id)) << fix.id;
        }
}

// set-step-command wherever the steps are declared: a Task, a TaskRun's taskSpec, a PipelineRun's
// pipelineSpec, a Pipeline; the names of the run, the pipeline task and the Pipeline are hostile.
TEST(HostileNames, TheStepsPatchStaysInertWhereverTheStepsAreDeclared) {
    const FixRule* fix = test::shipped_engine().catalog().fix("set-step-command");
    ASSERT_NE(fix, nullptr);
    Stubs stubs;
    const std::vector<std::pair<StepsSource, std::string>> sources = {
        {{"Task", "task" + kHostile, ""}, "patch task "},
        {{"TaskRun", "run" + kHostile, ""}, "get taskrun "},
        {{"PipelineRun", "pr" + kHostile, "pt" + kHostile, "tasks", 0}, "get pipelinerun "},
        {{"Pipeline", "pl" + kHostile, "pt" + kHostile, "finally", 2}, "patch pipeline "}};
    for (const auto& [source, shown] : sources) {
        Finding f = hostile_finding("", false);
        f.steps_source = source;
        FixView view = render_fix(*fix, f);
        bool found = false;
        for (const auto& c : view.commands) {
            expect_inert("set-step-command (" + source.kind + ")", c, stubs);
            found = found || c.find(shown) != std::string::npos;
        }
        EXPECT_TRUE(found) << source.kind << ": no command with '" << shown << "'";
    }
}

// config-registry-cert's bundle as the cluster holds it, with hostile lines: inside a block that
// is no certificate (kept as written), and after a BEGIN line OpenSSL does not take for one,
// above a whole certificate (written again from that certificate). The merge patch stays one
// inert line, and neither it nor the manifest carries a raw ESC.
TEST(HostileNames, HostileLinesInTheBundleStayInsideThePatchsQuotes) {
    const FixRule* fix = test::shipped_engine().catalog().fix("add-ca-to-config-registry-cert");
    ASSERT_NE(fix, nullptr);
    Stubs stubs;
    const std::string ca = to_pem(test::self_signed("Team Root").get());
    Finding f = hostile_finding("", true);
    f.installation.configmap_data = {
        {"cert", ca + "-----BEGIN CERTIFICATE-----\n" + kHostile + "\n-----END CERTIFICATE-----\n" +
                     "-----BEGIN CERTIFICATE-----" + kHostile + "\n" +
                     to_pem(test::self_signed("Other Root").get())}};
    FixView view = render_fix(*fix, f);
    bool patched = false;
    for (const auto& c : view.commands) {
        expect_inert("add-ca-to-config-registry-cert, hostile bundle", c, stubs);
        EXPECT_EQ(c.find('\x1b'), std::string::npos) << c;
        patched = patched || c.find("--type merge -p ") != std::string::npos;
    }
    EXPECT_TRUE(patched);
    EXPECT_EQ(view.manifest.find('\x1b'), std::string::npos) << view.manifest;
    EXPECT_NE(view.manifest.find(ca.substr(28, 40)), std::string::npos);  // the CA is kept
    // The block kept as written is there, escaped, in a quoted scalar.
    EXPECT_NE(view.manifest.find("touch pwned"), std::string::npos) << view.manifest;
    EXPECT_NE(view.manifest.find("\\x1b[2J"), std::string::npos) << view.manifest;
}

// The check itself catches what it is for: an unquoted name runs, a broken quote does not parse.
TEST(HostileNames, TheCheckCatchesAnInjectedCommand) {
    Stubs stubs;
    EXPECT_NONFATAL_FAILURE(expect_inert("unquoted", "kubectl get taskrun x;touch pwned", stubs),
                            "injected command ran");
    EXPECT_NONFATAL_FAILURE(expect_inert("unparsed", "kubectl get taskrun 'x", stubs),
                            "bash -n rejects");
}

}  // namespace
}  // namespace certdoctor
