#include <nlohmann/json.hpp>

#include "render/render.h"
#include "util/escape.h"

namespace certdoctor {

namespace {

std::string one_line(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string render_new_group_text(const Report& report) {
    const FindingGroup& g = report.groups.at(0);
    const Finding& f = report.findings.at(g.finding);
    auto v = [](const std::string& s) { return visible(s); };
    std::string out = "new: " + v(g.component) + "/" + v(g.problem) + (g.registry.empty() ? "" : " at " + v(g.registry)) +
                      " (" + v(g.first_line) + (g.first_seen.empty() ? "" : ", " + v(g.first_seen)) + ")\n     " + v(heading_case(f.title)) +
                      "\n";
    if (!g.fixes.empty()) out += "     fix: " + v(g.fixes.front().title) + " [" + v(g.fixes.front().id) + "]\n";
    return out;
}

std::string render_new_group_json(const Report& report) {
    const FindingGroup& g = report.groups.at(0);
    nlohmann::json fixes = nlohmann::json::array();
    for (const auto& fix : g.fixes) fixes.push_back(fix.id);
    return one_line({{"event", "new_group"},
                     {"component", g.component},
                     {"problem", g.problem},
                     {"registry", g.registry},
                     {"title", report.findings.at(g.finding).title},
                     {"first_line", g.first_line},
                     {"first_seen", g.first_seen},
                     {"fixes", fixes}});
}

std::string render_follow_end_json(const Report& report) {
    return one_line({{"event", "end"},
                     {"lines_scanned", report.log.lines_scanned},
                     {"matched_lines", report.log.matched_lines},
                     {"groups", report.groups.size()}});
}

}  // namespace certdoctor
