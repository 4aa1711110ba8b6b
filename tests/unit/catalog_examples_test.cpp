// One parameterised test runs every example of every rule through the engine: adding a rule
// needs no C++, and a rule without passing examples cannot land.
#include <gtest/gtest.h>

#include "test_engine.h"

namespace certdoctor {
namespace {

// An example as the test names it; the engine runs every example once, when the first is checked
// (never while gtest registers the tests: each ctest process of the unit binary registers them all).
struct ExampleKey {
    std::string file;
    int line = 0;
    std::string rule;
};

}  // namespace

void PrintTo(const ExampleKey& k, std::ostream* os) { *os << k.file << ":" << k.line; }

namespace {

std::vector<ExampleKey> example_keys() {
    std::vector<ExampleKey> keys;
    const Catalog& c = test::shipped_engine().catalog();
    for (const auto* list : {&c.sites, &c.causes})
        for (const auto& rule : *list) {
            for (const auto& ex : rule.match_examples) keys.push_back({rule.file, ex.line, rule.id});
            for (const auto& ex : rule.no_match_examples) keys.push_back({rule.file, ex.line, rule.id});
        }
    return keys;
}

const std::vector<ExampleResult>& example_results() {
    static const std::vector<ExampleResult> results = run_examples(test::shipped_engine());
    return results;
}

class CatalogExample : public ::testing::TestWithParam<ExampleKey> {};

TEST_P(CatalogExample, Holds) {
    const ExampleKey& k = GetParam();
    size_t checked = 0;
    for (const auto& r : example_results())
        if (r.file == k.file && r.line == k.line && r.rule == k.rule) {
            EXPECT_TRUE(r.failure.empty()) << r.file << ":" << r.line << ": " << r.rule << ": " << r.failure;
            ++checked;
        }
    EXPECT_EQ(checked, 1u) << k.file << ":" << k.line << ": " << k.rule << " was run " << checked << " times";
}

std::string example_name(const ::testing::TestParamInfo<ExampleKey>& info) {
    std::string name = info.param.rule + "_line" + std::to_string(info.param.line);
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Patterns, CatalogExample, ::testing::ValuesIn(example_keys()), example_name);

// The keys above are every example run_examples checks, no more and no fewer.
TEST(CatalogExamples, EveryExampleRunIsOneTest) {
    EXPECT_EQ(example_results().size(), example_keys().size());
}

TEST(CatalogExamples, EveryRuleHasBothKinds) {
    const Catalog& c = test::shipped_engine().catalog();
    for (const auto* list : {&c.sites, &c.causes})
        for (const auto& r : *list) {
            EXPECT_FALSE(r.match_examples.empty()) << r.id;
            EXPECT_FALSE(r.no_match_examples.empty()) << r.id;
        }
}

}  // namespace
}  // namespace certdoctor
