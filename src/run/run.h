// The one place that knows the order of the flow:
//   input -> failure records -> matcher -> diagnosis (with fix plans) -> report.
// The command line (plugin/) calls these and renders the report; tests call them directly.
#pragma once

#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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
// findings is probed once and the result folded into its findings. `run_namespace` (explain -n)
// is the namespace the failing run or pod was in, for the findings whose text names none.
Report explain_text(const Engine& engine, std::string text, const std::string& source,
                    const ProbeOptions* probe = nullptr, const std::string& run_namespace = "");

// `diagnose -f`: dumped TaskRuns/PipelineRuns (YAML or JSON). Throws Error (exit 3) when the text
// is not a dump.
Report diagnose_dump(const Engine& engine, const std::string& text, const std::string& source,
                     const ProbeOptions* probe = nullptr);

// Reads the image of each of `finding`'s lookup steps on its registry (its Entrypoint and Cmd per
// platform, for set-step-command), trusting what `options` trusts; each image once over `cache`.
// An image that cannot be read adds a note.
void read_step_images(Finding& finding, const ProbeOptions& options, std::map<std::string, ImageView>& cache,
                      std::vector<std::string>& notes);

// Probes each distinct registry of `report` once and folds the results in (`--probe`).
void probe_findings(Report& report, const ProbeOptions& options);

// Probes registries in the background as findings name them, each once and a few at a time, so
// that a sweep's probes run while its later pages load. probe_findings is add() then fold_into().
class RegistryProber {
public:
    explicit RegistryProber(ProbeOptions options);
    ~RegistryProber();  // waits for the probes under way
    RegistryProber(const RegistryProber&) = delete;
    RegistryProber& operator=(const RegistryProber&) = delete;

    // Starts probes for the registries of `findings` worth probing that were not seen before.
    void add(const std::vector<Finding>& findings);
    // Waits for every probe and folds the results into the report's findings. Rethrows a probe's
    // error (a bad --ca-file fails every probe alike).
    void fold_into(Report& report);

private:
    void work();
    void wait();

    ProbeOptions options_;
    std::mutex mutex_;
    std::vector<std::string> registries_;  // in order of first appearance
    std::map<std::string, ProbeTarget> targets_;
    std::deque<ProbeResult> results_;      // stable addresses while workers write
    std::deque<std::exception_ptr> errors_;
    std::vector<std::string> notes_;
    size_t next_ = 0;                      // the next registry a worker takes
    size_t running_ = 0;
    std::vector<std::thread> threads_;
};

// `patterns test`: every rule's examples through the whole engine.
struct CatalogExampleRef {
    const Rule* rule = nullptr;
    const Example* example = nullptr;
    bool match = true;  // a `match` example, else a `no_match` one
};
// Every example of every site, then of every cause, in the catalog's order.
std::vector<CatalogExampleRef> list_examples(const Catalog& catalog);
// What is wrong with how the engine reads one example; empty when it holds.
std::string check_example(const Engine& engine, const CatalogExampleRef& example);

struct ExampleResult {
    std::string file;
    int line = 0;
    std::string rule;
    std::string failure;  // empty when the example passed
};
std::vector<ExampleResult> run_examples(const Engine& engine);

}  // namespace certdoctor
