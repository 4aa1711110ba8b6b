// Exact artefacts built from what was read: the complete CA bundle of config-registry-cert as a
// ConfigMap and as a patch, the image's Entrypoint and Cmd as a JSON patch of the steps, the
// runs a re-run re-creates. render_fix calls build_artefacts after the catalog's templates;
// where the evidence lacks the data, the template's text stands. No I/O here.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "model/report.h"

namespace certdoctor {

// The runs a fix with `needs_run` (the `rerun` fix) re-creates for `finding`: its group's (a
// sweep), else its own run, a child TaskRun through its PipelineRun. Each run once.
std::vector<ObjectRef> runs_to_rerun(const Finding& finding);

// Keeps one fix with `needs_run` per run over the report: a later finding whose runs an earlier
// finding's re-run already re-creates loses its own.
void drop_repeated_reruns(std::vector<Finding>& findings);

// config-registry-cert's `cert` after adding `added`: the PEM certificates already there, in
// their order and as written, then each added one whose DER (by SHA-256) is not there yet. A
// CERTIFICATE block that does not parse is kept as written, unless it holds a private key's
// marker; text outside the blocks (a private key among them) is not kept.
struct CaBundle {
    std::string pem;
    size_t kept = 0;     // certificates already in the bundle
    size_t added = 0;    // certificates appended
    size_t already = 0;  // added ones that were there already
};
CaBundle merge_ca_bundle(const std::string& existing, const std::vector<std::string>& added_pems);

// The complete ConfigMap config-registry-cert with `cert` as its `cert` value: every other key,
// label and annotation of `facts` kept. YAML; every value quoted or a literal block.
std::string config_registry_cert_manifest(const InstallationFacts& facts,
                                          const std::string& tekton_namespace,
                                          const std::string& cert);

// A JSON patch of a Task's steps (paths under /spec/steps) moved to where `source` declares
// them: unchanged for a Task; under /spec/taskSpec for a TaskRun; under the pipeline task's
// taskSpec for a Pipeline or a PipelineRun's pipelineSpec, after a `test` of the pipeline task's
// name. Null when that place is not known.
nlohmann::json relocate_step_ops(const StepsSource& source, const nlohmann::json& task_ops);

// Replaces or completes `view` (a rendered fix of `finding`) with the exact change, where the
// evidence holds the data for it.
void build_artefacts(FixView& view, const Finding& finding);

}  // namespace certdoctor
