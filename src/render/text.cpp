#include <algorithm>
#include <sstream>

#include "render/render.h"
#include "util/escape.h"
#include "util/text.h"

namespace certdoctor {

namespace {

// Every value from the input is printed through v(): on one line, its control characters shown
// (\x1b, \n) and never sent to the terminal. Multi-line text (explanations, manifests) keeps its
// lines through block().
std::string v(const std::string& s) { return visible(s); }
std::string block(const std::string& s) { return visible(s, Newlines::keep); }

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
    std::string shown = block(text);
    for (auto para : split_lines(shown)) {
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

// "TaskRun ci/b (in PipelineRun ci/p) · step build · image x", "" when none is known.
std::string where_of(const Finding& f) {
    std::string where;
    if (!f.object.empty()) where += describe_object(f.object);
    if (!f.parent.empty()) where += " (in " + describe_object(f.parent) + ")";
    if (!f.step.empty()) where += (where.empty() ? "" : " · ") + std::string("step ") + f.step;
    if (!f.image.empty()) where += (where.empty() ? "" : " · ") + std::string("image ") + f.image;
    return where;
}

// A fix's comments and commands, each command after `$ `.
void render_commands(std::ostringstream& o, const FixView& fix, const Style& s) {
    size_t next_comment = 0;
    auto comments_before = [&](size_t command) {
        for (; next_comment < fix.comments.size() && fix.comments[next_comment].before <= command; ++next_comment)
            o << "     " << s.dim("# " + v(fix.comments[next_comment].text)) << "\n";
    };
    for (size_t k = 0; k < fix.commands.size(); ++k) {
        comments_before(k);
        o << "     $ " << v(fix.commands[k]) << "\n";
    }
    comments_before(fix.commands.size());
}

// The finding's verdict in one line: who, (where in the run,) what, against which server, on
// which node.
void render_verdict_line(std::ostringstream& o, const Finding& f, const Style& s, bool with_stage) {
    o << "  " << s.dim("component ") << v(f.component);
    if (with_stage) o << s.dim(" · stage ") << v(f.stage);
    o << s.dim(" · problem ") << v(f.problem);
    if (!f.registry.empty()) o << s.dim(f.labelled_registry() ? " · registry " : " · host ") << v(f.registry);
    if (!f.node.empty()) o << s.dim(" · node ") << v(f.node);
    o << "\n";
}

// --brief: the finding's verdict line is printed by the caller; here where it failed and its
// first fix, with the fix's commands.
void render_brief_finding(std::ostringstream& o, const Finding& f, const Style& s) {
    if (std::string where = where_of(f); !where.empty()) o << "  " << v(where) << "\n";
    render_verdict_line(o, f, s, false);
    if (f.fixes.empty()) {
        o << "  " << (f.lookalike ? "Not a registry certificate problem: no registry fix applies." : "No fix in the catalog.") << "\n";
        return;
    }
    const FixView& fix = f.fixes.front();
    o << "  First fix: " << s.bold(v(fix.title)) << " " << s.dim("[" + v(fix.id) + "]") << "\n";
    // The manifest too: commands refer to it ("the patch above").
    if (!fix.manifest.empty())
        for (auto line : split_lines(fix.manifest)) o << "       " << v(std::string(line)) << "\n";
    if (!fix.commands.empty() || !fix.comments.empty()) render_commands(o, fix, s);
    if (f.fixes.size() > 1)
        o << "  " << s.dim("then " + std::to_string(f.fixes.size() - 1) + (f.fixes.size() == 2 ? " more fix: " : " more fixes: "));
    for (size_t i = 1; i < f.fixes.size(); ++i) o << (i > 1 ? ", " : "") << v(f.fixes[i].id);
    if (f.fixes.size() > 1) o << "\n";
}

void render_finding(std::ostringstream& o, const Finding& f, const Style& s, size_t number, ParagraphsShown& shown) {
    if (std::string where = where_of(f); !where.empty()) o << "  " << v(where) << "\n";
    render_verdict_line(o, f, s, true);
    if (f.confidence == "medium" && !f.context.empty())
        o << "  " << s.dim("component from the text around the message (medium confidence): ") << v(f.context) << "\n";
    else if (f.confidence == "medium")
        o << "  " << s.dim("component from the message's wording, which names a kind of caller, not one tool (medium confidence)")
          << "\n";
    else if (!f.likely_component.empty())
        o << "  "
          << s.dim(f.site_rule.empty() ? "no caller named: another message of the text is a library's, most often printed by "
                                       : "no caller named: several callers print these words; the likeliest is ")
          << v(f.likely_component) << s.dim(" (a guess)") << "\n";
    else if (!f.candidates.empty())
        o << "  " << s.dim("the text around it names several callers: ") << v(join(f.candidates, ", ")) << "\n";
    if (f.lookalike)
        o << "  " << s.yellow("Not a registry certificate problem") << ": no registry fix applies.\n";

    // The fixes first, after what in the cluster ordered them; then why, the evidence, and the
    // call chain for who wants it.
    for (const auto& c : f.in_this_cluster) o << "\n" << wrap_text("In this cluster: " + v(c), 2);
    if (!f.fixes.empty()) {
        o << "\n" << s.bold("Fixes, in order") << "\n";
        for (size_t i = 0; i < f.fixes.size(); ++i) {
            const auto& fix = f.fixes[i];
            o << "  " << (i + 1) << ". " << s.bold(v(fix.title)) << " " << s.dim("[" + v(fix.id) + "]") << "\n";
            if (size_t first = fix.description.empty() ? 0 : shown.shown_under(fix.description, number))
                o << "     " << s.dim("(described under problem " + std::to_string(first) + ")") << "\n";
            else if (!fix.description.empty())
                o << wrap_text(fix.description, 5);
            if (!fix.manifest.empty()) {
                o << "\n";
                for (auto line : split_lines(fix.manifest)) o << "       " << v(std::string(line)) << "\n";
            }
            if (!fix.commands.empty() || !fix.comments.empty()) {
                o << "\n";
                render_commands(o, fix, s);
            }
            o << "\n";
        }
    }
    o << "\n" << s.bold("Why") << "\n";
    std::vector<size_t> repeated;
    bool printed = false;
    for (const auto& para : paragraphs_of(f.explanation)) {
        if (size_t first = shown.shown_under(para, number)) {
            if (std::find(repeated.begin(), repeated.end(), first) == repeated.end()) repeated.push_back(first);
            continue;
        }
        o << (printed ? "\n" : "") << wrap_text(para, 2);
        printed = true;
    }
    for (size_t first : repeated)
        o << "  " << s.dim("(the general part is under problem " + std::to_string(first) + ")") << "\n";

    if (f.probed) {
        const ProbeResult& p = f.probe;
        o << "\n" << s.bold("Probe of " + v(f.registry)) << " (" << v(join(p.verified_with, ", ")) << ")\n";
        o << "  " << (p.problem == "ok" ? s.green("ok") : s.red(v(p.problem))) << (p.detail.empty() ? "" : ": " + v(p.detail)) << "\n";
        for (size_t i = 0; i < p.chain.size(); ++i)
            o << "  [" << i << "] " << v(p.chain[i].subject) << s.dim("  issued by " + v(p.chain[i].issuer)) << "\n";
        if (p.has_anchor)
            o << "  trust anchor " << v(p.trust_anchor.subject) << s.dim("  sha256 " + v(p.trust_anchor.sha256)) << "\n";
        if (!p.registry.status.empty() && p.registry.status != "skipped")
            o << "  GET /v2/: " << v(p.registry.status) << "\n";
    }

    EvidenceWindow w = evidence_window(f.evidence);
    o << "\n" << s.bold("Evidence") << " " << s.dim("(" + v(seen_in_list(f)) + ")") << "\n";
    // Marked after escaping: the colour codes are the renderer's own.
    o << wrap_text(v(w.before) + (s.on ? s.red(v(w.key)) : ">>" + v(w.key) + "<<") + v(w.after), 2);

    if (!f.chain.frames.empty()) {
        o << "\n" << s.bold("Call chain") << " "
          << s.dim("(" + v(chain_heading(f)) + ")")
          << "\n";
        size_t width = 0;
        for (const auto& fr : f.chain.frames) width = std::max(width, v(fr.function).size());
        for (const auto& fr : f.chain.frames) {
            std::string function = v(fr.function);
            std::string fn = function + std::string(width - function.size(), ' ');
            if (fr.failed)
                o << "  " << s.red("x " + fn) << "  " << s.dim(v(fr.file)) << "  " << s.red("<- failed here") << "\n";
            else
                o << "    " << fn << "  " << s.dim(v(fr.file)) << "\n";
        }
        if (!f.chain.any_failed()) o << "  " << s.dim("(the text does not say which of these calls failed)") << "\n";
    }

    if (!f.references.empty()) {
        o << s.bold("References") << "\n";
        for (const auto& r : f.references) o << "  - " << v(r) << "\n";
    }
}

void render_cluster(std::ostringstream& o, const Report& report, const Style& s) {
    const ClusterView& c = report.cluster;
    o << s.bold("Cluster") << " " << v(c.context) << s.dim(" (" + v(c.server) + ")") << " · Tekton "
      << (c.tekton_version.empty() ? "version unknown" : v(c.tekton_version)) << s.dim(" (" + v(c.tekton_api) + ")") << " in "
      << v(c.tekton_namespace) << (c.openshift ? " · OpenShift Pipelines" : "") << "\n";
    if (report.sweep) {
        o << "Scanned " << count_of(report.runs_scanned, "TaskRun") << " "
          << (c.namespace_.empty() ? "in all namespaces" : "in namespace " + v(c.namespace_)) << ": "
          << report.failed_runs << " failed";
        if (!report.groups.empty()) o << ", " << count_of(report.groups.size(), "root cause");
        o << "\n";
        for (size_t i = 0; i < report.groups.size(); ++i) {
            const auto& g = report.groups[i];
            o << "  " << (i + 1) << ". " << s.bold(std::to_string(g.count) + " x " + v(g.component) + "/" + v(g.problem))
              << (g.registry.empty() ? "" : " at " + v(g.registry)) << s.dim("  " + v(list_runs(g, 5))) << "\n";
        }
    }
    if (!report.cluster_checks.empty()) {
        o << "\n" << s.bold("Cluster checks") << "\n";
        for (const auto& ch : report.cluster_checks) {
            std::string mark = ch.status == "pass" ? s.green("[pass]") : ch.status == "fail" ? s.red("[FAIL]") : s.dim("[skip]");
            o << "  " << mark << " " << v(ch.id) << (ch.registry.empty() ? "" : " (" + v(ch.registry) + ")") << ": " << v(ch.detail) << "\n";
        }
    }
    o << "\n";
}

// analyze: what was read, and the groups, most lines first (the largest kGroupsShown of them).
constexpr size_t kGroupsShown = 20;

void render_log(std::ostringstream& o, const Report& report, const Style& s) {
    const LogView& l = report.log;
    o << s.bold("Scanned") << " " << v(log_summary(report, report.source)) << "\n";
    // A large incident: the problems first, over all their registries.
    if (report.groups.size() > kGroupsShown) {
        o << s.bold("By component and problem") << "\n";
        for (const auto& p : l.by_problem)
            o << "  " << p.lines << " x " << v(p.component) << "/" << v(p.problem) << s.dim(" at " + count_of(p.registries, "registry"))
              << "\n";
        o << s.bold("The largest groups") << "\n";
    }
    for (size_t i = 0; i < report.groups.size() && i < kGroupsShown; ++i) {
        const auto& g = report.groups[i];
        o << "  " << (i + 1) << ". " << s.bold(std::to_string(g.count) + " x " + v(g.component) + "/" + v(g.problem))
          << (g.registry.empty() ? "" : " at " + v(g.registry)) << "\n";
        if (!g.first_seen.empty())
            o << s.dim("     " + v(g.first_seen == g.last_seen ? "at " + g.first_seen : "from " + g.first_seen + " to " + g.last_seen)) << "\n";
        if (!g.runs.empty()) o << s.dim("     " + v(list_runs(g, 5))) << "\n";
    }
    if (report.groups.size() > kGroupsShown)
        o << s.dim("  +" + count_of(report.groups.size() - kGroupsShown, "more group") + "; -o json lists every group with its fixes")
          << "\n";
    o << "\n";
}

}  // namespace

std::string render_text(const Report& report, Color color, Detail detail) {
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
            if (report.waiting_runs) {
                o << s.yellow("No failure yet") << ": " << count_of(report.waiting_runs, "run")
                  << (report.waiting_runs == 1 ? " has" : " have") << " waited over a minute for a remote resource"
                  << " (its resolver's error is on the ResolutionRequest: see the note below); no run had failed.\n";
                break;
            }
            o << s.green("No problems found") << ": " << count_of(report.messages_read, "message")
              << " read from " << v(report.source) << "; no run had failed.\n";
            break;
        case ReportStatus::unrecognized:
            o << s.yellow("Not recognised") << ": " << count_of(report.messages_read, "message")
              << " read from " << v(report.source) << ", none matching a known registry or TLS failure.\n"
              << "  Pass the whole message (or the run's YAML with 'diagnose -f'), or see\n"
              << "  'kubectl tekton-certdoctor patterns list' for what is recognised.\n";
            break;
        case ReportStatus::problems_found: {
            ParagraphsShown shown;
            for (size_t i = 0; i < findings.size(); ++i) {
                const auto& f = findings[i];
                if (i) o << (detail == Detail::brief ? std::string("\n") : "\n" + std::string(72, '-') + "\n\n");
                std::string label = findings.size() == 1
                                        ? std::string("PROBLEM")
                                        : "PROBLEM " + std::to_string(i + 1) + " of " +
                                              std::to_string(findings.size());
                if (i == 0 && findings.size() > 1)
                    label += report.findings_not_kept
                                 ? " (primary; " + std::to_string(report.findings_not_kept) + " more not shown, see the note)"
                                 : std::string(" (primary)");
                o << (f.lookalike ? s.yellow(label) : s.red(label)) << "  " << s.bold(v(heading_case(f.title))) << "\n";
                if (std::string n = stands_for(report, i); !n.empty())
                    o << "  " << s.bold("stands for " + n) << " with this root cause\n";
                if (detail == Detail::brief) render_brief_finding(o, f, s);
                else render_finding(o, f, s, i + 1, shown);
            }
            if (detail == Detail::brief)
                o << "\n" << s.dim("Brief: the first fix of each problem. Without --brief: every fix, why, the evidence and the call chain.") << "\n";
            break;
        }
    }
    for (const auto& n : report.notes) o << s.dim("note: ") << v(n) << "\n";
    return o.str();
}

}  // namespace certdoctor
