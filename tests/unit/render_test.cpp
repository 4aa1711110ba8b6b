// Golden files for the three renderers, so that a change in wording shows in review.
// Run with CERTDOCTOR_UPDATE_GOLDEN=1 to rewrite them.
#include "render/render.h"

#include <gtest/gtest.h>
#include <re2/re2.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "diagnose/probe_evidence.h"
#include "cluster/checks.h"
#include "fix/export.h"
#include "logscan/log_analyzer.h"
#include "run/analyze.h"
#include "run/cluster_run.h"
#include "fix/fix_plan.h"
#include "match/templates.h"
#include "match/vocabulary.h"
#include "test_engine.h"
#include "util/escape.h"

namespace certdoctor {
namespace {

const char* kDevelopersMessage =
    "failed to create task run pod \"task-run\": translating TaskSpec to Pod: error getting image manifest: "
    "Get https://registry.private/v2/: x509: certificate signed by unknown authority. Maybe missing or invalid Task default/task";

void expect_golden(const std::string& name, const std::string& actual) {
    std::string path = std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/golden/" + name;
    if (std::getenv("CERTDOCTOR_UPDATE_GOLDEN")) {
        std::ofstream(path) << actual;
        return;
    }
    std::ifstream in(path);
    ASSERT_TRUE(in) << "missing golden file " << path << " (run with CERTDOCTOR_UPDATE_GOLDEN=1)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "golden file " << path << " differs";
}

Report developers_report() { return explain_text(test::shipped_engine(), kDevelopersMessage, "argument"); }

TEST(Render, TextMatchesGolden) { expect_golden("explain-developers-message.txt", render_text(developers_report(), Color::off)); }

TEST(Render, JsonMatchesGolden) { expect_golden("explain-developers-message.json", render_json(developers_report())); }

TEST(Render, MarkdownMatchesGolden) { expect_golden("explain-developers-message.md", render_markdown(developers_report())); }

TEST(Render, ExportRunbookMatchesGolden) {
    std::string all;
    for (const auto& file : export_files(developers_report())) all += "==> " + file.name + " <==\n" + file.text;
    expect_golden("export-developers-message.txt", all);
}

// The artefacts built from evidence, for hand-built findings (no certificate: those are made at
// test time and differ on every run).
std::string fix_text(const FixView& fix) {
    std::string out = "== " + fix.id + ": " + fix.title + "\n" + fix.description + "\n";
    if (!fix.manifest.empty()) out += "-- manifest\n" + fix.manifest;
    size_t next = 0;
    out += "-- commands\n";
    for (size_t k = 0; k <= fix.commands.size(); ++k) {
        for (; next < fix.comments.size() && fix.comments[next].before <= k; ++next) out += "# " + fix.comments[next].text + "\n";
        if (k < fix.commands.size()) out += "$ " + fix.commands[k] + "\n";
    }
    return out + "\n";
}

TEST(Render, FixArtefactsMatchGolden) {
    const Catalog& catalog = test::shipped_engine().catalog();
    auto base = [](const std::string& stage, const std::string& problem) {
        Finding f;
        f.site_rule = "site";
        f.cause_rule = "cause";
        f.stage = stage;
        f.problem = problem;
        f.registry = "registry.corp.example:8443";
        f.object = {"TaskRun", "ci", "build-7"};
        return f;
    };
    std::string all;
    auto add = [&](const Finding& f, const std::string& id) {
        for (const auto& fix : plan_fixes(f, catalog))
            if (fix.id == id) all += fix_text(fix);
    };
    Finding creds = base("entrypoint-lookup", "unauthorized");
    creds.service_account = "deployer";
    add(creds, "configure-pull-credentials");
    Finding ip = base("image-pull", "no-ip-sans");
    ip.registry = "10.20.30.40:5000";
    ip.host = "10.20.30.40";
    add(ip, "reissue-registry-certificate");
    Finding lookup = base("entrypoint-lookup", "unknown-authority");
    StepSpec build;
    build.name = "build";
    build.image = "registry.corp.example:8443/platform/builder:2.4";
    build.index = 1;
    lookup.steps = {StepSpec{"unit-tests", "golang", false, true, false, 0, ""}, build};
    lookup.lookup_steps = {build};
    lookup.steps_source = {"Task", "build-and-push", ""};
    ImageView image;
    image.read = true;
    image.platforms.push_back({"linux", "amd64", "", "", {"/usr/bin/builder"}, {"--serve"}});
    image.platforms.push_back({"linux", "arm64", "v8", "", {"/usr/bin/builder-arm"}, {}});
    lookup.step_images = {{build.image, image}};
    add(lookup, "set-step-command");
    Finding kaniko = base("step-run", "unknown-authority");
    kaniko.tool = "kaniko";
    kaniko.step = "image-build";
    kaniko.steps = {StepSpec{"image-build", "gcr.io/kaniko-project/executor", false, false, true, 0, ""}};
    kaniko.steps_source = {"Task", "kaniko", ""};
    add(kaniko, "configure-step-tool-ca");
    // The other step tools: each one's own CA flag or variable, with the ConfigMap mounted.
    for (const char* tool : {"buildah", "skopeo", "crane", "helm"}) {
        Finding step_tool = base("step-run", "unknown-authority");
        step_tool.tool = tool;
        step_tool.step = "publish";
        add(step_tool, "configure-step-tool-ca");
    }
    Finding group = base("entrypoint-lookup", "unknown-authority");
    group.rerun_runs = {{"TaskRun", "ci", "build-7"}, {"PipelineRun", "ci", "release-3"}};
    add(group, "rerun");
    Finding chain = base("entrypoint-lookup", "incomplete-chain");
    chain.probed = true;
    chain.probe.missing_issuer = {"CN=Corp Issuing CA 2", "0A:1B", "http://pki.corp.example/issuing2.der"};
    add(chain, "serve-full-chain");
    expect_golden("fix-artefacts.txt", all);
}

// Every fix of the catalog, and every step tool's variant of it, rendered for one offline finding
// (a TaskRun in `ci` naming ServiceAccount `deployer`, a step `build`, a registry with a port,
// RBAC's refusal of that ServiceAccount's exec into a pod):
// a wording or artefact change to any fix id shows in review.
TEST(Render, EveryFixOfTheCatalogMatchesGolden) {
    const Catalog& catalog = test::shipped_engine().catalog();
    std::vector<const FixRule*> fixes;
    for (const auto& fix : catalog.fixes) fixes.push_back(&fix);
    std::sort(fixes.begin(), fixes.end(), [](const FixRule* a, const FixRule* b) { return a->id < b->id; });
    std::string all;
    for (const FixRule* fix : fixes) {
        std::vector<std::string> tools = {""};
        for (const auto& [tool, _] : fix->variants) tools.push_back(tool);
        for (const auto& tool : tools) {
            Finding f;
            f.site_rule = "site";
            f.cause_rule = "cause";
            f.stage = "step-run";
            f.problem = "unknown-authority";
            f.registry = "registry.corp.example:8443";
            f.host = "registry.corp.example";
            f.url = "https://registry.corp.example:8443/v2/";
            f.image = "registry.corp.example:8443/team/app:v1";
            f.object = {"TaskRun", "ci", "build-7"};
            f.step = "build";
            f.tool = tool;
            f.service_account = "deployer";
            f.refused = {"system:serviceaccount:ci:deployer", "create", "pods/exec", "", "ci"};
            all += (tool.empty() ? "" : "[variant " + tool + "] ") + fix_text(render_fix(*fix, f));
        }
    }
    ASSERT_GE(fixes.size(), 25u);
    expect_golden("fix-catalog.txt", all);
}

// analyze of the sample controller log, in the three renderers.
Report analyzed_sample() {
    LogAnalyzer a(test::shipped_engine().catalog(), test::shipped_engine().matcher(), 1);
    a.read_file(std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/samples/controller.log");
    Report r = analysis_report(a, test::shipped_engine());
    r.source = "controller.log";
    for (auto& s : r.log.sources) s.name = "controller.log";
    // Places name the file as read; the golden files must not depend on where the checkout is.
    const std::string dir = std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/samples/";
    auto relative = [&dir](std::string& place) {
        if (place.rfind(dir, 0) == 0) place.erase(0, dir.size());
    };
    for (auto& f : r.findings) {
        relative(f.evidence.origin);
        for (auto& place : f.seen_in) relative(place);
    }
    for (auto& g : r.groups) relative(g.first_line);
    return r;
}

TEST(Render, AnalyzeMatchesGolden) {
    Report r = analyzed_sample();
    expect_golden("analyze-controller-log.txt", render_text(r, Color::off));
    expect_golden("analyze-controller-log.md", render_markdown(r));
    expect_golden("analyze-controller-log.json", render_json(r));
}

// --brief for an incident: the summary, then per group its verdict and first fix alone.
TEST(Render, BriefAnalyzeMatchesGolden) {
    Report r = analyzed_sample();
    expect_golden("analyze-controller-log.brief.txt", render_text(r, Color::off, Detail::brief));
    expect_golden("analyze-controller-log.brief.md", render_markdown(r, Detail::brief));
}

size_t count_in(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

TEST(Render, BriefShowsEachFirstFixAndNothingElse) {
    Report r = analyzed_sample();
    ASSERT_GE(r.findings.size(), 3u);
    for (const auto& [out, what] : {std::pair{render_text(r, Color::off, Detail::brief), "text"},
                                    std::pair{render_markdown(r, Detail::brief), "markdown"}}) {
        for (const auto& f : r.findings) {
            ASSERT_FALSE(f.fixes.empty());
            EXPECT_NE(out.find(f.fixes.front().title), std::string::npos) << what << ": " << f.fixes.front().id;
            for (const auto& c : f.fixes.front().commands)
                EXPECT_NE(out.find(c.substr(0, 60)), std::string::npos) << what << ": " << c;
        }
        EXPECT_EQ(out.find("Call chain"), std::string::npos) << what;
        EXPECT_EQ(out.find("Why"), std::string::npos) << what;
        EXPECT_EQ(out.find("Evidence"), std::string::npos) << what;
    }
    std::string full = render_text(r, Color::off);
    EXPECT_LT(count_in(render_text(r, Color::off, Detail::brief), "\n") * 2, count_in(full, "\n"));
}

// The cluster a golden report was read from, with Tekton `version` and one running controller pod.
Installation golden_cluster(Report& r, const std::string& version) {
    r.cluster.read = true;
    r.cluster.context = "prod-eu";
    r.cluster.server = "https://10.0.0.1:6443";
    r.cluster.tekton_api = "tekton.dev/v1";
    r.cluster.tekton_version = version;
    r.cluster.tekton_namespace = "tekton-pipelines";
    Installation inst;
    inst.controller_found = true;
    inst.version = version;
    inst.pods_state = ObjectState::present;
    inst.pods.push_back({"tekton-pipelines-controller-7d9f8b6c5-x2k4q", "Running", 1000, "2026-11-25T13:24:10Z"});
    return inst;
}

// A cause's generic paragraph and a fix's generic description are printed once per report; later
// findings point back to the problem that shows them.
TEST(Render, AGenericParagraphIsPrintedOncePerReport) {
    Report r = analyzed_sample();
    const std::string generic = "found no certificate in its trust store that issued it";
    size_t with_it = 0;
    for (const auto& f : r.findings) with_it += f.explanation.find(generic) != std::string::npos;
    ASSERT_GE(with_it, 2u) << "the sample no longer has a repeated paragraph";
    std::string text = render_text(r, Color::off), markdown = render_markdown(r);
    // Text wraps the paragraph; its first words stand on one line.
    EXPECT_EQ(count_in(text, "certificate chain and found no certificate in"), 1u);
    EXPECT_EQ(count_in(markdown, generic), 1u);
    EXPECT_EQ(count_in(text, "(the general part is under problem 1)"), with_it - 1);
    EXPECT_EQ(count_in(text, "Tekton marks this failure as permanent"), 1u);
    EXPECT_GE(count_in(markdown, "*Described under problem 1.*"), 1u);
    // One finding alone prints everything.
    Report one = r;
    one.findings.resize(1);
    one.groups.resize(1);
    EXPECT_EQ(render_text(one, Color::off).find("under problem"), std::string::npos);
}

// A sweep (`diagnose taskruns -A`) of hand-made runs: three failed lookups on one registry in two
// namespaces, and one at a registry addressed by IP whose certificate names another host. Grouped
// by root cause through run/'s grouping, checked against hand-built installation facts.
std::string failed_taskrun(const std::string& ns, const std::string& name, const std::string& message) {
    return "- apiVersion: tekton.dev/v1\n  kind: TaskRun\n  metadata:\n    name: " + name + "\n    namespace: " + ns +
           "\n  spec:\n    taskRef:\n      name: build-and-push\n  status:\n    conditions:\n    - type: Succeeded\n"
           "      status: \"False\"\n      reason: PodCreationFailed\n      message: '" + message + "'\n";
}

Report sweep_sample() {
    const std::string unknown =
        "failed to create task run pod \"{run}\": translating TaskSpec to Pod: Get \"https://registry.corp.example:8443/v2/\": "
        "tls: failed to verify certificate: x509: certificate signed by unknown authority. Maybe missing or invalid Task {ns}/build-and-push";
    const std::string mismatch =
        "failed to create task run pod \"{run}\": translating TaskSpec to Pod: Get \"https://10.20.0.7:5000/v2/\": "
        "tls: failed to verify certificate: x509: certificate is valid for registry.other, not 10.20.0.7. Maybe missing or invalid Task {ns}/build-and-push";
    auto message = [](std::string m, const std::string& ns, const std::string& run) {
        m.replace(m.find("{run}"), 5, run);
        m.replace(m.find("{ns}"), 4, ns);
        return m;
    };
    std::string list = "apiVersion: v1\nkind: List\nitems:\n" + failed_taskrun("ci", "build-1", message(unknown, "ci", "build-1")) +
                       failed_taskrun("ci", "build-2", message(unknown, "ci", "build-2")) +
                       failed_taskrun("team-a", "web-7", message(mismatch, "team-a", "web-7")) +
                       failed_taskrun("team-b", "app-3", message(unknown, "team-b", "app-3"));
    Report r = diagnose_dump(test::shipped_engine(), list, "TaskRuns in all namespaces");
    r.sweep = true;
    r.runs_scanned = 40;
    r.failed_runs = 4;
    group_sweep_findings(r);
    Installation inst = golden_cluster(r, "v0.62.1");
    inst.configmap_state = ObjectState::present;  // as the release ships it: no data
    apply_cluster_checks(r, inst, 2000000000, std::chrono::hours(30 * 24));
    plan_report_fixes(r, test::shipped_engine().catalog());
    return r;
}

TEST(Render, SweepMatchesGolden) {
    Report r = sweep_sample();
    ASSERT_EQ(r.groups.size(), 2u);
    EXPECT_EQ(r.groups[0].count, 3u);
    expect_golden("sweep-all-namespaces.txt", render_text(r, Color::off));
    expect_golden("sweep-all-namespaces.md", render_markdown(r));
    expect_golden("sweep-all-namespaces.json", render_json(r));
    expect_golden("sweep-all-namespaces.brief.txt", render_text(r, Color::off, Detail::brief));
}

// `probe` of a registry that serves its leaf without the intermediate (the issuer named, no CA
// offered), and of one that verifies, with its token realm and the image's config per platform.
ProbeResult missing_intermediate_probe() {
    ProbeResult p;
    p.target = p.host = "registry.corp.example";
    p.port = 8443;
    p.server_name = "registry.corp.example";
    p.problem = "incomplete-chain";
    p.go_error = "unknown-authority";
    p.detail = "tls: failed to verify certificate: x509: certificate signed by unknown authority";
    CertificateView leaf;
    leaf.subject = "CN=registry.corp.example";
    leaf.issuer = "CN=Corp Issuing CA 2,O=Corp";
    leaf.serial = "1f2e3d";
    leaf.not_before = "2026-01-01T00:00:00Z";
    leaf.not_after = "2027-01-01T00:00:00Z";
    leaf.dns_names = {"registry.corp.example"};
    leaf.common_name = "registry.corp.example";
    leaf.key_type = "EC";
    leaf.key_bits = 256;
    leaf.signature_algorithm = "ecdsa-with-SHA256";
    leaf.sha256 = std::string(64, 'a');
    p.chain = {leaf};
    p.missing_issuer = {"CN=Corp Issuing CA 2,O=Corp", "0A:1B:2C:3D", "http://pki.corp.example/issuing2.der"};
    p.verified_with = {"system", "--ca-file corp-root.pem"};
    p.ca_files_given = true;
    p.registry.status = "skipped";
    p.failing_host = "registry.corp.example:8443";
    p.verified_at = "2026-11-20T09:00:00Z";
    return p;
}

ProbeResult verified_probe() {
    ProbeResult p = missing_intermediate_probe();
    p.problem = "ok";
    p.go_error = "ok";
    p.detail.clear();
    p.missing_issuer = {};
    CertificateView issuing;
    issuing.subject = "CN=Corp Issuing CA 2,O=Corp";
    issuing.issuer = "CN=Corp Root CA,O=Corp";
    issuing.is_ca = true;
    issuing.not_before = "2025-01-01T00:00:00Z";
    issuing.not_after = "2030-01-01T00:00:00Z";
    issuing.key_type = "RSA";
    issuing.key_bits = 3072;
    issuing.signature_algorithm = "sha256WithRSAEncryption";
    issuing.sha256 = std::string(64, 'b');
    p.chain.push_back(issuing);
    p.has_anchor = true;
    p.trust_anchor = {"CN=Corp Root CA,O=Corp", std::string(64, 'c'), "-----BEGIN CERTIFICATE-----\nMIIBroot\n-----END CERTIFICATE-----\n",
                      false, ""};
    p.valid_until = "2027-01-01T00:00:00Z";
    p.failing_host.clear();
    p.registry = {"auth-required", 401, "Bearer", "https://auth.corp.example/token", "registry.corp.example", "", "auth.corp.example:443", "ok", ""};
    p.image.read = true;
    p.image.reference = "registry.corp.example:8443/platform/builder:2.4";
    p.image.digest = "sha256:" + std::string(64, 'd');
    p.image.media_type = "application/vnd.oci.image.index.v1+json";
    p.image.platforms = {{"linux", "amd64", "", "sha256:" + std::string(64, 'e'), {"/usr/bin/builder"}, {"--serve"}},
                         {"linux", "arm64", "v8", "sha256:" + std::string(64, 'f'), {"/usr/bin/builder-arm"}, {}}};
    return p;
}

TEST(Render, ProbeMatchesGolden) {
    for (const auto& [name, p] : {std::pair{"probe-missing-intermediate", missing_intermediate_probe()},
                                  std::pair{"probe-verified-with-entrypoint", verified_probe()}}) {
        expect_golden(std::string(name) + ".txt", render_probe_text(p, Color::off));
        expect_golden(std::string(name) + ".md", render_probe_markdown(p));
        expect_golden(std::string(name) + ".json", render_probe_json(p));
    }
    // The missing issuer is named and no certificate is offered as the CA to add.
    std::string text = render_probe_text(missing_intermediate_probe(), Color::off);
    EXPECT_NE(text.find("Corp Issuing CA 2"), std::string::npos);
    EXPECT_NE(text.find("http://pki.corp.example/issuing2.der"), std::string::npos);
    EXPECT_EQ(text.find("trust anchor"), std::string::npos) << text;
}

// A cluster diagnosis on hand-built facts (no certificate, so that it is the same on every run):
// the checks, the sentence that ordered the fixes, the fixes for an absent config-registry-cert.
TEST(Render, ClusterDiagnosisMatchesGolden) {
    Report r = developers_report();
    r.source = "taskrun/task-run in namespace default";
    Installation inst = golden_cluster(r, "v0.56.0");
    r.cluster.namespace_ = "default";
    inst.configmap_state = ObjectState::absent;  // the fix policy leads with creating it, and says why
    apply_cluster_checks(r, inst, 2000000000, std::chrono::hours(30 * 24));
    plan_report_fixes(r, test::shipped_engine().catalog());
    expect_golden("cluster-diagnosis.txt", render_text(r, Color::off));
    expect_golden("cluster-diagnosis.md", render_markdown(r));
}

TEST(Render, TextMarksTheFailingFrameAndTheKeyPart) {
    std::string text = render_text(developers_report(), Color::off);
    EXPECT_NE(text.find("x http.Client.Do (GET /v2/)"), std::string::npos);
    EXPECT_NE(text.find("<- failed here"), std::string::npos);
    EXPECT_NE(text.find(">>Get https://registry.private/v2/: x509: certificate signed by unknown authority<<"), std::string::npos);
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
}

TEST(Render, ColourOnlyWhenAsked) {
    EXPECT_NE(render_text(developers_report(), Color::on).find("\x1b[1;31m"), std::string::npos);
}

TEST(Render, JsonHasTheStableEnvelope) {
    auto j = nlohmann::json::parse(render_json(developers_report()));
    EXPECT_EQ(j["status"], "problems-found");
    EXPECT_EQ(j["count"], 1);
    const auto& f = j["findings"][0];
    for (const char* key : {"pattern", "component", "stage", "problem", "registry", "url", "image", "step", "object",
                            "chain", "explanation", "evidence", "fixes", "references"})
        EXPECT_TRUE(f.contains(key)) << key;
    EXPECT_EQ(f["object"]["kind"], "TaskRun");
    bool marked = false;
    for (const auto& fr : f["chain"]["frames"]) marked = marked || fr["failed"].get<bool>();
    EXPECT_TRUE(marked);
}

TEST(Render, EvidenceIsWindowedAroundTheKey) {
    Evidence e;
    e.text = std::string(5000, 'a') + "KEY" + std::string(5000, 'b');
    e.key_begin = 5000;
    e.key_end = 5003;
    EvidenceWindow w = evidence_window(e, 100);
    EXPECT_EQ(w.key, "KEY");
    EXPECT_EQ(w.before.size(), 103u);  // "..." and 100 bytes
    EXPECT_EQ(w.after.size(), 103u);
}

}  // namespace
}  // namespace certdoctor

namespace certdoctor {
namespace {

// A value an attacker could put in a name, an image, a message, a certificate or a header: it
// tries to set the terminal title, clear the screen, add a line, close a fence and a table cell.
const std::string kPayload = "x\x1b]0;pwned\x07\x1b[2J|\n```\n# injected\nrm -rf ~ #";

// Prose (explanations, descriptions) keeps the paragraph breaks the tool composed; the values in
// it arrive on one line (Composition.ValuesInProseStayOnOneLine), with their controls.
const std::string kProse = "first paragraph x\x1b]0;pwned\x07\x1b[2J|```\n\nsecond paragraph";

Report hostile_report() {
    const std::string& p = kPayload;
    Report r;
    r.status = ReportStatus::problems_found;
    r.source = p;
    r.messages_read = 1;
    r.notes = {p};
    r.cluster = {true, p, p, p, p, p, p, false};
    r.cluster_checks = {{p, "fail", p, p}};
    r.sweep = true;
    r.runs_scanned = 1;
    r.failed_runs = 1;
    FindingGroup g;
    g.pattern = g.component = g.problem = g.registry = p;
    g.count = 1;
    g.runs = {{"TaskRun", p, p}};
    g.first_seen = g.last_seen = g.first_line = p;
    r.groups = {g};
    Finding f;
    f.pattern = f.site_rule = f.cause_rule = f.component = f.stage = f.problem = p;
    f.registry = f.url = f.image = f.step = f.tool = f.host = p;
    f.object = {"TaskRun", p, p};
    f.parent = {"PipelineRun", p, p};
    f.chain = {p, p, p, {{p, p, true}}};
    f.title = p;
    f.explanation = kProse;
    f.evidence = {p + " " + p, 2, 10, p};
    f.seen_in = {p, p};
    // A fix as render_fix makes it: every value quoted for where it stands.
    f.fixes = {{p, p, kProse, {"kubectl get taskrun " + shell_quote(p)}, {{0, p}}, "image: " + yaml_scalar(p) + "\n"}};
    f.references = {p};
    f.probed = true;
    f.probe.target = f.probe.host = f.probe.server_name = f.probe.problem = f.probe.detail = p;
    f.probe.verified_with = {p};
    CertificateView c;
    c.subject = c.issuer = c.serial = c.not_before = c.not_after = c.common_name = c.key_type = p;
    c.signature_algorithm = c.sha256 = c.pem = p;
    c.dns_names = c.ip_addresses = {p};
    f.probe.chain = {c};
    f.probe.has_anchor = true;
    f.probe.trust_anchor = {p, p, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", false, p};
    f.probe.registry.status = "auth-required";
    f.probe.registry.auth_scheme = f.probe.registry.realm = f.probe.registry.service = f.probe.registry.detail = p;
    f.probe.registry.realm_host = f.probe.registry.realm_problem = f.probe.registry.realm_detail = p;
    f.probe.image.reference = f.probe.image.digest = f.probe.image.error = p;
    f.probe.image.platforms = {{p, p, p, p, {p}, {p}}};
    r.findings = {f};
    return r;
}

// No ESC, BEL or other control reaches the output raw, and the payload's lines never start a line
// of their own. In Markdown, lines inside a fenced block are its content: the check is that no
// fence closes early, so that every line outside the blocks is the renderer's.
void expect_inert(const std::string& out, const char* what, bool markdown = false) {
    for (unsigned char ch : out) ASSERT_TRUE(ch >= 0x20 || ch == '\n') << what << ": control byte " << int(ch);
    std::istringstream lines(out);
    std::string line;
    size_t fence = 0;  // the open block's fence length, 0 outside
    while (std::getline(lines, line)) {
        auto t = line.substr(std::min(line.find_first_not_of(" $>"), line.size()));
        size_t ticks = t.find_first_not_of('`');
        ticks = ticks == std::string::npos ? t.size() : ticks;
        if (markdown && ticks >= 3) {
            if (fence == 0) fence = ticks;
            else if (ticks >= fence && ticks == t.size()) fence = 0;
            continue;
        }
        if (fence) continue;
        EXPECT_NE(t.rfind("rm -rf", 0), 0u) << what << ": " << line;
        EXPECT_NE(t, "# injected") << what << ": " << line;
    }
    EXPECT_EQ(fence, 0u) << what << ": a block left open";
}

TEST(Render, EveryValueFromInputIsEscapedInTextAndMarkdown) {
    Report r = hostile_report();
    expect_inert(render_text(r, Color::off), "text");
    expect_inert(render_markdown(r), "markdown", true);
    expect_inert(render_text(r, Color::off, Detail::brief), "brief text");
    expect_inert(render_markdown(r, Detail::brief), "brief markdown", true);
    expect_inert(render_probe_text(r.findings[0].probe, Color::off), "probe text");
    expect_inert(render_probe_markdown(r.findings[0].probe), "probe markdown", true);
    r.log.read = true;
    r.sweep = false;
    expect_inert(render_text(r, Color::off), "analyze text");
    expect_inert(render_markdown(r), "analyze markdown", true);
    expect_inert(render_text(r, Color::off, Detail::brief), "analyze brief text");
    expect_inert(render_markdown(r, Detail::brief), "analyze brief markdown", true);
    expect_inert(render_new_group_text(r), "analyze --follow");
}

// Colour codes are the renderer's own: with colour on, every ESC starts one of them.
TEST(Render, WithColourOnlyTheRenderersOwnEscapes) {
    std::string out = render_text(hostile_report(), Color::on);
    for (size_t at = out.find('\x1b'); at != std::string::npos; at = out.find('\x1b', at + 1))
        EXPECT_EQ(out.compare(at, 2, "\x1b["), 0) << out.substr(at, 12);
    EXPECT_EQ(out.find("\x1b]"), std::string::npos);
    EXPECT_EQ(out.find('\x07'), std::string::npos);
}

// Values reach prose through one-line escapes: a template's values, and the sentences the probe and
// the cluster checks add.
TEST(Composition, ValuesInProseStayOnOneLine) {
    std::string text = render_explanation("The registry {{registry}} failed.", {{"registry", kPayload}});
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    Finding f;
    f.registry = kPayload;
    f.problem = "unknown-authority";
    ProbeResult probe;
    probe.problem = "incomplete-chain";
    probe.detail = kPayload;
    apply_probe(f, probe);
    EXPECT_EQ(f.explanation.find("\n", 2), std::string::npos) << f.explanation;  // only the paragraph break
    EXPECT_EQ(f.explanation.find('\x1b'), std::string::npos) << f.explanation;
}

// A site's prose may tell how its caller trusts a CA only where a CA is the answer: for an expired
// certificate, a wrong name or a weak signature, "pass the CA with --cacert" would mislead.
TEST(Composition, NoSiteOffersACaForADefectOfTheCertificateItself) {
    RE2 advice(R"((?i)(\b(?:give|given|pass|add|put|needs|trust)\b[^.;:]*\bCA\b|--cacert|--ca-file|)"
               R"(--ca-certificate|--registry-certificate|--registry-cacert|sslCAInfo|GIT_SSL_CAINFO|ca\.crt|)"
               R"(update-ca-certificates|extend the image's trust))");
    ASSERT_TRUE(advice.ok());
    std::vector<std::pair<std::string, std::string>> values = {
        {"registry", "registry.example:5000"}, {"peer", "registry"}, {"image", "app:1"}, {"step", "build"}};
    int sites = 0;
    for (const auto& site : test::shipped_engine().catalog().sites) {
        ++sites;
        for (auto problem : vocabulary::chain_problems) {
            if (vocabulary::contains(vocabulary::ca_problems, problem)) continue;
            std::string text = render_explanation(site.explanation, values, {{"certificate", true}, {"ca", false}});
            std::string found;
            EXPECT_FALSE(RE2::PartialMatch(text, advice, &found))
                << site.file << " (" << problem << ") says '" << found << "': " << text;
        }
    }
    EXPECT_GT(sites, 50);
    // Where a CA is the answer, the caller's own setting is still told.
    const Rule* curl = test::shipped_engine().catalog().rule("curl");
    ASSERT_NE(curl, nullptr);
    std::string text = render_explanation(curl->explanation, values, {{"certificate", true}, {"ca", true}});
    EXPECT_NE(text.find("--cacert"), std::string::npos) << text;
}

// JSON keeps the values exactly (its writer escapes them).
TEST(Render, JsonKeepsTheValuesExactly) {
    auto j = nlohmann::json::parse(render_json(hostile_report()));
    EXPECT_EQ(j["findings"][0]["image"], kPayload);
    EXPECT_EQ(j["findings"][0]["object"]["name"], kPayload);
    EXPECT_EQ(j["findings"][0]["fixes"][0]["comments"][0]["text"], kPayload);
}

}  // namespace
}  // namespace certdoctor
