// `analyze`: finds every registry or TLS failure line in controller, resolver, step and node
// logs, and groups them by (component, problem, registry) with counts, first and last time, and
// the runs they hit. Each group carries the diagnosis and fixes `explain` gives for its first
// line.
//
// The scan is built for gigabytes: files are memory-mapped a window at a time and scanned on
// several threads; the literal prefilter (needles.h, literal_scan.h) passes only the few lines
// that can match to the normaliser and the RE2::Set; JSON is parsed only for those lines. Memory
// stays bounded whatever the input size: a window per thread, a line searched in its first MiB,
// at most kMaxGroups groups of at most kMaxObjects runs.
//
//   LogAnalyzer a(engine);
//   a.read_file("controller.log");   // "-" is standard input; gzip is recognised by its magic
//   Report r = a.report();
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "diagnose/diagnose.h"
#include "logscan/literal_scan.h"
#include "model/report.h"
#include "run/run.h"

namespace certdoctor {

class ByteStream;

inline constexpr size_t kMaxGroups = 10000;
inline constexpr size_t kMaxObjects = 1000;

class LogAnalyzer {
public:
    explicit LogAnalyzer(const Engine& engine, size_t threads = 0);  // 0: up to 4, by the cores
    ~LogAnalyzer();
    LogAnalyzer(const LogAnalyzer&) = delete;
    LogAnalyzer& operator=(const LogAnalyzer&) = delete;

    // Reads a whole file ("-": standard input), plain or gzip. Throws Error naming the file.
    void read_file(const std::string& path);
    // Reads a log already in memory (pod logs fetched through the API), under `name`.
    void read_text(std::string_view text, const std::string& name);
    // --follow: reads `path` ("-": standard input) as it grows, until end of input (a stream)
    // or until `stop` is set (a file, like tail -f). `on_new_group` is called for each group as
    // soon as its first line is read.
    void follow(const std::string& path, const std::atomic<bool>& stop);
    std::function<void(const Report& report, size_t group)> on_new_group;

    // The findings (one per group, with fixes), the groups, and the scan's counts.
    Report report() const;

    bool prefiltered() const { return scanner_ != nullptr; }

private:
    struct Hit;
    struct Group;

    void read_mapped(int fd, uint64_t size, const std::string& name);
    void read_stream(ByteStream& in, const std::string& name, const std::atomic<bool>* stop, bool tail);
    std::vector<Hit> examine_region(const char* begin, const char* end) const;
    void merge(std::vector<Hit>& hits, uint64_t first_line, const std::string& name);
    static ObjectRef object_of(const Hit& h);

    const Engine& engine_;
    size_t threads_;
    std::unique_ptr<LiteralScanner> scanner_;
    std::vector<std::string> notes_;
    std::vector<LogSourceStats> sources_;
    uint64_t lines_scanned_ = 0, matched_lines_ = 0, bytes_ = 0, long_lines_ = 0, ungrouped_lines_ = 0;
    size_t objects_kept_ = 0;
    std::map<std::string, size_t> group_index_;
    std::vector<Group> groups_;
};

}  // namespace certdoctor
