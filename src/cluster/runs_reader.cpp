#include "cluster/runs_reader.h"

#include <string.h>

#include <deque>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <set>

#include "input/dump_source.h"
#include "input/text_source.h"
#include "kube/list_pages.h"
#include "kube/list_scan.h"
#include "util/bounded_json.h"
#include "util/error.h"
#include "util/text.h"
#include "util/json_access.h"
#include "util/time.h"

namespace certdoctor {

namespace {


// The Succeeded condition says the run failed (or is failing), by the same rule as `diagnose -f`;
// `when` is the condition's last transition.
bool run_failed(const nlohmann::json& run, std::string* when) {
    const auto& conditions = json_at(run, {"status", "conditions"});
    if (!conditions.is_array()) return false;
    for (const auto& c : conditions) {
        if (text_at(c, {"type"}) != "Succeeded") continue;
        *when = text_at(c, {"lastTransitionTime"});
        return failing_condition(text_at(c, {"status"}), text_at(c, {"reason"}), text_at(c, {"message"}));
    }
    return false;
}

std::string condition_text(const nlohmann::json& run) {
    std::string out;
    const auto& conditions = json_at(run, {"status", "conditions"});
    if (conditions.is_array())
        for (const auto& c : conditions) out += text_at(c, {"reason"}) + " " + text_at(c, {"message"}) + "\n";
    return out;
}

void slim(nlohmann::json& object) {
    auto it = object.find("metadata");
    if (it != object.end() && it->is_object()) it->erase("managedFields");
}

// Reads the related objects of one run through the API, as `diagnose -f` reads them from a file.
class RunCollector {
public:
    RunCollector(KubeApi& client, std::string api) : client_(client), api_(std::move(api)) {}

    std::string base(const std::string& ns) const { return "/apis/tekton.dev/" + api_ + "/namespaces/" + ns; }

    void add_run(nlohmann::json run, const std::string& kind) {
        run["kind"] = kind;
        run["apiVersion"] = "tekton.dev/" + api_;
        slim(run);
        std::string when;
        if (run_failed(run, &when))
            failed_at_[kind + "/" + text_at(run, {"metadata", "namespace"}) + "/" + text_at(run, {"metadata", "name"})] = when;
        items_.push_back(std::move(run));
    }

    // The Task a TaskRun references, when its spec is not in the run: which steps have no command.
    // Steps that use a StepAction of the cluster get its image and command fields.
    void attach_task(nlohmann::json& tr) {
        attach_task_spec(tr);
        std::string ns = text_at(tr, {"metadata", "namespace"});
        for (const char* at : {"status", "spec"}) {
            auto part = tr.find(at);
            if (part == tr.end() || !part->is_object()) continue;
            auto spec = part->find("taskSpec");
            if (spec != part->end() && spec->is_object()) resolve_step_actions(*spec, ns);
        }
    }

    // A step `ref: {name: X}` runs StepAction X of the run's namespace: its image, command,
    // script and args are the step's (the `ref` stays, so that a fix goes to the StepAction).
    // A remote one (`ref.resolver`) is left alone; one that cannot be read becomes a note.
    void resolve_step_actions(nlohmann::json& spec, const std::string& ns) {
        auto steps = spec.find("steps");
        if (steps == spec.end() || !steps->is_array()) return;
        for (auto& step : *steps) {
            std::string name = text_at(step, {"ref", "name"});
            if (name.empty() || !text_at(step, {"image"}).empty()) continue;
            auto [it, fresh] = step_actions_.try_emplace(ns + "/" + name);
            if (fresh) {
                ObjectRead action;
                for (const char* version : {"v1beta1", "v1alpha1"}) {  // v1beta1 since Tekton v0.59
                    action = read_object(client_, "/apis/tekton.dev/" + std::string(version) + "/namespaces/" + ns +
                                                      "/stepactions/" + name);
                    if (action.state != ObjectState::absent) break;
                }
                if (action.state == ObjectState::present && json_at(action.object, {"spec"}).is_object())
                    it->second = json_at(action.object, {"spec"});
                else if (action.state == ObjectState::forbidden)
                    notes_.push_back("no permission to get StepAction " + ns + "/" + name + "; its image is unknown");
                else
                    notes_.push_back("StepAction " + ns + "/" + name + " is gone; its image is unknown");
            }
            if (!it->second.is_object()) continue;
            for (const char* key : {"image", "command", "script", "args"})
                if (it->second.contains(key) && !step.contains(key)) step[key] = it->second[key];
        }
    }

    void attach_task_spec(nlohmann::json& tr) {
        const auto& status = json_at(tr, {"status"});
        if ((status.is_object() && status.contains("taskSpec")) || (json_at(tr, {"spec"}).is_object() && json_at(tr, {"spec"}).contains("taskSpec"))) return;
        std::string name = text_at(tr, {"spec", "taskRef", "name"});
        std::string kind = text_at(tr, {"spec", "taskRef", "kind"});
        if (name.empty() || (!kind.empty() && kind != "Task")) return;
        std::string ns = text_at(tr, {"metadata", "namespace"});
        // One GET per distinct Task: a sweep meets the same Task in many runs.
        auto [it, fresh] = tasks_.try_emplace(ns + "/" + name);
        if (fresh) {
            ObjectRead task = read_object(client_, base(ns) + "/tasks/" + name);
            if (task.state == ObjectState::present && json_at(task.object, {"spec"}).is_object())
                it->second = json_at(task.object, {"spec"});
            else if (task.state == ObjectState::forbidden)
                notes_.push_back("no permission to get Task " + ns + "/" + name + "; which steps trigger the lookup is unknown");
            else
                notes_.push_back("Task " + ns + "/" + name + " is gone; which steps trigger the lookup is unknown");
        }
        if (it->second.is_object()) tr["status"]["taskSpec"] = it->second;
    }

    // The TaskRun's pod and the pod's events: before Kubernetes 1.32 a node's pull error is only there.
    void add_pod(const nlohmann::json& tr) {
        std::string pod = text_at(tr, {"status", "podName"});
        std::string ns = text_at(tr, {"metadata", "namespace"});
        if (pod.empty()) return;
        ObjectRead p = read_object(client_, "/api/v1/namespaces/" + ns + "/pods/" + pod);
        if (p.state == ObjectState::forbidden) {
            notes_.push_back("no permission to read pod " + ns + "/" + pod + " or its events: " + p.denied);
            return;
        }
        if (p.state == ObjectState::present) {
            add_failed_step_logs(p.object, ns, pod);
            p.object["kind"] = "Pod";
            p.object["apiVersion"] = "v1";
            slim(p.object);
            items_.push_back(std::move(p.object));
        }
        ListQuery events_query;
        events_query.field_selector = "involvedObject.name=" + pod;
        ObjectRead events = read_list(client_, "/api/v1/namespaces/" + ns + "/events", events_query);
        if (events.state == ObjectState::forbidden)
            notes_.push_back("no permission to read pod " + ns + "/" + pod + " or its events: " + events.denied);
        if (events.state == ObjectState::present && json_at(events.object, {"items"}).is_array())
            for (auto& e : events.object["items"]) {
                e["kind"] = "Event";
                e["apiVersion"] = "v1";
                slim(e);
                items_.push_back(std::move(e));
            }
    }

    // The last lines of each step that exited non-zero: kaniko, buildah or git say there why.
    void add_failed_step_logs(const nlohmann::json& pod, const std::string& ns, const std::string& name) {
        const auto& statuses = json_at(pod, {"status", "containerStatuses"});
        if (!statuses.is_array()) return;
        std::string run = text_at(pod, {"metadata", "labels", "tekton.dev/taskRun"});
        for (const auto& c : statuses) {
            std::string container = text_at(c, {"name"});
            const auto& term = json_at(c, {"state", "terminated"});
            // exitCode is compared as JSON: a server's 1e300 is no int to convert.
            if (container.rfind("step-", 0) != 0 || !term.is_object() || !json_at(term, {"exitCode"}).is_number() ||
                json_at(term, {"exitCode"}) == 0)
                continue;
            try {
                auto log = client_.get_text("/api/v1/namespaces/" + ns + "/pods/" + name + "/log?container=" +
                                                percent_encode(container) + "&tailLines=200&limitBytes=262144",
                                            262144);
                if (log) logs_.push_back({std::move(*log), "log of " + name + "/" + container, ns, run, container.substr(5)});
            } catch (const ApiError& e) {
                if (e.status() != 403) throw;
                notes_.push_back("no permission to read the log of " + ns + "/" + name + " container " + container +
                                 " (pods/log)");
            }
        }
    }

    // One TaskRun with its Task, pod and events.
    void add_taskrun_with_related(nlohmann::json tr, bool pod) {
        attach_task(tr);
        if (pod) add_pod(tr);
        add_run(std::move(tr), "TaskRun");
    }

    // What was gathered since the last call; the collector then starts afresh (it keeps the
    // failure times and notes). batch_of reads it as `diagnose -f` would.
    RunsPage take(const std::string& source) {
        RunsPage g{std::move(items_), std::move(logs_), source};
        items_ = nlohmann::json::array();
        logs_.clear();
        return g;
    }
    const std::map<std::string, std::string>& failed_at() const { return failed_at_; }
    std::vector<std::string>& notes() { return notes_; }
    size_t size() const { return items_.size() + logs_.size(); }

private:
    KubeApi& client_;
    std::string api_;
    nlohmann::json items_ = nlohmann::json::array();
    std::map<std::string, std::string> failed_at_;
    std::vector<std::string> notes_;
    std::vector<RunsPage::StepLog> logs_;
    std::map<std::string, nlohmann::json> tasks_;  // ns/name -> spec (null when unreadable)
    std::map<std::string, nlohmann::json> step_actions_;  // ns/name -> spec (null when unreadable)
};

// The objects and step logs of some runs, as the reader of `diagnose -f` reads them.
}  // namespace

InputBatch RunsPage::read() && {
    const RunsPage& gathered = *this;
    InputBatch batch = read_dump_objects(gathered.items, source);
    // A step log's lines belong to its TaskRun: they take what the run's own records know of it.
    std::map<std::string, const FailureRecord*> of_run;
    for (const auto& r : batch.records)
        if (r.object.kind == "TaskRun") of_run.emplace(r.object.namespace_ + "/" + r.object.name, &r);
    std::vector<FailureRecord> from_logs;
    for (const auto& log : gathered.logs) {
        InputBatch lines = read_text(log.text, log.origin);
        auto run = of_run.find(log.namespace_ + "/" + log.run);
        for (auto& r : lines.records) {
            if (run != of_run.end()) {
                r.parent = run->second->parent;
                r.steps = run->second->steps;
                r.steps_source = run->second->steps_source;
                r.service_account = run->second->service_account;
                r.running = run->second->running;
            }
            r.object = {"TaskRun", log.namespace_, log.run};
            if (r.step.empty()) r.step = log.step;
            from_logs.push_back(std::move(r));  // appended after: `of_run` points into batch.records
        }
    }
    for (auto& r : from_logs) batch.records.push_back(std::move(r));
    return batch;
}

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Whether `text` holds `needle`. memmem, not string_view::find: find looks for the needle's first
// byte, a quote, at every quote of the JSON.
bool holds(std::string_view text, std::string_view needle) {
    return ::memmem(text.data(), text.size(), needle.data(), needle.size()) != nullptr;
}

struct SweepCounts {
    size_t scanned = 0;
    size_t failed = 0;
};

// How far a sweep got, for an error that stops it: "after 3 pages (6 TaskRuns read, 2 failed)".
std::string progress_of(const ListPages& pages, const SweepCounts& counts) {
    return "after " + std::to_string(pages.pages()) + (pages.pages() == 1 ? " page (" : " pages (") + std::to_string(counts.scanned) + " TaskRuns read, " +
           std::to_string(counts.failed) + " failed)";
}

// One sweep: pages of TaskRuns, failed ones kept (and their pods' events when a pull failed).
// A list that cannot be read to its end is an error (exit 4) saying how far the sweep got: a
// sweep that stopped early must never read as "no problems found".
SweepCounts sweep(KubeApi& client, const std::string& api, const std::string& ns, const ClusterRequest& request,
                  RunCollector& collector, const std::function<void()>& page_done, const ProgressFn& progress) {
    SweepCounts counts;
    std::string path = request.all_namespaces ? "/apis/tekton.dev/" + api + "/taskruns" : collector.base(ns) + "/taskruns";
    ListPages pages(request.max_pages);
    auto unfinished = [&](const std::string& why) {
        return Error("the API server's list of TaskRuns (GET " + path + ") does not end: " + why + "; the sweep stopped " +
                     progress_of(pages, counts) + "; narrow it with -n, -l or --since");
    };
    auto fetch = [&] {
        ListQuery query;
        query.limit = request.page_size;
        query.label_selector = request.selector;
        query.continue_token = pages.token();
        if (pages.pages() == 0) return client.list_page(path, query);
        try {
            return client.list_page(path, query);
        } catch (const ApiError& e) {
            if (e.status() == 410)
                throw Error("the API server's list of TaskRuns (GET " + path + ") cannot be read to its end: " +
                            expired_token_reason() + "; the sweep stopped " + progress_of(pages, counts) +
                            "; run it again, with a larger --chunk-size or narrowed with -n, -l or --since");
            throw Error(std::string(e.what()) + "; the sweep stopped " + progress_of(pages, counts), e.code());
        } catch (const Error& e) {
            throw Error(std::string(e.what()) + "; the sweep stopped " + progress_of(pages, counts), e.code());
        }
    };
    std::time_t now = std::time(nullptr);
    for (;;) {
        // The page is split into items as text first. An item that holds neither "False" nor
        // "Unknown" cannot have a failed Succeeded condition, so most are never parsed.
        std::string body = fetch();
        ListScan scan = scan_list(body);
        nlohmann::json skeleton = scan.ok ? parse_json_bounded(scan.skeleton).value : nlohmann::json();
        if (!scan.ok || !skeleton.is_object()) throw Error("the API server's answer to GET " + path + " is not a list");
        ListPages::Next next = pages.page_read(text_at(skeleton, {"metadata", "continue"}));
        skeleton = nullptr;
        bool limit_reached = false;
        for (std::string_view text : scan.items) {
            ++counts.scanned;
            if (!holds(text, "\"False\"") && !holds(text, "\"Unknown\"")) continue;
            if (request.limit && counts.failed >= request.limit) {
                limit_reached = true;
                continue;
            }
            BoundedJson parsed = parse_json_bounded(text);
            if (!parsed.ok() || !parsed.value.is_object())
                throw Error("the API server's TaskRun list holds an item that is not JSON we read" +
                            (parsed.problem.empty() ? std::string() : ": " + parsed.problem));
            nlohmann::json tr = std::move(parsed.value);
            std::string when;
            if (!run_failed(tr, &when)) continue;
            if (request.since) {
                auto t = parse_rfc3339(when.empty() ? text_at(tr, {"metadata", "creationTimestamp"}) : when);
                if (!t || *t < now - request.since->count()) continue;
            }
            // The pages of one list come from one snapshot: a run listed twice means the server
            // serves the same pages again and again.
            std::string key = "TaskRun/" + text_at(tr, {"metadata", "namespace"}) + "/" + text_at(tr, {"metadata", "name"});
            if (collector.failed_at().count(key))
                throw unfinished("it listed " + key.substr(8) + " a second time");
            ++counts.failed;
            slim(tr);
            bool pull = lower(condition_text(tr)).find("pull") != std::string::npos;
            collector.add_taskrun_with_related(std::move(tr), pull);
        }
        body.clear();
        body.shrink_to_fit();
        page_done();
        if (progress)
            progress("read " + std::to_string(counts.scanned) + " TaskRuns, " + std::to_string(counts.failed) + " failed");
        if (limit_reached || (request.limit && counts.failed >= request.limit)) break;  // --limit: the rest is not needed
        if (next == ListPages::Next::done) break;
        if (next != ListPages::Next::more) throw unfinished(pages.why(next));
    }
    if (progress) progress("");
    return counts;
}

}  // namespace

ClusterRequest parse_resource_argument(const std::string& argument) {
    ClusterRequest r;
    std::string type = argument, name;
    size_t slash = argument.find('/');
    if (slash != std::string::npos) {
        type = argument.substr(0, slash);
        name = argument.substr(slash + 1);
        if (name.empty() || name.find('/') != std::string::npos)
            throw Error("'" + argument + "': expected TYPE/NAME, e.g. taskrun/build-1", ExitCode::usage);
    }
    std::string t = lower(type);
    size_t dot = t.find('.');
    if (dot != std::string::npos) {
        if (t.substr(dot + 1) != "tekton.dev")
            throw Error("'" + argument + "': only tekton.dev resources can be diagnosed", ExitCode::usage);
        t = t.substr(0, dot);
    }
    static const std::set<std::string> taskrun = {"taskrun", "taskruns", "tr", "trs"};
    static const std::set<std::string> pipelinerun = {"pipelinerun", "pipelineruns", "pr", "prs"};
    if (taskrun.count(t)) r.kind = name.empty() ? "" : "TaskRun";
    else if (pipelinerun.count(t) && !name.empty()) r.kind = "PipelineRun";
    else if (pipelinerun.count(t))
        throw Error("'" + argument + "': sweeps read TaskRuns (where failures sit); use 'diagnose taskruns', or pipelinerun/NAME",
                    ExitCode::usage);
    else
        throw Error("'" + argument + "': diagnose reads taskrun/NAME (tr/NAME), pipelinerun/NAME (pr/NAME), or taskruns",
                    ExitCode::usage);
    r.name = name;
    return r;
}

RunsRead read_cluster_runs(KubeApi& client, const std::string& api, const std::string& ns,
                           const ClusterRequest& request, const std::string& source,
                           const std::function<void(RunsPage)>& take, const ProgressFn& progress) {
    RunCollector collector(client, api);
    SweepCounts counts;
    auto hand_over = [&] {
        if (collector.size() > 0) take(collector.take(source));
    };
    if (request.kind == "TaskRun") {
        auto tr = client.get_if_found(collector.base(ns) + "/taskruns/" + request.name);
        if (!tr) throw Error("taskrun \"" + request.name + "\" not found in namespace " + ns, ExitCode::not_understood);
        collector.add_taskrun_with_related(std::move(*tr), true);
    } else if (request.kind == "PipelineRun") {
        auto pr = client.get_if_found(collector.base(ns) + "/pipelineruns/" + request.name);
        if (!pr) throw Error("pipelinerun \"" + request.name + "\" not found in namespace " + ns, ExitCode::not_understood);
        collector.add_run(std::move(*pr), "PipelineRun");
        // Its children, by the label Tekton puts on them (v1 childReferences and v1beta1 taskRuns agree).
        ListQuery children_query;
        children_query.label_selector = "tekton.dev/pipelineRun=" + request.name;
        ObjectRead children = read_list(client, collector.base(ns) + "/taskruns", children_query, request.max_pages);
        if (children.state == ObjectState::forbidden)
            throw Error("no permission to list TaskRuns in namespace " + ns + " (the pipelinerun's TaskRuns): " +
                        children.denied);
        if (children.state == ObjectState::present)
            for (auto& tr : children.object["items"]) {
                std::string when;
                bool failed_child = run_failed(tr, &when);
                collector.add_taskrun_with_related(std::move(tr), failed_child);
            }
    } else {
        counts = sweep(client, api, ns, request, collector, hand_over, progress);
    }
    hand_over();
    RunsRead read;
    read.scanned = counts.scanned;
    read.failed = counts.failed;
    read.failed_at = collector.failed_at();
    read.notes = std::move(collector.notes());
    return read;
}

}  // namespace certdoctor
