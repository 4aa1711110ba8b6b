// One parameterised test runs every example of every rule through the engine: adding a rule
// needs no C++, and a rule without passing examples cannot land.
#include <gtest/gtest.h>

#include "test_engine.h"

namespace certdoctor {
namespace {

// An example as the test names it: its place in the catalog's list of examples, read while gtest
// registers the tests; each test runs its own example only (each ctest process of the unit
// binary registers them all and runs one).
struct ExampleKey {
    size_t index = 0;
    std::string file;
    int line = 0;
    std::string rule;
};

// Found by argument-dependent lookup in the key's own namespace.
[[maybe_unused]] void PrintTo(const ExampleKey& k, std::ostream* os) { *os << k.file << ":" << k.line; }

const std::vector<CatalogExampleRef>& examples() {
    static const std::vector<CatalogExampleRef> listed = list_examples(test::shipped_engine().catalog());
    return listed;
}

std::vector<ExampleKey> example_keys() {
    std::vector<ExampleKey> keys;
    for (size_t i = 0; i < examples().size(); ++i)
        keys.push_back({i, examples()[i].rule->file, examples()[i].example->line, examples()[i].rule->id});
    return keys;
}

class CatalogExample : public ::testing::TestWithParam<ExampleKey> {};

TEST_P(CatalogExample, Holds) {
    const ExampleKey& k = GetParam();
    ASSERT_LT(k.index, examples().size());
    const CatalogExampleRef& example = examples()[k.index];
    ASSERT_EQ(example.rule->id, k.rule);
    ASSERT_EQ(example.example->line, k.line);
    const std::string failure = check_example(test::shipped_engine(), example);
    EXPECT_TRUE(failure.empty()) << k.file << ":" << k.line << ": " << k.rule << ": " << failure;
}

std::string example_name(const ::testing::TestParamInfo<ExampleKey>& info) {
    std::string name = info.param.rule + "_line" + std::to_string(info.param.line);
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Patterns, CatalogExample, ::testing::ValuesIn(example_keys()), example_name);

// `patterns test` checks the same list, each example once: a failing example fails it too.
TEST(CatalogExamples, PatternsTestRunsEveryListedExampleOnce) {
    const std::vector<ExampleResult> results = run_examples(test::shipped_engine());
    ASSERT_EQ(results.size(), examples().size());
    size_t failed = 0;
    for (size_t i = 0; i < results.size(); ++i) {
        EXPECT_EQ(results[i].rule, examples()[i].rule->id) << i;
        EXPECT_EQ(results[i].line, examples()[i].example->line) << i;
        failed += !results[i].failure.empty();
    }
    EXPECT_EQ(failed, 0u);
    EXPECT_GE(results.size(), 100u);
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
