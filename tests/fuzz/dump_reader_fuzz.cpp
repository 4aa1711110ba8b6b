// Fuzz target: `diagnose -f` on a dump (YAML or JSON, Lists, several documents), read and
// diagnosed. Error (a refusal naming the source and line) is the expected way to say no.
#include "fuzz_support.h"
#include "input/dump_source.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace certdoctor;
    const Engine& engine = fuzz::shipped_engine();
    std::string text(fuzz::as_text(data, size));
    try {
        (void)read_dump(text, "fuzz.yaml");
    } catch (const Error&) {
    }
    try {
        (void)diagnose_dump(engine, text, "fuzz.yaml");
    } catch (const Error&) {
    }
    return 0;
}
