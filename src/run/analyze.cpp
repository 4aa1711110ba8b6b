#include "run/analyze.h"

#include <malloc.h>

#include <algorithm>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <thread>

#include "diagnose/diagnose.h"
#include "fix/fix_plan.h"

namespace certdoctor {

namespace {

void fill_view(FindingGroup& view, const LogGroup& g) {
    view.pattern = g.key.pattern;
    view.component = g.key.component;
    view.problem = g.key.problem;
    view.registry = g.key.registry;
    view.count = g.count;
    view.runs_total = g.objects.size() + g.objects_past_list.size();
    view.first_seen = g.first_seen;
    view.last_seen = g.last_seen;
    view.first_line = g.sample.origin;
}

// The group's diagnosis and its fixes, for its own registry.
Finding diagnose_group(const LogGroup& g, const std::vector<ObjectRef>& runs, const Engine& engine) {
    Finding f = make_finding(g.sample, g.match, engine.catalog(), {});
    // The group's re-run re-creates every run its lines named.
    for (const auto& r : runs)
        if ((r.kind == "TaskRun" || r.kind == "PipelineRun") && !r.name.empty()) f.rerun_runs.push_back(r);
    plan_finding_fixes(f, engine.catalog());
    return f;
}

// A group keeps its fixes' commands; the descriptions and manifests are in the diagnosis. Their
// memory is given back, not only emptied: thousands of groups hold their fixes at once.
void keep_commands(std::vector<FixView>& fixes) {
    for (auto& fix : fixes) {
        std::string().swap(fix.description);
        std::string().swap(fix.manifest);
        fix.commands.shrink_to_fit();
        fix.comments.shrink_to_fit();
    }
    fixes.shrink_to_fit();
}

Report empty_report(const LogTotals& t) {
    Report r;
    r.log.read = true;
    r.log.lines_scanned = t.lines_scanned;
    r.log.matched_lines = t.matched_lines;
    r.log.bytes = t.bytes;
    r.log.long_lines = t.long_lines;
    r.log.ungrouped_lines = t.ungrouped_lines;
    r.log.sources = t.sources;
    r.messages_read = static_cast<size_t>(t.lines_scanned);
    std::string names;
    for (const auto& s : t.sources) names += (names.empty() ? "" : ", ") + s.name;
    r.source = names.empty() ? "no input" : names;
    r.notes = t.notes;
    if (t.long_lines)
        r.notes.push_back(std::to_string(t.long_lines) + " line(s) longer than 1 MiB were searched in their first MiB only");
    if (t.ungrouped_lines)
        r.notes.push_back(std::to_string(t.ungrouped_lines) + " failure line(s) were counted but not grouped: groups are kept up to " +
                          std::to_string(kMaxGroups) + ", in " + std::to_string(kMaxGroupBytes >> 20) + " MiB");
    if (t.objects_capped)
        r.notes.push_back("some groups list fewer runs than they hit: at most " + std::to_string(kMaxObjects) +
                          " runs each, and the groups are kept in " + std::to_string(kMaxGroupBytes >> 20) + " MiB");
    r.status = ReportStatus::no_problems;
    return r;
}

}  // namespace

Report analysis_report(LogAnalyzer& analyzer, const Engine& engine) {
    // Each group on its own, so that each is freed as soon as its view is made: the groups and
    // the views of thousands of them are never held whole at once.
    std::vector<std::unique_ptr<LogGroup>> groups;
    {
        std::deque<LogGroup> taken = analyzer.take_groups();
        groups.reserve(taken.size());
        for (; !taken.empty(); taken.pop_front()) groups.push_back(std::make_unique<LogGroup>(std::move(taken.front())));
    }
    // What the scan's workers freed goes back to the system before the report grows.
    malloc_trim(0);
    Report r = empty_report(analyzer.totals());
    std::vector<size_t> order(groups.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const LogGroup& x = *groups[a];
        const LogGroup& y = *groups[b];
        if (x.key.lookalike != y.key.lookalike) return !x.key.lookalike;
        return x.count > y.count;
    });
    // The first group of each pattern, in that order, gives the pattern's diagnosis.
    std::map<std::string, size_t> finding_of_pattern;
    std::vector<bool> first_of_pattern(order.size());
    r.groups.resize(order.size());
    for (size_t k = 0; k < order.size(); ++k) {
        auto [it, is_new] = finding_of_pattern.emplace(groups[order[k]]->key.pattern, finding_of_pattern.size());
        r.groups[k].finding = it->second;
        first_of_pattern[k] = is_new;
    }
    r.findings.resize(finding_of_pattern.size());
    // Rendering the fixes of thousands of groups is worth the cores.
    auto build = [&](size_t from, size_t step) {
        for (size_t k = from; k < order.size(); k += step) {
            LogGroup& g = *groups[order[k]];
            FindingGroup& view = r.groups[k];
            fill_view(view, g);
            view.runs = std::move(g.objects);
            view.runs.shrink_to_fit();
            Finding f = diagnose_group(g, view.runs, engine);
            if (first_of_pattern[k]) {
                view.fixes = f.fixes;
                r.findings[view.finding] = std::move(f);
            } else {
                view.fixes = std::move(f.fixes);
            }
            keep_commands(view.fixes);
            groups[order[k]].reset();  // what the view does not need any more, freed as the report grows
        }
    };
    size_t threads = order.size() > 64 ? analyzer.threads() : 1;
    // An exception on any of them (bad_alloc included) is carried here, after every one is joined.
    std::vector<std::exception_ptr> failures(threads);
    auto guarded = [&](size_t t) {
        try {
            build(t, threads);
        } catch (...) {
            failures[t] = std::current_exception();
        }
    };
    std::vector<std::thread> workers;
    struct JoinAll {  // also when starting a thread fails part way
        std::vector<std::thread>& threads;
        ~JoinAll() {
            for (auto& w : threads)
                if (w.joinable()) w.join();
        }
    } join_all{workers};
    for (size_t t = 1; t < threads; ++t) workers.emplace_back(guarded, t);
    guarded(0);
    for (auto& w : workers) w.join();
    for (auto& f : failures)
        if (f) std::rethrow_exception(f);
    // The same groups summed over their registries, for the overview of a large incident.
    std::map<std::pair<std::string, std::string>, size_t> problem_index;
    for (const auto& g : r.groups) {
        auto [it, is_new] = problem_index.emplace(std::make_pair(g.component, g.problem), r.log.by_problem.size());
        if (is_new) r.log.by_problem.push_back({g.component, g.problem, 0, 0});
        r.log.by_problem[it->second].lines += g.count;
        r.log.by_problem[it->second].registries += 1;
    }
    std::stable_sort(r.log.by_problem.begin(), r.log.by_problem.end(),
                     [](const LogProblem& a, const LogProblem& b) { return a.lines > b.lines; });
    if (!r.findings.empty()) r.status = ReportStatus::problems_found;
    return r;
}

Report group_report(const LogGroup& group, const Engine& engine) {
    Report r = empty_report({});
    r.groups.resize(1);
    fill_view(r.groups[0], group);
    r.groups[0].runs = group.objects;
    Finding f = diagnose_group(group, r.groups[0].runs, engine);
    r.groups[0].fixes = f.fixes;
    keep_commands(r.groups[0].fixes);
    r.findings.push_back(std::move(f));
    r.status = ReportStatus::problems_found;
    return r;
}

void read_cluster_logs(LogAnalyzer& analyzer, KubeApi& client, const PodLogRequest& request,
                       const ProgressFn& progress, std::vector<std::string>& notes) {
    read_tekton_pod_logs(client, request, [&](const std::string& name, std::string_view text) {
        if (progress) progress("reading " + name);
        analyzer.read_text(text, name);
    }, notes);
    if (progress) progress("");
}

}  // namespace certdoctor
