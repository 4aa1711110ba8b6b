#include <sstream>

#include "render/render.h"
#include "util/text.h"

namespace certdoctor {

namespace {

// Text inside an inline code span: backticks would end it early.
std::string code(const std::string& s) {
    std::string fence = s.find('`') == std::string::npos ? "`" : "``";
    return fence + (fence.size() > 1 ? " " : "") + s + (fence.size() > 1 ? " " : "") + fence;
}

// analyze: a ticket lists the largest groups; -o json has them all.
constexpr size_t kGroupsListed = 50;

std::string cell(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

}  // namespace

std::string render_markdown(const Report& report) {
    std::ostringstream o;
    o << "## tekton-certdoctor: " << to_string(report.status) << "\n\n";
    if (!report.log.read) o << "Read " << count_of(report.messages_read, "message") << " from " << code(report.source) << ".\n\n";
    if (report.status == ReportStatus::unrecognized)
        o << "No message matches a known registry or TLS failure.\n\n";
    if (report.status == ReportStatus::no_problems)
        o << (report.log.read ? "No registry or TLS failure line.\n\n" : "No run had failed.\n\n");
    if (report.log.read) {
        const LogView& l = report.log;
        o << "Scanned " << log_summary(report, code(report.source)) << ".\n\n";
        if (report.groups.size() > kGroupsListed) {
            o << "| Lines | Component | Problem | Registries |\n|---|---|---|---|\n";
            for (const auto& p : l.by_problem)
                o << "| " << p.lines << " | " << code(p.component) << " | " << code(p.problem) << " | " << p.registries << " |\n";
            o << "\nThe " << kGroupsListed << " largest of " << report.groups.size() << " groups (`-o json` lists every one):\n\n";
        }
        if (!report.groups.empty()) {
            o << "| # | Lines | Component | Problem | Registry | First seen | Last seen | Runs |\n|---|---|---|---|---|---|---|---|\n";
            for (size_t i = 0; i < report.groups.size() && i < kGroupsListed; ++i) {
                const auto& g = report.groups[i];
                o << "| " << (i + 1) << " | " << g.count << " | " << code(g.component) << " | " << code(g.problem) << " | "
                  << cell(g.registry) << " | " << cell(g.first_seen) << " | " << cell(g.last_seen) << " | "
                  << cell(list_runs(g, 10)) << " |\n";
            }
            o << "\n";
        }
    }
    if (report.cluster.read) {
        const ClusterView& c = report.cluster;
        o << "Cluster: context " << code(c.context) << ", Tekton "
          << (c.tekton_version.empty() ? std::string("version unknown") : code(c.tekton_version)) << " ("
          << code(c.tekton_api) << ") in " << code(c.tekton_namespace) << (c.openshift ? ", OpenShift Pipelines" : "") << ".\n\n";
        if (report.sweep) {
            o << "Scanned " << count_of(report.runs_scanned, "TaskRun") << ", " << report.failed_runs << " failed.\n\n";
            if (!report.groups.empty()) {
                o << "| # | Runs | Component | Problem | Registry | Affected |\n|---|---|---|---|---|---|\n";
                for (size_t i = 0; i < report.groups.size(); ++i) {
                    const auto& g = report.groups[i];
                    o << "| " << (i + 1) << " | " << g.count << " | " << code(g.component) << " | " << code(g.problem) << " | "
                      << cell(g.registry) << " | " << cell(list_runs(g, 10)) << " |\n";
                }
                o << "\n";
            }
        }
        if (!report.cluster_checks.empty()) {
            o << "**Cluster checks:**\n\n| Check | Status | Detail |\n|---|---|---|\n";
            for (const auto& ch : report.cluster_checks)
                o << "| " << code(ch.id) << (ch.registry.empty() ? "" : " (" + cell(ch.registry) + ")") << " | "
                  << (ch.status == "fail" ? "**fail**" : ch.status) << " | " << cell(ch.detail) << " |\n";
            o << "\n";
        }
    }
    for (size_t i = 0; i < report.findings.size(); ++i) {
        const auto& f = report.findings[i];
        o << "### " << (i + 1) << ". " << f.title << (i == 0 && report.findings.size() > 1 ? " (primary)" : "") << "\n\n";
        o << "| | |\n|---|---|\n";
        if (!f.object.empty()) o << "| Object | " << cell(describe_object(f.object)) << " |\n";
        if (std::string n = stands_for(report, i); !n.empty()) o << "| Stands for | " << cell(n) << " |\n";
        if (!f.parent.empty()) o << "| Parent | " << cell(describe_object(f.parent)) << " |\n";
        o << "| Component | " << code(f.component) << " |\n| Stage | " << code(f.stage)
          << " |\n| Problem | " << code(f.problem) << " |\n";
        if (!f.registry.empty()) o << "| Registry | " << code(f.registry) << " |\n";
        if (!f.step.empty()) o << "| Step | " << code(f.step) << " |\n";
        if (!f.image.empty()) o << "| Image | " << code(f.image) << " |\n";
        o << "| Pattern | " << code(f.pattern) << " |\n\n";
        if (f.lookalike) o << "> **Not a registry certificate problem.** No registry fix applies.\n\n";
        if (!f.chain.frames.empty()) {
            o << "**Call chain** (" << f.chain.title << ", Tekton " << f.chain.versions << "):\n\n";
            for (const auto& fr : f.chain.frames)
                o << "1. " << (fr.failed ? "**" : "") << code(fr.function) << " " << fr.file
                  << (fr.failed ? " ← failed here**" : "") << "\n";
            o << "\n";
        }
        o << "**Why.** " << f.explanation << "\n\n";
        if (f.probed)
            o << "**Probe of " << code(f.registry) << ":** " << code(f.probe.problem)
              << (f.probe.detail.empty() ? "" : " (" + f.probe.detail + ")") << "; trust anchor "
              << (f.probe.has_anchor ? f.probe.trust_anchor.subject + " (`" + f.probe.trust_anchor.sha256.substr(0, 16) + "…`)" : "none")
              << ".\n\n";
        EvidenceWindow w = evidence_window(f.evidence);
        o << "**Evidence** (" << join(f.seen_in, ", ") << "):\n\n```text\n" << w.before << w.key << w.after
          << "\n```\n\nKey part: " << code(w.key) << "\n\n";
        if (!f.fixes.empty()) {
            o << "**Fixes, in order:**\n\n";
            for (size_t k = 0; k < f.fixes.size(); ++k) {
                const auto& fix = f.fixes[k];
                o << (k + 1) << ". **" << fix.title << "** (" << code(fix.id) << ")";
                if (!fix.description.empty()) o << " " << fix.description;
                o << "\n";
                if (!fix.manifest.empty()) o << "\n   ```yaml\n" << [&] {
                        std::string m;
                        for (auto l : split_lines(fix.manifest)) m += "   " + std::string(l) + "\n";
                        return m;
                    }() << "   ```\n";
                if (!fix.commands.empty()) {
                    o << "\n   ```sh\n";
                    for (const auto& c : fix.commands) o << "   " << c << "\n";
                    o << "   ```\n";
                }
                o << "\n";
            }
        }
        if (!f.references.empty()) {
            o << "**References:**\n\n";
            for (const auto& r : f.references) o << "- " << r << "\n";
            o << "\n";
        }
    }
    for (const auto& n : report.notes) o << "> Note: " << n << "\n";
    return o.str();
}

}  // namespace certdoctor
