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

// The server a failing request went to, as its client's error wraps it: the last request of Go's
// url.Error ("Get \"https://host:5000/v2/\": ..."), else OpenSSH's "ssh: connect to host H port
// 22" and "ssh: Could not resolve hostname H", a name lookup ("dial tcp: lookup host on ..."),
// libcurl's "Failed to connect to host port 443" or "Could not resolve host: host", urllib3's
// HTTPSConnectionPool(host='h', port=443). host[:port] (no port for 443), or "".
// Without `blob_storage`, a request to a registry's blob storage, where a pull is redirected for a
// layer (distribution's layout: /registry-v2/docker/registry/v2/blobs/ on CloudFront, Cloudflare,
// S3), does not count: a CA fix names the registry whose trust settings apply (docker's certs.d,
// a tool's CA flag), while the network path is the storage's own.
std::string peer_of_request(std::string_view message, bool blob_storage = true);
// The address a connection went to: a dial ("dial tcp 10.0.0.5:5000: ...") or a connection's
// far end ("read tcp 10.0.0.4:47702->52.72.23.195:443: ..."). host[:port], or "".
std::string address_of_connection(std::string_view message);

// The one image the commands and progress lines of a pasted text name: `docker pull|push IMAGE`
// (podman, nerdctl, buildah the same), `crictl pull`, `ctr images pull`, `skopeo inspect
// docker://IMAGE`, docker's "The push refers to repository [IMAGE]" and "Unable to find image
// 'IMAGE' locally". "" when none does, or when they name more than one repository.
std::string image_named_by_commands(std::string_view text);

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
    // A pasted text's image_named_by_commands: the image of a finding whose message names none
    // and whose peer is that image's registry (or unnamed).
    std::string image_in_text;
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
