#include "probe/chain_file.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "util/error.h"
#include "util/read_input.h"

namespace certdoctor {

namespace {

bool holds_private_key(std::string_view text) {
    return text.find("PRIVATE KEY-----") != std::string_view::npos;
}

void add_unique(std::vector<X509Ptr>& out, X509Ptr cert, const std::string& where) {
    for (const auto& c : out)
        if (X509_cmp(c.get(), cert.get()) == 0) return;
    if (out.size() == kMaxChainCertificates)
        throw input_error(where + ": more than " + std::to_string(kMaxChainCertificates) +
                          " certificates; a served chain is far shorter");
    out.push_back(std::move(cert));
}

// Every PEM block in order; CERTIFICATE blocks are kept, other blocks (a CSR, parameters) skipped.
std::vector<X509Ptr> read_pem_blocks(std::string_view text, const std::string& where) {
    std::vector<X509Ptr> out;
    BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    for (size_t block = 0; block < 4 * kMaxChainCertificates; ++block) {
        char* name = nullptr;
        char* headers = nullptr;
        unsigned char* data = nullptr;
        long len = 0;
        if (PEM_read_bio(bio.get(), &name, &headers, &data, &len) != 1) {
            unsigned long err = ERR_peek_last_error();
            ERR_clear_error();
            if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE)
                return out;
            throw input_error(where + ": malformed PEM block after " + std::to_string(out.size()) +
                              " certificates");
        }
        std::string block_name = name;
        std::string der(reinterpret_cast<char*>(data), static_cast<size_t>(len));
        OPENSSL_free(name);
        OPENSSL_free(headers);
        OPENSSL_free(data);
        if (block_name != "CERTIFICATE" && block_name != "X509 CERTIFICATE") continue;
        const auto* p = reinterpret_cast<const unsigned char*>(der.data());
        X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
        ERR_clear_error();
        if (!cert || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
            throw input_error(where + ": certificate " + std::to_string(out.size() + 1) +
                              " does not decode");
        add_unique(out, std::move(cert), where);
    }
    throw input_error(where + ": too many PEM blocks");
}

// Concatenated DER certificates; empty when the bytes do not start with one.
std::vector<X509Ptr> read_der(std::string_view bytes, const std::string& where) {
    std::vector<X509Ptr> out;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto* end = p + bytes.size();
    while (p < end) {
        X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(end - p)));
        ERR_clear_error();
        if (!cert) {
            if (out.empty()) return out;
            throw input_error(where + ": bytes after DER certificate " +
                              std::to_string(out.size()) + " are not a certificate");
        }
        add_unique(out, std::move(cert), where);
    }
    return out;
}

}  // namespace

std::vector<X509Ptr> parse_chain_text(std::string_view text, const std::string& where) {
    if (holds_private_key(text))
        throw input_error(
            where + ": holds a private key; pass only the certificates (and keep the key private)");
    std::vector<X509Ptr> out;
    if (text.find("-----BEGIN") != std::string_view::npos) {
        out = read_pem_blocks(text, where);
    } else {
        out = read_der(text, where);
        if (out.empty())
            throw input_error(where +
                              ": neither PEM (-----BEGIN CERTIFICATE-----) nor DER certificates");
    }
    if (out.empty())
        throw input_error(where + ": no certificate (-----BEGIN CERTIFICATE-----) found");
    return out;
}

std::vector<X509Ptr> read_chain_file(const std::string& path) {
    std::string where = path == "-" ? "standard input" : path;
    return parse_chain_text(read_input(path, kMaxChainFileBytes), where);
}

}  // namespace certdoctor
