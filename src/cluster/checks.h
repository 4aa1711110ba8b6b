// The cluster checks: is the CA where the controller reads it, under the right key, as PEM, does
// exactly that bundle make Go accept the failing registry, has the controller restarted since,
// do the resolvers trust anything, is this OpenShift. Their outcome, as facts per finding, goes
// through the fix policy (fix/fix_policy.h): with the CA already trusted but a stale controller,
// the restart comes first and no CA is added again. No I/O here: the installation was read and
// the registries probed before.
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "cluster/installation.h"
#include "model/report.h"

namespace certdoctor {

// The ids of the checks, in the order they run and are shown.
std::vector<std::string> cluster_check_ids();

// Fills report.cluster_checks, and each finding's installation facts and cluster_facts (what
// the fix policy decides on). `now` and `expiry_warning` decide the check certificates-expire-soon.
void apply_cluster_checks(Report& report, const Installation& installation, std::time_t now = std::time(nullptr),
                          std::chrono::seconds expiry_warning = std::chrono::hours(30 * 24));

}  // namespace certdoctor
