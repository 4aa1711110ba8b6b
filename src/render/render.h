// Renderers: a finished Report as text (terminal), JSON (stable, see plugin/report.schema.json)
// or Markdown (tickets). They only read the report; nothing here computes a diagnosis.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/probe_result.h"
#include "model/report.h"

namespace certdoctor {

enum class Color { on, off };

// How much of each finding is shown (text and Markdown; JSON always has everything). `brief`:
// for an incident, the summary, then per finding its verdict, where, and its first fix alone.
enum class Detail { full, brief };

std::string render_text(const Report& report, Color color, Detail detail = Detail::full);
std::string render_json(const Report& report);
void write_json(const Report& report, std::ostream& out);  // the same, written as it is made
std::string render_markdown(const Report& report, Detail detail = Detail::full);

// analyze --follow: a group as soon as its first line is read (a report of that group alone),
// as two lines of text or one JSON line ({"event":"new_group",...}); and the totals at the end.
std::string render_new_group_text(const Report& group);
std::string render_new_group_json(const Report& group);
std::string render_follow_end_json(const Report& report);

std::string render_probe_text(const ProbeResult& result, Color color);
std::string render_probe_json(const ProbeResult& result);
std::string render_probe_markdown(const ProbeResult& result);

// The evidence with the key part marked, cut to a readable window around it.
struct EvidenceWindow {
    std::string before, key, after;
};
EvidenceWindow evidence_window(const Evidence& e, size_t context = 240);

// "1 message", "3 messages".
std::string count_of(size_t n, const char* noun);

// A title as a heading shows it: its first letter capitalised (site titles start in lower case,
// as they follow a cause's title after a dash).
std::string heading_case(std::string title);

// "512 B", "3.2 MiB", "1.0 GiB".
std::string human_bytes(uint64_t bytes);

// "TaskRun default/x", "" when unknown.
std::string describe_object(const ObjectRef& ref);

// What finding `index` stands for in a sweep ("3 failed runs") or a log ("12 log lines in 2
// groups (registries)"); "" when it is not a group's.
std::string stands_for(const Report& report, size_t index);

// analyze: "3352257 lines (1.0 GiB) of SOURCE: 3352 registry or TLS failure lines in 1937 groups"
// (and how many are in no group, past the groups' bounds).
std::string log_summary(const Report& report, const std::string& source);

// Where a finding was read: "stdin:3, stdin:9" and, past the places listed, "and 139998 more".
std::string seen_in_list(const Finding& f);

// What the call chain's heading says in brackets: whose chain, and for which Tekton versions when
// it depends on them (a chain outside Tekton's code, a step's tool or the kubelet, holds for any).
std::string chain_heading(const Finding& f);

// A generic paragraph (a cause's explanation, a fix's description) is printed once per report:
// a later finding with the same text points back to the problem that shows it.
class ParagraphsShown {
public:
    // The problem (1-based) that showed `paragraph` first, or 0 after recording `problem` as it.
    size_t shown_under(const std::string& paragraph, size_t problem);

private:
    std::unordered_map<std::string, size_t> shown_;  // paragraph -> the problem that showed it first
};

// The paragraphs of a text, split at blank lines, each without its surrounding blank lines.
std::vector<std::string> paragraphs_of(const std::string& text);

// "ns/a, ns/b, +3 more": a group's runs, at most `max` by name.
std::string list_runs(const FindingGroup& group, size_t max);

}  // namespace certdoctor
