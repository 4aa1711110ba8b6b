// --redact: a finished report made fit to share outside the company. Registry and other host
// names, IP addresses, namespaces, object names, image paths and kubeconfig context names are
// replaced with stable placeholders (the same name gets the same placeholder within a report:
// registry-1.example, 192.0.2.1, namespace-1, taskrun-1, image-1, context-1), wherever they
// appear: the fields that hold them and every text that quotes them (messages, titles, fix
// commands and manifests, notes). Certificates and keys in PEM are replaced by their markers.
// Vocabulary words, rule and fix ids, the call chains, and Tekton's own names
// (tekton-pipelines, config-registry-cert, tekton-pipelines-controller, ...) stay.
//
// It runs on the report model, between the diagnosis and the renderers, so that every format
// shows the same placeholders:
//
//   Redactor redactor;                 // one per command: --follow's events share placeholders
//   redactor.apply(report);
//   std::cout << render_text(report, Color::off);
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/probe_result.h"
#include "model/report.h"

namespace certdoctor {

class Redactor {
  public:
    void apply(Report& report);
    void apply(ProbeResult& probe);

    // The placeholder of a name already seen, or "" (tests).
    std::string placeholder_of(const std::string& name) const;

  private:
    void learn(const std::string& name, const std::string& stem, const std::string& suffix = "");
    void learn_host(const std::string& host_or_url, const std::string& stem);
    void learn_image(const std::string& image);
    void learn_object(const ObjectRef& ref);
    void learn_names_in(const std::string& distinguished_name);
    void learn_probe(const ProbeResult& probe);
    void learn_finding(const Finding& f);
    void rewrite(std::string& text);
    void rewrite_probe(ProbeResult& probe);
    void rewrite_finding(Finding& f);
    std::string ip_placeholder(const std::string& ip, bool v6);

    // Names made of [A-Za-z0-9_.-] (hosts, namespaces, objects) are found as whole words; the
    // others (image paths, context names, names in certificate subjects) by a search.
    std::map<std::string, std::string> words_;
    std::map<std::string, std::string> phrases_;
    std::map<std::string, size_t> counters_;  // placeholder stem -> last number used
    std::map<std::string, std::string> ips_;  // address -> placeholder, filled while rewriting
};

}  // namespace certdoctor
