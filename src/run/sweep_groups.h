// A sweep's findings grouped by root cause (pattern and registry) as the pages are diagnosed, so
// that a sweep over thousands of failed runs keeps one complete finding per group and a few names
// per run, never every run's finding.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "model/report.h"

namespace certdoctor {

class SweepGroups {
  public:
    // Smaller goes first (diagnose's significance); equal ranks keep the order they were added in.
    using Rank = std::tuple<int, int, int, int>;

    // One finding, in the order read. Its group keeps it whole only while it is the group's most
    // significant (the first of the most significant, in that order).
    void add(Finding finding, Rank rank);

    // The groups into `report` (its findings replaced by one representative per group), as if
    // every finding had been ordered by rank and then grouped in that order: groups in the order
    // of their representatives, each group's runs and re-runs in the order of its findings.
    void into(Report& report) &&;

    bool empty() const { return groups_.empty(); }

  private:
    struct Member {
        Rank rank;
        size_t index;
        ObjectRef run;    // the finding's object
        ObjectRef rerun;  // what its re-run re-creates: its PipelineRun, or the run itself
        bool running;
    };
    struct Group {
        Finding representative;
        Rank rank;
        size_t index;
        std::vector<Member> members;
    };
    std::map<std::string, size_t> by_key_;
    std::vector<Group> groups_;
    size_t added_ = 0;
};

}  // namespace certdoctor
