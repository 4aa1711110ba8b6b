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
#include "probe/probe.h"

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

// `explain`: a pasted message, block or log. With `probe`, each distinct registry named in the
// findings is probed once and the result folded into its findings.
Report explain_text(const Engine& engine, const std::string& text, const std::string& source,
                    const ProbeOptions* probe = nullptr);

// `diagnose -f`: dumped TaskRuns/PipelineRuns (YAML or JSON). Throws Error (exit 3) when the text
// is not a dump.
Report diagnose_dump(const Engine& engine, const std::string& text, const std::string& source,
                     const ProbeOptions* probe = nullptr);

// Probes each distinct registry of `report` once and folds the results in (`--probe`).
void probe_findings(Report& report, const Engine& engine, const ProbeOptions& options);

// `patterns test`: every rule's examples through the whole engine.
struct ExampleResult {
    std::string file;
    int line = 0;
    std::string rule;
    std::string failure;  // empty when the example passed
};
std::vector<ExampleResult> run_examples(const Engine& engine);

}  // namespace certdoctor
