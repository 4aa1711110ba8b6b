// Reads a served chain from what a support engineer is handed: PEM files, a whole pasted
// `openssl s_client -showcerts` output (the text around the blocks is ignored), or DER (one
// certificate or several concatenated). Feeds the offline probe (`probe --chain-file`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/openssl_util.h"

namespace certdoctor {

inline constexpr size_t kMaxChainFileBytes = 1u << 20;  // 1 MiB: far above any real chain
inline constexpr size_t kMaxChainCertificates = 32;

// The certificates of `text` in order (leaf first, as served), exact duplicates dropped (a pasted
// s_client output may show the leaf twice). Throws input_error (exit 3) naming `where` when the
// text holds no certificate, a malformed block, a private key, or neither PEM nor DER.
std::vector<X509Ptr> parse_chain_text(std::string_view text, const std::string& where);

// Reads `path` ("-" is standard input) within kMaxChainFileBytes, then parse_chain_text.
std::vector<X509Ptr> read_chain_file(const std::string& path);

}  // namespace certdoctor
