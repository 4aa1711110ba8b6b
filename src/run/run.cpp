#include "run/run.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <thread>

#include "diagnose/diagnose.h"
#include "diagnose/probe_evidence.h"
#include "input/dump_source.h"
#include "input/text_source.h"
#include "probe/http_fetch.h"
#include "util/error.h"

namespace certdoctor {

Engine::Engine(const std::string& patterns_dir) : Engine(load_catalog_or_throw(patterns_dir)) {}

Engine::Engine(Catalog catalog)
    : catalog_(std::make_unique<Catalog>(std::move(catalog))),
      matcher_(std::make_unique<Matcher>(*catalog_)) {}

Report explain_text(const Engine& engine, const std::string& text, const std::string& source,
                    const ProbeOptions* probe) {
    Report report = diagnose(read_text(text, source), engine.matcher(), engine.catalog());
    if (probe) probe_findings(report, engine, *probe);
    return report;
}

Report diagnose_dump(const Engine& engine, const std::string& text, const std::string& source,
                     const ProbeOptions* probe) {
    Report report = diagnose(read_dump(text, source), engine.matcher(), engine.catalog());
    if (probe) probe_findings(report, engine, *probe);
    return report;
}

void probe_findings(Report& report, const Engine& engine, const ProbeOptions& options) {
    // The distinct registries, in order of first appearance; one probe each.
    std::vector<std::string> registries;
    std::map<std::string, ProbeTarget> targets;
    for (const auto& f : report.findings) {
        if (!worth_probing(f) || targets.count(f.registry)) continue;
        try {
            targets.emplace(f.registry, parse_probe_target(f.registry));
            registries.push_back(f.registry);
        } catch (const Error&) {
            report.notes.push_back("registry " + f.registry + " is not a host[:port]; not probed");
            targets.emplace(f.registry, ProbeTarget{});
        }
    }
    // Probes run side by side (each bounded by its own timeout), a few at a time.
    std::vector<ProbeResult> results(registries.size());
    std::vector<std::exception_ptr> errors(registries.size());
    constexpr size_t kParallel = 8;
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i = next++; i < registries.size(); i = next++) {
            try {
                results[i] = probe_registry(targets.at(registries[i]), options);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    };
    if (!registries.empty()) {
        ensure_http_ready();  // libcurl's global set-up must happen before any thread uses it
        std::vector<std::thread> threads;
        for (size_t t = 0; t < std::min(kParallel, registries.size()); ++t) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    }
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);  // a bad --ca-file: the same error for every probe
    std::map<std::string, const ProbeResult*> probed;
    for (size_t i = 0; i < registries.size(); ++i) probed[registries[i]] = &results[i];
    bool any = false;
    for (auto& f : report.findings) {
        if (!worth_probing(f)) continue;
        auto it = probed.find(f.registry);
        if (it == probed.end()) continue;
        apply_probe(f, *it->second, engine.catalog());
        any = true;
    }
    if (!any && !report.findings.empty())
        report.notes.push_back("--probe: no finding names a registry with a certificate problem, so nothing was probed");
}

}  // namespace certdoctor
