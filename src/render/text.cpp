#include <sstream>

#include "render/render.h"
#include "util/text.h"

namespace certdoctor {

namespace {

struct Style {
    bool on;
    std::string wrap(const char* code, const std::string& s) const {
        return on ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
    }
    std::string bold(const std::string& s) const { return wrap("1", s); }
    std::string red(const std::string& s) const { return wrap("1;31", s); }
    std::string green(const std::string& s) const { return wrap("1;32", s); }
    std::string yellow(const std::string& s) const { return wrap("1;33", s); }
    std::string dim(const std::string& s) const { return wrap("2", s); }
};

// Word-wraps `text` at `width` columns, each line indented by `indent`; keeps paragraph breaks.
std::string wrap_text(const std::string& text, size_t indent, size_t width = 96) {
    std::string out, pad(indent, ' ');
    for (auto para : split_lines(text)) {
        std::string line;
        std::istringstream words{std::string(para)};
        std::string word;
        bool any = false;
        while (words >> word) {
            any = true;
            if (!line.empty() && line.size() + 1 + word.size() > width - indent) {
                out += pad + line + "\n";
                line.clear();
            }
            line += (line.empty() ? "" : " ") + word;
        }
        if (!line.empty()) out += pad + line + "\n";
        if (!any) out += "\n";
    }
    return out;
}

void render_finding(std::ostringstream& o, const Finding& f, const Style& s) {
    std::string where;
    if (!f.object.empty()) where += describe_object(f.object);
    if (!f.parent.empty()) where += " (in " + describe_object(f.parent) + ")";
    if (!f.step.empty()) where += (where.empty() ? "" : " · ") + std::string("step ") + f.step;
    if (!f.image.empty()) where += (where.empty() ? "" : " · ") + std::string("image ") + f.image;
    if (!where.empty()) o << "  " << where << "\n";
    o << "  " << s.dim("component ") << f.component << s.dim(" · stage ") << f.stage
      << s.dim(" · problem ") << f.problem;
    if (!f.registry.empty()) o << s.dim(" · registry ") << f.registry;
    o << "\n";
    if (f.lookalike)
        o << "  " << s.yellow("Not a registry certificate problem") << ": no registry fix applies.\n";

    if (!f.chain.frames.empty()) {
        o << "\n" << s.bold("Call chain") << " " << s.dim("(" + f.chain.title + ", Tekton " + f.chain.versions + ")") << "\n";
        size_t width = 0;
        for (const auto& fr : f.chain.frames) width = std::max(width, fr.function.size());
        for (const auto& fr : f.chain.frames) {
            std::string fn = fr.function + std::string(width - fr.function.size(), ' ');
            if (fr.failed)
                o << "  " << s.red("x " + fn) << "  " << s.dim(fr.file) << "  " << s.red("<- failed here") << "\n";
            else
                o << "    " << fn << "  " << s.dim(fr.file) << "\n";
        }
    }

    o << "\n" << s.bold("Why") << "\n" << wrap_text(f.explanation, 2);

    if (f.probed) {
        const ProbeResult& p = f.probe;
        o << "\n" << s.bold("Probe of " + f.registry) << " (" << join(p.verified_with, ", ") << ")\n";
        o << "  " << (p.problem == "ok" ? s.green("ok") : s.red(p.problem)) << (p.detail.empty() ? "" : ": " + p.detail) << "\n";
        for (size_t i = 0; i < p.chain.size(); ++i)
            o << "  [" << i << "] " << p.chain[i].subject << s.dim("  issued by " + p.chain[i].issuer) << "\n";
        if (p.has_anchor)
            o << "  trust anchor " << p.trust_anchor.subject << s.dim("  sha256 " + p.trust_anchor.sha256) << "\n";
        if (!p.registry.status.empty() && p.registry.status != "skipped")
            o << "  GET /v2/: " << p.registry.status << "\n";
    }

    EvidenceWindow w = evidence_window(f.evidence);
    o << "\n" << s.bold("Evidence") << " " << s.dim("(" + join(f.seen_in, ", ") + ")") << "\n";
    o << wrap_text(w.before + (s.on ? s.red(w.key) : ">>" + w.key + "<<") + w.after, 2);

    if (!f.fixes.empty()) {
        o << "\n" << s.bold("Fixes, in order") << "\n";
        for (size_t i = 0; i < f.fixes.size(); ++i) {
            const auto& fix = f.fixes[i];
            o << "  " << (i + 1) << ". " << s.bold(fix.title) << " " << s.dim("[" + fix.id + "]") << "\n";
            if (!fix.description.empty()) o << wrap_text(fix.description, 5);
            if (!fix.manifest.empty()) {
                o << "\n";
                for (auto line : split_lines(fix.manifest)) o << "       " << line << "\n";
            }
            if (!fix.commands.empty()) {
                o << "\n";
                for (const auto& c : fix.commands) {
                    if (c.rfind("#", 0) == 0)
                        o << "     " << s.dim(c) << "\n";
                    else
                        o << "     $ " << c << "\n";
                }
            }
            o << "\n";
        }
    }
    if (!f.references.empty()) {
        o << s.bold("References") << "\n";
        for (const auto& r : f.references) o << "  - " << r << "\n";
    }
}

void render_cluster(std::ostringstream& o, const Report& report, const Style& s) {
    const ClusterView& c = report.cluster;
    o << s.bold("Cluster") << " " << c.context << s.dim(" (" + c.server + ")") << " · Tekton "
      << (c.tekton_version.empty() ? "version unknown" : c.tekton_version) << s.dim(" (" + c.tekton_api + ")") << " in "
      << c.tekton_namespace << (c.openshift ? " · OpenShift Pipelines" : "") << "\n";
    if (report.sweep) {
        o << "Scanned " << count_of(report.runs_scanned, "TaskRun") << " "
          << (c.namespace_.empty() ? "in all namespaces" : "in namespace " + c.namespace_) << ": "
          << report.failed_runs << " failed";
        if (!report.groups.empty()) o << ", " << count_of(report.groups.size(), "root cause");
        o << "\n";
        for (size_t i = 0; i < report.groups.size(); ++i) {
            const auto& g = report.groups[i];
            o << "  " << (i + 1) << ". " << s.bold(std::to_string(g.count) + " x " + g.component + "/" + g.problem)
              << (g.registry.empty() ? "" : " at " + g.registry) << s.dim("  " + list_runs(g, 5)) << "\n";
        }
    }
    if (!report.cluster_checks.empty()) {
        o << "\n" << s.bold("Cluster checks") << "\n";
        for (const auto& ch : report.cluster_checks) {
            std::string mark = ch.status == "pass" ? s.green("[pass]") : ch.status == "fail" ? s.red("[FAIL]") : s.dim("[skip]");
            o << "  " << mark << " " << ch.id << (ch.registry.empty() ? "" : " (" + ch.registry + ")") << ": " << ch.detail << "\n";
        }
    }
    o << "\n";
}

// analyze: what was read, and the groups, most lines first (the largest kGroupsShown of them).
constexpr size_t kGroupsShown = 20;

void render_log(std::ostringstream& o, const Report& report, const Style& s) {
    const LogView& l = report.log;
    o << s.bold("Scanned") << " " << log_summary(report, report.source) << "\n";
    // A large incident: the problems first, over all their registries.
    if (report.groups.size() > kGroupsShown) {
        o << s.bold("By component and problem") << "\n";
        for (const auto& p : l.by_problem)
            o << "  " << p.lines << " x " << p.component << "/" << p.problem << s.dim(" at " + count_of(p.registries, "registry"))
              << "\n";
        o << s.bold("The largest groups") << "\n";
    }
    for (size_t i = 0; i < report.groups.size() && i < kGroupsShown; ++i) {
        const auto& g = report.groups[i];
        o << "  " << (i + 1) << ". " << s.bold(std::to_string(g.count) + " x " + g.component + "/" + g.problem)
          << (g.registry.empty() ? "" : " at " + g.registry) << "\n";
        if (!g.first_seen.empty())
            o << s.dim("     " + (g.first_seen == g.last_seen ? "at " + g.first_seen : "from " + g.first_seen + " to " + g.last_seen)) << "\n";
        if (!g.runs.empty()) o << s.dim("     " + list_runs(g, 5)) << "\n";
    }
    if (report.groups.size() > kGroupsShown)
        o << s.dim("  +" + count_of(report.groups.size() - kGroupsShown, "more group") + "; -o json lists every group with its fixes")
          << "\n";
    o << "\n";
}

}  // namespace

std::string render_text(const Report& report, Color color) {
    Style s{color == Color::on};
    std::ostringstream o;
    const auto& findings = report.findings;
    if (report.cluster.read) render_cluster(o, report, s);
    if (report.log.read) render_log(o, report, s);
    switch (report.status) {
        case ReportStatus::no_problems:
            if (report.log.read) {
                o << s.green("No registry or TLS failure") << " in " << count_of(report.log.lines_scanned, "line") << ".\n";
                break;
            }
            o << s.green("No problems found") << ": " << count_of(report.messages_read, "message")
              << " read from " << report.source << "; no run had failed.\n";
            break;
        case ReportStatus::unrecognized:
            o << s.yellow("Not recognised") << ": " << count_of(report.messages_read, "message")
              << " read from " << report.source << ", none matching a known registry or TLS failure.\n"
              << "  Pass the whole message (or the run's YAML with 'diagnose -f'), or see\n"
              << "  'kubectl tekton-certdoctor patterns list' for what is recognised.\n";
            break;
        case ReportStatus::problems_found:
            for (size_t i = 0; i < findings.size(); ++i) {
                const auto& f = findings[i];
                if (i) o << "\n" << std::string(72, '-') << "\n\n";
                std::string label = findings.size() == 1
                                        ? std::string("PROBLEM")
                                        : "PROBLEM " + std::to_string(i + 1) + " of " +
                                              std::to_string(findings.size());
                if (i == 0 && findings.size() > 1) label += " (primary)";
                o << (f.lookalike ? s.yellow(label) : s.red(label)) << "  " << s.bold(f.title) << "\n";
                if (std::string n = stands_for(report, i); !n.empty())
                    o << "  " << s.bold("stands for " + n) << " with this root cause\n";
                render_finding(o, f, s);
            }
            break;
    }
    for (const auto& n : report.notes) o << s.dim("note: ") << n << "\n";
    return o.str();
}

}  // namespace certdoctor
