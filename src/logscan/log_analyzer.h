// `analyze`: finds every registry or TLS failure line in controller, resolver, step and node
// logs, and groups them by (component, problem, registry) with counts, first and last time, and
// the runs they hit.
//
// The scan is built for gigabytes: files are memory-mapped a window at a time and scanned on
// several threads; the literal prefilter (needles.h, literal_scan.h) passes only the few lines
// that can match to the normaliser and the RE2::Set; JSON is parsed only for those lines. Memory
// stays bounded whatever the input size: a window per thread, a line searched in its first MiB,
// at most kMaxGroups groups of at most kMaxObjects runs, and kMaxGroupBytes for all the groups
// hold; a window waiting to be merged holds at most 2 MiB of new groups' first lines, and once
// the groups are full, nothing of a line of a group not kept. run/analyze turns the groups into
// a report with their diagnoses and fixes.
//
//   LogAnalyzer a(engine.catalog(), engine.matcher());
//   a.read_file("controller.log");   // "-" is standard input; gzip is recognised by its magic
//   Report r = analysis_report(a, engine);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>
#include <string>
#include <vector>

#include "logscan/literal_scan.h"
#include "logscan/needles.h"
#include "match/match_key.h"
#include "match/matcher.h"
#include "model/record.h"
#include "model/report.h"

namespace certdoctor {

class ByteStream;

inline constexpr size_t kMaxGroups = 10000;
inline constexpr size_t kMaxObjects = 1000;
// What the groups may hold in all (their first lines, matches and runs, counted roughly, with
// what the report adds for each); past it, new groups and runs are counted but not kept.
inline constexpr size_t kMaxGroupBytes = 8u << 20;

// Failure lines with the same (component, problem, registry), as read so far.
struct LogGroup {
    MatchKey key;
    FailureRecord sample;  // its first line: the diagnosis is made from it (run/analyze)
    MessageMatch match;    // of the sample
    size_t count = 0;
    std::vector<ObjectRef> objects;  // distinct, in order of appearance, at most kMaxObjects
    std::set<std::string> object_keys;
    std::unordered_set<uint64_t> objects_past_list;  // the others, by hash: counted, not listed
    // The earliest and latest time stamps as written; a stamp that does not parse (klog's has
    // no year) is ordered by where its line stands.
    std::string first_seen, last_seen;
    std::optional<std::time_t> first, last;
};

// What was read, over all inputs.
struct LogTotals {
    uint64_t lines_scanned = 0;
    uint64_t matched_lines = 0;
    uint64_t bytes = 0;
    uint64_t long_lines = 0;       // cut at kMaxLineBytes while streaming
    uint64_t ungrouped_lines = 0;  // failure lines past kMaxGroups groups or kMaxGroupBytes
    bool objects_capped = false;   // some group lists fewer runs than it hit
    std::vector<LogSourceStats> sources;
    std::vector<std::string> notes;
};

class LogAnalyzer {
public:
    // The prefilter's needles come from `catalog`; `matcher` is over the same catalog.
    LogAnalyzer(const Catalog& catalog, const Matcher& matcher, size_t threads = 0);  // 0: up to 4, by the cores
    ~LogAnalyzer();
    LogAnalyzer(const LogAnalyzer&) = delete;
    LogAnalyzer& operator=(const LogAnalyzer&) = delete;

    // Reads a whole file ("-": standard input), plain or gzip. Throws Error naming the file.
    void read_file(const std::string& path);
    // Reads a log already in memory (pod logs fetched through the API), under `name`.
    void read_text(std::string_view text, const std::string& name);
    // --follow: reads `path` ("-": standard input) as it grows, until end of input (a stream)
    // or until `stop` is set (a file, like tail -F: truncated in place or replaced under its
    // name, it is read again from the start). `on_new_group` is called for each group as
    // soon as its first line is read.
    void follow(const std::string& path, const std::atomic<bool>& stop);
    std::function<void(const LogGroup&)> on_new_group;
    // How far a file has been read, now and then (a progress line on a terminal).
    std::function<void(const std::string& name, uint64_t done, uint64_t size)> on_progress;

    // In order of their first line.
    const std::deque<LogGroup>& groups() const { return groups_; }
    // The groups, moved out: the analyzer is left with none (the report is made from them).
    std::deque<LogGroup> take_groups();
    const LogTotals& totals() const { return totals_; }
    size_t threads() const { return threads_; }

private:
    struct Hit;
    struct RegionHits;

    void read_mapped(int fd, uint64_t size, const std::string& name);
    void read_stream(ByteStream& in, const std::string& name, const std::atomic<bool>* stop,
                     const std::function<bool()>& tail);
    RegionHits examine_region(const char* begin, const char* end) const;
    void merge(RegionHits& region, uint64_t first_line, const std::string& name);
    // A region read on this thread: examined and merged at once (`first_line` is its first line's number).
    void examine_and_merge(const char* begin, const char* end, uint64_t first_line, const std::string& name);
    void add_source(const std::string& name, uint64_t bytes, uint64_t lines, bool gzip);

    const Matcher& matcher_;
    size_t threads_;
    std::unique_ptr<LiteralScanner> scanner_;
    std::unique_ptr<CauseGuards> guards_;  // the prefilter's second stage
    LogTotals totals_;
    size_t group_bytes_ = 0;  // what the groups hold, roughly: against kMaxGroupBytes
    // A new group was turned down: so are all later ones. Once it is set, group_index_ no longer
    // changes, and the workers look lines up in it (a line of no group is then only counted).
    std::atomic<bool> groups_full_{false};
    std::map<std::string, size_t> group_index_;
    std::deque<LogGroup> groups_;
};

}  // namespace certdoctor
