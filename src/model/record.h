// Failure records: the normalised messages every input source produces (cluster, dumped
// YAML/JSON, pasted text, logs), with what is known of the object and step they belong to.
// They are the input of the matcher.
#pragma once

#include <string>
#include <vector>

namespace certdoctor {

struct ObjectRef {
    std::string kind;  // TaskRun, PipelineRun, Pod...; empty when unknown
    std::string namespace_;
    std::string name;
    bool empty() const { return kind.empty() && name.empty(); }
};

// A step as declared in the run's task spec. Only steps with neither `command` nor `script` make
// the controller look the image's entrypoint up in the registry.
struct StepSpec {
    std::string name;
    std::string image;
    bool has_command = false;
    bool has_script = false;
    bool has_args = false;
    int index = -1;           // its place in the spec's steps (a JSON patch's path), -1 when unknown
    std::string ref;          // a StepAction (`ref: {name: ...}`); such a step cannot take `command`
    bool needs_entrypoint_lookup() const { return !has_command && !has_script; }
};

// Where a run's steps are declared, so that a patch can name the object to change.
struct StepsSource {
    // "Task" (a taskRef), "TaskRun" (its inline taskSpec), "PipelineRun" (the inline taskSpec of
    // a task of its inline pipelineSpec), "Pipeline" (the inline taskSpec of a task of the
    // Pipeline the PipelineRun's pipelineRef names); "" unknown.
    std::string kind;
    std::string name;           // the Task's, the run's or the Pipeline's
    std::string pipeline_task;  // the pipeline task that holds the taskSpec
    // Where that pipeline task stands in the pipeline's spec: its list ("tasks" or "finally") and
    // index, for a JSON patch's path; -1 when the PipelineRun was not read.
    std::string pipeline_task_list;
    int pipeline_task_index = -1;
};

struct FailureRecord {
    std::string message;  // already normalised: one logical message, escapes undone
    std::string origin;   // where it was read: "argument", "stdin:12", "status.conditions[Succeeded]"
    ObjectRef object;     // the run it belongs to, when known
    ObjectRef parent;     // the PipelineRun of a child TaskRun
    std::string reason;   // the condition or container reason, when known
    std::string step;     // the step it belongs to, when known
    std::vector<StepSpec> steps;  // the run's steps, when known
    StepsSource steps_source;
    // The ServiceAccount the run names (spec.serviceAccountName, or a PipelineRun's
    // taskRunTemplate.serviceAccountName); "" when it names none (Tekton then uses `default`).
    std::string service_account;
    // The node the run's pod was scheduled on (the Pod's spec.nodeName, or the node a kubelet's
    // event came from); "" when unknown.
    std::string node;
    bool running = false;  // the run's Succeeded condition is still Unknown: it may yet recover
    std::vector<std::string> repeated_at;  // where the same message about the same object was read again
    // Pasted text: the lines of a short paragraph share a number (0: none), and one more record
    // holds them joined, in case they are one message wrapped; the diagnosis keeps one reading.
    size_t paragraph = 0;
    bool joined = false;
};

// What an input source read: its records, and how many runs it saw and how many had failed, so
// that "nothing recognised" can be told from "nothing wrong".
struct InputBatch {
    std::string source;
    std::vector<FailureRecord> records;
    size_t runs = 0;         // TaskRuns/PipelineRuns read (0 for plain text)
    size_t failed_runs = 0;  // of those, how many had failed or were failing
    size_t waiting_runs = 0; // of those, how many have waited over a minute for their remote resource
    std::vector<std::string> notes;
};

}  // namespace certdoctor
