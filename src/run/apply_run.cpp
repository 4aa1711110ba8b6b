#include "run/apply_run.h"

#include <cctype>

#include "cluster/installation.h"
#include "fix/object_diff.h"
#include "probe/target.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/json_access.h"
#include "util/text.h"

namespace certdoctor {

namespace {

std::string object_label(const ObjectChange& c) {
    std::string kind = c.kind;
    for (char& ch : kind) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return visible(kind + " " + (c.namespace_.empty() ? "" : c.namespace_ + "/") + c.name);
}

std::string version_of(const nlohmann::json& o) {
    if (o.is_object() && o.contains("metadata") && o["metadata"].contains("resourceVersion") &&
        o["metadata"]["resourceVersion"].is_string())
        return o["metadata"]["resourceVersion"].get<std::string>();
    return {};
}

// --verify: the registry probed again, judged with exactly the bundle config-registry-cert holds
// now; the controller pods started after the ConfigMap last changed.
void verify(KubeApi& api, Report& report, const Finding& f, const ApplyRequest& request,
            const ApplyIo& io) {
    ApplyView& view = report.apply;
    view.verified = true;
    Installation inst = read_installation(api);
    auto cert = inst.configmap_data.find("cert");
    std::string bundle = cert == inst.configmap_data.end() ? std::string() : cert->second;
    std::string where = "config-registry-cert";
    // On OpenShift the controller also trusts the bundle of the proxy's trustedCA ConfigMap (the
    // cluster copies it into config-trusted-cabundle), where --apply puts the CA there.
    if (inst.openshift) {
        ObjectRead proxy = read_object(api, "/apis/config.openshift.io/v1/proxies/cluster");
        std::string name = text_at(proxy.object, {"spec", "trustedCA", "name"});
        if (proxy.state == ObjectState::present && !name.empty()) {
            ObjectRead trusted = read_object(api, "/api/v1/namespaces/openshift-config/configmaps/" + name);
            std::string pems = text_at(trusted.object, {"data", "ca-bundle.crt"});
            if (!pems.empty()) {
                if (!bundle.empty() && bundle.back() != '\n') bundle += "\n";
                bundle += pems;
                where = "config-registry-cert and openshift-config/" + name + " (the proxy's trustedCA)";
            }
        }
    }
    if (bundle.empty()) {
        view.verify_verdict = "unknown-authority";
        view.verify_detail = "config-registry-cert holds no `cert` value";
    } else if (f.registry.empty() || !request.probe) {
        view.verify_verdict = "unknown";
        view.verify_detail = "no registry to probe";
    } else {
        ProbeOptions options = *request.probe;
        options.entrypoint = false;
        ProbeResult again = probe_registry(parse_probe_target(f.registry), options);
        if (again.chain.empty()) {
            view.verify_verdict = "unknown";
            view.verify_detail = "the registry served no chain when probed again: " + again.detail;
        } else {
            try {
                ReVerdict v = verify_with_bundle(again, bundle, where);
                view.verify_verdict = v.problem;
                view.verify_detail = v.detail;
            } catch (const Error& e) {
                view.verify_verdict = "unknown-authority";
                view.verify_detail = e.what();
            }
        }
    }
    if (inst.pods_state != ObjectState::present || inst.pods.empty() || !inst.configmap_changed) {
        view.pods_newer = "skip";
    } else {
        view.pods_newer = "pass";
        for (const auto& p : inst.pods)
            if (p.started && p.started < inst.configmap_changed) view.pods_newer = "fail";
    }
    std::string lines = "Verify:\n";
    lines += view.verify_verdict == "ok"
                 ? "  Go accepts " + f.registry + " with exactly the bundle now in " + where + ".\n"
                 : "  Go does NOT accept " + f.registry + " with the bundle now in " + where + ": " +
                       view.verify_verdict +
                       (view.verify_detail.empty() ? "" : " (" + view.verify_detail + ")") + "\n";
    lines += view.pods_newer == "pass"
                 ? "  The controller pods started after the ConfigMap " + inst.ca_configmap + " last changed.\n"
             : view.pods_newer == "fail"
                 ? "  A controller pod started before the ConfigMap " + inst.ca_configmap +
                       " last changed: restart it.\n"
                 : "  Whether the controller restarted since could not be told.\n";
    io.show(lines);
}

}  // namespace

void apply_report_fix(KubeApi& api, Report& report, const Catalog& catalog,
                      const ApplyRequest& request, const ApplyIo& io) {
    ApplyView& view = report.apply;
    view.requested = true;
    view.dry_run = request.dry_run == DryRun::server;
    if (report.findings.empty()) {
        view.outcome = "nothing-to-change";
        io.show("--apply: no finding, nothing to change.\n");
        return;
    }
    const Finding& f = report.findings.front();
    ApplyOptions options;
    options.scope = request.scope;
    options.dry_run = request.dry_run;
    options.rollout_timeout = request.rollout_timeout;
    options.progress = io.progress;
    std::string api_version = report.cluster.tekton_api;
    if (api_version.rfind("tekton.dev/", 0) == 0) options.tekton_api = api_version.substr(11);
    ApplyPlan plan = plan_apply(api, f, catalog, options);
    view.refused = plan.refused;

    std::string shown =
        "--apply" + std::string(request.scope == ApplyScope::task ? "=task" : "") + ": " +
        (plan.fix.empty() ? std::string("no fix to carry out") : "the fix " + plan.fix) + " for " +
        visible(f.object.kind + " " + f.object.namespace_ + "/" + f.object.name) + "\n";
    for (const auto& c : plan.changes) {
        shown += "\n" + unified_diff(object_yaml(c.before), object_yaml(c.after), object_label(c));
        if (!c.note.empty()) shown += "  " + visible(c.note) + "\n";
    }
    for (const auto& n : plan.notes) shown += "\n  " + visible(n) + "\n";
    for (const auto& r : plan.refused) shown += "\nNot done: " + visible(r) + "\n";
    if (plan.changes.empty()) {
        view.outcome = plan.refused.empty() ? "nothing-to-change" : "refused";
        shown +=
            plan.refused.empty()
                ? "\nNothing to change: the cluster already holds this fix; nothing was written.\n"
                : "\nNothing was written.\n";
        io.show(shown);
        return;
    }
    io.show(shown);

    if (!request.yes) {
        std::string question = std::string(view.dry_run ? "Send these changes as a server dry run"
                                                        : "Apply these changes") +
                               " (" + std::to_string(plan.changes.size()) + " object" +
                               (plan.changes.size() == 1 ? "" : "s") + ")?";
        if (!io.confirm) {
            view.outcome = "declined";
            io.show(
                "\nNot applied: standard input is not a terminal and --yes was not given; nothing "
                "was written.\n");
            return;
        }
        if (!io.confirm(question)) {
            view.outcome = "declined";
            io.show("Not applied; nothing was written.\n");
            return;
        }
    }

    // Every permission before the first write: a 403 halfway would leave a half-done fix.
    auto missing = missing_permissions(api, plan);
    if (!missing.empty())
        throw Error("--apply needs RBAC permission to " + join(missing, ", ") +
                    " (SelfSubjectAccessReview said no); nothing was written. "
                    "plugin/rbac/certdoctor-apply.yaml "
                    "grants it");

    std::string backups;
    for (const auto& c : plan.changes) {
        if (c.before.is_null()) continue;
        backups += "\n# Backup of " + object_label(c) + " (resourceVersion " +
                   visible(version_of(c.before)) + "), as read before the change:\n" +
                   object_yaml(c.before);
    }
    if (!backups.empty()) io.show(backups);

    try {
        carry_out(api, plan, options, view.changes);
    } catch (...) {
        view.outcome = "failed";
        std::string written;
        for (const auto& a : view.changes)
            written += "  " + visible(a.kind + " " + a.namespace_ + "/" + a.name) + ": " +
                       a.action + (a.dry_run ? " (dry run)" : "") + "\n";
        io.show(written.empty() ? "\nNothing was written.\n"
                                : "\nWritten before the failure:\n" + written);
        throw;
    }
    view.outcome = view.dry_run ? "dry-run" : "applied";
    std::string result =
        view.dry_run
            ? "\nServer dry run (dryRun=All): nothing was stored. The server would store:\n"
            : "\nApplied:\n";
    for (const auto& a : view.changes)
        result +=
            "  " +
            visible(a.kind + " " + (a.namespace_.empty() ? "" : a.namespace_ + "/") + a.name) +
            ": " + a.action + " (resourceVersion " +
            visible(a.before_resource_version.empty() ? "none" : a.before_resource_version) +
            " -> " + visible(a.after_resource_version) + ")" +
            (a.conflicts ? ", after " + std::to_string(a.conflicts) + " conflict" +
                               (a.conflicts == 1 ? "" : "s") + " (re-read and merged again)"
                         : "") +
            "\n";
    if (view.dry_run)
        for (const auto& c : plan.changes)
            result += unified_diff(object_yaml(c.before), object_yaml(c.after), object_label(c),
                                   "as the server would store it");
    io.show(result);
    if (request.verify && !view.dry_run && request.scope == ApplyScope::cluster)
        verify(api, report, f, request, io);
}

}  // namespace certdoctor
