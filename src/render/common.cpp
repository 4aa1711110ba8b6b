#include "render/render.h"

#include <cstdio>
#include <sstream>

#include "util/text.h"

namespace certdoctor {

EvidenceWindow evidence_window(const Evidence& e, size_t context) {
    const std::string& t = e.text;
    size_t kb = std::min(e.key_begin, t.size()), ke = std::min(std::max(e.key_end, kb), t.size());
    EvidenceWindow w;
    size_t from = kb > context ? kb - context : 0;
    while (from > 0 && from < t.size() && (static_cast<unsigned char>(t[from]) & 0xc0) == 0x80) --from;
    size_t to = std::min(t.size(), ke + context);
    while (to < t.size() && (static_cast<unsigned char>(t[to]) & 0xc0) == 0x80) ++to;
    w.before = (from > 0 ? "..." : "") + t.substr(from, kb - from);
    w.key = truncate_utf8(t.substr(kb, ke - kb), 2 * context);
    w.after = t.substr(ke, to - ke) + (to < t.size() ? "..." : "");
    return w;
}

std::string count_of(size_t n, const char* noun) {
    std::string word = noun;
    if (n != 1) {
        bool consonant_y = word.size() > 1 && word.back() == 'y' && std::string("aeiou").find(word[word.size() - 2]) == std::string::npos;
        word = consonant_y ? word.substr(0, word.size() - 1) + "ies" : word + "s";  // registry, registries
    }
    return std::to_string(n) + " " + word;
}

std::string heading_case(std::string title) {
    if (!title.empty() && title[0] >= 'a' && title[0] <= 'z') title[0] = static_cast<char>(title[0] - 'a' + 'A');
    return title;
}

std::string describe_object(const ObjectRef& ref) {
    if (ref.name.empty()) return {};
    std::string out = ref.kind.empty() ? std::string("object") : ref.kind;
    out += " ";
    if (!ref.namespace_.empty()) out += ref.namespace_ + "/";
    return out + ref.name;
}

std::string human_bytes(uint64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " B";
    const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes) / 1024;
    size_t u = 0;
    while (v >= 1024 && u + 1 < 4) {
        v /= 1024;
        ++u;
    }
    char out[32];
    std::snprintf(out, sizeof out, "%.1f %s", v, units[u]);
    return out;
}

namespace {

// Sweeps: the group whose representative is finding `index`, or null.
const FindingGroup* group_of(const Report& report, size_t index) {
    if (!report.sweep) return nullptr;
    for (const auto& g : report.groups)
        if (g.finding == index) return &g;
    return nullptr;
}

}  // namespace

std::string stands_for(const Report& report, size_t index) {
    if (!report.log.read) {
        const FindingGroup* g = group_of(report, index);
        return g ? count_of(g->count, "failed run") : std::string();
    }
    size_t lines = 0, groups = 0;
    for (const auto& g : report.groups)
        if (g.finding == index) {
            lines += g.count;
            ++groups;
        }
    if (!groups) return {};
    return count_of(lines, "log line") + (groups > 1 ? " in " + std::to_string(groups) + " groups (registries)" : "");
}

size_t ParagraphsShown::shown_under(const std::string& paragraph, size_t problem) {
    auto [it, inserted] = shown_.emplace(paragraph, problem);
    return inserted ? 0 : it->second;
}

std::vector<std::string> paragraphs_of(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    for (auto line : split_lines(text)) {
        if (trim(line).empty()) {
            if (!current.empty()) out.push_back(current);
            current.clear();
            continue;
        }
        current += (current.empty() ? "" : "\n") + std::string(line);
    }
    if (!current.empty()) out.push_back(current);
    return out;
}

std::string log_summary(const Report& report, const std::string& source) {
    const LogView& l = report.log;
    std::ostringstream out;
    out << count_of(l.lines_scanned, "line") << " (" << human_bytes(l.bytes) << ") of " << source << ": "
        << count_of(l.matched_lines, "registry or TLS failure line");
    if (!report.groups.empty()) out << " in " << count_of(report.groups.size(), "group");
    if (l.ungrouped_lines) out << ", " << l.ungrouped_lines << " of them in none (see the notes)";
    return out.str();
}

std::string chain_heading(const Finding& f) {
    std::string heading = f.likely_component.empty() ? "" : "the likeliest caller's, a guess: ";
    heading += f.chain.title;
    if (f.chain.versions != "any") heading += ", Tekton " + f.chain.versions;
    return heading;
}

std::string seen_in_list(const Finding& f) {
    std::string out = join(f.seen_in, ", ");
    if (f.seen_in_total > f.seen_in.size()) out += " and " + std::to_string(f.seen_in_total - f.seen_in.size()) + " more";
    return out;
}

std::string list_runs(const FindingGroup& group, size_t max) {
    std::vector<std::string> names;
    for (size_t k = 0; k < group.runs.size() && k < max; ++k) names.push_back(group.runs[k].namespace_ + "/" + group.runs[k].name);
    if (group.runs.size() > max) names.push_back("+" + std::to_string(group.runs.size() - max) + " more");
    return join(names, ", ");
}

}  // namespace certdoctor
