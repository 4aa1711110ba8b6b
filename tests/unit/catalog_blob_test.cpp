// The built-in catalog's compact form (made at build time) and the matcher's prefilter path: both
// must give exactly what reading patterns/ and matching with the whole RE2::Set give.
#include "match/catalog_blob.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <cstdint>
#include <memory>

#include "match/lint.h"
#include "match/matcher.h"
#include "match/rule_prefilter.h"
#include "test_engine.h"
#include "util/error.h"

namespace certdoctor {
namespace {

// The catalog as the loader reads it from the embedded YAML, as at run time with --patterns-dir.
Catalog catalog_from_yaml() {
    LoadResult r = load_catalog(catalog_sources(""));
    EXPECT_TRUE(r.issues.empty());
    return std::move(r.catalog);
}

TEST(CatalogBlob, HoldsTheCatalogThatPatternsDescribes) {
    Catalog from_yaml = catalog_from_yaml();
    Catalog built_in = deserialize_catalog(builtin_catalog_blob());
    EXPECT_TRUE(built_in.prechecked);
    ASSERT_EQ(built_in.sites.size(), from_yaml.sites.size());
    ASSERT_EQ(built_in.causes.size(), from_yaml.causes.size());
    // The compact form is the YAML's catalog plus the prefilters: with those worked out the same
    // way, both serialise to the same bytes.
    for (auto* list : {&from_yaml.sites, &from_yaml.causes})
        for (auto& rule : *list) {
            rule.prefilter = rule_prefilter(rule.expanded);
            if (!rule.context.empty()) rule.context_prefilter = rule_prefilter(rule.context);
        }
    from_yaml.prechecked = true;
    EXPECT_EQ(serialize_catalog(from_yaml), std::string(builtin_catalog_blob()));
    EXPECT_EQ(serialize_catalog(built_in), std::string(builtin_catalog_blob()));
}

TEST(CatalogBlob, RefusesADamagedForm) {
    std::string blob(builtin_catalog_blob());
    EXPECT_THROW(deserialize_catalog(blob.substr(0, blob.size() / 2)), Error);
    EXPECT_THROW(deserialize_catalog("not a catalog"), Error);
    EXPECT_THROW(deserialize_catalog(blob + "x"), Error);
}

TEST(CatalogBlob, TheEngineReadsTheCompactFormWithoutAFolder) {
    EXPECT_TRUE(load_catalog_or_throw("").prechecked);
}

TEST(RulePrefilter, AClauseMissingFromTheTextRulesTheRegexOut) {
    RulePrefilter p =
        rule_prefilter("x509: certificate signed by (unknown authority|a private CA)");
    ASSERT_FALSE(p.clauses.empty());
    EXPECT_TRUE(p.may_match("get https://r/v2/: x509: certificate signed by unknown authority"));
    EXPECT_FALSE(p.may_match("x509: certificate has expired or is not yet valid"));
    EXPECT_TRUE(
        rule_prefilter("^.*$").clauses.empty());  // nothing to look for: every text is a candidate
}

TEST(RulePrefilter, TextBeyondAsciiIsNotFiltered) {
    std::string lower;
    EXPECT_TRUE(prefilter_text("X509: Unknown Authority", lower));
    EXPECT_EQ(lower, "x509: unknown authority");
    EXPECT_FALSE(prefilter_text("x509: \xe2\x84\xaa", lower));  // KELVIN SIGN folds to k
}

// Every example and corpus message: the rules the prefilter path finds (a fresh matcher over the
// built-in catalog, compiling rule by rule) are those the whole set finds (the same catalog read
// from YAML), with the same matches and captures, best first.
TEST(Matcher, ThePrefilterFindsWhatTheSetFinds) {
    Catalog built_in = load_catalog_or_throw("");
    Catalog from_yaml = catalog_from_yaml();
    Matcher with_set(from_yaml);
    std::vector<std::string> texts = test::example_and_corpus_texts();
    // The real-world corpus too: each entry whole, and each of its lines.
    const size_t step = test::corpus_sample_step();
    // The files in order of name, so that a sample is the same one on every machine.
    std::vector<std::filesystem::path> files;
    for (const auto& f : std::filesystem::directory_iterator(std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/corpus/reports"))
        if (f.path().extension() == ".yaml") files.push_back(f.path());
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty());
    size_t entry = 0;
    for (const auto& file : files) {
        for (const auto& n : YAML::LoadFile(file.string())) {
            if (entry++ % step != 0) continue;
            std::string text = n["text"].as<std::string>();
            texts.push_back(text);
            for (size_t start = 0, end; start < text.size(); start = end + 1) {
                end = text.find('\n', start);
                if (end == std::string::npos) end = text.size();
                texts.push_back(text.substr(start, end - start));
            }
        }
    }
    size_t compared = 0;
    // Every short text through the prefilters (a budget that never runs out), and a matcher with
    // the shipped budget, which hands over to the set part of the way through.
    const Matcher prefiltered(built_in, SIZE_MAX);
    const Matcher budgeted(built_in);
    for (const auto& text : texts) {
        auto a = prefiltered.all_matches(text);
        auto b = with_set.all_matches(text);
        ASSERT_EQ(a.size(), b.size()) << text;
        for (size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].rule->id, b[i].rule->id) << text;
            EXPECT_EQ(a[i].begin, b[i].begin) << text;
            EXPECT_EQ(a[i].end, b[i].end) << text;
            EXPECT_EQ(a[i].captures, b[i].captures) << text;
        }
        MessageMatch m = prefiltered.match(text), n = with_set.match(text);
        EXPECT_EQ(m.site ? m.site->rule->id : "", n.site ? n.site->rule->id : "") << text;
        EXPECT_EQ(m.cause ? m.cause->rule->id : "", n.cause ? n.cause->rule->id : "") << text;
        EXPECT_EQ(m.dependent_cause ? m.dependent_cause->rule->id : "",
                  n.dependent_cause ? n.dependent_cause->rule->id : "")
            << text;
        EXPECT_EQ(prefiltered.any(text), with_set.any(text)) << text;
        MessageMatch k = budgeted.match(text);
        EXPECT_EQ(k.site ? k.site->rule->id : "", n.site ? n.site->rule->id : "") << text;
        EXPECT_EQ(k.cause ? k.cause->rule->id : "", n.cause ? n.cause->rule->id : "") << text;
        auto ca = prefiltered.context_sites(text), cb = with_set.context_sites(text);
        ASSERT_EQ(ca.size(), cb.size()) << text;
        for (size_t i = 0; i < ca.size(); ++i) EXPECT_EQ(ca[i].matched, cb[i].matched) << text;
        ++compared;
    }
    EXPECT_GT(compared, 1000u);
}

}  // namespace
}  // namespace certdoctor
