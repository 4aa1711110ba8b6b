#include "input/text_source.h"

#include "input/normalise.h"

namespace certdoctor {

InputBatch read_text(std::string_view text, const std::string& source) {
    InputBatch batch;
    batch.source = source;
    for (auto& m : split_messages(text)) {
        FailureRecord r;
        r.message = std::move(m.text);
        r.origin = source + ":" + std::to_string(m.line);
        r.object = m.object;
        batch.records.push_back(std::move(r));
    }
    return batch;
}

}  // namespace certdoctor
