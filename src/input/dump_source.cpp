#include "input/dump_source.h"

#include <re2/re2.h>
#include <ctime>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "input/dump_fields.h"
#include "input/normalise.h"
#include "input/yaml_tree.h"
#include "util/error.h"
#include "util/json_access.h"
#include "util/escape.h"
#include "util/text.h"
#include "util/time.h"
#include "util/unicode_bom.h"

namespace certdoctor {

namespace {

using Json = nlohmann::json;

// The member `key` of an object, or null for anything else: the reader never throws on odd shapes.
const Json& field(const Json& node, const char* key) { return json_at(node, {key}); }

// A scalar's text (numbers and booleans as written), or "" for anything else.
std::string str(const Json& node, const char* key) {
    const Json& v = field(node, key);
    if (v.is_string()) return v.get_ref<const std::string&>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return {};
}

bool non_empty(const Json& node, const char* key) {
    const Json& v = field(node, key);
    if (v.is_array()) return !v.empty();
    if (v.is_string()) return !v.get_ref<const std::string&>().empty();
    return v.is_number() || v.is_boolean();
}

}  // namespace

// Unknown with one of these reasons means "still fine so far".
bool resolving_reason(const std::string& reason) {
    return reason == "ResolvingTaskRef" || reason == "ResolvingPipelineRef" || reason == "ResolvingStepActionRef";
}

bool failing_condition(const std::string& status, const std::string& reason, const std::string& message) {
    static const std::set<std::string> benign = {"", "Running", "Started", "Pending"};
    if (status == "False") return true;
    if (status != "Unknown") return false;
    if (resolving_reason(reason))  // "TaskRun ns/name awaiting remote resource" is progress
        return !message.empty() && message.find("awaiting remote resource") == std::string::npos;
    return benign.count(reason) == 0;
}

namespace {

// Whether every run must show its Succeeded condition. A file must: a run without one is a
// dump cut short (kubectl writes status after spec) or a run no controller has reconciled yet,
// and either read as "no problem" would be a false all-clear. The API's own objects need not.
enum class ConditionRequired { yes, no };

class DumpReader {
public:
    DumpReader(std::string source, ConditionRequired required) : required_(required) {
        batch_.source = std::move(source);
    }

    void read_document(const Json& doc) {
        if (!doc.is_object()) return;
        std::string kind = str(doc, "kind");
        const Json& items = field(doc, "items");
        if (items.is_array()) {
            for (const auto& item : items) read_document(item);
            return;
        }
        if (kind == "TaskRun") read_taskrun(doc, {}, "");
        else if (kind == "PipelineRun") read_pipelinerun(doc);
        else if (kind == "Event") read_event(doc);
        else if (kind == "Pod") read_pod(doc);
        else if (!kind.empty()) skipped_kinds_.insert(kind);
    }

    InputBatch finish() {
        // Events name the pod; the run is what the reader acts on. The pod's node stays with the
        // record, and the run's own conditions learn it too (the kubelet pulled on that node).
        std::map<std::string, std::string> run_nodes;  // "ns/taskrun" -> node
        for (const auto& [pod, node] : pod_nodes_) {
            auto it = pods_.find(pod);
            if (it != pods_.end()) run_nodes[it->second.object.namespace_ + "/" + it->second.object.name] = node;
        }
        for (auto& r : batch_.records) {
            if (r.object.kind == "TaskRun" && r.node.empty()) {
                auto node = run_nodes.find(r.object.namespace_ + "/" + r.object.name);
                if (node != run_nodes.end()) r.node = node->second;
            }
            if (r.object.kind != "Pod") continue;
            std::string pod_key = r.object.namespace_ + "/" + r.object.name;
            if (auto node = pod_nodes_.find(pod_key); node != pod_nodes_.end() && r.node.empty()) r.node = node->second;
            auto it = pods_.find(pod_key);
            if (it == pods_.end()) continue;
            r.object = it->second.object;
            r.parent = it->second.parent;
            r.steps = it->second.steps;
            r.steps_source = it->second.steps_source;
            r.service_account = it->second.service_account;
            r.running = it->second.running;
        }
        // A child's steps declared inline in its pipeline: the pipeline task's place there, in the
        // PipelineRun's own pipelineSpec or in the Pipeline it names.
        for (auto& r : batch_.records) {
            StepsSource& src = r.steps_source;
            if (src.kind != "PipelineRun") continue;
            auto it = inline_tasks_.find(r.parent.namespace_ + "/" + src.name + "/" + src.pipeline_task);
            if (it == inline_tasks_.end()) continue;
            const InlineTask& place = it->second;
            if (!place.pipeline.empty()) {
                src.kind = "Pipeline";
                src.name = place.pipeline;
            }
            src.pipeline_task_list = place.list;
            src.pipeline_task_index = place.index;
        }
        for (const auto& [name, pr] : missing_children_) {
            if (seen_taskruns_.count(name)) continue;
            batch_.notes.push_back("PipelineRun " + pr + " names TaskRun " + name +
                                   ", which is not in the input; add it with: kubectl get taskrun " +
                                   shell_quote(name) + " -o yaml");
        }
        for (const auto& kind : skipped_kinds_)
            batch_.notes.push_back("skipped objects of kind " + kind);
        return std::move(batch_);
    }

    bool found_anything() const { return batch_.runs > 0 || pods_and_events_ > 0; }
    const std::set<std::string>& skipped_kinds() const { return skipped_kinds_; }
    // The runs whose Succeeded condition could not be read ("TaskRun ci/build-1").
    const std::vector<std::string>& unreadable_runs() const { return unreadable_runs_; }

private:
    ConditionRequired required_;
    std::vector<std::string> unreadable_runs_;
    InputBatch batch_;
    std::set<std::string> skipped_kinds_;
    std::set<std::string> seen_taskruns_;
    std::map<std::string, std::string> missing_children_;  // child TaskRun -> PipelineRun
    size_t pods_and_events_ = 0;
    std::map<std::string, FailureRecord> pods_;  // "ns/pod" -> the TaskRun that owns the pod
    std::map<std::string, std::string> pod_nodes_;  // "ns/pod" -> its spec.nodeName
    std::map<std::string, std::string> parent_service_account_;  // PipelineRun -> its ServiceAccount
    // A pipeline task with an inline taskSpec: where it stands in its pipeline's spec, and the
    // Pipeline that declares it ("" when the PipelineRun's own pipelineSpec does).
    struct InlineTask {
        std::string list;  // "tasks" or "finally"
        int index = -1;
        std::string pipeline;
    };
    std::map<std::string, InlineTask> inline_tasks_;  // "namespace/PipelineRun/pipeline task" ->
    bool running_ = false;         // the run being read has its Succeeded condition Unknown
    std::map<std::string, bool> parent_running_;  // PipelineRun -> its Succeeded condition is Unknown

    void mark_running(size_t first, bool running) {
        for (size_t i = first; i < batch_.records.size(); ++i) batch_.records[i].running = running;
    }

    static ObjectRef ref_of(const Json& doc, const char* kind) {
        const Json& meta = field(doc, "metadata");
        return {kind, str(meta, "namespace"), str(meta, "name")};
    }

    void add(const FailureRecord& base, const std::string& message, const std::string& origin,
             const std::string& reason, const std::string& step = "") {
        if (trim(message).empty()) return;
        FailureRecord r = base;
        r.message = normalise_message(message);
        r.origin = origin;
        r.reason = reason;
        if (!step.empty()) r.step = step;
        batch_.records.push_back(std::move(r));
    }

    static std::vector<StepSpec> read_steps(const Json& task_spec) {
        std::vector<StepSpec> steps;
        const Json& list = field(task_spec, "steps");
        if (!list.is_array()) return steps;
        for (const auto& s : list) {
            StepSpec step;
            step.index = static_cast<int>(steps.size());
            step.ref = str(field(s, "ref"), "name");
            step.name = str(s, "name");
            step.image = str(s, "image");
            step.has_command = non_empty(s, "command");
            step.has_script = non_empty(s, "script");
            step.has_args = non_empty(s, "args");
            steps.push_back(std::move(step));
        }
        return steps;
    }

    // A run read from a file must say whether it succeeded: a Succeeded condition whose status is
    // True, False or Unknown.
    void require_condition(const Json& status, const ObjectRef& run) {
        if (required_ == ConditionRequired::no) return;
        const Json& conditions = field(status, "conditions");
        if (conditions.is_array())
            for (const auto& c : conditions) {
                std::string state = str(c, "status");
                if (str(c, "type") == "Succeeded" && (state == "True" || state == "False" || state == "Unknown")) return;
            }
        unreadable_runs_.push_back(run.kind + " " + (run.namespace_.empty() ? "" : run.namespace_ + "/") +
                                   (run.name.empty() ? "(no name)" : run.name));
    }

    // Reads the Succeeded condition; returns true when it says the run failed or is failing.
    bool read_conditions(const Json& status, const FailureRecord& base, const std::string& prefix) {
        bool failed = false;
        const Json& conditions = field(status, "conditions");
        if (!conditions.is_array()) return false;
        for (const auto& c : conditions) {
            std::string type = str(c, "type"), state = str(c, "status"), reason = str(c, "reason");
            if (type != "Succeeded") continue;
            bool failing = failing_condition(state, reason, str(c, "message"));
            failed = failed || failing;
            if (state == "Unknown") running_ = true;
            if (failing || state == "Unknown")
                add(base, str(c, "message"), prefix + "conditions[Succeeded]", reason);
            if (!failing && resolving_reason(reason) && prefix == "status.")
                note_waiting(base.object, reason, str(c, "lastTransitionTime"));
        }
        return failed;
    }

    // A run still waiting for its remote resource shows no error of its own: the resolver retries
    // a transient one (a TLS time-out) on the ResolutionRequest the run owns, where it is written.
    // Resolution takes seconds: a run that started waiting a minute ago or less is left alone.
    void note_waiting(const ObjectRef& run, const std::string& reason, const std::string& since) {
        auto at = parse_rfc3339(since);
        if (at && std::time(nullptr) - *at <= 60) return;
        ++batch_.waiting_runs;
        batch_.notes.push_back(
            run.kind + " " + run.namespace_ + "/" + run.name + " still waits for its remote resource (" + reason +
            (at ? " since " + since : "") + "); a resolver that cannot reach its source retries, and its error is on the run's "
            "ResolutionRequest: kubectl -n " + shell_quote(run.namespace_) +
            " get resolutionrequests.resolution.tekton.dev -o json | jq --arg run " + shell_quote(run.name) +
            " '.items[] | select(any(.metadata.ownerReferences[]?; .name == $run)) | "
            "{name: .metadata.name, conditions: .status.conditions}'");
    }

    void read_container_states(const Json& status, const FailureRecord& base,
                               const std::string& prefix, const char* list_key) {
        const Json& list = field(status, list_key);
        if (!list.is_array()) return;
        for (const auto& s : list) {
            std::string name = str(s, "name");
            for (const char* state : {"waiting", "terminated"}) {
                const Json& st = field(s, state);
                if (st.is_null()) continue;
                std::string reason = str(st, "reason");
                if (reason == "Completed") continue;
                add(base, str(st, "message"),
                    prefix + list_key + "[" + name + "]." + state, reason, name);
            }
        }
    }

    bool read_taskrun_status(const Json& status, const FailureRecord& base,
                             const std::string& prefix) {
        bool failed = read_conditions(status, base, prefix);
        read_container_states(status, base, prefix, "steps");
        read_container_states(status, base, prefix, "sidecars");
        const Json& retries = field(status, "retriesStatus");
        if (retries.is_array()) {
            for (size_t i = 0; i < retries.size(); ++i) {
                std::string p = prefix + "retriesStatus[" + std::to_string(i) + "].";
                failed = read_taskrun_status(retries[i], base, p) || failed;
            }
        }
        return failed;
    }

    void read_taskrun(const Json& doc, const ObjectRef& parent, const std::string& prefix) {
        FailureRecord base;
        base.object = ref_of(doc, "TaskRun");
        base.parent = parent;
        if (base.parent.empty()) {
            std::string pr = str(field(field(doc, "metadata"), "labels"), "tekton.dev/pipelineRun");
            if (!pr.empty()) base.parent = {"PipelineRun", base.object.namespace_, pr};
        }
        seen_taskruns_.insert(base.object.name);
        const Json& status = field(doc, "status");
        if (prefix.empty()) require_condition(status, base.object);  // embedded children follow their parent's
        const Json& spec = field(doc, "spec");
        base.steps = read_steps(field(status, "taskSpec"));
        if (base.steps.empty()) base.steps = read_steps(field(spec, "taskSpec"));
        std::string task = str(field(spec, "taskRef"), "name"), task_kind = str(field(spec, "taskRef"), "kind");
        if (!task.empty() && (task_kind.empty() || task_kind == "Task")) base.steps_source = {"Task", task, ""};
        else if (field(spec, "taskSpec").is_object()) base.steps_source = {"TaskRun", base.object.name, ""};
        // A child whose taskSpec came inline from its PipelineRun's pipelineSpec: the steps are
        // changed there (finish() finds the pipeline task's place once every document is read).
        std::string pipeline_task = str(field(field(doc, "metadata"), "labels"), "tekton.dev/pipelineTask");
        if (base.steps_source.kind == "TaskRun" && !base.parent.empty() && !pipeline_task.empty())
            base.steps_source = {"PipelineRun", base.parent.name, pipeline_task};
        base.service_account = str(spec, "serviceAccountName");
        if (base.service_account.empty()) base.service_account = parent_service_account_[base.parent.name];
        ++batch_.runs;
        running_ = false;
        size_t first = batch_.records.size();
        if (read_taskrun_status(status, base, prefix + "status.")) ++batch_.failed_runs;
        // A child is re-run through its PipelineRun: what counts is whether that one still runs.
        auto parent_state = parent_running_.find(base.parent.name);
        base.running = base.parent.empty() || parent_state == parent_running_.end() ? running_ : parent_state->second;
        mark_running(first, base.running);
        std::string pod = str(status, "podName");
        if (!pod.empty()) pods_[base.object.namespace_ + "/" + pod] = base;
        note_failed_step(status, base.object);
    }

    // A step that failed on its own leaves only "exited with code N" in the status: the error
    // itself is in the step's log, which is where to look next.
    void note_failed_step(const Json& status, const ObjectRef& run) {
        static const RE2 exited("\"step-([^\"]+)\" exited with code (\\d+)");
        const Json& conditions = field(status, "conditions");
        if (!conditions.is_array()) return;
        for (const auto& c : conditions) {
            std::string step, code;
            if (str(c, "status") != "False" || !RE2::PartialMatch(str(c, "message"), exited, &step, &code))
                continue;
            std::string pod = str(status, "podName");
            batch_.notes.push_back("TaskRun " + run.namespace_ + "/" + run.name + ": " +
                                   failed_step_pointer("step-" + step, code, run.namespace_,
                                                       pod.empty() ? run.name + "-pod" : pod));
        }
    }

    void read_pipelinerun(const Json& doc) {
        FailureRecord base;
        base.object = ref_of(doc, "PipelineRun");
        const Json& status = field(doc, "status");
        const Json& spec = field(doc, "spec");
        require_condition(status, base.object);
        base.service_account = str(field(spec, "taskRunTemplate"), "serviceAccountName");
        if (base.service_account.empty()) base.service_account = str(spec, "serviceAccountName");  // v1beta1
        parent_service_account_[base.object.name] = base.service_account;
        // The pipeline's tasks: inline in the run, or those of the Pipeline its pipelineRef names
        // in the cluster (not a resolver's), which the run keeps resolved in status.pipelineSpec.
        const Json& pipeline_ref = field(spec, "pipelineRef");
        std::string pipeline;
        const Json* pipeline_spec = &field(spec, "pipelineSpec");
        if (!pipeline_spec->is_object() && field(pipeline_ref, "resolver").is_null() &&
            (str(pipeline_ref, "kind").empty() || str(pipeline_ref, "kind") == "Pipeline") &&
            !str(pipeline_ref, "name").empty()) {
            pipeline = str(pipeline_ref, "name");
            pipeline_spec = &field(status, "pipelineSpec");
        }
        for (const char* list : {"tasks", "finally"}) {
            const Json& tasks = field(*pipeline_spec, list);
            if (!tasks.is_array()) continue;
            for (size_t i = 0; i < tasks.size(); ++i)
                if (field(tasks[i], "taskSpec").is_object())
                    inline_tasks_[base.object.namespace_ + "/" + base.object.name + "/" + str(tasks[i], "name")] = {
                        list, static_cast<int>(i), pipeline};
        }
        ++batch_.runs;
        running_ = false;
        size_t first = batch_.records.size();
        if (read_conditions(status, base, "status.")) ++batch_.failed_runs;
        mark_running(first, running_);
        parent_running_[base.object.name] = running_;
        // v1beta1 embeds the child runs' status.
        const Json& children = field(status, "taskRuns");
        if (children.is_object()) {
            for (auto it = children.begin(); it != children.end(); ++it) {
                Json child;
                child["metadata"]["name"] = it.key();
                child["metadata"]["namespace"] = base.object.namespace_;
                child["status"] = field(it.value(), "status");
                read_taskrun(child, base.object, "pipelinerun.status.taskRuns[" + it.key() + "].");
            }
        }
        // v1 only names them; they may be given alongside in the same input.
        const Json& refs = field(status, "childReferences");
        if (refs.is_array()) {
            for (const auto& r : refs)
                if (str(r, "kind") == "TaskRun" || str(r, "kind").empty())
                    missing_children_[str(r, "name")] = base.object.namespace_ + "/" + base.object.name;
        }
    }

    // A TaskRun's pod, dumped when the node could not pull a step image: its containers' waiting
    // messages carry the runtime's error (Kubernetes 1.32 and later also in ImagePullBackOff).
    void read_pod(const Json& doc) {
        ++pods_and_events_;
        FailureRecord base;
        base.object = ref_of(doc, "Pod");
        base.node = str(field(doc, "spec"), "nodeName");
        if (!base.node.empty()) pod_nodes_[base.object.namespace_ + "/" + base.object.name] = base.node;
        const Json& status = field(doc, "status");
        for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
            const Json& containers = field(status, list);
            if (!containers.is_array()) continue;
            for (const auto& c : containers) {
                std::string name = str(c, "name");
                std::string step = name.rfind("step-", 0) == 0 ? name.substr(5) : name;
                for (const char* state : {"waiting", "terminated"}) {
                    const Json& st = field(field(c, "state"), state);
                    add(base, str(st, "message"), std::string("pod.status.") + list + "[" + name + "]." + state,
                        str(st, "reason"), step);
                }
            }
        }
    }

    void read_event(const Json& doc) {
        ++pods_and_events_;
        const Json& involved = field(doc, "involvedObject");
        FailureRecord base;
        base.object = {str(involved, "kind"), str(involved, "namespace"), str(involved, "name")};
        std::string field_path = str(involved, "fieldPath");  // spec.containers{step-build}
        size_t open = field_path.find('{');
        if (open != std::string::npos && field_path.back() == '}') {
            std::string container = field_path.substr(open + 1, field_path.size() - open - 2);
            if (container.rfind("step-", 0) == 0) base.step = container.substr(5);
        }
        // The kubelet reports from its node (a core/v1 Event's source.host).
        base.node = str(field(doc, "source"), "host");
        add(base, str(doc, "message"), "events[" + str(doc, "reason") + "]", str(doc, "reason"));
    }
};

}  // namespace

std::string failed_step_pointer(std::string_view container, std::string_view code, std::string_view namespace_,
                                std::string_view pod) {
    std::string_view step = container.substr(container.rfind("step-", 0) == 0 ? 5 : 0);
    return "step " + std::string(step) + " exited with code " + std::string(code) +
           "; its error is in the step's log: kubectl -n " + shell_quote(namespace_) + " logs " + shell_quote(pod) +
           " -c " + shell_quote(container) + " | kubectl tekton-certdoctor explain -";
}

InputBatch read_dump_objects(const nlohmann::json& objects, const std::string& source) {
    DumpReader reader(source, ConditionRequired::no);
    if (objects.is_array())
        for (const auto& doc : objects) reader.read_document(doc);
    return reader.finish();
}

InputBatch read_dump(std::string_view text, const std::string& source) {
    if (text.find('\0') != std::string_view::npos) {
        std::string utf16 = utf16_without_bom(text);
        if (!utf16.empty()) throw input_error(utf16_without_bom_message(source, utf16));
        throw input_error(source + ": binary data, not a YAML or JSON dump");
    }
    DumpReader reader(source, ConditionRequired::yes);
    read_yaml_documents(text, source, dump_document_shape(),
                        [&reader](nlohmann::json&& doc) { reader.read_document(doc); });
    if (!reader.unreadable_runs().empty()) {
        const auto& runs = reader.unreadable_runs();
        std::string more = runs.size() > 1 ? " (and " + std::to_string(runs.size() - 1) + " more)" : "";
        throw input_error(source + ": " + runs.front() + more +
                          ": no Succeeded condition to read: the dump is cut short, or no controller has "
                          "reconciled the run yet; dump it again with kubectl get -o yaml");
    }
    if (!reader.found_anything()) {
        std::string kinds;
        for (const auto& k : reader.skipped_kinds()) kinds += (kinds.empty() ? "" : ", ") + k;
        throw input_error(source + ": no TaskRun, PipelineRun, Pod or Event found" +
                          (kinds.empty() ? std::string() : " (found: " + kinds + ")") +
                          "; dump one with: kubectl get taskrun NAME -o yaml");
    }
    return reader.finish();
}

}  // namespace certdoctor
