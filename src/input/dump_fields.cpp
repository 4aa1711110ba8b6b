#include "input/dump_fields.h"

namespace certdoctor {

namespace {

const JsonShape& leaf = JsonShape::scalar();

// command, args, script: the reader asks only whether they are given.
const JsonShape presence = JsonShape::array(leaf, 1);

const JsonShape state = JsonShape::object({{"reason", &leaf}, {"message", &leaf}});
const JsonShape container_state = JsonShape::object({{"name", &leaf}, {"waiting", &state}, {"terminated", &state}});
const JsonShape container_states = JsonShape::array(container_state);
const JsonShape pod_container_state = JsonShape::object({{"waiting", &state}, {"terminated", &state}});
const JsonShape pod_container = JsonShape::object({{"name", &leaf}, {"state", &pod_container_state}});
const JsonShape pod_containers = JsonShape::array(pod_container);

const JsonShape condition = JsonShape::object({{"type", &leaf}, {"status", &leaf}, {"reason", &leaf}, {"message", &leaf}, {"lastTransitionTime", &leaf}});
const JsonShape conditions = JsonShape::array(condition);

const JsonShape step_ref = JsonShape::object({{"name", &leaf}});
const JsonShape step = JsonShape::object({{"name", &leaf}, {"image", &leaf}, {"command", &presence},
                                {"script", &presence}, {"args", &presence}, {"ref", &step_ref}});
const JsonShape steps = JsonShape::array(step);
const JsonShape task_spec = JsonShape::object({{"steps", &steps}});

const JsonShape child_reference = JsonShape::object({{"kind", &leaf}, {"name", &leaf}});
const JsonShape child_references = JsonShape::array(child_reference);

// A pipeline's spec (a PipelineRun's inline pipelineSpec, or status.pipelineSpec: the Pipeline
// its pipelineRef names, as resolved): which pipeline task holds an inline taskSpec, and where.
const JsonShape pipeline_task = JsonShape::object({{"name", &leaf}, {"taskSpec", &task_spec}});
const JsonShape pipeline_tasks = JsonShape::array(pipeline_task);
const JsonShape pipeline_spec = JsonShape::object({{"tasks", &pipeline_tasks}, {"finally", &pipeline_tasks}});

extern const JsonShape status;
const JsonShape retries = JsonShape::array(status);
const JsonShape embedded_child = JsonShape::object({{"status", &status}});
const JsonShape embedded_children = JsonShape::map(embedded_child);

// A TaskRun's, a PipelineRun's and a Pod's status in one: their fields do not collide.
const JsonShape status = JsonShape::object({{"conditions", &conditions},
                                  {"steps", &container_states},
                                  {"sidecars", &container_states},
                                  {"retriesStatus", &retries},
                                  {"taskSpec", &task_spec},
                                  {"pipelineSpec", &pipeline_spec},
                                  {"podName", &leaf},
                                  {"taskRuns", &embedded_children},
                                  {"childReferences", &child_references},
                                  {"initContainerStatuses", &pod_containers},
                                  {"containerStatuses", &pod_containers}});

const JsonShape labels = JsonShape::object({{"tekton.dev/pipelineRun", &leaf}, {"tekton.dev/pipelineTask", &leaf}});
const JsonShape metadata = JsonShape::object({{"name", &leaf}, {"namespace", &leaf}, {"labels", &labels}});
const JsonShape task_ref = JsonShape::object({{"name", &leaf}, {"kind", &leaf}});
const JsonShape pipeline_ref = JsonShape::object({{"name", &leaf}, {"kind", &leaf}, {"resolver", &leaf}});
const JsonShape task_run_template = JsonShape::object({{"serviceAccountName", &leaf}});
const JsonShape spec = JsonShape::object({{"taskSpec", &task_spec},
                                {"pipelineSpec", &pipeline_spec},
                                {"taskRef", &task_ref},
                                {"pipelineRef", &pipeline_ref},
                                {"serviceAccountName", &leaf},
                                {"taskRunTemplate", &task_run_template},
                                {"nodeName", &leaf}});
// A core/v1 Event's reporter: the kubelet names its node as `host`.
const JsonShape event_source = JsonShape::object({{"component", &leaf}, {"host", &leaf}});
const JsonShape involved_object = JsonShape::object({{"kind", &leaf}, {"namespace", &leaf}, {"name", &leaf}, {"fieldPath", &leaf}});

extern const JsonShape document;
const JsonShape items = JsonShape::array(document);
const JsonShape document = JsonShape::object({{"kind", &leaf},
                                    {"items", &items},
                                    {"metadata", &metadata},
                                    {"spec", &spec},
                                    {"status", &status},
                                    {"involvedObject", &involved_object},
                                    {"message", &leaf},
                                    {"reason", &leaf},
                                    {"source", &event_source}});

}  // namespace

const JsonShape& dump_document_shape() { return document; }

}  // namespace certdoctor
