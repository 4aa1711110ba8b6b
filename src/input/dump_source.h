// Dumped runs (`diagnose -f`): TaskRuns and PipelineRuns as `kubectl get -o yaml|json` writes
// them (v1 and v1beta1), Lists of them, several YAML documents, and Pods and Events alongside. Reads every
// place a failure can sit: conditions, retriesStatus, step and sidecar states, the child runs of a
// PipelineRun; and which steps make the controller look their image up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/record.h"

namespace certdoctor {

// Throws Error (exit 3) naming the source and line when the text is not YAML/JSON or holds no
// TaskRun, PipelineRun, Pod or Event.
InputBatch read_dump(std::string_view text, const std::string& source);

// True when a run's Succeeded condition with this status and reason means it failed or is failing:
// False, or Unknown for a reason that is not progress (Running, Pending, ResolvingTaskRef...).
// A run still resolving (ResolvingTaskRef, ResolvingPipelineRef, ResolvingStepActionRef) whose
// message is an error rather than Tekton's "awaiting remote resource" is failing: the resolution
// framework retries a transient error (a time-out) instead of failing the run, which then waits
// until its timeout; the message is the only place the error shows.
bool failing_condition(const std::string& status, const std::string& reason, const std::string& message = "");

// True for the reasons of a run still resolving its Task, Pipeline or StepAction.
bool resolving_reason(const std::string& reason);

// The same reading over objects already parsed (cluster mode has them from the API's JSON): a
// JSON array of objects. Never throws for an empty input: it yields an empty batch.
// What to read next when a step failed on its own (its status says only "exited with code N"):
// "step NAME exited with code N; its error is in the step's log: kubectl -n NS logs POD -c
// CONTAINER | kubectl tekton-certdoctor explain -", every name quoted for the shell.
std::string failed_step_pointer(std::string_view container, std::string_view code, std::string_view namespace_,
                                std::string_view pod);

InputBatch read_dump_objects(const nlohmann::json& objects, const std::string& source);

}  // namespace certdoctor
