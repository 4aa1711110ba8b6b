#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <ostream>
#include <sstream>

#include "render/json_views.h"
#include "render/render.h"
#include "util/text.h"

namespace certdoctor {

namespace {

nlohmann::json comments_json(const FixView& fix) {
    nlohmann::json comments = nlohmann::json::array();
    for (const auto& c : fix.comments) comments.push_back({{"before", c.before}, {"text", c.text}});
    return comments;
}

nlohmann::json object_json(const ObjectRef& ref) {
    if (ref.empty()) return nullptr;
    return {{"kind", ref.kind}, {"namespace", ref.namespace_}, {"name", ref.name}};
}

// One group of `analyze`.
nlohmann::json log_group_json(const FindingGroup& g) {
    nlohmann::json objects = nlohmann::json::array();
    for (const auto& r : g.runs) objects.push_back(object_json(r));
    nlohmann::json fixes = nlohmann::json::array();
    for (const auto& fix : g.fixes) fixes.push_back({{"id", fix.id}, {"title", fix.title}, {"commands", fix.commands},
                         {"comments", comments_json(fix)}, {"placeholders", fix.placeholders},
                         {"conditional", fix.conditional},
                         {"condition", fix.condition}});
    return {{"component", g.component},
            {"problem", g.problem},
            {"registry", g.registry},
            {"pattern", g.pattern},
            {"count", g.count},
            {"first_seen", g.first_seen.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.first_seen)},
            {"last_seen", g.last_seen.empty() ? nlohmann::json(nullptr) : nlohmann::json(g.last_seen)},
            {"runs", objects},
            {"runs_total", g.runs_total},
            {"objects", objects},  // the same as runs, kept for readers of the first schema
            {"objects_total", g.runs_total},
            {"finding", g.finding},
            {"first_line", g.first_line},
            {"fixes", fixes}};
}

nlohmann::json fixes_json(const Finding& f) {
    nlohmann::json fixes = nlohmann::json::array();
    for (const auto& fix : f.fixes)
        fixes.push_back({{"id", fix.id},
                         {"title", fix.title},
                         {"description", fix.description},
                         {"commands", fix.commands},
                         {"comments", comments_json(fix)},
                         {"manifest", fix.manifest},
                         {"placeholders", fix.placeholders},
                         {"conditional", fix.conditional},
                         {"condition", fix.condition}});
    return fixes;
}

// A sweep's group: its root cause, how many runs, and which.
nlohmann::json sweep_group_json(const FindingGroup& g) {
    nlohmann::json runs = nlohmann::json::array();
    for (const auto& r : g.runs) runs.push_back(object_json(r));
    return {{"pattern", g.pattern},   {"component", g.component}, {"problem", g.problem}, {"registry", g.registry},
            {"count", g.count},       {"finding", g.finding},     {"runs", runs}};
}

nlohmann::json finding_json(const Finding& f) {
    nlohmann::json frames = nlohmann::json::array();
    for (const auto& fr : f.chain.frames)
        frames.push_back({{"function", fr.function}, {"file", fr.file}, {"failed", fr.failed}});
    nlohmann::json fixes = fixes_json(f);
    EvidenceWindow w = evidence_window(f.evidence, 4096);
    return {
        {"pattern", f.pattern},
        {"site_rule", f.site_rule},
        {"cause_rule", f.cause_rule},
        {"component", f.component},
        {"stage", f.stage},
        {"problem", f.problem},
        {"lookalike", f.lookalike},
        {"title", heading_case(f.title)},
        {"registry", f.registry},
        {"server", f.registry},
        {"peer", f.peer()},
        {"url", f.url},
        {"image", f.image},
        {"step", f.step},
        {"node", f.node},
        {"tool", f.tool},
        {"host", f.host},
        {"object", object_json(f.object)},
        {"parent", object_json(f.parent)},
        {"chain", f.chain.id.empty() ? nlohmann::json(nullptr)
                                     : nlohmann::json{{"id", f.chain.id},
                                                      {"title", f.chain.title},
                                                      {"versions", f.chain.versions},
                                                      {"frames", frames}}},
        {"explanation", f.explanation},
        {"in_this_cluster", f.in_this_cluster},
        {"confidence", f.confidence},
        {"stuck_resolving", f.stuck_resolving},
        {"context", f.context},
        {"candidates", f.candidates},
        {"likely_component", f.likely_component},
        {"evidence", {{"text", w.before + w.key + w.after},
                      {"key", w.key},
                      {"origin", f.evidence.origin},
                      {"seen_in", f.seen_in},
                      {"seen_in_total", std::max(f.seen_in_total, f.seen_in.size())}}},
        {"lookup_steps", [&] {
             nlohmann::json steps = nlohmann::json::array();
             for (const auto& s : f.lookup_steps) steps.push_back({{"name", s.name}, {"image", s.image}});
             return steps;
         }()},
        {"fixes", fixes},
        {"references", f.references},
        {"message_problem", f.message_problem},
        {"probe", f.probed ? probe_json(f.probe) : nlohmann::json(nullptr)},
    };
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
    nlohmann::json doc = {
        {"schema", "tekton-certdoctor/report/v1"},
        {"status", to_string(report.status)},
        {"source", report.source},
        {"messages_read", report.messages_read},
        {"count", report.findings.size()},
        {"findings", nlohmann::json::array()},  // written one at a time, below
        {"notes", report.notes},
    };
    if (report.waiting_runs) doc["runs_waiting"] = report.waiting_runs;
    if (report.findings_not_kept) doc["findings_not_kept"] = report.findings_not_kept;
    if (report.cluster.read) {
        const ClusterView& c = report.cluster;
        doc["cluster"] = {{"context", c.context},
                          {"server", c.server},
                          {"namespace", c.namespace_.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.namespace_)},
                          {"tekton_api", c.tekton_api},
                          {"tekton_version", c.tekton_version},
                          {"tekton_namespace", c.tekton_namespace},
                          {"openshift", c.openshift}};
        nlohmann::json checks = nlohmann::json::array();
        for (const auto& ch : report.cluster_checks) {
            nlohmann::json j = {{"id", ch.id}, {"status", ch.status}, {"detail", ch.detail}};
            if (!ch.registry.empty()) j["registry"] = ch.registry;
            checks.push_back(j);
        }
        doc["cluster_checks"] = checks;
    }
    if (report.apply.requested) {
        const ApplyView& a = report.apply;
        nlohmann::json changes = nlohmann::json::array();
        for (const auto& c : a.changes)
            changes.push_back({{"fix", c.fix},
                               {"operation", c.operation},
                               {"kind", c.kind},
                               {"namespace", c.namespace_},
                               {"name", c.name},
                               {"action", c.action},
                               {"before_resource_version", c.before_resource_version},
                               {"after_resource_version", c.after_resource_version},
                               {"dry_run", c.dry_run},
                               {"conflicts", c.conflicts}});
        doc["applied"] = {{"outcome", a.outcome}, {"dry_run", a.dry_run}, {"changes", changes}, {"refused", a.refused}};
        if (a.verified)
            doc["applied"]["verify"] = {{"verdict", a.verify_verdict}, {"detail", a.verify_detail}, {"pods_newer", a.pods_newer}};
    }
    if (report.log.read) {
        const LogView& l = report.log;
        nlohmann::json sources = nlohmann::json::array();
        for (const auto& src : l.sources)
            sources.push_back({{"name", src.name}, {"bytes", src.bytes}, {"lines", src.lines}, {"gzip", src.gzip}});
        nlohmann::json problems = nlohmann::json::array();
        for (const auto& p : l.by_problem)
            problems.push_back({{"component", p.component}, {"problem", p.problem}, {"lines", p.lines}, {"registries", p.registries}});
        doc["sources"] = sources;
        doc["by_problem"] = problems;
        doc["lines_scanned"] = l.lines_scanned;
        doc["matched_lines"] = l.matched_lines;
        doc["bytes_scanned"] = l.bytes;
        doc["long_lines"] = l.long_lines;
        doc["ungrouped_lines"] = l.ungrouped_lines;
        doc["groups"] = nlohmann::json::array();
    } else if (report.sweep) {
        doc["runs_scanned"] = report.runs_scanned;
        doc["failed_runs"] = report.failed_runs;
        doc["groups"] = nlohmann::json::array();  // written one at a time, below
    }
    // Inputs are sanitised to UTF-8 on the way in; `replace` keeps a stray byte from aborting.
    std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    // Findings and groups can be thousands (a sweep, a log): each is serialised and written on
    // its own where the document holds its empty list, so that no tree or text of all of them is
    // ever held. A top-level key starts a line with two spaces (a string's newline is escaped).
    struct List {
        const char* key;
        size_t count;
        std::function<nlohmann::json(size_t)> element;
    };
    bool groups_listed = (report.log.read || report.sweep) && !report.groups.empty();
    std::vector<List> lists;
    if (!report.findings.empty())
        lists.push_back({"\n  \"findings\": []", report.findings.size(), [&](size_t i) { return finding_json(report.findings[i]); }});
    if (groups_listed)
        lists.push_back({"\n  \"groups\": []", report.groups.size(), [&](size_t i) {
                             return report.log.read ? log_group_json(report.groups[i]) : sweep_group_json(report.groups[i]);
                         }});
    size_t written = 0;
    for (const auto& list : lists) {
        const std::string placeholder = list.key;
        size_t at = text.find(placeholder, written);
        if (at == std::string::npos) continue;
        size_t open = at + placeholder.size() - 1;  // the ']'
        out.write(text.data() + written, static_cast<std::streamsize>(open - written));
        for (size_t i = 0; i < list.count; ++i) {
            out << (i == 0 ? "\n    " : ",\n    ");
            std::string element = list.element(i).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
            std::string indented;
            indented.reserve(element.size() + element.size() / 8);
            for (char c : element) {
                indented += c;
                if (c == '\n') indented += "    ";
            }
            out << indented;
        }
        out << "\n  ";
        written = open;
    }
    out.write(text.data() + written, static_cast<std::streamsize>(text.size() - written));
    out << "\n";
}

std::string render_json(const Report& report) {
    std::ostringstream out;
    write_json(report, out);
    return out.str();
}

}  // namespace certdoctor
