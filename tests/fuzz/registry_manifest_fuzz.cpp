// Fuzz target: a registry's manifest, index or image config, read as the entrypoint lookup reads
// them; and the docker config.json the credentials come from.
#include "fuzz_support.h"
#include "probe/image_config.h"
#include "probe/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace certdoctor;
    std::string_view text = fuzz::as_text(data, size);
    (void)read_manifest(text, true);
    (void)read_manifest(text, false);
    ImagePlatform p;
    std::string error;
    (void)read_image_config(text, "sha256:0", p, error);
    fuzz::MemoryFile file(data, size);
    if (file.ok()) {
        try {
            (void)credential_from_docker_config(file.path(), "registry.example:5000");
        } catch (const Error&) {
        }
    }
    return 0;
}
