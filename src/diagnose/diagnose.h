// Diagnosis: failure records and their matches -> findings with chain, explanation and evidence
// (the fix plan comes after, in fix/); duplicates merged; the most significant first. Probes (later) feed in here too.
#pragma once

#include <string_view>
#include <tuple>
#include <vector>

#include "match/catalog.h"
#include "match/match_key.h"
#include "match/matcher.h"
#include "model/record.h"
#include "model/report.h"

namespace certdoctor {

// A registry API request or answer in the text: a /v2/ URL, the v1 protocol's /v1/_ping and
// /v1/repositories/ paths, or an error code only the distribution API answers with
// (MANIFEST_UNKNOWN, "manifest unknown", "blob unknown to registry", insufficient_scope, ...).
bool names_registry_api(std::string_view text);

// One finding for one record's match. Exposed for the catalog's example runner.
struct DiagnoseOptions {
    // The installed Tekton version, when known (cluster mode): it picks the chain variant where
    // the message and its condition reason leave the choice open.
    std::string tekton_version;
    // The callers the text around the messages names (Matcher::context_sites): a finding whose
    // message names none takes the site they agree on, with confidence medium.
    std::vector<ContextMatch> context;
    // A pasted text: the sites that its other messages match name a caller too (a describe whose
    // event names the kubelet, a log whose earlier line names the tool).
    bool context_from_messages = false;
    // Distinct failures kept, in the order the input first shows them; past it they are counted
    // in Report::findings_not_kept. 0: no bound (a cluster's or a dump's runs, each its own
    // finding). A pasted text is bounded by kMaxFindings.
    size_t max_findings = 0;
    // A pasted text that shows a registry's API somewhere (a /v2/ or /v1/ URL): a general HTTPS
    // client's failure in it (a site with peer: any) may be a registry's.
    bool registry_api_in_text = false;
    // A pasted text in which no line names a caller or a problem of its own: a cause that may not
    // stand alone (a refusal, a time-out, a credentials answer) still names the problem, with the
    // caller unknown, rather than nothing being recognised.
    bool lone_dependent_causes = false;
};

Finding make_finding(const FailureRecord& record, const MessageMatch& match, const Catalog& catalog,
                     const DiagnoseOptions& options = {});

// Most significant first: registry problems before look-alikes, findings placed on a chain
// before bare error strings, then by stage. Stable: equals keep their order.
void order_findings(std::vector<Finding>& findings);
// The key order_findings sorts by: smaller is more significant.
std::tuple<int, int, int, int> finding_significance(const Finding& finding);

// Matches every record and builds the report.
Report diagnose(const InputBatch& batch, const Matcher& matcher, const Catalog& catalog,
                const DiagnoseOptions& options = {});

}  // namespace certdoctor
