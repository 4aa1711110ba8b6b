#include "logscan/log_analyzer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "input/normalise.h"
#include "logscan/byte_stream.h"
#include "logscan/line_scan.h"
#include "logscan/needles.h"
#include "util/error.h"
#include "util/time.h"

namespace certdoctor {

namespace {

constexpr size_t kWindowBytes = 1u << 20;    // of a mapped file, per thread at a time
constexpr size_t kStreamBytes = 4u << 20;    // of a stream's buffer
constexpr size_t kMaxThreads = 4;
// What a region may hold of the first lines of groups it is the first to see (they wait for the
// merge, a few regions at a time); past it a region's new groups are turned down. Ordinary logs
// see a few new groups in a window; a hostile one, a new registry on every line, thousands.
constexpr size_t kMaxRegionFirstBytes = 2u << 20;

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

// A line that matched, as a worker found it; merged into the groups in input order. Only the
// first line of each group in a region keeps its message and match, from which a group is made:
// a region where every line fails the same way holds little more than its run names.
struct LogAnalyzer::Hit {
    uint64_t newlines_before = 0;  // from the start of the region it was found in
    std::string group;             // "site|component|problem|registry": one site, so one fix plan
    ObjectRef object;              // the run it is about
    std::string time;
    // For the first line of its group in the region: what a group is made from.
    struct First {
        MatchKey key;
        std::string text;
        MessageMatch match;
    };
    std::unique_ptr<First> first;
};

// What a worker found in a region: the lines to merge, and those that can only be counted (the
// groups were full and theirs is not among them), which cost nothing while they wait.
struct LogAnalyzer::RegionHits {
    std::vector<Hit> hits;
    uint64_t ungrouped = 0;
    uint64_t newlines = 0;  // in the region
};

LogAnalyzer::LogAnalyzer(const Catalog& catalog, const Matcher& matcher, size_t threads) : matcher_(matcher) {
    size_t cores = std::max<size_t>(1, std::thread::hardware_concurrency());
    threads_ = threads ? threads : std::min(cores, kMaxThreads);
    Needles needles = prefilter_needles(catalog);
    if (needles.complete && !needles.words.empty()) {
        scanner_ = std::make_unique<LiteralScanner>(needles.words);
        guards_ = std::make_unique<CauseGuards>(catalog, needles);
    } else {
        std::string rules;
        for (const auto& r : needles.unfiltered_rules) rules += (rules.empty() ? "" : ", ") + r;
        totals_.notes.push_back("the literal prefilter is off (no literal to look for in " + rules +
                         "): every line went through the regexes");
    }
}

LogAnalyzer::~LogAnalyzer() = default;

LogAnalyzer::RegionHits LogAnalyzer::examine_region(const char* begin, const char* end) const {
    RegionHits found;
    std::vector<Hit>& hits = found.hits;
    std::set<std::string> groups_seen;
    size_t first_bytes = 0;
    // Roughly what a group's first line costs while it waits to be merged (as group_cost counts).
    auto first_cost = [](const Hit::First& first, const std::string& group) {
        size_t n = sizeof(first) + first.text.size() + 2 * group.size() + 128;
        for (const auto* m : {&first.match.site, &first.match.cause})
            if (*m)
                for (const auto& [k, v] : (*m)->captures) n += k.size() + v.size() + 96;
        return n;
    };
    found.newlines = scan_region(scanner_.get(), guards_.get(), begin, end, [&](const CandidateLine& c) {
        LogLine line = read_log_line(c.slice);
        if (line.text.empty()) return;
        MessageMatch m = matcher_.match(line.text);
        if (!m.cause) return;  // a failure line names what failed
        Hit h;
        h.newlines_before = c.newlines_before;
        MatchKey key = match_key(m);
        h.group = key.site + "|" + key.component + "|" + key.problem + "|" + key.registry;
        // Once the groups are full, no new group is made: a worker that sees it keeps no message,
        // and a line of no kept group is only counted (a hostile log of a new registry on every
        // line then holds nothing while it waits to be merged).
        bool full = groups_full_.load(std::memory_order_acquire);
        if (full && group_index_.find(h.group) == group_index_.end()) {
            ++found.ungrouped;
            return;
        }
        h.object = run_of(line.object, m);
        h.time = std::move(line.time);
        // The first line of a group new to the region, while the region's bound holds: once it
        // does not, the merge turns down every later new group (what a region keeps depends on
        // the region alone, so the groups do not depend on the threads' timing).
        if (!full && first_bytes < kMaxRegionFirstBytes && groups_seen.insert(h.group).second) {
            h.first = std::make_unique<Hit::First>(Hit::First{std::move(key), std::move(line.text), std::move(m)});
            first_bytes += first_cost(*h.first, h.group);
        }
        hits.push_back(std::move(h));
    });
    return found;
}

namespace {

void note_time(LogGroup& g, const std::string& time) {
    if (time.empty()) return;
    std::optional<std::time_t> t = parse_rfc3339(time);
    if (g.first_seen.empty() || (t && g.first && *t < *g.first)) {
        g.first_seen = time;
        g.first = t;
    }
    if (g.last_seen.empty() || !t || !g.last || *t >= *g.last) {
        g.last_seen = time;
        g.last = t;
    }
}

// Roughly what a group holds, with what its report adds (its fixes' commands), and what a run
// in its list costs (the run, its key, and its copy in the report).
size_t group_cost(const LogGroup& g) {
    size_t n = sizeof(LogGroup) + g.sample.message.size() + g.sample.origin.size() + 2 * g.key.registry.size() + 1024;
    for (const auto* m : {&g.match.site, &g.match.cause})
        if (*m)
            for (const auto& [k, v] : (*m)->captures) n += k.size() + v.size() + 96;
    return n;
}
size_t object_cost(const ObjectRef& o) { return 2 * (sizeof(ObjectRef) + o.kind.size() + o.namespace_.size() + o.name.size()) + 96; }

}  // namespace

std::deque<LogGroup> LogAnalyzer::take_groups() {
    std::deque<LogGroup> out = std::move(groups_);
    groups_.clear();
    group_index_.clear();
    group_bytes_ = 0;
    groups_full_ = false;
    return out;
}

void LogAnalyzer::merge(RegionHits& region, uint64_t first_line, const std::string& name) {
    totals_.matched_lines += region.ungrouped;
    totals_.ungrouped_lines += region.ungrouped;
    for (auto& h : region.hits) {
        ++totals_.matched_lines;
        auto it = group_index_.find(h.group);
        bool is_new = it == group_index_.end();
        if (is_new) {
            // Once a group has been turned down by a bound, every later new one is too (so that
            // what a worker keeps of a line, which depends on when it looks, changes nothing).
            if (!h.first || groups_full_) {
                // Without its first line, the region's bound turned it down: so are all later ones.
                groups_full_.store(true, std::memory_order_release);
                ++totals_.ungrouped_lines;
                continue;
            }
            LogGroup g;
            g.key = std::move(h.first->key);
            g.sample.message = std::move(h.first->text);
            g.sample.origin = name + ":" + std::to_string(first_line + h.newlines_before);
            g.sample.object = h.object;
            g.match = std::move(h.first->match);
            size_t cost = group_cost(g) + h.group.size() + 64;
            if (groups_.size() >= kMaxGroups || group_bytes_ + cost > kMaxGroupBytes) {
                groups_full_.store(true, std::memory_order_release);
                ++totals_.ungrouped_lines;
                continue;
            }
            group_bytes_ += cost;
            it = group_index_.emplace(h.group, groups_.size()).first;
            groups_.push_back(std::move(g));
        }
        LogGroup& g = groups_[it->second];
        ++g.count;
        if (!h.object.empty()) {
            std::string object_key = h.object.kind + "/" + h.object.namespace_ + "/" + h.object.name;
            if (!g.object_keys.count(object_key)) {
                size_t cost = object_cost(h.object) + object_key.size();
                if (g.objects.size() < kMaxObjects && group_bytes_ + cost <= kMaxGroupBytes) {
                    g.object_keys.insert(std::move(object_key));
                    g.objects.push_back(std::move(h.object));
                    group_bytes_ += cost;
                } else {
                    totals_.objects_capped = true;
                    constexpr size_t kHashCost = 48;  // a node of the hash set
                    if (group_bytes_ + kHashCost <= kMaxGroupBytes &&
                        g.objects_past_list.insert(std::hash<std::string>{}(object_key)).second)
                        group_bytes_ += kHashCost;
                }
            }
        }
        note_time(g, h.time);
        if (is_new && on_new_group) on_new_group(g);
    }
}

void LogAnalyzer::examine_and_merge(const char* begin, const char* end, uint64_t first_line, const std::string& name) {
    RegionHits hits = examine_region(begin, end);
    merge(hits, first_line, name);
}

void LogAnalyzer::add_source(const std::string& name, uint64_t bytes, uint64_t lines, bool gzip) {
    totals_.lines_scanned += lines;
    totals_.bytes += bytes;
    totals_.sources.push_back({name, bytes, lines, gzip});
}

void LogAnalyzer::read_mapped(int fd, uint64_t size, const std::string& name) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const uint64_t windows = (size + kWindowBytes - 1) / kWindowBytes;
    struct WindowResult {
        uint64_t newlines = 0;
        uint64_t long_lines = 0;
        RegionHits hits;
        std::exception_ptr failure;  // carried to this thread as it was thrown (bad_alloc included)
        bool done = false;
    };
    // The workers take windows in order from a counter; this thread merges them in order as they
    // finish. Windows are taken at most `ahead` past the next to merge (one more than the
    // workers), which bounds what waits to be merged; a slow worker holds up the others only
    // once they are that far ahead.
    const size_t workers_wanted = static_cast<size_t>(std::min<uint64_t>(threads_, windows));
    const size_t ahead = std::max<size_t>(1, workers_wanted) + 1;
    std::vector<WindowResult> slots(ahead);
    std::mutex mutex;
    std::condition_variable changed;
    uint64_t next = 0, merged = 0;
    bool stop = false;

    auto examine_window = [&](uint64_t w, WindowResult& r) {
        uint64_t start = w * kWindowBytes;
        uint64_t end = std::min<uint64_t>(size, start + kWindowBytes);
        uint64_t map_from = start == 0 ? 0 : start - page;  // one byte before: does a line start here?
        uint64_t map_to = std::min<uint64_t>(size, end + kMaxLineBytes);
        size_t length = static_cast<size_t>(map_to - map_from);
        void* m = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE, fd, static_cast<off_t>(map_from));
        if (m == MAP_FAILED) {
            r.failure = std::make_exception_ptr(Error(system_error(name, "cannot map")));
            return;
        }
        // The window's pages are mapped in one go; the overlap after it only as far as the last
        // line runs into it (an older kernel without MADV_POPULATE_READ maps them as they are read).
        ::madvise(m, static_cast<size_t>(std::min<uint64_t>(end, map_to) - map_from), MADV_POPULATE_READ);
        const char* base = static_cast<const char*>(m) - map_from;  // base + offset = byte at offset
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
            for (auto& h : r.hits.hits) h.newlines_before += skipped;
            // The window's own newlines: the region's, less the one ending a line that runs on past it.
            bool ran_on = region_end > base + end && region_end[-1] == '\n';
            r.newlines = skipped + r.hits.newlines - (ran_on ? 1 : 0);
        } else {
            r.newlines = count_newlines(base + start, base + end);
        }
        ::munmap(m, length);
    };
    auto work = [&] {
        std::unique_lock<std::mutex> lock(mutex);
        for (;;) {
            changed.wait(lock, [&] { return stop || next >= windows || next < merged + ahead; });
            if (stop || next >= windows) return;
            uint64_t w = next++;
            lock.unlock();
            WindowResult r;
            try {
                examine_window(w, r);
            } catch (...) {
                r.failure = std::current_exception();
            }
            r.done = true;
            lock.lock();
            slots[w % ahead] = std::move(r);
            changed.notify_all();
        }
    };
    std::vector<std::thread> workers;
    struct Join {
        std::vector<std::thread>& threads;
        std::mutex& mutex;
        std::condition_variable& changed;
        bool& stop;
        ~Join() {
            {
                std::lock_guard<std::mutex> lock(mutex);
                stop = true;
            }
            changed.notify_all();
            for (auto& t : threads) t.join();
        }
    } join{workers, mutex, changed, stop};
    for (size_t k = 0; k < workers_wanted; ++k) workers.emplace_back(work);

    uint64_t newlines_so_far = 0;
    while (merged < windows) {
        WindowResult r;
        {
            std::unique_lock<std::mutex> lock(mutex);
            changed.wait(lock, [&] { return slots[merged % ahead].done; });
            r = std::move(slots[merged % ahead]);
            slots[merged % ahead] = WindowResult{};
        }
        if (r.failure) std::rethrow_exception(r.failure);
        merge(r.hits, newlines_so_far + 1, name);
        newlines_so_far += r.newlines;
        totals_.long_lines += r.long_lines;
        {
            std::lock_guard<std::mutex> lock(mutex);
            ++merged;
        }
        changed.notify_all();
        if (on_progress && (merged == 1 || merged % 64 == 0)) on_progress(name, std::min<uint64_t>(size, merged * kWindowBytes), size);
    }
    uint64_t lines = newlines_so_far;
    if (size > 0) {
        char last = 0;
        if (::pread(fd, &last, 1, static_cast<off_t>(size - 1)) == 1 && last != '\n') ++lines;
    }
    add_source(name, size, lines, false);
}

void LogAnalyzer::read_stream(ByteStream& in, const std::string& name, const std::atomic<bool>* stop,
                              const std::function<bool()>& tail) {
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
                if (tail()) {
                    // Truncated or replaced: what is held of a line belongs to the old content.
                    held = 0;
                    skipping = false;
                    continue;
                }
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
        if (complete > 0) examine_and_merge(data, data + complete, first_line, name);
        size_t rest = size - complete;
        if (rest >= kMaxLineBytes) {
            // A line longer than the bound: search its first part, skip the rest.
            examine_and_merge(data + complete, data + complete + kMaxLineBytes,
                              first_line + (complete ? count_newlines(data, data + complete) : 0), name);
            ++totals_.long_lines;
            skipping = true;
            rest = 0;
        }
        std::memmove(data, data + complete, rest);
        held = rest;
    }
    if (held > 0 && !skipping) examine_and_merge(buffer.data(), buffer.data() + held, newlines + 1, name);
    if (!in.warning().empty()) totals_.notes.push_back(in.warning());
    uint64_t lines = newlines + (bytes > 0 && !ends_with_newline ? 1 : 0);
    add_source(name, bytes, lines, in.gzip());
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
    read_stream(in, name, nullptr, {});
}

void LogAnalyzer::read_text(std::string_view text, const std::string& name) {
    // It is in memory already; it is examined a window's worth of lines at a time all the same,
    // so that what waits to be merged stays bounded as for a file.
    const char* from = text.data();
    const char* const end = text.data() + text.size();
    uint64_t first_line = 1;
    while (from < end) {
        const char* to = end;
        if (static_cast<size_t>(end - from) > kWindowBytes) {
            const void* nl = std::memchr(from + kWindowBytes, '\n', static_cast<size_t>(end - from - kWindowBytes));
            to = nl ? static_cast<const char*>(nl) + 1 : end;
        }
        examine_and_merge(from, to, first_line, name);
        first_line += count_newlines(from, to);
        from = to;
    }
    uint64_t lines = count_newlines(text.data(), text.data() + text.size());
    if (!text.empty() && text.back() != '\n') ++lines;
    add_source(name, text.size(), lines, false);
}

void LogAnalyzer::follow(const std::string& path, const std::atomic<bool>& stop) {
    const std::string name = path == "-" ? "stdin" : path;
    Fd file{open_log(path)};
    struct stat st{};
    bool regular = fstat(file.fd, &st) == 0 && S_ISREG(st.st_mode);
    ByteStream in(file.fd, name);
    if (!regular) {
        read_stream(in, name, &stop, {});
        return;
    }
    // As tail -F: at the end of the file, a file truncated in place (logrotate's copytruncate)
    // is read again from its start; a file replaced under its name (rotation by rename) is
    // opened anew, once the old one has been read to its end. True when the stream restarted.
    auto reopen = [&]() -> bool {
        struct stat now{}, named{};
        if (fstat(file.fd, &now) == 0 && lseek(file.fd, 0, SEEK_CUR) > now.st_size) {
            lseek(file.fd, 0, SEEK_SET);
            in.restart(file.fd);
            return true;
        }
        if (stat(path.c_str(), &named) != 0 || !S_ISREG(named.st_mode)) return false;  // not there yet
        if (named.st_ino == now.st_ino && named.st_dev == now.st_dev) return false;
        int next = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (next < 0) return false;
        Fd replacement{next};
        std::swap(file.fd, replacement.fd);
        in.restart(file.fd);
        return true;
    };
    read_stream(in, name, &stop, reopen);
}

}  // namespace certdoctor
