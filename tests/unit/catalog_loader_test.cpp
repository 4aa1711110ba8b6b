#include "match/catalog.h"

#include <gtest/gtest.h>

namespace certdoctor {
namespace {

const char* kGoodCause = R"(kind: cause
id: my-cause
title: A cause
problem: unknown-authority
regex: 'x509: my error'
explanation: An explanation long enough to say what is wrong and why it is so.
examples:
  match: ['x509: my error']
  no_match: [{text: 'x509: other', reason: another error}]
)";

TEST(CatalogLoader, ReadsTheEmbeddedCatalogWithoutIssues) {
    LoadResult r = load_catalog(catalog_sources(""));
    for (const auto& i : r.issues) ADD_FAILURE() << i.to_string();
    EXPECT_GT(r.catalog.sites.size(), 10u);
    EXPECT_GT(r.catalog.causes.size(), 10u);
    EXPECT_NE(r.catalog.fix("add-ca-to-config-registry-cert"), nullptr);
    EXPECT_NE(r.catalog.chain("entrypoint-lookup"), nullptr);
}

TEST(CatalogLoader, ReportsAMissingFieldWithFileAndLine) {
    std::string text = kGoodCause;
    text.erase(text.find("problem:"), std::string("problem: unknown-authority\n").size());
    LoadResult r = load_catalog({{"rules/my-cause.yaml", text}});
    ASSERT_EQ(r.issues.size(), 1u);
    EXPECT_EQ(r.issues[0].to_string(), "rules/my-cause.yaml:1: missing required field 'problem'");
}

TEST(CatalogLoader, ReportsAnUnknownFieldAtItsLine) {
    std::string text = std::string(kGoodCause) + "severity: high\n";
    LoadResult r = load_catalog({{"my-cause.yaml", text}});
    ASSERT_EQ(r.issues.size(), 1u);
    EXPECT_EQ(r.issues[0].line, 10);
    EXPECT_NE(r.issues[0].message.find("unknown field 'severity'"), std::string::npos);
}

TEST(CatalogLoader, ReportsYamlSyntaxErrorsAtTheirLine) {
    LoadResult r = load_catalog({{"broken.yaml", "kind: cause\nid: [unclosed\ntitle: x\n"}});
    ASSERT_EQ(r.issues.size(), 1u);
    EXPECT_EQ(r.issues[0].file, "broken.yaml");
    EXPECT_GE(r.issues[0].line, 2);
}

TEST(CatalogLoader, RequiresAReasonForNoMatchExamples) {
    std::string text = kGoodCause;
    text.replace(text.find("{text: 'x509: other', reason: another error}"),
                 std::string("{text: 'x509: other', reason: another error}").size(), "'x509: other'");
    LoadResult r = load_catalog({{"my-cause.yaml", text}});
    ASSERT_EQ(r.issues.size(), 1u);
    EXPECT_NE(r.issues[0].message.find("needs a 'reason'"), std::string::npos);
}

TEST(CatalogLoader, ALaterFileOverridesARuleById) {
    std::string replaced = kGoodCause;
    replaced.replace(replaced.find("A cause"), 7, "Replaced");
    LoadResult r = load_catalog({{"patterns/causes/my-cause.yaml", kGoodCause, RuleOrigin::builtin},
                                 {"/tmp/extra/my-cause.yaml", replaced, RuleOrigin::user}});
    EXPECT_TRUE(r.issues.empty());
    ASSERT_EQ(r.catalog.causes.size(), 1u);
    EXPECT_EQ(r.catalog.causes[0].title, "Replaced");
}

TEST(CatalogLoader, ReportsDuplicateIdsWithinOneCatalog) {
    LoadResult r = load_catalog({{"patterns/a.yaml", kGoodCause}, {"patterns/b.yaml", kGoodCause}});
    ASSERT_EQ(r.issues.size(), 1u);
    EXPECT_NE(r.issues[0].message.find("duplicate id 'my-cause', first defined at patterns/a.yaml:1"),
              std::string::npos);
}

TEST(CatalogLoader, ReportsUnknownFragments) {
    std::string text = kGoodCause;
    text.replace(text.find("'x509: my error'"), 16, "'{{nope}}x509: my error'");
    LoadResult r = load_catalog({{"my-cause.yaml", text}});
    ASSERT_EQ(r.issues.size(), 1u);
    EXPECT_NE(r.issues[0].message.find("unknown fragment {{nope}}"), std::string::npos);
}


// A site's context uses the fragments its regex does: expanded when read, an unknown one an issue.
TEST(CatalogLoader, ExpandsFragmentsInASitesContext) {
    const char* fragments = "kind: fragments\nfragments:\n  opts: '(?: --?[a-z]+)*'\n";
    std::string site = R"(kind: site
id: my-tool
title: My tool
component: step-tool
stage: step-run
chain: step-tool
regex: 'mytool: '
context: '\bmytool{{opts}} push\b'
explanation: My tool made the request to the registry itself, with its own trust store.
examples:
  match: ['mytool: x509: certificate signed by unknown authority']
  no_match: [{text: 'x509: other', reason: another caller}]
)";
    LoadResult r = load_catalog({{"fragments.yaml", fragments}, {"my-tool.yaml", site}});
    for (const auto& i : r.issues) ADD_FAILURE() << i.to_string();
    ASSERT_EQ(r.catalog.sites.size(), 1u);
    EXPECT_EQ(r.catalog.sites[0].context, "\\bmytool(?: --?[a-z]+)* push\\b");
    std::string unknown = site;
    unknown.replace(unknown.find("{{opts}}"), 8, "{{nope}}");
    LoadResult bad = load_catalog({{"fragments.yaml", fragments}, {"my-tool.yaml", unknown}});
    ASSERT_EQ(bad.issues.size(), 1u);
    EXPECT_NE(bad.issues[0].message.find("unknown fragment {{nope}}"), std::string::npos);
}

// A user's folder named `patterns` (relative, as --patterns-dir patterns gives it) overrides the
// built-in rule: the origin is stated, not guessed from the path.
TEST(CatalogLoader, AUserRuleInAFolderNamedPatternsOverridesTheBuiltIn) {
    SourceFile builtin{"patterns/causes/my-cause.yaml", kGoodCause, RuleOrigin::builtin};
    SourceFile user{"patterns/my-cause.yaml", kGoodCause, RuleOrigin::user};
    EXPECT_TRUE(load_catalog({builtin, user}).issues.empty());
    SourceFile again{"patterns/sub/my-cause.yaml", kGoodCause, RuleOrigin::user};
    LoadResult twice = load_catalog({builtin, user, again});
    ASSERT_EQ(twice.issues.size(), 1u);
    EXPECT_NE(twice.issues[0].message.find("duplicate id 'my-cause'"), std::string::npos);
}

}  // namespace
}  // namespace certdoctor
