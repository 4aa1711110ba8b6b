#include "run/cluster_run.h"

#include <malloc.h>

#include <deque>
#include <future>
#include <map>
#include <optional>

#include "cluster/checks.h"
#include "cluster/installation.h"
#include "diagnose/diagnose.h"
#include "fix/fix_plan.h"
#include "match/versions.h"
#include "run/sweep_groups.h"
#include "util/text.h"

namespace certdoctor {

namespace {

constexpr size_t kPagesAhead = 4;  // pages diagnosed or waiting to be, while the next loads

// Waits for every job, swallowing their errors: the reader's error is the one to report.
void wait_diagnosed_quietly(std::deque<std::shared_future<void>>& jobs) {
    for (; !jobs.empty(); jobs.pop_front()) try {
            jobs.front().get();
        } catch (...) {
        }
}

}  // namespace

void group_sweep_findings(Report& report) {
    SweepGroups groups;
    for (auto& f : report.findings) groups.add(std::move(f), {});  // in the order given
    report.findings.clear();
    std::move(groups).into(report);
}

Report diagnose_cluster(const EngineSource& engine_source, KubeApi& client, const ClusterTarget& target,
                        const ClusterRequest& request, const ProbeOptions* probe,
                        const ProgressFn& progress) {
    std::string api = discover_tekton_api(client, target.context);
    std::string ns = target.namespace_;
    // The installation is read while the runs load; its version picks the call chains, so the
    // first diagnosis waits for it.
    std::shared_future<Installation> installation =
        std::async(std::launch::async, [&client] { return read_installation(client); }).share();
    auto inst = [&installation]() -> const Installation& { return installation.get(); };
    std::string kind = request.kind == "TaskRun" ? "taskrun" : "pipelinerun";
    std::string source = request.kind.empty()
                             ? (request.all_namespaces ? "TaskRuns in all namespaces"
                                                       : "TaskRuns in namespace " + ns)
                             : kind + "/" + request.name + " in namespace " + ns;

    // What has been read is diagnosed as it comes (a sweep's page at a time), and the registries
    // it names are probed in the background while the next pages load.
    std::optional<RegistryProber> prober;
    if (probe) prober.emplace(*probe);
    DiagnoseOptions options;
    Report report;
    report.source = source;
    size_t runs = 0, failed = 0;
    // A sweep's findings go to their groups page by page: one finding per group is kept whole.
    const bool sweep = request.kind.empty();
    SweepGroups sweep_groups;
    if (sweep) {
        // A sweep reads hundreds of page bodies of about 400 KB, one after the other. By default
        // glibc maps each from the system and unmaps it once freed, so that every page is faulted
        // in afresh (a fifth of a 100,000-run sweep's time); taken from the heap and kept there
        // (up to 8 MiB of free memory), the same memory serves the next page. Set once, for the
        // process: a sweep is the command's whole work.
        mallopt(M_MMAP_THRESHOLD, 4 << 20);
        mallopt(M_TRIM_THRESHOLD, 8 << 20);
    }
    auto diagnose_page = [&](RunsPage page) {
        options.tekton_version = inst().version;
        const Engine& engine = engine_source();
        InputBatch batch = std::move(page).read();
        runs += batch.runs;
        failed += batch.failed_runs;
        Report part = diagnose(batch, engine.matcher(), engine.catalog(), options);
        if (prober) prober->add(part.findings);
        report.messages_read += part.messages_read;
        for (auto& n : part.notes) add_unique(report.notes, n);
        for (auto& f : part.findings) {
            if (sweep) {
                SweepGroups::Rank rank = finding_significance(f);
                sweep_groups.add(std::move(f), rank);
            } else {
                report.findings.push_back(std::move(f));
            }
        }
    };
    // A sweep's pages are diagnosed one after the other on workers, in the order read, while the
    // next pages load: each job first waits for the one before. At most kPagesAhead jobs are
    // under way, so that a fast server does not start a thread per page. Everything the jobs
    // touch is declared above, so that it outlives them.
    std::deque<std::shared_future<void>> diagnosing;  // oldest first
    auto take_page = [&](RunsPage page) {
        std::shared_future<void> before =
            diagnosing.empty() ? std::shared_future<void>() : diagnosing.back();
        diagnosing.push_back(std::async(std::launch::async, [&diagnose_page, before,
                                                             page = std::move(page)]() mutable {
                                 if (before.valid()) before.get();
                                 diagnose_page(std::move(page));
                             }).share());
        for (; diagnosing.size() > kPagesAhead; diagnosing.pop_front()) diagnosing.front().get();
    };
    auto wait_diagnosed = [&diagnosing] {
        for (; !diagnosing.empty(); diagnosing.pop_front()) diagnosing.front().get();
    };

    RunsRead read;
    try {
        read = read_cluster_runs(client, api, ns, request, source, take_page, progress);
    } catch (...) {
        wait_diagnosed_quietly(
            diagnosing);  // the jobs touch what is declared above: never leave them running
        throw;
    }
    wait_diagnosed();

    const Engine& engine = engine_source();
    // Across pages, as one diagnosis would order them (a sweep's groups are in that order).
    if (sweep) std::move(sweep_groups).into(report);
    else order_findings(report.findings);
    if (!report.findings.empty())
        report.status = ReportStatus::problems_found;
    else if (runs > 0 && failed == 0)
        report.status = ReportStatus::no_problems;
    if (runs == 0 && report.findings.empty()) {
        report.status = ReportStatus::no_problems;
        report.notes.push_back(read.scanned
                                   ? "no failed TaskRun among " + std::to_string(read.scanned)
                                   : "no TaskRun matched");
    }
    for (auto& n : read.notes) report.notes.push_back(std::move(n));
    for (auto& f : report.findings) {
        auto it =
            read.failed_at.find(f.object.kind + "/" + f.object.namespace_ + "/" + f.object.name);
        if (it != read.failed_at.end()) f.failed_at = it->second;
    }
    report.sweep = sweep;
    if (report.sweep) {
        report.runs_scanned = read.scanned;
        report.failed_runs = read.failed;
        if (report.findings.empty() && report.failed_runs > 0)
            report.status = ReportStatus::unrecognized;
    }
    if (prober) prober->fold_into(report);

    report.cluster.read = true;
    report.cluster.context = target.context;
    report.cluster.server = target.server;
    report.cluster.namespace_ = request.all_namespaces ? "" : ns;
    report.cluster.tekton_api = "tekton.dev/" + api;
    report.cluster.tekton_version = inst().version;
    report.cluster.tekton_namespace = inst().namespace_;
    report.cluster.openshift = inst().openshift;
    for (const auto& n : inst().notes) report.notes.push_back(n);
    // A message shaped by another release than the one installed failed before an upgrade.
    for (const auto& f : report.findings) {
        if (inst().version.empty() || f.chain.versions.empty() || f.chain.versions == "any" ||
            version_in_range(inst().version, f.chain.versions))
            continue;
        report.notes.push_back(
            f.object.kind + " " + f.object.namespace_ + "/" + f.object.name +
            ": its message has the shape of Tekton " + f.chain.versions +
            ", but the controller is " + inst().version +
            ": it failed before an upgrade; re-run it to see what the current controller does");
    }
    if (!report.findings.empty())
        apply_cluster_checks(report, inst(), std::time(nullptr), request.expiry_warning);
    // Where config-registry-cert makes Go accept the registry, the images of the failed lookups
    // are read with that bundle, so that set-step-command carries their Entrypoint and Cmd.
    auto cert = inst().configmap_data.find("cert");
    if (probe && cert != inst().configmap_data.end()) {
        ProbeOptions with_bundle = *probe;
        with_bundle.ca_pems.emplace_back("config-registry-cert", cert->second);
        std::map<std::string, ImageView> images;
        for (auto& f : report.findings)
            if (f.stage == "entrypoint-lookup" && f.cluster_facts.trusted && f.step_images.empty())
                read_step_images(f, with_bundle, images, report.notes);
    }
    // The fixes, once all the evidence is in (a sweep's once per root cause, after grouping).
    plan_report_fixes(report, engine.catalog());
    return report;
}

}  // namespace certdoctor
