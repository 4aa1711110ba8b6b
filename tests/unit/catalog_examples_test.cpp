// One parameterised test runs every example of every rule through the engine: adding a rule
// needs no C++, and a rule without passing examples cannot land.
#include <gtest/gtest.h>

#include "test_engine.h"

namespace certdoctor {
namespace {

}  // namespace

void PrintTo(const ExampleResult& r, std::ostream* os) { *os << r.file << ":" << r.line; }

namespace {

class CatalogExample : public ::testing::TestWithParam<ExampleResult> {};

TEST_P(CatalogExample, Holds) {
    const ExampleResult& r = GetParam();
    EXPECT_TRUE(r.failure.empty()) << r.file << ":" << r.line << ": " << r.rule << ": " << r.failure;
}

std::string example_name(const ::testing::TestParamInfo<ExampleResult>& info) {
    std::string name = info.param.rule + "_line" + std::to_string(info.param.line);
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Patterns, CatalogExample, ::testing::ValuesIn(run_examples(test::shipped_engine())),
                         example_name);

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
