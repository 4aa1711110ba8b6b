// The three renderings of a ProbeResult.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

#include "render/json_views.h"
#include "render/render.h"
#include "util/escape.h"
#include "util/text.h"

namespace certdoctor {

namespace {

// Certificates and registries are the server's to write: every value is shown with visible controls.
std::string v(const std::string& s) { return visible(s); }
std::string v(const std::string& s, Newlines n) { return visible(s, n); }

const char* verdict_line(const ProbeResult& r) {
    if (r.problem == "ok") return "Go's verification passes";
    return "Go's verification fails";
}

// ["sh", "-c"]: how a step's command is written.
std::string json_list(const std::vector<std::string>& items) {
    return nlohmann::json(items).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string cert_lines(const CertificateView& c, size_t index, const std::string& pad) {
    std::ostringstream o;
    o << pad << "[" << index << "] " << v(c.subject) << "\n";
    o << pad << "    issuer     " << v(c.issuer) << (c.self_signed ? "  (self-signed)" : "") << "\n";
    o << pad << "    valid      " << v(c.not_before) << " to " << v(c.not_after) << "\n";
    if (!c.dns_names.empty() || !c.ip_addresses.empty())
        o << pad << "    names      " << v(join(c.dns_names, ", "))
          << (c.ip_addresses.empty() ? "" : std::string(c.dns_names.empty() ? "" : ", ") + "IP " + v(join(c.ip_addresses, ", IP ")))
          << "\n";
    else
        o << pad << "    names      none (no subject alternative names)\n";
    o << pad << "    CA         " << (c.is_ca ? "yes" : "no") << " · key " << v(c.key_type) << " " << c.key_bits
      << " · " << v(c.signature_algorithm) << " · serial " << v(c.serial) << "\n";
    o << pad << "    sha256     " << v(c.sha256) << "\n";
    return o.str();
}

}  // namespace

std::string render_probe_text(const ProbeResult& r, Color color) {
    auto paint = [&](const char* code, const std::string& s) {
        return color == Color::on ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
    };
    std::ostringstream o;
    bool ok = r.problem == "ok";
    bool realm_fails = ok && !r.failing_host.empty();
    bool offline = r.chain_source == "file";
    o << (realm_fails ? paint("1;31", "PROBLEM " + v(r.registry.realm_problem))
          : ok        ? paint("1;32", "OK")
                      : paint("1;31", "PROBLEM " + v(r.problem)))
      << "  ";
    if (offline)
        o << "chain file " << v(r.target) << " ("
          << (r.names_checked ? "name " + v(r.host) : std::string("names not checked")) << ", at " << v(r.verified_at)
          << "): " << verdict_line(r) << "\n";
    else
        o << v(r.target) << " (" << v(r.host) << ":" << r.port
          << (r.server_name.empty() ? ", no SNI" : ", SNI " + v(r.server_name)) << "): " << verdict_line(r)
          << (realm_fails ? ", but not for its token endpoint " + v(r.failing_host) : "") << "\n";
    if (!r.detail.empty()) o << "  " << v(r.detail) << "\n";
    if (offline && !r.names_checked)
        o << "  names not checked: no --server-name given (Go with an empty DNSName checks none)\n";
    if (!r.older_go.empty()) o << "  older controllers: " << v(r.older_go) << "\n";
    if (!r.valid_until.empty()) o << "  the chain verifies until " << v(r.valid_until) << " (the first notAfter on its path)\n";
    if (realm_fails)
        o << "  token endpoint " << v(r.failing_host) << ": " << v(r.registry.realm_problem)
          << (r.registry.realm_detail.empty() ? "" : " (" + v(r.registry.realm_detail) + ")")
          << "; every pull gets its token there (realm " << v(r.registry.realm) << ")\n";
    if (!r.verified_with.empty()) o << "  trusted pool: " << v(join(r.verified_with, ", ")) << "\n";
    else o << "  trusted pool: empty (--no-system-roots and no --ca-file)\n";
    if (r.ca_files_given)
        o << "  with " << (r.verified_with.size() > 1 ? "these roots" : "this bundle") << ", Go "
          << (ok ? "accepts" : "still rejects") << (offline ? " this chain\n" : " this registry\n");
    if (!r.chain.empty()) {
        o << "\n" << paint("1", "Chain as served") << " (" << count_of(r.chain.size(), "certificate") << ")\n";
        for (size_t i = 0; i < r.chain.size(); ++i) o << cert_lines(r.chain[i], i, "  ");
    }
    if (!r.missing_issuer.subject.empty()) {
        o << "\n" << paint("1", "Missing issuer") << " (neither served nor trusted)\n  " << v(r.missing_issuer.subject) << "\n";
        if (!r.missing_issuer.key_id.empty()) o << "  key id " << v(r.missing_issuer.key_id) << "\n";
        if (!r.missing_issuer.aia_url.empty()) o << "  caIssuers " << v(r.missing_issuer.aia_url) << "\n";
    }
    if (r.has_anchor) {
        o << "\n" << paint("1", "Trust anchor") << (r.trust_anchor.served ? "" : " (not sent by the server)") << "\n";
        o << "  " << v(r.trust_anchor.subject) << "\n  sha256 " << v(r.trust_anchor.sha256) << "\n";
        if (!r.trust_anchor.warning.empty()) o << "  " << paint("1;33", "warning: ") << v(r.trust_anchor.warning) << "\n";
        o << v(r.trust_anchor.pem, Newlines::keep);
    }
    if (r.registry.status != "skipped" && !r.registry.status.empty()) {
        o << "\n" << paint("1", "Registry") << "  GET /v2/: " << v(r.registry.status);
        if (r.registry.http_status) o << " (HTTP " << r.registry.http_status << ")";
        o << "\n";
        if (!r.registry.auth_scheme.empty())
            o << "  auth " << v(r.registry.auth_scheme) << (r.registry.realm.empty() ? "" : ", realm " + v(r.registry.realm))
              << (r.registry.service.empty() ? "" : ", service " + v(r.registry.service)) << "\n";
        if (!r.registry.realm_host.empty() && !realm_fails)
            o << "  token endpoint " << v(r.registry.realm_host) << ": " << v(r.registry.realm_problem)
              << (r.registry.realm_detail.empty() ? "" : " (" + v(r.registry.realm_detail) + ")") << "\n";
        if (!r.registry.detail.empty()) o << "  " << v(r.registry.detail) << "\n";
    }
    if (!r.image.reference.empty()) {
        o << "\n" << paint("1", "Image") << "  " << v(r.image.reference) << (r.image.digest.empty() ? "" : "@" + v(r.image.digest)) << "\n";
        if (!r.image.error.empty()) o << "  " << paint("1;31", "not read: ") << v(r.image.error) << "\n";
        for (const auto& n : r.image.notes) o << "  " << paint("1;33", "note: ") << v(n) << "\n";
        for (const auto& p : r.image.platforms) {
            std::string platform = p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant);
            o << "  " << v(platform) << "\n";
            o << "    command: " << v(json_list(p.entrypoint)) << "\n";
            o << "    args:    " << v(json_list(p.cmd)) << "  " << paint("2", "(the image's Cmd: use it when the step has no args)") << "\n";
        }
    }
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.0f", r.elapsed_ms);
    o << "\n" << paint("2", std::string(offline ? "verified offline in " : "probed in ") + ms + " ms") << "\n";
    return o.str();
}

nlohmann::json probe_json(const ProbeResult& r) {
    nlohmann::json chain = nlohmann::json::array();
    for (const auto& c : r.chain)
        chain.push_back({{"subject", c.subject},
                         {"issuer", c.issuer},
                         {"serial", c.serial},
                         {"not_before", c.not_before},
                         {"not_after", c.not_after},
                         {"dns_names", c.dns_names},
                         {"ip_addresses", c.ip_addresses},
                         {"common_name", c.common_name},
                         {"is_ca", c.is_ca},
                         {"self_signed", c.self_signed},
                         {"key_type", c.key_type},
                         {"key_bits", c.key_bits},
                         {"signature_algorithm", c.signature_algorithm},
                         {"sha256", c.sha256}});
    nlohmann::json anchor = nullptr;
    if (r.has_anchor)
        anchor = {{"subject", r.trust_anchor.subject},
                  {"sha256", r.trust_anchor.sha256},
                  {"pem", r.trust_anchor.pem},
                  {"served", r.trust_anchor.served},
                  {"warning", r.trust_anchor.warning}};
    nlohmann::json doc = {
        {"schema", "tekton-certdoctor/probe/v1"},
        {"target", r.target},
        {"host", r.host},
        {"port", r.port},
        {"server_name", r.server_name},
        {"problem", r.problem},
        {"detail", r.detail},
        {"chain", chain},
        {"trust_anchor", anchor},
        {"missing_issuer", r.missing_issuer.subject.empty()
                               ? nlohmann::json(nullptr)
                               : nlohmann::json{{"subject", r.missing_issuer.subject},
                                                {"key_id", r.missing_issuer.key_id},
                                                {"aia_url", r.missing_issuer.aia_url}}},
        {"verified_with", r.verified_with},
        {"registry", {{"status", r.registry.status},
                      {"http_status", r.registry.http_status},
                      {"auth_scheme", r.registry.auth_scheme},
                      {"realm", r.registry.realm},
                      {"service", r.registry.service},
                      {"realm_host", r.registry.realm_host},
                      {"realm_problem", r.registry.realm_problem},
                      {"realm_detail", r.registry.realm_detail},
                      {"detail", r.registry.detail}}},
        {"failing_host", r.failing_host},
        {"chain_source", r.chain_source},
        {"chain_file", r.chain_file},
        {"verified_at", r.verified_at},
        {"names_checked", r.names_checked},
        {"valid_until", r.valid_until},
        {"go_error", r.go_error},
        {"older_go", r.older_go},
        {"image", nullptr},
        {"elapsed_ms", static_cast<int64_t>(r.elapsed_ms)},
    };
    if (!r.image.reference.empty()) {
        nlohmann::json platforms = nlohmann::json::array();
        for (const auto& p : r.image.platforms)
            platforms.push_back({{"os", p.os},
                                 {"architecture", p.architecture},
                                 {"variant", p.variant},
                                 {"digest", p.digest},
                                 {"entrypoint", p.entrypoint},
                                 {"cmd", p.cmd}});
        doc["image"] = {{"reference", r.image.reference},
                        {"digest", r.image.digest},
                        {"media_type", r.image.media_type},
                        {"platforms", platforms},
                        {"notes", r.image.notes},
                        {"error", r.image.error}};
    }
    return doc;
}

std::string render_probe_json(const ProbeResult& r) {
    return probe_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_probe_markdown(const ProbeResult& r) {
    auto text = [](const std::string& s) { return markdown_text(s); };
    auto code = [](const std::string& s) { return markdown_code(s); };
    auto cell_code = [](const std::string& s) { return markdown_code(s, InTable::yes); };
    std::ostringstream o;
    bool realm_fails = r.problem == "ok" && !r.failing_host.empty();
    o << (r.chain_source == "file" ? "## Chain file: " : "## Registry probe: ") << code(r.target) << ": "
      << (realm_fails ? code(r.registry.realm_problem) + " at its token endpoint " + code(r.failing_host)
          : r.problem == "ok" ? "ok" : code(r.problem))
      << "\n\n";
    if (!r.detail.empty()) o << "> " << text(r.detail) << "\n\n";
    if (r.chain_source == "file")
        o << "Verified offline at " << text(r.verified_at) << ", "
          << (r.names_checked ? "for the name " + code(r.host) : std::string("names not checked (no `--server-name`)"))
          << ".\n\n";
    if (!r.older_go.empty()) o << "Older controllers: " << text(r.older_go) << ".\n\n";
    if (!r.valid_until.empty()) o << "The chain verifies until " << text(r.valid_until) << " (the first notAfter on its path).\n\n";
    if (realm_fails)
        o << "> The registry's own chain passes, but its token endpoint " << code(r.failing_host) << " fails ("
          << text(r.registry.realm_problem) << (r.registry.realm_detail.empty() ? "" : ": " + text(r.registry.realm_detail))
          << "): every pull gets its token there.\n\n";
    o << "Trusted pool: " << (r.verified_with.empty() ? "empty" : text(join(r.verified_with, ", "))) << ".\n\n";
    o << "| # | subject | issuer | valid until | names | CA | sha256 |\n|---|---|---|---|---|---|---|\n";
    for (size_t i = 0; i < r.chain.size(); ++i) {
        const auto& c = r.chain[i];
        std::vector<std::string> names = c.dns_names;
        for (const auto& ip : c.ip_addresses) names.push_back("IP " + ip);
        o << "| " << i << " | " << text(c.subject) << " | " << text(c.issuer) << " | " << text(c.not_after) << " | "
          << text(join(names, ", ")) << " | " << (c.is_ca ? "yes" : "no") << " | " << cell_code(c.sha256.substr(0, 16) + "…")
          << " |\n";
    }
    if (!r.missing_issuer.subject.empty())
        o << "\n**Missing issuer** (neither served nor trusted): " << text(r.missing_issuer.subject)
          << (r.missing_issuer.key_id.empty() ? "" : ", key id " + code(r.missing_issuer.key_id))
          << (r.missing_issuer.aia_url.empty() ? "" : ", caIssuers " + code(r.missing_issuer.aia_url)) << "\n";
    if (r.has_anchor) {
        o << "\n**Trust anchor**" << (r.trust_anchor.served ? "" : " (not sent by the server)") << ": "
          << text(r.trust_anchor.subject) << "\n";
        if (!r.trust_anchor.warning.empty()) o << "\n> Warning: " << text(r.trust_anchor.warning) << "\n";
        o << "\n" << markdown_block(r.trust_anchor.pem, "pem");
    }
    if (!r.image.reference.empty()) {
        o << "\n**Image** " << code(r.image.reference) << (r.image.error.empty() ? "" : ": not read (" + text(r.image.error) + ")")
          << "\n\n";
        for (const auto& n : r.image.notes) o << "> Note: " << text(n) << "\n\n";
        for (const auto& p : r.image.platforms)
            o << "- " << text(p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant)) << ": command "
              << code(json_list(p.entrypoint)) << ", args " << code(json_list(p.cmd)) << "\n";
    }
    if (!r.registry.status.empty() && r.registry.status != "skipped")
        o << "\n`GET /v2/`: " << text(r.registry.status) << (r.registry.realm.empty() ? "" : ", realm " + text(r.registry.realm))
          << "\n";
    return o.str();
}

}  // namespace certdoctor
