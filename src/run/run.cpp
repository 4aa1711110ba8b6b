#include "run/run.h"

#include <map>

#include "diagnose/diagnose.h"
#include "diagnose/probe_evidence.h"
#include "input/dump_source.h"
#include "input/text_source.h"
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
    std::map<std::string, ProbeResult> probed;  // one probe per registry
    bool any = false;
    for (auto& f : report.findings) {
        if (!worth_probing(f)) continue;
        auto it = probed.find(f.registry);
        if (it == probed.end()) {
            ProbeTarget target;
            try {
                target = parse_probe_target(f.registry);
            } catch (const Error&) {
                report.notes.push_back("registry " + f.registry + " is not a host[:port]; not probed");
                continue;
            }
            it = probed.emplace(f.registry, probe_registry(target, options)).first;
        }
        apply_probe(f, it->second, engine.catalog());
        any = true;
    }
    if (!any && !report.findings.empty())
        report.notes.push_back("--probe: no finding names a registry with a certificate problem, so nothing was probed");
}

}  // namespace certdoctor
