// plan_apply: the primary finding's fix, turned into object changes from the objects as read
// (fix/applier.h). Reads through KubeApi; writes nothing.
#include <ctime>

#include "fix/applier.h"
#include "fix/artefacts.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/json_access.h"
#include "util/text.h"

namespace certdoctor {

namespace {

using Json = nlohmann::json;

const char* kConfigMap = "config-registry-cert";
const char* kRestartedAt = "kubectl.kubernetes.io/restartedAt";

std::string configmap_path(const std::string& ns, const std::string& name) {
    return "/api/v1/namespaces/" + ns + "/configmaps/" + name;
}

std::string rfc3339(std::time_t t) {
    char buf[32];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string tekton_namespace(const Finding& f) {
    return f.tekton_namespace.empty() ? std::string("tekton-pipelines") : f.tekton_namespace;
}

// The CA to add: the trust anchor the probe found (never a leaf: the probe names a CA only).
std::vector<std::string> probed_ca(const Finding& f) {
    if (f.probed && f.probe.has_anchor && !f.probe.trust_anchor.pem.empty())
        return {f.probe.trust_anchor.pem};
    return {};
}

struct Planner {
    KubeApi& api;
    const Finding& f;
    const ApplyOptions& options;
    ApplyPlan& plan;
    std::string fix;

    void add(ObjectChange c) {
        c.fix = fix;
        c.after = c.desired(c.before);
        if (c.after.is_null()) c.after = c.before;
        plan.changes.push_back(std::move(c));
    }

    Json read(const std::string& path) {
        auto found = api.get_if_found(path);
        return found ? std::move(*found) : Json();
    }

    // A ConfigMap change: `pems` merged into `key`.
    void configmap_change(const std::string& op, const std::string& ns, const std::string& name,
                          const std::string& key,
                          std::function<std::vector<std::string>(const Json&)> pems_of) {
        ObjectChange c;
        c.operation = op;
        c.kind = "ConfigMap";
        c.namespace_ = ns;
        c.name = name;
        c.path = configmap_path(ns, name);
        c.collection = "/api/v1/namespaces/" + ns + "/configmaps";
        c.before = read(c.path);
        c.access = {c.before.is_null() ? "create" : "update", "", "configmaps", ns,
                    c.before.is_null() ? "" : name};
        c.desired = [ns, name, key, pems_of](const Json& current) {
            Json next = configmap_with_pems(current, ns, name, key, pems_of(current));
            return next == current ? Json() : next;
        };
        add(std::move(c));
    }

    void merge_pems(const FixOperation& op) {
        auto ca = probed_ca(f);
        if (ca.empty()) {
            plan.refused.push_back(
                "no CA to add: the probe named no CA that issued " + f.registry +
                "'s certificate (probe it with --ca-file CA.pem, or see the probe's verdict)");
            return;
        }
        if (f.installation.operator_managed) return tektonconfig_change(op.fields.at("key"), ca);
        configmap_change(op.op, tekton_namespace(f), kConfigMap, op.fields.at("key"),
                         [ca](const Json&) { return ca; });
    }

    void create_configmap(const FixOperation& op) {
        auto ca = probed_ca(f);
        if (ca.empty()) return merge_pems(op);  // says why
        if (f.installation.operator_managed) return tektonconfig_change(op.fields.at("key"), ca);
        configmap_change(op.op, tekton_namespace(f), kConfigMap, op.fields.at("key"),
                         [ca](const Json&) { return ca; });
    }

    void move_key(const FixOperation& op) {
        std::string from =
            f.cluster_facts.wrong_key.empty() ? f.wrong_config_key : f.cluster_facts.wrong_key;
        if (from.empty()) {
            plan.refused.push_back(
                "move-key: the cluster checks found no other key of config-registry-cert holding "
                "certificates");
            return;
        }
        const std::string to = op.fields.at("to");
        auto pems_of = [from](const Json& current) {
            std::string pems = text_at(current, {"data", from.c_str()});
            return std::vector<std::string>{pems};
        };
        if (f.installation.operator_managed) {
            Json cm = read(configmap_path(tekton_namespace(f), kConfigMap));
            return tektonconfig_change(to, pems_of(cm));
        }
        configmap_change(op.op, tekton_namespace(f), kConfigMap, to, pems_of);
        plan.notes.push_back(
            "The key '" + from +
            "' stays as it is (nothing reads it); only its certificates are copied to '" + to +
            "'.");
    }

    // Under the Tekton Operator nothing is written: config-registry-cert is the operator's, and
    // neither way to change it is safe. TektonConfig spec.pipeline.options.configMaps has the
    // right shape (a map of corev1.ConfigMap, pkg/apis/operator/v1alpha1/additional_options.go),
    // but the operator copies its `data` into the ConfigMap of the release manifest, which ships
    // with no `data` at all, by assigning into that nil map: its reconcile panics
    // (pkg/reconciler/common/transformer_additional_options.go, updateConfigMaps, tektoncd/operator
    // 390143289a66, 2026-08-20). A direct edit lasts until the operator re-applies the manifest.
    // So the exact change is shown, with what it costs, and the user decides.
    void tektonconfig_change(const std::string& key, const std::vector<std::string>& pems) {
        const std::string ns = tekton_namespace(f);
        Json cm = read(configmap_path(ns, kConfigMap));
        CaBundle bundle = merge_ca_bundle(text_at(cm, {"data", key.c_str()}), pems);
        if (bundle.added == 0 && !cm.is_null()) return;  // the ConfigMap already holds it
        Json patch = {{"data", {{key, bundle.pem}}}};
        plan.refused.push_back(
            std::string("The Tekton Operator owns config-registry-cert, so --apply writes nothing. "
            "TektonConfig spec.pipeline.options.configMaps cannot carry it: the operator copies "
            "that data into the shipped config-registry-cert, which has no data map, and its "
            "reconcile panics (tektoncd/operator, transformer_additional_options.go, "
            "updateConfigMaps). A direct edit works until the operator re-applies its manifests "
            "(an upgrade, a TektonConfig change), and must then be made again. That edit, keeping "
                        "every CA already there: kubectl patch configmap ") +
            kConfigMap + " -n " +
            shell_quote(ns) + " --type merge -p " + shell_quote(json_text(patch)) +
            " ; then restart the controller.");
    }

    void restart(const FixOperation&) {
        // Only when something it loads changed now, or the checks found pods older than the
        // ConfigMap.
        bool changed = false;
        for (const auto& c : plan.changes) changed = changed || c.changes();
        bool stale = f.cluster_facts.restarted == "fail";
        if (!changed && !stale) return;
        const std::string ns = tekton_namespace(f);
        const bool statefulset = f.installation.statefulsets;
        ObjectChange c;
        c.operation = "restart-workload";
        c.kind = statefulset ? "StatefulSet" : "Deployment";
        c.namespace_ = ns;
        c.name = "tekton-pipelines-controller";
        std::string plural = statefulset ? "statefulsets" : "deployments";
        c.path = "/apis/apps/v1/namespaces/" + ns + "/" + plural + "/" + c.name;
        c.access = {"patch", "apps", plural, ns, c.name};
        c.write = ObjectChange::Write::merge_patch;
        c.restart = true;
        c.before = read(c.path);
        if (c.before.is_null()) {
            plan.refused.push_back("restart: the " + c.kind + " " + ns + "/" + c.name +
                                   " was not found; restart the controller by hand");
            return;
        }
        if (f.installation.operator_managed)
            c.note = "The Tekton Operator owns this " + c.kind +
                     ": it may remove the restartedAt annotation at its next reconcile; the pods "
                     "have restarted by then.";
        std::string stamp = rfc3339(options.now());
        c.desired = [stamp](const Json& current) {
            Json next = current;
            next["spec"]["template"]["metadata"]["annotations"][kRestartedAt] = stamp;
            return next;
        };
        add(std::move(c));
    }

    void proxy_trusted_ca(const FixOperation& op) {
        auto ca = probed_ca(f);
        if (ca.empty()) return merge_pems(op);
        Json proxy = read("/apis/config.openshift.io/v1/proxies/cluster");
        std::string name = text_at(proxy, {"spec", "trustedCA", "name"});
        if (name.empty()) {
            plan.refused.push_back(
                "The cluster proxy names no trustedCA ConfigMap, and --apply does not change the "
                "cluster-wide proxy. The "
                "change to make: create ConfigMap openshift-config/user-ca-bundle with the CA "
                "under ca-bundle.crt, then "
                "kubectl patch proxy cluster --type merge -p "
                "'{\"spec\":{\"trustedCA\":{\"name\":\"user-ca-bundle\"}}}'");
            return;
        }
        configmap_change(op.op, "openshift-config", name, op.fields.at("key"),
                         [ca](const Json&) { return ca; });
        plan.notes.push_back(
            "OpenShift: the CA goes into openshift-config/" + name +
            " (the proxy's trustedCA), which the cluster copies into config-trusted-cabundle.");
    }

    // set-step-command: `command` (and `args` when the step has none) from the probed image, as a
    // JSON patch with `test` operations on the step's name and the resourceVersion read.
    // The command (and args) of a step from its image as the probe read it: linux/amd64 when the
    // image has it. False when the image was not read.
    bool command_of(const StepSpec& step, Json& command, Json& args) {
        const ImageView* image = nullptr;
        for (const auto& [ref, view] : f.step_images)
            if (ref == step.image && view.read && !view.platforms.empty()) image = &view;
        if (!image) return false;
        const ImagePlatform* p = &image->platforms.front();
        for (const auto& q : image->platforms)
            if (q.os == "linux" && q.architecture == "amd64") p = &q;
        // Tekton runs Cmd as the command when the image has no Entrypoint.
        command = p->entrypoint.empty() ? Json(p->cmd) : Json(p->entrypoint);
        args = p->entrypoint.empty() ? Json::array() : Json(p->cmd);
        return !command.empty();
    }

    // A JSON patch change of `kind` at `path`, refused when its `test` operations fail on the
    // object as read (it changed since the run), and again after a refused write.
    void json_patch_change(const FixOperation& op, const std::string& kind,
                           const std::string& resource, const std::string& path,
                           const std::string& name, const Json& before, const Json& ops) {
        const std::string ns = f.object.namespace_;
        const std::string what = kind + " " + ns + "/" + name;
        try {
            (void)before.patch(ops);
        } catch (const Json::exception&) {
            plan.refused.push_back(
                "set-step-command: the " + what +
                " no longer has the steps the run used at those places (its `test` operations "
                "fail: it changed since the run); nothing is patched. The patch was: " +
                json_text(ops));
            return;
        }
        ObjectChange c;
        c.operation = op.op;
        c.kind = kind;
        c.namespace_ = ns;
        c.name = name;
        c.path = path;
        c.access = {"patch", "tekton.dev", resource, ns, name};
        c.write = ObjectChange::Write::json_patch;
        c.before = before;
        c.patch_operations = ops;
        c.desired = [ops, what](const Json& current) {
            try {
                Json next = current.patch(ops);
                return next == current ? Json() : next;
            } catch (const Json::exception&) {
                // Read again after a refused write: the steps moved since the run.
                throw Error("the " + what +
                            " changed since it was read: its steps are no longer where the run had "
                            "them (the patch's `test` operations fail); nothing was patched. The "
                            "patch was: " +
                            json_text(ops));
            }
        };
        add(std::move(c));
    }

    // set-step-command: `command` (and `args` when the step has none) from the probed image, as a
    // JSON patch with `test` operations on the step's name (the resourceVersion read is tested
    // when it is sent): in the Task, or for a step with `ref:` in its StepAction, which a step
    // with `ref` cannot override ("command cannot be used with Ref").
    void patch_steps(const FixOperation& op) {
        const std::string ns = f.object.namespace_;
        Json task_ops = Json::array();
        for (const auto& step : f.lookup_steps) {
            Json command, args;
            if (!command_of(step, command, args)) {
                plan.refused.push_back(
                    "set-step-command: the image of step " + step.name +
                    " was not read (probe it: its registry must be trusted); nothing is patched");
                return;
            }
            if (!step.ref.empty()) {
                // The StepAction: v1beta1 since Tekton v0.59, v1alpha1 before.
                Json action;
                std::string path;
                for (const char* version : {"v1beta1", "v1alpha1"}) {
                    path = std::string("/apis/tekton.dev/") + version + "/namespaces/" + ns +
                           "/stepactions/" + step.ref;
                    action = read(path);
                    if (!action.is_null()) break;
                }
                if (action.is_null()) {
                    plan.refused.push_back(
                        "set-step-command: the StepAction " + ns + "/" + step.ref + " of step " +
                        step.name + " was not found (a remote one is changed at its source)");
                    return;
                }
                Json ops = Json::array();
                ops.push_back({{"op", "test"}, {"path", "/metadata/name"}, {"value", step.ref}});
                ops.push_back({{"op", "add"}, {"path", "/spec/command"}, {"value", command}});
                bool has_args = action.contains("spec") && action["spec"].contains("args");
                if (!has_args && !args.empty())
                    ops.push_back({{"op", "add"}, {"path", "/spec/args"}, {"value", args}});
                plan.notes.push_back(
                    "Step " + step.name + " uses the StepAction " + step.ref +
                    ": the command goes there, and every Task that uses it gets it.");
                json_patch_change(op, "StepAction", "stepactions", path, step.ref, action, ops);
                continue;
            }
            if (step.index < 0) {
                plan.refused.push_back("set-step-command: the place of step " + step.name +
                                       " is not known; nothing is patched");
                return;
            }
            std::string base = "/spec/steps/" + std::to_string(step.index);
            task_ops.push_back({{"op", "test"}, {"path", base + "/name"}, {"value", step.name}});
            task_ops.push_back({{"op", "add"}, {"path", base + "/command"}, {"value", command}});
            if (!step.has_args && !args.empty())
                task_ops.push_back({{"op", "add"}, {"path", base + "/args"}, {"value", args}});
        }
        if (task_ops.empty()) return;
        const StepsSource& src = f.steps_source;
        const bool task = src.kind == "Task";
        const Json ops = relocate_step_ops(src, task_ops);
        if ((!task && src.kind != "Pipeline") || ops.is_null()) {
            plan.refused.push_back(
                "set-step-command: the steps are not declared in a Task or a Pipeline of the cluster (" +
                (src.kind.empty() ? std::string("unknown") : src.kind) +
                "); --apply=task patches Tasks, Pipelines and StepActions only; use the printed patch");
            return;
        }
        const std::string kind = task ? "Task" : "Pipeline", resource = task ? "tasks" : "pipelines";
        const std::string path =
            "/apis/tekton.dev/" + options.tekton_api + "/namespaces/" + ns + "/" + resource + "/" + src.name;
        Json owner = read(path);
        if (owner.is_null()) {
            plan.refused.push_back("set-step-command: the " + kind + " " + ns + "/" + src.name + " was not found");
            return;
        }
        json_patch_change(op, kind, resource, path, src.name, owner, ops);
    }
};

// A JSON patch from `current` to `desired` (or `operations`, when given), with a `test` of the
// resourceVersion read first.
}  // namespace

Json configmap_with_pems(const Json& current, const std::string& ns, const std::string& name,
                         const std::string& key, const std::vector<std::string>& pems) {
    Json next = current;
    if (next.is_null()) {
        next = {{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata",
                 {{"name", name},
                  {"namespace", ns},
                  {"labels",
                   {{"app.kubernetes.io/instance", "default"},
                    {"app.kubernetes.io/part-of", "tekton-pipelines"}}}}}};
    }
    // The API server's answer is not trusted to be a ConfigMap: `data` that is not a map of
    // strings is an error, not an exception from the JSON library.
    if (!next.is_object() || (next.contains("data") && !next["data"].is_null() && !next["data"].is_object()))
        throw Error("the ConfigMap " + ns + "/" + name + " read from the API server has a `data` that is not a map");
    std::string existing = text_at(next, {"data", key.c_str()});
    CaBundle bundle = merge_ca_bundle(existing, pems);
    if (bundle.added == 0 && !current.is_null()) return current;
    next["data"][key] = bundle.pem;
    return next;
}

ApplyPlan plan_apply(KubeApi& api, const Finding& finding, const Catalog& catalog,
                     const ApplyOptions& options) {
    ApplyPlan plan;
    Planner p{api, finding, options, plan, ""};
    for (const auto& view : finding.fixes) {
        const FixRule* rule = catalog.fix(view.id);
        if (!rule || rule->operations.empty()) continue;
        bool in_scope = false;
        for (const auto& op : rule->operations)
            in_scope =
                in_scope || ((op.op == "patch-steps") == (options.scope == ApplyScope::task));
        if (!in_scope) continue;
        plan.fix = p.fix = rule->id;
        for (const auto& op : rule->operations) {
            if ((op.op == "patch-steps") != (options.scope == ApplyScope::task)) continue;
            if (op.op == "merge-pems")
                p.merge_pems(op);
            else if (op.op == "create-configmap")
                p.create_configmap(op);
            else if (op.op == "move-key")
                p.move_key(op);
            else if (op.op == "restart-workload")
                p.restart(op);
            else if (op.op == "proxy-trusted-ca")
                p.proxy_trusted_ca(op);
            else if (op.op == "patch-steps")
                p.patch_steps(op);
        }
        break;  // the plan's first fix that --apply can carry out
    }
    if (plan.fix.empty()) {
        std::vector<std::string> ids;
        for (const auto& v : finding.fixes) ids.push_back(v.id);
        plan.notes.push_back(
            std::string(options.scope == ApplyScope::task
                            ? "No fix of this finding patches a Task or StepAction"
                            : "No fix of this finding changes a cluster object --apply manages") +
            " (its fixes: " + (ids.empty() ? std::string("none") : join(ids, ", ")) + ").");
    }
    // A user's pipeline is patched whole or not at all.
    if (options.scope == ApplyScope::task && !plan.refused.empty()) plan.changes.clear();
    // Objects with nothing to change are left out (a second run writes nothing).
    std::vector<ObjectChange> kept;
    for (auto& c : plan.changes)
        if (c.changes()) kept.push_back(std::move(c));
    plan.changes = std::move(kept);
    return plan;
}

}  // namespace certdoctor
