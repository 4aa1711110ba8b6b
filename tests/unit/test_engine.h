// The engine over the shipped catalog, built once for all unit tests.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run/run.h"

namespace certdoctor::test {

inline const Engine& shipped_engine() {
    static const Engine engine("");
    return engine;
}

// Every message the catalog's examples and the corpus in tests/corpus/ hold, as written there.
inline std::vector<std::string> example_and_corpus_texts() {
    std::vector<std::string> texts;
    for (const auto* list : {&shipped_engine().catalog().sites, &shipped_engine().catalog().causes})
        for (const auto& rule : *list)
            for (const auto& e : rule.match_examples) texts.push_back(e.text);
    for (const char* name : {"public-reports.yaml", "generated.yaml", "shapes.yaml"})
        for (const auto& n : YAML::LoadFile(std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/corpus/" + name))
            texts.push_back(n["text"].as<std::string>());
    return texts;
}

// Tests that read the whole corpus read one text in N when CERTDOCTOR_TEST_SAMPLE=N (the run under
// ASan and UBSan sets it: there each pass is ten times slower, and the regular run reads all).
inline size_t corpus_sample_step() {
    const char* value = std::getenv("CERTDOCTOR_TEST_SAMPLE");
    size_t step = value ? std::strtoul(value, nullptr, 10) : 1;
    return step == 0 ? 1 : step;
}

// A file of tests/samples, whole.
inline std::string sample_text(const std::string& name) {
    std::ifstream in(std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/samples/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace certdoctor::test
