// How fast the engine starts (catalog parse + RE2::Set compile) and matches messages: the
// corpus's real failure messages, and ordinary log lines that match nothing (the common case in
// a log). Figures: items_per_second is messages per second.
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include "input/normalise.h"
#include "run/run.h"

namespace certdoctor {
namespace {

std::vector<std::string> corpus_messages() {
    std::vector<std::string> out;
    for (const char* name : {"public-reports.yaml", "generated.yaml", "shapes.yaml"})
        for (const auto& n : YAML::LoadFile(std::string(CERTDOCTOR_SOURCE_DIR) + "/tests/corpus/" + name))
            out.push_back(normalise_message(n["text"].as<std::string>()));
    return out;
}

std::vector<std::string> ordinary_lines() {
    std::vector<std::string> out;
    for (int i = 0; i < 64; ++i)
        out.push_back("{\"level\":\"info\",\"ts\":\"2026-11-20T09:14:0" + std::to_string(i % 10) +
                      ".1Z\",\"logger\":\"tekton-pipelines-controller\",\"msg\":\"Reconcile succeeded\",\"knative.dev/key\":\"ci/build-" +
                      std::to_string(i) + "\",\"duration\":\"12.5ms\"}");
    return out;
}

const Engine& engine() {
    static const Engine e("");
    return e;
}

void EngineStartup(benchmark::State& state) {
    for (auto _ : state) {
        Engine e("");
        benchmark::DoNotOptimize(&e);
    }
}
BENCHMARK(EngineStartup)->Unit(benchmark::kMillisecond);

void MatchFailureMessages(benchmark::State& state) {
    static const auto messages = corpus_messages();
    size_t i = 0;
    for (auto _ : state) {
        auto m = engine().matcher().match(messages[i++ % messages.size()]);
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(MatchFailureMessages);

void RejectOrdinaryLines(benchmark::State& state) {
    static const auto lines = ordinary_lines();
    size_t i = 0, bytes = 0;
    for (auto _ : state) {
        const auto& line = lines[i++ % lines.size()];
        bytes += line.size();
        benchmark::DoNotOptimize(engine().matcher().any(line));
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(RejectOrdinaryLines);

void ExplainAndPlanFixes(benchmark::State& state) {
    static const auto messages = corpus_messages();
    size_t i = 0;
    for (auto _ : state) {
        Report r = explain_text(engine(), messages[i++ % messages.size()], "bench");
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ExplainAndPlanFixes);

}  // namespace
}  // namespace certdoctor

BENCHMARK_MAIN();
