#include "match/lint.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace certdoctor {
namespace {

std::vector<std::string> messages(const std::vector<CatalogIssue>& issues) {
    std::vector<std::string> out;
    for (const auto& i : issues) out.push_back(i.to_string());
    return out;
}

bool any_contains(const std::vector<CatalogIssue>& issues, const std::string& needle) {
    for (const auto& i : issues)
        if (i.message.find(needle) != std::string::npos) return true;
    return false;
}

TEST(Lint, TheShippedCatalogIsClean) {
    LoadResult r = load_catalog(catalog_sources(""));
    auto issues = lint_catalog(r.catalog);
    EXPECT_TRUE(issues.empty()) << ::testing::PrintToString(messages(issues));
}

TEST(Lint, RejectsAddingACaForAHostnameMismatch) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& f : r.catalog.fixes)
        if (f.id == "trust-ca-on-nodes") f.problems.push_back("hostname-mismatch");
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "adds a CA, which cannot fix problem 'hostname-mismatch'"));
}

// A fix that gives some client a CA, chosen by its site or stage, names the problems a CA answers:
// with none listed it would come for a time-out or a refused connection too.
TEST(Lint, RejectsAFixThatAddsACaForEveryProblem) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& f : r.catalog.fixes)
        if (f.id == "check-kubeconfig-ca") f.problems.clear();
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "fix 'check-kubeconfig-ca' adds a CA: its applies_to must list"));
}

// identify-the-caller comes for every problem whose fix depends on the caller, and never for a
// defect of the certificate itself.
TEST(Lint, IdentifyTheCallerCoversEveryProblemButTheCertificatesDefects) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& f : r.catalog.fixes)
        if (f.id == "identify-the-caller") {
            f.problems.erase(std::remove(f.problems.begin(), f.problems.end(), "timeout"), f.problems.end());
            f.problems.push_back("expired");
        }
    auto issues = lint_catalog(r.catalog);
    EXPECT_TRUE(any_contains(issues, "leaves out problem 'timeout'"));
    EXPECT_TRUE(any_contains(issues, "lists 'expired', a defect of the certificate itself"));
}

// A fix's variant is chosen by the site's tool: one for a tool no site names is never shown. A
// misspelt `tool: ssh` on the SSH site would send git over SSH back to HTTPS tests and prose.
TEST(Lint, ToolsAreTheSitesOwn) {
    LoadResult r = load_catalog(catalog_sources(""));
    EXPECT_FALSE(any_contains(lint_catalog(r.catalog), "no site names"));
    for (auto& site : r.catalog.sites)
        if (site.tool == "ssh") site.tool = "openssh";
    for (auto& f : r.catalog.fixes)
        if (f.id == "configure-step-tool-ca") f.variants["kanico"] = f.variants.at("kaniko");
    auto issues = lint_catalog(r.catalog);
    EXPECT_TRUE(any_contains(issues, "no site names tool 'ssh', which the fix plan tells apart")) << ::testing::PrintToString(messages(issues));
    EXPECT_TRUE(any_contains(issues, "fix 'configure-git-credentials' has a variant for tool 'ssh', which no site names"));
    EXPECT_TRUE(any_contains(issues, "fix 'configure-step-tool-ca' has a variant for tool 'kanico'"));
    EXPECT_FALSE(any_contains(issues, "tool 'kaniko'"));
}

TEST(Lint, TrustIsOneOfThreeWordsAndOnlyForProblemOther) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& c : r.catalog.causes) {
        if (c.id == "tls-revocation-check-failed") c.trust = "maybe";
        if (c.id == "x509-unknown-authority") c.trust = "ca";
    }
    auto issues = lint_catalog(r.catalog);
    EXPECT_TRUE(any_contains(issues, "trust is ca, certificate or none, not 'maybe'"));
    EXPECT_TRUE(any_contains(issues, "trust is for problem other"));
}

// A site of confidence low names a likely caller: it has a component and is no look-alike.
TEST(Lint, ConfidenceIsOneOfThreeWordsAndALowSiteNamesALikelyCaller) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& s : r.catalog.sites) {
        if (s.id == "kaniko") s.confidence = "certain";
        if (s.id == "forge-rest-api") s.confidence = "low";
    }
    auto issues = lint_catalog(r.catalog);
    EXPECT_TRUE(any_contains(issues, "confidence is high, medium or low, not 'certain'"));
    EXPECT_TRUE(any_contains(issues, "confidence low names a likely caller"));
}

TEST(Lint, ContextExceptNeedsAContextWhoseFirstGroupIsTheProgram) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& s : r.catalog.sites)
        if (s.id == "skopeo") s.context_except = {"cat"};
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "context_except needs a context regex whose first group"));
}

TEST(Lint, RejectsALongCountedRepetitionInARegexOrAContext) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& s : r.catalog.sites) {
        if (s.id == "api-server") s.expanded = "kube-apiserver[^\\n]{0,200}?http: TLS handshake error from ";
        if (s.id == "skopeo") s.context = "\\bskopeo\\b.{1,120}copy";
    }
    auto issues = lint_catalog(r.catalog);
    EXPECT_TRUE(any_contains(issues, "rule 'api-server': a counted repetition up to 200"));
    EXPECT_TRUE(any_contains(issues, "rule 'skopeo': a counted repetition up to 120"));
    for (auto& s : r.catalog.sites)
        if (s.id == "api-server") s.expanded = "initialize exporter[^:\\n]{0,40}: ";
    EXPECT_FALSE(any_contains(lint_catalog(r.catalog), "rule 'api-server': a counted repetition"));
}

TEST(Lint, RejectsConfigRegistryCertOutsideTheController) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& f : r.catalog.fixes)
        if (f.id == "add-ca-to-config-registry-cert") f.stages.push_back("image-pull");
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "not at stage 'image-pull'"));
}

TEST(Lint, RejectsARegistryFixOnALookalikeStage) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& f : r.catalog.fixes)
        if (f.id == "reissue-registry-certificate") f.stages.push_back("admission-webhook");
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "of look-alike site 'admission-webhook'"));
}

TEST(Lint, RejectsUnknownVocabularyBadRegexesAndUnknownCaptures) {
    LoadResult r = load_catalog(catalog_sources(""));
    r.catalog.sites.front().stage = "build";
    r.catalog.causes.front().expanded = "x509: (unclosed";
    r.catalog.causes.back().expanded = "(?P<colour>x509)";
    auto issues = lint_catalog(r.catalog);
    EXPECT_TRUE(any_contains(issues, "unknown stage 'build' (known: entrypoint-lookup"));
    EXPECT_TRUE(any_contains(issues, "regex does not compile"));
    EXPECT_TRUE(any_contains(issues, "unknown capture name 'colour'"));
    // A name two groups share would reach the finding from the leftmost group only.
    r.catalog.causes.back().expanded = "(?:pinging (?P<registry>\\S+)|creds for (?P<registry>\\S+))";
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "capture name 'registry' is used by two groups"));
    // Every cause is exported for grep -E, which has no inline flags.
    r.catalog.causes.back().expanded = "(?i:connection refused)";
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "has no POSIX form for grep -E"));
}

// A frame fails for a problem or for a cause named by its id; a site's id or a misspelt word is
// neither.
TEST(Lint, AFrameFailsForAProblemOrACause) {
    LoadResult r = load_catalog(catalog_sources(""));
    auto& frame = r.catalog.chains.front().variants.front().frames.front();
    frame.fails_for = {"not-found", r.catalog.causes.front().id};
    EXPECT_TRUE(lint_catalog(r.catalog).empty()) << ::testing::PrintToString(messages(lint_catalog(r.catalog)));
    frame.fails_for = {r.catalog.sites.front().id};
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "unknown problem '" + r.catalog.sites.front().id + "'"));
    frame.fails_for = {"not-fonud"};
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "unknown problem 'not-fonud'"));
}

TEST(Lint, RejectsACauseSideOtherThanClientOrServer) {
    LoadResult r = load_catalog(catalog_sources(""));
    r.catalog.causes.front().side = "peer";
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "side is client or server, not 'peer'"));
}

TEST(Lint, RejectsASitePeerOtherThanRegistryOrAny) {
    LoadResult r = load_catalog(catalog_sources(""));
    r.catalog.sites.front().peer = "server";
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "peer is registry or any, not 'server'"));
}

// A reference is a fixed text that may sit in the explanation's sections; a value in it, a section
// the diagnosis never sets, or a broken tag is refused.
TEST(Lint, AReferenceHoldsOnlyTheExplanationsSections) {
    for (const auto& [reference, error] : std::vector<std::pair<std::string, std::string>>{
             {"{{registry}} docs", "may hold sections"},
             {"{{#peer_is_git}}git docs{{/peer_is_git}}", "may hold sections"},
             {"{{#registry_peer}}spec", "broken template"}}) {
        LoadResult r = load_catalog(catalog_sources(""));
        r.catalog.causes.front().references.push_back(reference);
        EXPECT_TRUE(any_contains(lint_catalog(r.catalog), error)) << reference;
    }
    LoadResult r = load_catalog(catalog_sources(""));
    r.catalog.causes.front().references.push_back("{{#registry_peer}}spec{{/registry_peer}}{{^ssh}} RFC{{/ssh}}");
    EXPECT_TRUE(lint_catalog(r.catalog).empty());
}

// The catalog's first fix that is (or is not) a registry fix, for a test to break.
FixRule& first_fix(Catalog& catalog, bool registry_fix) {
    return *std::find_if(catalog.fixes.begin(), catalog.fixes.end(),
                         [&](const FixRule& f) { return f.registry_fix == registry_fix; });
}

TEST(Lint, RejectsARegistryFixForLookAlikesOnly) {
    LoadResult r = load_catalog(catalog_sources(""));
    first_fix(r.catalog, true).lookalike_only = true;
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "cannot be both a registry fix and for look-alikes only"));
}

TEST(Lint, RejectsAStandInForAFixThatIsNoRegistryFix) {
    LoadResult r = load_catalog(catalog_sources(""));
    first_fix(r.catalog, false).stands_in_for = "rerun";
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "stands in for 'rerun', which is not a registry fix"));
}

TEST(Lint, RequiresNeedsRunOfAFixThatReCreatesRuns) {
    LoadResult r = load_catalog(catalog_sources(""));
    auto rerun = std::find_if(r.catalog.fixes.begin(), r.catalog.fixes.end(),
                              [](const FixRule& f) { return f.id == "rerun"; });
    ASSERT_NE(rerun, r.catalog.fixes.end());
    EXPECT_FALSE(any_contains(lint_catalog(r.catalog), "must say needs_run"));
    rerun->needs_run = false;
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "fix 'rerun' re-creates runs ({{#reruns}}) and must say needs_run: true"));
}

TEST(Lint, RejectsAnUnknownCauseAFixIsNeverFor) {
    LoadResult r = load_catalog(catalog_sources(""));
    first_fix(r.catalog, false).not_causes = {"x509-hostname-misspelt"};
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "unknown cause 'x509-hostname-misspelt'"));
}

TEST(Lint, PeerAnswerOnlyForALookalikeCause) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& c : r.catalog.causes)
        if (c.id == "x509-expired") c.peer_answer = true;
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "rule 'x509-expired': peer_answer is for a look-alike cause"));
}

TEST(Lint, RejectsAFixThatAddsACaAlsoForACauseACaCannotFix) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& f : r.catalog.fixes)
        if (f.id == "check-kubeconfig-ca") f.also_causes = {"network-transport-broken"};
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "fix 'check-kubeconfig-ca' adds a CA, which cannot fix cause 'network-transport-broken'"));
}

TEST(Lint, RequiresTheFileNameToBeTheId) {
    LoadResult r = load_catalog(catalog_sources(""));
    r.catalog.causes.front().file = "patterns/causes/renamed.yaml";
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "the file name must be the id"));
}

TEST(Lint, RequiresExactlyOneFailingFramePerChainVariant) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (auto& fr : r.catalog.chains.front().variants.front().frames) fr.failed = false;
    EXPECT_TRUE(any_contains(lint_catalog(r.catalog), "exactly one frame with 'fails: true'"));
}

}  // namespace
}  // namespace certdoctor
