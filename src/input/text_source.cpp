#include "input/text_source.h"

#include <functional>
#include <unordered_map>

#include "input/normalise.h"

namespace certdoctor {

namespace {

std::string object_key(const ObjectRef& o) { return o.kind + "/" + o.namespace_ + "/" + o.name; }

}  // namespace

InputBatch read_text(std::string_view text, const std::string& source) {
    InputBatch batch;
    batch.source = source;
    // A log repeats the same failure thousands of times: a repeat of a message about the same
    // object is kept as a place only, so the records (and the matcher's work) grow with the
    // distinct messages, not with the lines.
    std::unordered_multimap<size_t, size_t> seen;  // hash of object and message -> record
    for_each_message(text, [&](TextMessage&& m) {
        std::string origin = source + ":" + std::to_string(m.line);
        std::string object = object_key(m.object);
        size_t hash = std::hash<std::string>{}(object) ^ (std::hash<std::string>{}(m.text) * 31);
        auto [from, to] = seen.equal_range(hash);
        bool repeat = false;
        for (auto it = from; it != to && !repeat; ++it) {
            FailureRecord& first = batch.records[it->second];
            if (first.message == m.text && object_key(first.object) == object) {
                first.repeated_at.push_back(std::move(origin));
                repeat = true;
            }
        }
        if (repeat) return;
        seen.emplace(hash, batch.records.size());
        FailureRecord r;
        r.message = std::move(m.text);
        r.origin = std::move(origin);
        r.object = m.object;
        batch.records.push_back(std::move(r));
    });
    return batch;
}

}  // namespace certdoctor
