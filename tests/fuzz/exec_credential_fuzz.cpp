// Fuzz target: what an exec credential plugin prints, read as the client reads it.
#include "fuzz_support.h"
#include "kube/exec_credential.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace certdoctor;
    try {
        (void)read_exec_credential(fuzz::as_text(data, size), "client.authentication.k8s.io/v1",
                                   "user fuzz");
    } catch (const Error&) {
    }
    return 0;
}
