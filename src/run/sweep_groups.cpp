#include "run/sweep_groups.h"

#include <algorithm>
#include <numeric>

namespace certdoctor {

void SweepGroups::add(Finding f, Rank rank) {
    size_t index = added_++;
    auto [it, inserted] = by_key_.emplace(f.pattern + "|" + f.registry, groups_.size());
    Member m{rank, index, f.object, f.parent.empty() ? f.object : f.parent, f.running};
    if (inserted) {
        groups_.push_back(Group{std::move(f), rank, index, {}});
    } else {
        Group& g = groups_[it->second];
        if (rank < g.rank) {  // strictly: among equals the first added stays
            g.representative = std::move(f);
            g.rank = rank;
            g.index = index;
        }
    }
    groups_[it->second].members.push_back(std::move(m));
}

void SweepGroups::into(Report& report) && {
    auto before = [](const auto& a, const auto& b) {
        return std::tie(a.rank, a.index) < std::tie(b.rank, b.index);
    };
    std::vector<size_t> order(groups_.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return before(groups_[a], groups_[b]); });
    std::vector<Finding> representatives;
    representatives.reserve(groups_.size());
    for (size_t i : order) {
        Group& group = groups_[i];
        std::sort(group.members.begin(), group.members.end(), before);
        Finding& rep = group.representative;
        FindingGroup g;
        g.pattern = rep.pattern;
        g.component = rep.component;
        g.problem = rep.problem;
        g.registry = rep.registry;
        g.finding = representatives.size();
        // The group's re-run re-creates every finished run it holds (a child through its
        // PipelineRun); the group is running while all its runs are.
        rep.rerun_runs.clear();
        rep.running = true;
        for (auto& m : group.members) {
            if (!m.running) {
                rep.running = false;
                rep.rerun_runs.push_back(m.rerun);
            }
            bool known = std::any_of(g.runs.begin(), g.runs.end(), [&](const ObjectRef& r) {
                return r.name == m.run.name && r.namespace_ == m.run.namespace_ &&
                       r.kind == m.run.kind;
            });
            if (!known) {
                g.runs.push_back(std::move(m.run));
                ++g.count;
            }
        }
        report.groups.push_back(std::move(g));
        representatives.push_back(std::move(rep));
    }
    report.findings = std::move(representatives);
    groups_.clear();
    by_key_.clear();
}

}  // namespace certdoctor
