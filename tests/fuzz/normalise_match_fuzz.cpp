// Fuzz target: a pasted message through the normaliser and the matcher (the RE2::Set and the
// captures of its winners), as `explain` reads it, and its report as each format renders it.
#include "fuzz_support.h"
#include "input/normalise.h"
#include "input/text_source.h"
#include "match/matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace certdoctor;
    const Engine& engine = fuzz::shipped_engine();
    std::string_view text = fuzz::as_text(data, size);
    std::string one = normalise_message(text);
    (void)engine.matcher().match(one);
    (void)engine.matcher().all_matches(one);
    (void)engine.matcher().context_sites(text);
    for (const TextMessage& m : split_messages(text)) (void)engine.matcher().match(m.text);
    (void)registry_of_image(text);
    (void)registry_of_url(text);
    try {
        (void)explain_text(engine, std::string(text), "fuzz");
    } catch (const Error&) {
        // input the tool refuses with a message: fine
    }
    return 0;
}
