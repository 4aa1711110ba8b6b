// Fuzz target: the kubeconfig loader on one file (--kubeconfig), with its context, cluster and
// user resolved and its *-data fields decoded.
#include "fuzz_support.h"
#include "kube/kubeconfig.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace certdoctor;
    fuzz::MemoryFile file(data, size);
    if (!file.ok()) return 0;
    KubeFlags flags;
    flags.kubeconfig = file.path();
    try {
        (void)load_rest_config(flags);
    } catch (const Error&) {
    }
    return 0;
}
