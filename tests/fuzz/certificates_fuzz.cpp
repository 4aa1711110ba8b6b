// Fuzz target: a chain as a support engineer pastes it (PEM bundle, s_client output, DER),
// each certificate read as Go's parser sees it, and the PEM reader of CA bundles.
#include <openssl/err.h>

#include "fuzz_support.h"
#include "probe/chain_file.h"
#include "probe/go_certificate.h"
#include "probe/openssl_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace certdoctor;
    std::string_view text = fuzz::as_text(data, size);
    try {
        for (const X509Ptr& cert : parse_chain_text(text, "fuzz.pem"))
            (void)go_certificate(cert.get());
    } catch (const Error&) {
    }
    try {
        (void)read_pem_certificates(text, "fuzz-ca.pem");
    } catch (const Error&) {
    }
    ERR_clear_error();
    return 0;
}
