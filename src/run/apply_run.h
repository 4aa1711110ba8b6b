// `diagnose ... --apply`: the order of applying a diagnosis's fix. Plan the changes (reads only),
// show each object's change as a unified diff, ask (or take --yes), check every permission with
// SelfSubjectAccessReview, show a backup of each object, write (with the server's dry run when
// asked), wait for the restart, and with --verify probe the registry again with exactly the
// bundle now in the cluster. What was done lands in report.apply.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "fix/applier.h"
#include "kube/kube_api.h"
#include "match/catalog.h"
#include "model/report.h"
#include "probe/probe.h"

namespace certdoctor {

struct ApplyRequest {
    ApplyScope scope = ApplyScope::cluster;
    DryRun dry_run = DryRun::no;
    bool yes = false;     // --yes: no question asked
    bool verify = false;  // --verify
    std::chrono::milliseconds rollout_timeout{180000};
    const ProbeOptions* probe = nullptr;  // how to reach the registry again for --verify
};

// How the command line talks to the user. `confirm` is empty without a terminal.
struct ApplyIo {
    std::function<void(const std::string&)> show;      // the plan, diffs, backups, results
    std::function<bool(const std::string&)> confirm;   // asks a yes/no question on a terminal
    std::function<void(const std::string&)> progress;  // rollout progress
};

// Applies the fix of `report`'s primary finding. Throws Error (exit 4) for a missing permission
// (one line naming each verb and resource), before anything is written; on a failed write, with
// what was already written in report.apply.
void apply_report_fix(KubeApi& api, Report& report, const Catalog& catalog,
                      const ApplyRequest& request, const ApplyIo& io);

}  // namespace certdoctor
