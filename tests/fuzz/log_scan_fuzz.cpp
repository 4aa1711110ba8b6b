// Fuzz target: `analyze` on a log: the zap/klog line reader, the message splitter, and the
// window scanner with its prefilter and grouping, both on text in memory and on a file (mapped
// windows, or gzip recognised by its magic). The report is then made from the groups. One
// analyzer serves every input (its prefilter takes long to build); its groups are taken after
// each, so that an input starts from none.
#include "fuzz_support.h"
#include "input/normalise.h"
#include "logscan/log_analyzer.h"
#include "run/analyze.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace certdoctor;
    const Engine& engine = fuzz::shipped_engine();
    std::string_view text = fuzz::as_text(data, size);
    (void)read_log_line(text.substr(0, text.find('\n')));
    for_each_message(text, [](TextMessage&&) {});
    static LogAnalyzer analyzer(engine.catalog(), engine.matcher(), 1);
    analyzer.read_text(text, "fuzz.log");
    (void)analysis_report(analyzer, engine);
    (void)analyzer.take_groups();
    fuzz::MemoryFile file(data, size);
    if (file.ok()) {
        try {
            analyzer.read_file(file.path());
        } catch (const Error&) {
            // a gzip stream that is not one ends in an Error naming the file
        }
        (void)analyzer.take_groups();
    }
    return 0;
}
