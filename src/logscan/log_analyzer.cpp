#include "logscan/log_analyzer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>

#include "fix/fix_plan.h"
#include "input/normalise.h"
#include "logscan/byte_stream.h"
#include "logscan/line_scan.h"
#include "logscan/needles.h"
#include "util/error.h"
#include "util/time.h"

namespace certdoctor {

namespace {

constexpr size_t kWindowBytes = 2u << 20;    // of a mapped file, per thread at a time
constexpr size_t kStreamBytes = 4u << 20;    // of a stream's buffer
constexpr size_t kMaxThreads = 4;
constexpr size_t kMaxObjectsKept = 100000;  // over all groups

std::string system_error(const std::string& name, const std::string& what) {
    return name + ": " + what + ": " + std::strerror(errno);
}

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd > 2) ::close(fd);
    }
};

// The descriptor of `path` ("-": standard input). Throws Error naming the path.
int open_log(const std::string& path) {
    int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(system_error(path, "cannot open"));
    return fd;
}

}  // namespace

// A line that matched, as a worker found it; merged into the groups in input order.
struct LogAnalyzer::Hit {
    uint64_t newlines_before = 0;  // from the start of the region it was found in
    LogLine line;
    MessageMatch match;
    MatchKey key;
};

struct LogAnalyzer::Group {
    FindingGroup view;
    FailureRecord sample;  // its first line, from which its diagnosis is made when reported
    MessageMatch match;
    bool lookalike = false;
    std::set<std::string> objects;  // "Kind/ns/name", bounded by kMaxObjects
    std::time_t first = 0, last = 0;
};

LogAnalyzer::LogAnalyzer(const Engine& engine, size_t threads) : engine_(engine) {
    size_t cores = std::max<size_t>(1, std::thread::hardware_concurrency());
    threads_ = threads ? threads : std::min(cores, kMaxThreads);
    Needles needles = prefilter_needles(engine.catalog());
    if (needles.complete && !needles.words.empty()) {
        scanner_ = std::make_unique<LiteralScanner>(needles.words);
    } else {
        std::string rules;
        for (const auto& r : needles.unfiltered_rules) rules += (rules.empty() ? "" : ", ") + r;
        notes_.push_back("the literal prefilter is off (no literal to look for in " + rules +
                         "): every line went through the regexes");
    }
}

LogAnalyzer::~LogAnalyzer() = default;

std::vector<LogAnalyzer::Hit> LogAnalyzer::examine_region(const char* begin, const char* end) const {
    std::vector<Hit> hits;
    scan_region(scanner_.get(), begin, end, [&](const CandidateLine& c) {
        LogLine line = read_log_line(c.slice);
        if (line.text.empty()) return;
        MessageMatch m = engine_.matcher().match(line.text);
        if (!m.cause) return;  // a failure line names what failed
        Hit h;
        h.newlines_before = c.newlines_before;
        h.key = match_key(m);
        h.match = std::move(m);
        h.line = std::move(line);
        hits.push_back(std::move(h));
    });
    return hits;
}

// The run a line is about: the log line's own key, else what the message names.
ObjectRef LogAnalyzer::object_of(const Hit& h) {
    ObjectRef object = h.line.object;
    const auto* captures = h.match.site ? &h.match.site->captures : nullptr;
    auto taskrun = captures ? captures->find("taskrun") : std::map<std::string, std::string>::const_iterator();
    bool names_taskrun = captures && taskrun != captures->end();
    if (object.empty() && names_taskrun) {
        auto n = captures->find("namespace");
        object = {"TaskRun", n == captures->end() ? "" : n->second, taskrun->second};
    }
    // knative.dev/key without knative.dev/kind: the message says whether it is a TaskRun.
    if (object.kind.empty() && !object.name.empty() && names_taskrun && taskrun->second == object.name) object.kind = "TaskRun";
    return object;
}

void LogAnalyzer::merge(std::vector<Hit>& hits, uint64_t first_line, const std::string& name) {
    for (auto& h : hits) {
        ++matched_lines_;
        std::string key = h.key.component + "|" + h.key.problem + "|" + h.key.registry;
        auto it = group_index_.find(key);
        bool is_new = it == group_index_.end();
        if (is_new) {
            if (groups_.size() >= kMaxGroups) {
                ++ungrouped_lines_;
                continue;
            }
            Group g;
            g.sample.message = h.line.text;
            g.sample.origin = name + ":" + std::to_string(first_line + h.newlines_before);
            g.sample.object = object_of(h);
            g.match = h.match;
            g.lookalike = h.key.lookalike;
            g.view.pattern = h.key.pattern;
            g.view.component = h.key.component;
            g.view.problem = h.key.problem;
            g.view.registry = h.key.registry;
            it = group_index_.emplace(key, groups_.size()).first;
            groups_.push_back(std::move(g));
        }
        Group& g = groups_[it->second];
        ++g.view.count;
        ObjectRef object = object_of(h);
        if (!object.empty() && g.objects.size() < kMaxObjects && objects_kept_ < kMaxObjectsKept &&
            g.objects.insert(object.kind + "/" + object.namespace_ + "/" + object.name).second) {
            g.view.runs.push_back(object);
            ++objects_kept_;
        }
        if (!h.line.time.empty()) {
            auto t = parse_rfc3339(h.line.time);
            std::time_t when = t ? *t : 0;
            // Without a parseable time, the order of the lines stands for the order of time.
            if (g.view.first_seen.empty() || (t && g.first && when < g.first)) {
                g.view.first_seen = h.line.time;
                g.first = when;
            }
            if (g.view.last_seen.empty() || !t || when >= g.last) {
                g.view.last_seen = h.line.time;
                g.last = when;
            }
        }
        if (is_new && on_new_group) on_new_group(report(), it->second);
    }
}

void LogAnalyzer::read_mapped(int fd, uint64_t size, const std::string& name) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const uint64_t windows = (size + kWindowBytes - 1) / kWindowBytes;
    struct WindowResult {
        uint64_t newlines = 0;
        uint64_t long_lines = 0;
        std::vector<Hit> hits;
        std::string error;
    };
    uint64_t newlines_so_far = 0;
    // Windows are read a round at a time, one per thread, and merged in order.
    for (uint64_t round = 0; round < windows; round += threads_) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(threads_, windows - round));
        std::vector<WindowResult> results(n);
        auto work = [&](size_t k) {
            WindowResult& r = results[k];
            uint64_t start = (round + k) * kWindowBytes;
            uint64_t end = std::min<uint64_t>(size, start + kWindowBytes);
            uint64_t map_from = start == 0 ? 0 : start - page;  // one byte before: does a line start here?
            uint64_t map_to = std::min<uint64_t>(size, end + kMaxLineBytes);
            size_t length = static_cast<size_t>(map_to - map_from);
            void* m = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, static_cast<off_t>(map_from));
            if (m == MAP_FAILED) {
                r.error = system_error(name, "cannot map");
                return;
            }
            const char* base = static_cast<const char*>(m) - map_from;  // base + offset = byte at offset
            r.newlines = count_newlines(base + start, base + end);
            const char* begin = base + start;
            if (start > 0 && base[start - 1] != '\n') {  // the line began in the window before
                const void* nl = std::memchr(begin, '\n', static_cast<size_t>(end - start));
                begin = nl ? static_cast<const char*>(nl) + 1 : base + end;
            }
            const char* region_end = base + end;
            if (end < size && base[end - 1] != '\n' && begin < base + end) {
                // The last line goes on past the window: read it to its end, up to the bound.
                const void* nl = std::memchr(base + end, '\n', static_cast<size_t>(map_to - end));
                region_end = nl ? static_cast<const char*>(nl) + 1 : base + map_to;
                if (!nl && map_to < size) ++r.long_lines;
            }
            if (begin < region_end) {
                r.hits = examine_region(begin, region_end);
                uint64_t skipped = count_newlines(base + start, begin);
                for (auto& h : r.hits) h.newlines_before += skipped;
            }
            ::munmap(m, length);
        };
        std::vector<std::thread> workers;
        for (size_t k = 1; k < n; ++k) workers.emplace_back(work, k);
        work(0);
        for (auto& t : workers) t.join();
        for (auto& r : results) {
            if (!r.error.empty()) throw Error(r.error);
            merge(r.hits, newlines_so_far + 1, name);
            newlines_so_far += r.newlines;
            long_lines_ += r.long_lines;
        }
    }
    uint64_t lines = newlines_so_far;
    if (size > 0) {
        char last = 0;
        if (::pread(fd, &last, 1, static_cast<off_t>(size - 1)) == 1 && last != '\n') ++lines;
    }
    lines_scanned_ += lines;
    bytes_ += size;
    sources_.push_back({name, size, lines, false});
}

void LogAnalyzer::read_stream(ByteStream& in, const std::string& name, const std::atomic<bool>* stop, bool tail) {
    std::string buffer(kStreamBytes + kMaxLineBytes, '\0');
    size_t held = 0;          // bytes of an unfinished line at the buffer's start
    bool skipping = false;    // in the rest of a line longer than the bound
    uint64_t newlines = 0, bytes = 0;
    bool ends_with_newline = true;
    for (;;) {
        size_t got = in.read(buffer.data() + held, kStreamBytes, stop ? 200 : -1);
        if (got == 0) {
            if (!stop || stop->load()) break;
            if (in.eof()) {
                if (!tail) break;  // a stream has ended; a file may still grow (tail -f)
                in.clear_eof();
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
            continue;
        }
        bytes += got;
        char* data = buffer.data();
        size_t size = held + got;
        ends_with_newline = data[size - 1] == '\n';
        size_t from = held;
        newlines += count_newlines(data + from, data + size);
        if (skipping) {
            const void* nl = std::memchr(data, '\n', size);
            if (!nl) {
                held = 0;
                continue;
            }
            size_t rest = size - (static_cast<const char*>(nl) + 1 - data);
            std::memmove(data, static_cast<const char*>(nl) + 1, rest);
            size = rest;
            skipping = false;
        }
        const void* last = size ? memrchr(data, '\n', size) : nullptr;
        size_t complete = last ? static_cast<size_t>(static_cast<const char*>(last) - data) + 1 : 0;
        uint64_t first_line = newlines - count_newlines(data, data + size) + 1;
        if (complete > 0) {
            std::vector<Hit> hits = examine_region(data, data + complete);
            merge(hits, first_line, name);
        }
        size_t rest = size - complete;
        if (rest >= kMaxLineBytes) {
            // A line longer than the bound: search its first part, skip the rest.
            std::vector<Hit> hits = examine_region(data + complete, data + complete + kMaxLineBytes);
            merge(hits, first_line + (complete ? count_newlines(data, data + complete) : 0), name);
            ++long_lines_;
            skipping = true;
            rest = 0;
        }
        std::memmove(data, data + complete, rest);
        held = rest;
    }
    if (held > 0 && !skipping) {
        std::vector<Hit> hits = examine_region(buffer.data(), buffer.data() + held);
        merge(hits, newlines + 1, name);
    }
    uint64_t lines = newlines + (bytes > 0 && !ends_with_newline ? 1 : 0);
    lines_scanned_ += lines;
    bytes_ += bytes;
    sources_.push_back({name, bytes, lines, in.gzip()});
}

void LogAnalyzer::read_file(const std::string& path) {
    const bool is_stdin = path == "-";
    const std::string name = is_stdin ? "stdin" : path;
    Fd file{open_log(path)};
    struct stat st{};
    if (fstat(file.fd, &st) != 0) throw Error(system_error(name, "cannot stat"));
    if (S_ISDIR(st.st_mode)) throw Error(name + ": is a directory, not a log", ExitCode::usage);
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        unsigned char magic[2] = {0, 0};
        ssize_t n = ::pread(file.fd, magic, 2, 0);
        bool gzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        if (!gzip && (!is_stdin || ::lseek(0, 0, SEEK_CUR) == 0)) {
            read_mapped(file.fd, static_cast<uint64_t>(st.st_size), name);
            return;
        }
    }
    ByteStream in(file.fd, name);
    read_stream(in, name, nullptr, false);
}

void LogAnalyzer::read_text(std::string_view text, const std::string& name) {
    uint64_t first_line = 1;
    // In regions that end at a line end, so a line over the bound is cut as in a file.
    size_t pos = 0;
    uint64_t lines = 0;
    while (pos < text.size()) {
        size_t end = std::min(text.size(), pos + kStreamBytes);
        size_t nl = text.rfind('\n', end - 1);
        if (end < text.size() && (nl == std::string_view::npos || nl < pos)) end = std::min(text.size(), pos + kMaxLineBytes);
        else if (end < text.size()) end = nl + 1;
        std::vector<Hit> hits = examine_region(text.data() + pos, text.data() + end);
        merge(hits, first_line, name);
        uint64_t n = count_newlines(text.data() + pos, text.data() + end);
        first_line += n;
        lines += n;
        pos = end;
    }
    if (!text.empty() && text.back() != '\n') ++lines;
    lines_scanned_ += lines;
    bytes_ += text.size();
    sources_.push_back({name, text.size(), lines, false});
}

void LogAnalyzer::follow(const std::string& path, const std::atomic<bool>& stop) {
    const std::string name = path == "-" ? "stdin" : path;
    Fd file{open_log(path)};
    struct stat st{};
    bool regular = fstat(file.fd, &st) == 0 && S_ISREG(st.st_mode);
    ByteStream in(file.fd, name);
    read_stream(in, name, &stop, regular);
}

Report LogAnalyzer::report() const {
    Report r;
    r.log.read = true;
    r.log.lines_scanned = lines_scanned_;
    r.log.matched_lines = matched_lines_;
    r.log.bytes = bytes_;
    r.log.long_lines = long_lines_;
    r.log.sources = sources_;
    r.messages_read = static_cast<size_t>(lines_scanned_);
    std::string names;
    for (const auto& s : sources_) names += (names.empty() ? "" : ", ") + s.name;
    r.source = names.empty() ? "no input" : names;
    // Most lines first; registry problems before look-alikes at equal counts.
    std::vector<size_t> order(groups_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const Group& x = groups_[a];
        const Group& y = groups_[b];
        if (x.lookalike != y.lookalike) return !x.lookalike;
        return x.view.count > y.view.count;
    });
    // One diagnosis per pattern, made from its first group's line; each group gets the fixes
    // for its own registry (their commands: the descriptions and manifests are the diagnosis's).
    std::map<std::string, size_t> finding_of_pattern;
    std::vector<size_t> finding_index(order.size());
    std::vector<bool> first_of_pattern(order.size());
    for (size_t k = 0; k < order.size(); ++k) {
        auto [it, is_new] = finding_of_pattern.emplace(groups_[order[k]].view.pattern, finding_of_pattern.size());
        finding_index[k] = it->second;
        first_of_pattern[k] = is_new;
    }
    r.groups.resize(order.size());
    r.findings.resize(finding_of_pattern.size());
    auto build = [&](size_t from, size_t step) {
        for (size_t k = from; k < order.size(); k += step) {
            const Group& g = groups_[order[k]];
            FindingGroup& view = r.groups[k];
            view = g.view;
            view.runs_total = g.objects.size();
            view.first_line = g.sample.origin;
            view.finding = finding_index[k];
            Finding f = make_finding(g.sample, g.match, engine_.catalog(), {false, {}});
            view.fixes = plan_fixes(f, engine_.catalog());
            if (first_of_pattern[k]) {
                f.fixes = view.fixes;
                r.findings[finding_index[k]] = std::move(f);
            }
            for (auto& fix : view.fixes) {
                fix.description.clear();
                fix.manifest.clear();
            }
        }
    };
    std::vector<std::thread> workers;
    for (size_t t = 1; t < threads_ && order.size() > 64; ++t) workers.emplace_back(build, t, threads_);
    build(0, workers.size() + 1);
    for (auto& w : workers) w.join();
    r.notes = notes_;
    if (long_lines_)
        r.notes.push_back(std::to_string(long_lines_) + " line(s) longer than 1 MiB were searched in their first MiB only");
    if (ungrouped_lines_)
        r.notes.push_back(std::to_string(ungrouped_lines_) + " failure line(s) beyond the first " +
                          std::to_string(kMaxGroups) + " groups were counted but not grouped");
    for (const auto& g : groups_)
        if (g.objects.size() >= kMaxObjects) {
            r.notes.push_back("groups list at most " + std::to_string(kMaxObjects) + " runs each");
            break;
        }
    r.status = r.findings.empty() ? ReportStatus::no_problems : ReportStatus::problems_found;
    r.sweep = true;
    return r;
}

}  // namespace certdoctor
