#include "input/text_source.h"

#include <re2/re2.h>

#include <functional>
#include <set>
#include <unordered_map>

#include "input/normalise.h"
#include "util/text.h"

namespace certdoctor {

namespace {

// A wrapped message (a ticket, a mail, a chat window breaks lines at 60 to 120 columns) is a run
// of consecutive lines; a longer run is a log or a listing, not one message.
constexpr size_t kMaxWrappedLines = 20;
constexpr size_t kMaxWrappedBytes = 16 * 1024;
// A terminal (or fold) breaks a long line at a fixed width, inside a word when one straddles it:
// every line of the run but the last is exactly that wide (two such lines at least), and runs of
// ragged lines are prose.
constexpr size_t kMinTerminalWidth = 40;

size_t columns(std::string_view line) {
    size_t n = 0;
    for (unsigned char c : line) n += (c & 0xC0) != 0x80;  // UTF-8 code points, not bytes
    return n;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string object_key(const ObjectRef& o) { return o.kind + "/" + o.namespace_ + "/" + o.name; }

class TextReader {
public:
    TextReader(std::string_view text, const std::string& source) : text_(text) { batch_.source = source; }

    void add(TextMessage&& m) {
        bool follows = !pending_.empty() && !m.structured && m.line == pending_.back().last_line + 1;
        if (!follows) end_paragraph();
        if (m.structured) {
            keep(std::move(m), 0);
            return;
        }
        if (long_paragraph_) {
            keep(std::move(m), 0);
            return;
        }
        pending_bytes_ += m.text.size();
        pending_.push_back(std::move(m));
        if (pending_.size() > kMaxWrappedLines || pending_bytes_ > kMaxWrappedBytes) {
            for (auto& p : pending_) keep(std::move(p), 0);
            pending_.clear();
            pending_bytes_ = 0;
            long_paragraph_ = true;
        }
    }

    InputBatch finish() {
        end_paragraph();
        return std::move(batch_);
    }

private:
    // The lines of a short paragraph are kept one by one and also joined into one record; the
    // diagnosis keeps whichever reads as the better match (diagnose.cpp).
    void end_paragraph() {
        long_paragraph_ = false;
        if (pending_.size() >= 2) {
            size_t paragraph = ++paragraphs_;
            FailureRecord joined;
            std::vector<bool> tight = tight_joins();
            for (size_t i = 0; i < pending_.size(); ++i)
                joined.message += (i == 0 || tight[i] ? "" : " ") + pending_[i].text;
            joined.origin = batch_.source + ":" + std::to_string(pending_.front().line) + "-" +
                            std::to_string(pending_.back().last_line);
            joined.paragraph = paragraph;
            joined.joined = true;
            batch_.records.push_back(std::move(joined));
            for (auto& p : pending_) keep(std::move(p), paragraph);
        } else {
            for (auto& p : pending_) keep(std::move(p), 0);
        }
        pending_.clear();
        pending_bytes_ = 0;
    }

    // Where lines of the paragraph are a terminal's wrap of one long line (two lines or more of
    // one width, at least kMinTerminalWidth, then a shorter one: the line's last piece), a break
    // with no blank on either side fell inside a word ("unkn" / "own authority", a URL): those
    // lines join with nothing between them. A wrapped line may follow lines of other widths (the
    // command and the output before it). A run of one width that ends the paragraph counts when
    // it has three lines. Entry i says how pending_[i] joins the one before it.
    std::vector<bool> tight_joins() {
        std::vector<bool> tight(pending_.size(), false);
        if (raw_lines_.empty()) raw_lines_ = split_lines(text_);
        auto raw = [&](int number) -> std::string_view {
            bool known = number >= 1 && static_cast<size_t>(number) <= raw_lines_.size();
            return known ? raw_lines_[number - 1] : std::string_view();
        };
        const int first = pending_.front().line, last = pending_.back().last_line;
        // wrapped[n - first]: the break after raw line n falls inside a terminal's wrap.
        std::vector<bool> wrapped(static_cast<size_t>(last - first + 1), false);
        for (int start = first; start <= last;) {
            const size_t width = columns(raw(start));
            int end = start;  // the run's last line of that width
            while (end < last && columns(raw(end + 1)) == width) ++end;
            const bool shorter_after = end < last && columns(raw(end + 1)) < width;
            const bool is_wrap = width >= kMinTerminalWidth &&
                                 ((end > start && shorter_after) || (end == last && end - start >= 2));
            if (is_wrap)
                for (int n = start; n <= (shorter_after ? end : end - 1); ++n) wrapped[n - first] = true;
            start = end + 1;
        }
        for (size_t i = 1; i < pending_.size(); ++i) {
            const int break_after = pending_[i - 1].last_line;
            if (!wrapped[break_after - first] || pending_[i].line != break_after + 1) continue;
            std::string_view before = raw(break_after), after = raw(pending_[i].line);
            tight[i] = !before.empty() && !after.empty() && !is_blank(before.back()) && !is_blank(after.front());
        }
        return tight;
    }

    // A log repeats the same failure thousands of times: a repeat of a message about the same
    // object is kept as a place only, so the records (and the matcher's work) grow with the
    // distinct messages, not with the lines. Lines of a paragraph are kept as they are.
    void keep(TextMessage&& m, size_t paragraph) {
        std::string origin = batch_.source + ":" + std::to_string(m.line);
        std::string object = object_key(m.object);
        size_t hash = std::hash<std::string>{}(object) ^ (std::hash<std::string>{}(m.text) * 31);
        if (paragraph == 0) {
            auto [from, to] = seen_.equal_range(hash);
            for (auto it = from; it != to; ++it) {
                FailureRecord& first = batch_.records[it->second];
                if (first.message == m.text && object_key(first.object) == object) {
                    first.repeated_at.push_back(std::move(origin));
                    return;
                }
            }
            seen_.emplace(hash, batch_.records.size());
        }
        FailureRecord r;
        r.message = std::move(m.text);
        r.origin = std::move(origin);
        r.object = m.object;
        r.paragraph = paragraph;
        batch_.records.push_back(std::move(r));
    }

    std::string_view text_;
    std::vector<std::string_view> raw_lines_;  // split on first use: only a paragraph needs them
    InputBatch batch_;
    std::vector<TextMessage> pending_;
    size_t pending_bytes_ = 0;
    bool long_paragraph_ = false;
    size_t paragraphs_ = 0;
    std::unordered_multimap<size_t, size_t> seen_;  // hash of object and message -> record
};

// The node a pasted `kubectl describe pod` names: its "Node:" line ("Node: worker-2/10.0.0.5") or
// the scheduler's event ("Successfully assigned ci/build-pod to worker-2"). Only when the paste
// names one node: a listing of several pods names none for all.
std::string node_named(std::string_view text) {
    static const RE2 pattern(R"((?m:^[ \t]*Node:[ \t]+([a-z0-9][a-z0-9.-]*)(?:/\S*)?[ \t]*$)|Successfully assigned \S+ to ([a-z0-9][a-z0-9.-]*))");
    std::set<std::string> nodes;
    re2::StringPiece input(text.data(), text.size());
    std::string line_node, event_node;
    while (nodes.size() < 2 && RE2::FindAndConsume(&input, pattern, &line_node, &event_node))
        nodes.insert(line_node.empty() ? event_node : line_node);
    return nodes.size() == 1 ? *nodes.begin() : std::string();
}

}  // namespace

InputBatch read_text(std::string_view text, const std::string& source) {
    TextReader reader(text, source);
    for_each_message(text, [&](TextMessage&& m) { reader.add(std::move(m)); });
    InputBatch batch = reader.finish();
    if (std::string node = node_named(text); !node.empty())
        for (auto& r : batch.records) r.node = node;
    return batch;
}

}  // namespace certdoctor
