// The one place that knows the order of the flow:
//   input -> failure records -> matcher -> diagnosis (with fix plans) -> report.
// The command line (plugin/) calls these and renders the report; tests call them directly.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "match/catalog.h"
#include "match/matcher.h"
#include "model/report.h"

namespace certdoctor {

// The loaded catalog and its compiled matcher; built once per process.
class Engine {
public:
    // Loads the embedded catalog plus `patterns_dir` (may be ""). Throws Error on a bad catalog.
    explicit Engine(const std::string& patterns_dir = "");
    explicit Engine(Catalog catalog);

    const Catalog& catalog() const { return *catalog_; }
    const Matcher& matcher() const { return *matcher_; }

private:
    std::unique_ptr<Catalog> catalog_;  // the matcher points into it: keep its address stable
    std::unique_ptr<Matcher> matcher_;
};

// `explain`: a pasted message, block or log.
Report explain_text(const Engine& engine, const std::string& text, const std::string& source);

// `diagnose -f`: dumped TaskRuns/PipelineRuns (YAML or JSON). Throws Error (exit 3) when the text
// is not a dump.
Report diagnose_dump(const Engine& engine, const std::string& text, const std::string& source);

// `patterns test`: every rule's examples through the whole engine.
struct ExampleResult {
    std::string file;
    int line = 0;
    std::string rule;
    std::string failure;  // empty when the example passed
};
std::vector<ExampleResult> run_examples(const Engine& engine);

}  // namespace certdoctor
