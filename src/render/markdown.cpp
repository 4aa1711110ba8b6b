#include <sstream>

#include "render/render.h"
#include "util/escape.h"
#include "util/text.h"

namespace certdoctor {

namespace {

// Every value from the input goes through one of these: text() for prose, code() for a code span,
// cell() and cell_code() inside a table. None of them lets a value end a span, a cell or a fence,
// or add a line.
std::string text(const std::string& s) { return markdown_text(s); }
std::string paragraphs(const std::string& s) { return markdown_text(s, Newlines::keep); }
std::string code(const std::string& s) { return markdown_code(s); }
std::string cell(const std::string& s) { return markdown_text(s); }
std::string cell_code(const std::string& s) { return markdown_code(s, InTable::yes); }

// A fix's comments and commands as one shell block.
std::string commands_block(const FixView& fix) {
    std::string body;
    size_t next_comment = 0;
    auto comments_before = [&](size_t command) {
        for (; next_comment < fix.comments.size() && fix.comments[next_comment].before <= command; ++next_comment)
            body += "# " + visible(fix.comments[next_comment].text) + "\n";
    };
    for (size_t k = 0; k < fix.commands.size(); ++k) {
        comments_before(k);
        body += visible(fix.commands[k]) + "\n";
    }
    comments_before(fix.commands.size());
    return markdown_block(body, "sh", "   ");
}

// analyze: a ticket lists the largest groups; -o json has them all.
constexpr size_t kGroupsListed = 50;


// The verdict in words ("1 problem found"): the status slug (problems-found) is for scripts, in
// the JSON.
std::string status_heading(const Report& report) {
    switch (report.status) {
        case ReportStatus::problems_found:
            return count_of(report.findings.size(), "problem") + " found" +
                   (report.findings_not_kept ? ", " + std::to_string(report.findings_not_kept) + " more not shown"
                                             : std::string());
        case ReportStatus::no_problems:
            return report.waiting_runs ? "no failure yet, " + count_of(report.waiting_runs, "run") + " waiting" : "no problem found";
        case ReportStatus::unrecognized: return "failure not recognised";
    }
    return "";
}

}  // namespace

std::string render_markdown(const Report& report, Detail detail) {
    std::ostringstream o;
    o << "## tekton-certdoctor: " << status_heading(report) << "\n\n";
    if (!report.log.read) o << "Read " << count_of(report.messages_read, "message") << " from " << code(report.source) << ".\n\n";
    if (report.status == ReportStatus::unrecognized)
        o << "No message matches a known registry or TLS failure.\n\n";
    if (report.status == ReportStatus::no_problems)
        o << (report.log.read ? "No registry or TLS failure line.\n\n"
              : report.waiting_runs ? "No run had failed; " + count_of(report.waiting_runs, "run") +
                                          " waited over a minute for a remote resource (see the notes).\n\n"
                                    : std::string("No run had failed.\n\n"));
    if (report.log.read) {
        const LogView& l = report.log;
        o << "Scanned " << log_summary(report, code(report.source)) << ".\n\n";
        if (report.groups.size() > kGroupsListed) {
            o << "| Lines | Component | Problem | Registries |\n|---|---|---|---|\n";
            for (const auto& p : l.by_problem)
                o << "| " << p.lines << " | " << cell_code(p.component) << " | " << cell_code(p.problem) << " | " << p.registries << " |\n";
            o << "\nThe " << kGroupsListed << " largest of " << report.groups.size() << " groups (`-o json` lists every one):\n\n";
        }
        if (!report.groups.empty()) {
            o << "| # | Lines | Component | Problem | Registry | First seen | Last seen | Runs |\n|---|---|---|---|---|---|---|---|\n";
            for (size_t i = 0; i < report.groups.size() && i < kGroupsListed; ++i) {
                const auto& g = report.groups[i];
                o << "| " << (i + 1) << " | " << g.count << " | " << cell_code(g.component) << " | " << cell_code(g.problem) << " | "
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
                    o << "| " << (i + 1) << " | " << g.count << " | " << cell_code(g.component) << " | " << cell_code(g.problem) << " | "
                      << cell(g.registry) << " | " << cell(list_runs(g, 10)) << " |\n";
                }
                o << "\n";
            }
        }
        if (!report.cluster_checks.empty()) {
            o << "**Cluster checks:**\n\n| Check | Status | Detail |\n|---|---|---|\n";
            for (const auto& ch : report.cluster_checks)
                o << "| " << cell_code(ch.id) << (ch.registry.empty() ? "" : " (" + cell(ch.registry) + ")") << " | "
                  << (ch.status == "fail" ? "**fail**" : cell(ch.status)) << " | " << cell(ch.detail) << " |\n";
            o << "\n";
        }
    }
    if (detail == Detail::brief && !report.findings.empty()) {
        // A table of the verdicts and first fixes, then each first fix's commands.
        o << "| # | Problem | Where | Registry | Stands for | First fix |\n|---|---|---|---|---|---|\n";
        for (size_t i = 0; i < report.findings.size(); ++i) {
            const auto& f = report.findings[i];
            o << "| " << (i + 1) << " | " << cell(heading_case(f.title)) << " | " << cell(describe_object(f.object)) << " | "
              << cell_code(f.registry) << " | " << cell(stands_for(report, i)) << " | "
              << (f.fixes.empty() ? std::string("none") : cell(f.fixes.front().title) + " (" + cell_code(f.fixes.front().id) + ")")
              << " |\n";
        }
        o << "\n";
        for (size_t i = 0; i < report.findings.size(); ++i) {
            const auto& f = report.findings[i];
            if (f.fixes.empty()) continue;
            const FixView& fix = f.fixes.front();
            if (fix.manifest.empty() && fix.commands.empty() && fix.comments.empty()) continue;
            o << "**" << (i + 1) << ". " << text(fix.title) << "** (" << code(fix.id) << "):\n\n";
            if (!fix.manifest.empty()) o << markdown_block(fix.manifest, "yaml", "") << "\n";
            if (!fix.commands.empty() || !fix.comments.empty()) o << commands_block(fix) << "\n";
        }
        o << "*Brief: the first fix of each problem. Without `--brief`: every fix, why, the evidence and the call chain.*\n\n";
    }
    ParagraphsShown shown;
    for (size_t i = 0; i < report.findings.size() && detail == Detail::full; ++i) {
        const auto& f = report.findings[i];
        o << "### " << (i + 1) << ". " << text(heading_case(f.title)) << (i == 0 && report.findings.size() > 1 ? " (primary)" : "") << "\n\n";
        o << "| Field | Value |\n|---|---|\n";
        if (!f.object.empty()) o << "| Object | " << cell(describe_object(f.object)) << " |\n";
        if (std::string n = stands_for(report, i); !n.empty()) o << "| Stands for | " << cell(n) << " |\n";
        if (!f.parent.empty()) o << "| Parent | " << cell(describe_object(f.parent)) << " |\n";
        o << "| Component | " << cell_code(f.component) << " |\n| Stage | " << cell_code(f.stage)
          << " |\n| Problem | " << cell_code(f.problem) << " |\n";
        if (!f.registry.empty()) o << (f.labelled_registry() ? "| Registry | " : "| Host | ") << cell_code(f.registry) << " |\n";
        if (!f.step.empty()) o << "| Step | " << cell_code(f.step) << " |\n";
        if (!f.image.empty()) o << "| Image | " << cell_code(f.image) << " |\n";
        if (!f.node.empty()) o << "| Node | " << cell_code(f.node) << " |\n";
        o << "| Pattern | " << cell_code(f.pattern) << " |\n";
        o << "| Confidence | " << cell(f.confidence) << (f.context.empty() ? "" : " (from the text around it: " + cell_code(f.context) + ")")
          << (f.likely_component.empty() ? "" : " (no caller named; the likeliest is " + cell_code(f.likely_component) + ", a guess)")
          << " |\n\n";
        if (f.lookalike) o << "> **Not a registry certificate problem.** No registry fix applies.\n\n";
        for (const auto& c : f.in_this_cluster) o << "**In this cluster.** " << markdown_text(c) << "\n\n";
        if (!f.fixes.empty()) {
            o << "**Fixes, in order:**\n\n";
            for (size_t k = 0; k < f.fixes.size(); ++k) {
                const auto& fix = f.fixes[k];
                o << (k + 1) << ". **" << text(fix.title) << "** (" << code(fix.id) << ")";
                if (size_t first = fix.description.empty() ? 0 : shown.shown_under(fix.description, i + 1))
                    o << " *Described under problem " << first << ".*";
                else if (!fix.description.empty())
                    o << " " << paragraphs(fix.description);
                o << "\n";
                if (!fix.manifest.empty()) o << "\n" << markdown_block(fix.manifest, "yaml", "   ");
                if (!fix.commands.empty() || !fix.comments.empty()) o << "\n" << commands_block(fix);
                o << "\n";
            }
        }
        std::string why, again;
        for (const auto& para : paragraphs_of(f.explanation)) {
            if (size_t first = shown.shown_under(para, i + 1)) {
                std::string pointer = "The general part is under problem " + std::to_string(first) + ".";
                if (again.find(pointer) == std::string::npos) again += (again.empty() ? "" : " ") + pointer;
                continue;
            }
            why += (why.empty() ? "" : "\n\n") + paragraphs(para);
        }
        if (!again.empty()) why += (why.empty() ? "*" : "\n\n*") + again + "*";
        o << "**Why.** " << why << "\n\n";
        if (f.probed)
            o << "**Probe of " << code(f.registry) << ":** " << code(f.probe.problem)
              << (f.probe.detail.empty() ? "" : " (" + text(f.probe.detail) + ")") << "; trust anchor "
              << (f.probe.has_anchor ? text(f.probe.trust_anchor.subject) + " (" + code(f.probe.trust_anchor.sha256.substr(0, 16) + "…") + ")" : "none")
              << (f.probe.missing_issuer.subject.empty() ? "" : "; missing issuer " + text(f.probe.missing_issuer.subject))
              << ".\n\n";
        EvidenceWindow w = evidence_window(f.evidence);
        o << "**Evidence** (" << text(seen_in_list(f)) << "):\n\n" << markdown_block(w.before + w.key + w.after, "text")
          << "\nKey part: " << code(w.key) << "\n\n";
        if (!f.chain.frames.empty()) {
            o << "**Call chain** (" << text(chain_heading(f)) << "):\n\n";
            for (const auto& fr : f.chain.frames)
                o << "1. " << (fr.failed ? "**" : "") << code(fr.function) << " " << text(fr.file)
                  << (fr.failed ? " ← failed here**" : "") << "\n";
            if (!f.chain.any_failed()) o << "\nThe text does not say which of these calls failed.\n";
            o << "\n";
        }
        if (!f.references.empty()) {
            o << "**References:**\n\n";
            for (const auto& r : f.references) o << "- " << text(r) << "\n";
            o << "\n";
        }
    }
    for (const auto& n : report.notes) o << "> Note: " << text(n) << "\n";
    return o.str();
}

}  // namespace certdoctor
