// Every message of tests/corpus gets the right component, stage and problem from `explain`, and
// no look-alike gets a registry fix. The summary test prints the corpus by source and label.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>

#include "test_engine.h"

namespace certdoctor {
namespace {

struct CorpusEntry {
    std::string file, source, text, component, stage, problem;
    bool lookalike = false;
};

std::vector<CorpusEntry> load_corpus() {
    std::vector<CorpusEntry> out;
    for (const char* name : {"public-reports.yaml", "generated.yaml", "shapes.yaml"}) {
        std::string path = std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/corpus/" + name;
        for (const auto& n : YAML::LoadFile(path)) {
            CorpusEntry e;
            e.file = name;
            e.source = n["source"].as<std::string>();
            e.text = n["text"].as<std::string>();
            e.component = n["component"].as<std::string>();
            e.stage = n["stage"].as<std::string>();
            e.problem = n["problem"].as<std::string>();
            e.lookalike = n["lookalike"] && n["lookalike"].as<bool>();
            out.push_back(std::move(e));
        }
    }
    return out;
}

struct Verdict {
    bool component = false, stage = false, problem = false, no_wrong_fix = false;
    std::string got;
    bool all() const { return component && stage && problem && no_wrong_fix; }
};

Verdict judge(const CorpusEntry& e) {
    const Engine& engine = test::shipped_engine();
    Report r = explain_text(engine, e.text, "corpus");
    Verdict v;
    if (r.findings.empty()) {
        v.got = "no finding";
        return v;
    }
    const Finding& f = r.findings.front();
    v.component = f.component == e.component;
    v.stage = f.stage == e.stage;
    v.problem = f.problem == e.problem;
    v.no_wrong_fix = true;
    for (const auto& finding : r.findings)
        for (const auto& fix : finding.fixes)
            if (finding.lookalike && engine.catalog().fix(fix.id)->registry_fix) v.no_wrong_fix = false;
    if (e.lookalike && !f.lookalike) v.no_wrong_fix = false;
    v.got = f.component + "/" + f.stage + "/" + f.problem + (f.lookalike ? " (look-alike)" : "");
    return v;
}

void PrintTo(const CorpusEntry& e, std::ostream* os) { *os << e.file << " [" << e.source << "]"; }

class Corpus : public ::testing::TestWithParam<CorpusEntry> {};

TEST_P(Corpus, GetsTheRightDiagnosis) {
    const CorpusEntry& e = GetParam();
    Verdict v = judge(e);
    EXPECT_TRUE(v.all()) << e.file << " [" << e.source << "]\n  want " << e.component << "/" << e.stage << "/"
                         << e.problem << (e.lookalike ? " (look-alike)" : "") << "\n  got  " << v.got;
}

INSTANTIATE_TEST_SUITE_P(Messages, Corpus, ::testing::ValuesIn(load_corpus()),
                         [](const ::testing::TestParamInfo<CorpusEntry>& info) {
                             return std::to_string(info.index);
                         });

TEST(CorpusSummary, PrintsSizeBySourceAndLabelAndAccuracy) {
    auto corpus = load_corpus();
    ASSERT_GE(corpus.size(), 50u);
    std::map<std::string, int> by_file, by_label;
    int right = 0, lookalikes = 0;
    for (const auto& e : corpus) {
        ++by_file[e.file];
        ++by_label[e.component + "/" + e.problem];
        lookalikes += e.lookalike;
        right += judge(e).all();
    }
    std::printf("corpus: %zu messages, %d look-alikes\n", corpus.size(), lookalikes);
    for (const auto& [k, n] : by_file) std::printf("  source %-22s %3d\n", k.c_str(), n);
    for (const auto& [k, n] : by_label) std::printf("  label  %-40s %3d\n", k.c_str(), n);
    std::printf("corpus accuracy: %d/%zu = %.1f%%\n", right, corpus.size(), 100.0 * right / corpus.size());
    EXPECT_EQ(static_cast<size_t>(right), corpus.size());
}

}  // namespace
}  // namespace certdoctor
