#include "fix/artefacts.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "probe/openssl_util.h"
#include "util/error.h"
#include "util/escape.h"
#include "util/json_access.h"
#include "util/secret_value.h"
#include "util/text.h"

namespace certdoctor {

namespace {

using Json = nlohmann::json;

bool same_run(const ObjectRef& a, const ObjectRef& b) {
    return a.kind == b.kind && a.namespace_ == b.namespace_ && a.name == b.name;
}

// The PEM blocks of a text, each as written (line ends normalised), in order.
std::vector<std::string> pem_blocks(const std::string& text) {
    static const std::string begin = "-----BEGIN CERTIFICATE-----",
                             end = "-----END CERTIFICATE-----";
    std::vector<std::string> blocks;
    for (size_t at = text.find(begin); at != std::string::npos; at = text.find(begin, at)) {
        size_t stop = text.find(end, at);
        if (stop == std::string::npos) break;
        std::string block;
        const std::string whole = text.substr(at, stop + end.size() - at);
        for (auto line : split_lines(whole)) {
            auto t = trim(line);
            if (!t.empty()) block += std::string(t) + "\n";
        }
        blocks.push_back(block);
        at = stop + end.size();
    }
    return blocks;
}

// A block of pem_blocks() that is one certificate as PEM writes it: its BEGIN line, base64 lines,
// its END line, and nothing else.
bool plain_certificate_block(const std::string& block) {
    auto lines = split_lines(block);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    if (lines.size() < 3 || lines.front() != "-----BEGIN CERTIFICATE-----" ||
        lines.back() != "-----END CERTIFICATE-----")
        return false;
    for (size_t i = 1; i + 1 < lines.size(); ++i)
        for (char c : lines[i])
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=')
                return false;
    return true;
}

// A block of a bundle as the merge keeps it: the SHA-256 of its certificate's DER (or "" when it
// holds none), and its text. A block that is not a plain certificate but from which OpenSSL still
// reads one (it skips lines it does not take for a BEGIN line, and blocks of other kinds, such as
// a private key, to find the next certificate) is written as OpenSSL writes that certificate: what
// else it held is never printed.
struct KeptBlock {
    std::string digest, text;
};
KeptBlock read_block(const std::string& block) {
    try {
        auto certs = read_pem_certificates(block, "a PEM block");
        if (certs.empty()) return {{}, block};
        return {sha256_hex(certs.front().get()),
                plain_certificate_block(block) ? block : to_pem(certs.front().get())};
    } catch (const Error&) {
        return {{}, block};
    }
}

// A YAML mapping entry `key: value` at `indent`: multi-line text as a literal block.
std::string yaml_entry(const std::string& key, const std::string& value, size_t indent) {
    std::string pad(indent, ' ');
    bool block = value.find('\n') != std::string::npos &&
                 needs_escaping(value, Newlines::keep) == false &&
                 value.find('\r') == std::string::npos && !value.empty() && value.front() != ' ';
    if (!block) return pad + yaml_scalar(key) + ": " + yaml_scalar(value) + "\n";
    std::string out = pad + yaml_scalar(key) + ": |" + (value.back() == '\n' ? "" : "-") + "\n";
    for (auto line : split_lines(value))
        out += line.empty() ? "\n" : pad + "  " + std::string(line) + "\n";
    return out;
}

std::string kubectl_ns(const std::string& ns) {
    return "kubectl -n " + shell_quote(ns) + " ";
}

// The workload the controller runs as: a StatefulSet under the operator's statefulset-ordinals.
std::string controller_workload(const Finding& f) {
    return f.installation.statefulsets ? "statefulset" : "deployment";
}

void insert_command(FixView& view, size_t at, const std::string& command) {
    view.commands.insert(view.commands.begin() + static_cast<long>(at), command);
    for (auto& c : view.comments)
        if (c.before > at) ++c.before;
}

// One command that writes `pem` to `file`: each line a quoted word of printf.
std::string write_pem_command(const std::string& pem, const std::string& file) {
    std::string command = "printf '%s\\n'";
    for (auto line : split_lines(pem))
        if (!trim(line).empty()) command += " " + shell_quote(trim(line));
    return command + " > " + file;
}

// A fix whose commands read registry-ca.pem gets the CA the probe found written there first.
void write_probed_ca(FixView& view, const Finding& f) {
    if (!f.probed || !f.probe.has_anchor || f.probe.trust_anchor.pem.empty()) return;
    bool reads = false;
    for (const auto& c : view.commands) {
        if (c.find("> registry-ca.pem") != std::string::npos) return;  // written already
        reads = reads || c.find("registry-ca.pem") != std::string::npos;
    }
    if (!reads) return;
    view.commands.insert(view.commands.begin(),
                         write_pem_command(f.probe.trust_anchor.pem, "registry-ca.pem"));
    for (auto& c : view.comments)
        ++c.before;  // every comment stood before a command that moved down
    view.comments.insert(view.comments.begin(),
                         {0, "The CA the probe found (" + visible(f.probe.trust_anchor.subject) +
                                 "), as registry-ca.pem:"});
}

// add-ca-to-config-registry-cert: the CA the probe found, written to a file by a command (offline),
// or the complete ConfigMap and its patch (cluster mode).
void add_ca_to_config_registry_cert(FixView& view, const Finding& f) {
    if (!f.probed || !f.probe.has_anchor || f.probe.trust_anchor.pem.empty()) return;
    const std::string ns =
        f.tekton_namespace.empty() ? std::string("tekton-pipelines") : f.tekton_namespace;
    const std::string& ca = f.probe.trust_anchor.pem;
    if (!f.installation.read || !f.installation.configmap_present) {
        // Offline: the PEM reaches registry-ca.pem by a command, not by hand.
        insert_command(view, 0, write_pem_command(ca, "registry-ca.pem"));
        return;
    }
    std::string existing;
    for (const auto& [k, v] : f.installation.configmap_data)
        if (k == "cert") existing = v;
    CaBundle bundle = merge_ca_bundle(existing, {ca});
    view.manifest = "# config-registry-cert.yaml: the complete ConfigMap (" +
                    std::to_string(bundle.kept) + " certificate" + (bundle.kept == 1 ? "" : "s") +
                    " already there, in order, then the registry's CA)\n" +
                    config_registry_cert_manifest(f.installation, ns, bundle.pem);
    view.commands.clear();
    view.comments.clear();
    auto comment = [&](const std::string& text) {
        view.comments.push_back({view.commands.size(), text});
    };
    comment("1. Keep a copy of the ConfigMap as it is now:");
    view.commands.push_back(
        kubectl_ns(ns) +
        "get configmap config-registry-cert -o yaml > config-registry-cert.backup.yaml");
    Json cert_patch = {{"data", {{"cert", bundle.pem}}}};
    if (f.installation.operator_managed) {
        // TektonConfig spec.pipeline.options.configMaps is not a way in: the operator copies that
        // data into the config-registry-cert of Tekton's release manifest, which has no data map,
        // and assigning into it panics its reconcile (tektoncd/operator,
        // pkg/reconciler/common/transformer_additional_options.go, updateConfigMaps).
        view.description +=
            " The Tekton Operator owns this installation. Do not put the bundle into TektonConfig "
            "spec.pipeline.options.configMaps: the operator copies it into the shipped "
            "config-registry-cert, which has no data map, and its reconcile panics "
            "(tektoncd/operator, transformer_additional_options.go, updateConfigMaps). The direct "
            "edit below works until the operator re-applies its manifests (an upgrade, a "
            "TektonConfig change): check the value after each, with the last command.";
    }
    comment(
        "2. Write the complete bundle under `cert` (the manifest above, as a merge patch; "
        "other keys, labels and annotations stay):");
    view.commands.push_back(kubectl_ns(ns) +
                            "patch configmap config-registry-cert --type merge -p " +
                            shell_quote(json_text(cert_patch)));
    std::string workload = controller_workload(f);
    comment("3. Restart the controller (a " +
            std::string(workload == "statefulset" ? "StatefulSet" : "Deployment") +
            ") so that it loads the new roots, then re-run the failed runs:");
    view.commands.push_back(kubectl_ns(ns) + "rollout restart " + workload +
                            " tekton-pipelines-controller");
    view.commands.push_back(kubectl_ns(ns) + "rollout status " + workload +
                            " tekton-pipelines-controller --timeout=180s");
    if (f.installation.operator_managed) {
        comment("4. After the operator re-applies its manifests, count the CAs still there:");
        view.commands.push_back(kubectl_ns(ns) +
                                "get configmap config-registry-cert -o jsonpath='{.data.cert}' | "
                                "grep -c 'BEGIN CERTIFICATE'");
    }
}

const ImageView* image_of(const Finding& f, const std::string& image) {
    for (const auto& [ref, view] : f.step_images)
        if (ref == image && view.read && !view.platforms.empty()) return &view;
    return nullptr;
}

std::string platform_name(const ImagePlatform& p) {
    return p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant);
}

// The platform whose Entrypoint and Cmd the fix uses: linux/amd64 when the image has it, else the
// first listed.
const ImagePlatform& chosen_platform(const ImageView& image) {
    for (const auto& p : image.platforms)
        if (p.os == "linux" && p.architecture == "amd64") return p;
    return image.platforms.front();
}

// set-step-command: the probed Entrypoint (and Cmd when the step has no args) as a JSON patch
// with `test` operations on each step's index and name.
void set_step_command(FixView& view, const Finding& f) {
    const std::string ns =
        f.object.namespace_.empty() ? std::string("NAMESPACE") : f.object.namespace_;
    Json task_ops = Json::array(), action_ops;
    std::vector<std::string> manifest_steps, notes;
    std::vector<std::pair<std::string, Json>> step_actions;
    for (const auto& step : f.lookup_steps) {
        const ImageView* image = image_of(f, step.image);
        if (!image || step.index < 0) return;  // the template's placeholders stand
        const ImagePlatform& p = chosen_platform(*image);
        if (p.entrypoint.empty() && p.cmd.empty()) return;
        // Tekton runs Cmd as the command when the image has no Entrypoint.
        Json command = p.entrypoint.empty() ? Json(p.cmd) : Json(p.entrypoint);
        Json args = p.entrypoint.empty() ? Json::array() : Json(p.cmd);
        bool differ = false;
        for (const auto& q : image->platforms)
            differ = differ || q.entrypoint != p.entrypoint || q.cmd != p.cmd;
        if (differ) {
            std::vector<std::string> each;
            for (const auto& q : image->platforms)
                each.push_back(platform_name(q) + " " + Json(q.entrypoint).dump() + " " +
                               Json(q.cmd).dump());
            notes.push_back("The platforms of " + step.image + " differ (" + join(each, "; ") +
                            "). The controller would pick each node's own; an explicit command "
                            "applies on every "
                            "platform, and this one is " +
                            platform_name(p) + "'s.");
        }
        std::string base = "/spec/steps/" + std::to_string(step.index);
        if (!step.ref.empty()) {
            Json ops =
                Json::array({{{"op", "add"}, {"path", "/spec/command"}, {"value", command}}});
            if (!step.has_args && !args.empty())
                ops.push_back({{"op", "add"}, {"path", "/spec/args"}, {"value", args}});
            step_actions.emplace_back(step.ref, ops);
            notes.push_back("Step " + step.name + " uses the StepAction " + step.ref +
                            ", and a step with `ref` cannot take `command` (\"command cannot be "
                            "used with Ref\"): the "
                            "patch goes to the StepAction, which every Task using it shares.");
            continue;
        }
        task_ops.push_back({{"op", "test"}, {"path", base + "/name"}, {"value", step.name}});
        task_ops.push_back({{"op", "add"}, {"path", base + "/command"}, {"value", command}});
        std::string shown = "  - name: " + yaml_scalar(step.name) +
                            "\n    image: " + yaml_scalar(step.image) +
                            "\n    command: " + command.dump() + "\n";
        if (!step.has_args && !args.empty()) {
            task_ops.push_back({{"op", "add"}, {"path", base + "/args"}, {"value", args}});
            shown += "    args: " + args.dump() + "\n";
        } else if (step.has_args) {
            shown += "    # args: the step's own, unchanged\n";
        }
        manifest_steps.push_back(shown);
    }
    if (f.lookup_steps.empty()) return;
    view.commands.clear();
    view.comments.clear();
    view.manifest.clear();
    if (!manifest_steps.empty()) {
        view.manifest =
            "# The steps with the image's Entrypoint and Cmd, as the probe read them:\nsteps:\n";
        for (const auto& s : manifest_steps) view.manifest += s;
    }
    for (const auto& n : notes) view.description += " " + n;
    auto comment = [&](const std::string& text) {
        view.comments.push_back({view.commands.size(), text});
    };
    for (const auto& [action, ops] : step_actions) {
        comment("The StepAction " + action + " (a JSON patch):");
        view.commands.push_back(kubectl_ns(ns) + "get stepaction " + shell_quote(action) +
                                " -o yaml > stepaction.backup.yaml");
        view.commands.push_back(kubectl_ns(ns) + "patch stepaction " + shell_quote(action) +
                                " --type json -p " + shell_quote(ops.dump()));
    }
    if (task_ops.empty()) return;
    const StepsSource& src = f.steps_source;
    const Json ops = relocate_step_ops(src, task_ops);
    if ((src.kind == "Task" || src.kind == "Pipeline") && !ops.is_null()) {
        const bool task = src.kind == "Task";
        const std::string resource = task ? "task" : "pipeline";
        comment(task ? "The Task " + src.name + " (a JSON patch; its `test` operations refuse it if the steps moved):"
                     : "The Pipeline " + src.name + ", pipeline task " + src.pipeline_task +
                           " (a JSON patch; its `test` operations refuse it if the tasks or steps moved):");
        view.commands.push_back(kubectl_ns(ns) + "get " + resource + " " + shell_quote(src.name) + " -o yaml > " +
                                resource + ".backup.yaml");
        view.commands.push_back(kubectl_ns(ns) + "patch " + resource + " " + shell_quote(src.name) +
                                " --type json -p " + shell_quote(ops.dump()));
        return;
    }
    // Steps inline in a run: a finished run is not changed; it is created again with the patch
    // (a child of a PipelineRun through its PipelineRun, whose pipelineSpec holds the steps).
    const bool pipeline_run = src.kind == "PipelineRun";
    if (!ops.is_null() && (pipeline_run || f.parent.empty())) {
        comment(pipeline_run ? "The PipelineRun " + src.name + "'s inline pipelineSpec, pipeline task " +
                                   src.pipeline_task +
                                   ": create the run again with the patch (its `test` operations refuse it if "
                                   "the tasks or steps moved); change the same in the run's source:"
                             : "The run's inline taskSpec: create the run again with the patch (its `test` "
                               "operations refuse it if the steps moved); change the same in the run's source:");
        view.commands.push_back(kubectl_ns(ns) + "get " + (pipeline_run ? "pipelinerun " : "taskrun ") +
                                shell_quote(src.name) +
                                " -o json | jq 'del(.status) | .metadata |= {generateName: (.name + \"-\"), "
                                "namespace, labels, annotations}' | kubectl patch --local -f - --type json -p " +
                                shell_quote(ops.dump()) + " -o json | kubectl create -f -");
        return;
    }
    comment(f.parent.empty()
                ? "The JSON patch for the Task that declares the steps (paths under /spec/steps):"
                : "The JSON patch for the steps (paths as in a Task's /spec/steps; in the "
                  "PipelineRun " +
                      f.parent.name + " they sit under the pipeline task's taskSpec):");
    view.commands.push_back("printf '%s\\n' " + shell_quote(task_ops.dump()) +
                            " > set-step-command.patch.json");
}

// configure-step-tool-ca for kaniko: the flag appended to the step's own args (a JSON patch
// `add` to .../args/-), in the step that ran kaniko.
void kaniko_ca(FixView& view, const Finding& f) {
    if (f.tool != "kaniko") return;
    const StepSpec* step = nullptr;
    for (const auto& s : f.steps)
        if (!f.step.empty() && s.name == f.step) step = &s;
    if (!step || step->index < 0 || f.steps_source.kind != "Task" || f.steps_source.name.empty() ||
        f.registry.empty())
        return;
    const std::string ns =
        f.object.namespace_.empty() ? std::string("NAMESPACE") : f.object.namespace_;
    std::string base = "/spec/steps/" + std::to_string(step->index);
    std::string flag = "--registry-certificate=" + f.registry + "=/kaniko/registry-ca/ca.crt";
    // Appended to the step's own args; a step without args gets the list (an add to .../args/-
    // fails where there is no list).
    Json add = step->has_args
                   ? Json{{"op", "add"}, {"path", base + "/args/-"}, {"value", flag}}
                   : Json{{"op", "add"}, {"path", base + "/args"}, {"value", Json::array({flag})}};
    Json ops = Json::array({{{"op", "test"}, {"path", base + "/name"}, {"value", f.step}}, add});
    view.comments.push_back(
        {view.commands.size(), "Append the flag to the step's own args in the Task " +
                                   f.steps_source.name +
                                   " (a JSON patch; then add the volume and mount shown above):"});
    view.commands.push_back(kubectl_ns(ns) + "get task " + shell_quote(f.steps_source.name) +
                            " -o yaml > task.backup.yaml");
    view.commands.push_back(kubectl_ns(ns) + "patch task " + shell_quote(f.steps_source.name) +
                            " --type json -p " + shell_quote(ops.dump()));
}

}  // namespace

Json relocate_step_ops(const StepsSource& src, const Json& task_ops) {
    std::string steps_at;  // where the Task's /spec (its steps' parent) is in the owner
    Json ops = Json::array();
    if (src.kind == "Task") {
        steps_at = "/spec";
    } else if (src.kind == "TaskRun") {
        steps_at = "/spec/taskSpec";
    } else if ((src.kind == "PipelineRun" || src.kind == "Pipeline") && src.pipeline_task_index >= 0) {
        std::string task = std::string(src.kind == "PipelineRun" ? "/spec/pipelineSpec/" : "/spec/") +
                           src.pipeline_task_list + "/" + std::to_string(src.pipeline_task_index);
        ops.push_back({{"op", "test"}, {"path", task + "/name"}, {"value", src.pipeline_task}});
        steps_at = task + "/taskSpec";
    }
    if (steps_at.empty() || src.name.empty()) return nullptr;
    for (auto op : task_ops) {
        op["path"] = steps_at + op["path"].get<std::string>().substr(5);  // past "/spec"
        ops.push_back(op);
    }
    return ops;
}

std::vector<ObjectRef> runs_to_rerun(const Finding& f) {
    std::vector<ObjectRef> out;
    auto add = [&](const ObjectRef& r) {
        for (const auto& o : out)
            if (same_run(o, r)) return;
        out.push_back(r);
    };
    if (!f.rerun_runs.empty())
        for (const auto& r : f.rerun_runs) add(r);
    else
        add(f.parent.empty() ? f.object : f.parent);
    return out;
}

void drop_repeated_reruns(std::vector<Finding>& findings) {
    std::vector<ObjectRef> covered;
    for (auto& f : findings) {
        auto it = std::find_if(f.fixes.begin(), f.fixes.end(),
                               [](const FixView& v) { return v.needs_run; });
        if (it == f.fixes.end()) continue;
        auto runs = runs_to_rerun(f);
        bool all_covered =
            !runs.empty() && std::all_of(runs.begin(), runs.end(), [&](const ObjectRef& r) {
                return std::any_of(covered.begin(), covered.end(),
                                   [&](const ObjectRef& c) { return same_run(c, r); });
            });
        if (all_covered && !runs.front().name.empty()) {
            f.fixes.erase(it);
            continue;
        }
        for (const auto& r : runs) covered.push_back(r);
    }
}

CaBundle merge_ca_bundle(const std::string& existing, const std::vector<std::string>& added_pems) {
    CaBundle out;
    std::set<std::string> seen;
    for (const auto& raw : pem_blocks(existing)) {
        KeptBlock block = read_block(raw);
        if (!block.digest.empty() && !seen.insert(block.digest).second)
            continue;  // a duplicate already there goes too
        // A block that is no certificate and holds a private key's marker (a key pasted into
        // a certificate's lines) trusts nothing, and the bundle is printed (the manifest, the
        // patch command): it goes, as the text between the certificates goes.
        if (block.digest.empty() && block.text.find("PRIVATE KEY") != std::string::npos) continue;
        out.pem += block.text;
        ++out.kept;
    }
    for (const auto& pem : added_pems)
        for (const auto& raw : pem_blocks(pem)) {
            KeptBlock block = read_block(raw);
            if (block.digest.empty()) continue;  // only certificates are added
            if (!seen.insert(block.digest).second) {
                ++out.already;
                continue;
            }
            out.pem += block.text;
            ++out.added;
        }
    return out;
}

std::string config_registry_cert_manifest(const InstallationFacts& facts, const std::string& ns,
                                          const std::string& cert) {
    std::string out =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-registry-cert\n  namespace: " +
        yaml_scalar(ns) + "\n";
    if (!facts.configmap_labels.empty()) {
        out += "  labels:\n";
        for (const auto& [k, v] : facts.configmap_labels) out += yaml_entry(k, v, 4);
    }
    // kubectl's own bookkeeping is not part of the object's meaning.
    std::vector<std::pair<std::string, std::string>> annotations;
    for (const auto& a : facts.configmap_annotations)
        if (a.first != "kubectl.kubernetes.io/last-applied-configuration") annotations.push_back(a);
    if (!annotations.empty()) {
        out += "  annotations:\n";
        for (const auto& [k, v] : annotations) out += yaml_entry(k, v, 4);
    }
    // A key that may hold a secret (a private key, a password) is never printed: the manifest
    // leaves it out and says so, and the merge patch, which keeps it, is the way to apply.
    std::string hidden;
    for (const auto& [k, v] : facts.configmap_data)
        if (k != "cert" && looks_secret(k, v)) hidden += (hidden.empty() ? "data." : ", data.") + k;
    if (!hidden.empty())
        out = "# Not shown, as they may hold secrets: " + visible(hidden) +
              ". Apply the merge patch below, which keeps them; applying this file as a whole "
              "would drop them.\n" +
              out;
    out += "data:\n";
    bool wrote_cert = false;
    for (const auto& [k, v] : facts.configmap_data) {
        if (k == "cert") {
            out += yaml_entry("cert", cert, 2);
            wrote_cert = true;
        } else if (!looks_secret(k, v)) {
            out += yaml_entry(k, v, 2);
        }
    }
    if (!wrote_cert) out += yaml_entry("cert", cert, 2);
    return out;
}

void build_artefacts(FixView& view, const Finding& f) {
    if (view.id == "add-ca-to-config-registry-cert")
        add_ca_to_config_registry_cert(view, f);
    else if (view.id == "set-step-command")
        set_step_command(view, f);
    else if (view.id == "configure-step-tool-ca")
        kaniko_ca(view, f);
    write_probed_ca(view, f);
}

}  // namespace certdoctor
