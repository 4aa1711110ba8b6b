#include "run/sweep_groups.h"

#include <gtest/gtest.h>

#include "diagnose/diagnose.h"
#include "run/cluster_run.h"

namespace certdoctor {
namespace {

Finding finding(const std::string& pattern, const std::string& registry, const std::string& run,
                bool lookalike, bool running = false, const std::string& parent = "") {
    Finding f;
    f.pattern = pattern;
    f.site_rule = "site";
    f.cause_rule = "cause";
    f.stage = "entrypoint-lookup";
    f.registry = registry;
    f.lookalike = lookalike;
    f.running = running;
    f.object = {"TaskRun", "ci", run};
    if (!parent.empty()) f.parent = {"PipelineRun", "ci", parent};
    return f;
}

// Pages of findings, each ordered as diagnose orders a page.
std::vector<std::vector<Finding>> pages() {
    return {
        {finding("a/look", "r1", "run-1", true), finding("a/look", "r2", "run-2", true)},
        {finding("b/x509", "r1", "run-3", false, true), finding("a/look", "r1", "run-4", true)},
        {finding("b/x509", "r1", "run-5", false, false, "pipe-5"),
         finding("b/x509", "r1", "run-3", false), finding("a/look", "r2", "run-6", true)},
    };
}

// Grouping page by page gives what ordering all the findings, then grouping them, gave.
TEST(SweepGroups, PageByPageEqualsOrderingThenGroupingAll) {
    Report all;
    for (auto& page : pages())
        for (auto& f : page) all.findings.push_back(f);
    order_findings(all.findings);
    group_sweep_findings(all);

    Report paged;
    SweepGroups groups;
    for (auto& page : pages())
        for (auto& f : page) {
            auto rank = finding_significance(f);
            groups.add(std::move(f), rank);
        }
    std::move(groups).into(paged);

    ASSERT_EQ(paged.groups.size(), 3u);
    ASSERT_EQ(paged.groups.size(), all.groups.size());
    ASSERT_EQ(paged.findings.size(), all.findings.size());
    // The registry problem first, though its first run came after the look-alikes'.
    EXPECT_EQ(paged.groups[0].pattern, "b/x509");
    EXPECT_EQ(paged.findings[0].object.name, "run-3");
    for (size_t i = 0; i < all.groups.size(); ++i) {
        const FindingGroup& a = all.groups[i];
        const FindingGroup& p = paged.groups[i];
        EXPECT_EQ(p.pattern, a.pattern);
        EXPECT_EQ(p.registry, a.registry);
        EXPECT_EQ(p.count, a.count);
        EXPECT_EQ(p.finding, a.finding);
        ASSERT_EQ(p.runs.size(), a.runs.size());
        for (size_t k = 0; k < a.runs.size(); ++k) EXPECT_EQ(p.runs[k].name, a.runs[k].name);
        const Finding& fa = all.findings[a.finding];
        const Finding& fp = paged.findings[p.finding];
        EXPECT_EQ(fp.object.name, fa.object.name);
        EXPECT_EQ(fp.running, fa.running);
        ASSERT_EQ(fp.rerun_runs.size(), fa.rerun_runs.size());
        for (size_t k = 0; k < fa.rerun_runs.size(); ++k)
            EXPECT_EQ(fp.rerun_runs[k].name, fa.rerun_runs[k].name);
    }
    // run-3 counted once; a child is re-run through its PipelineRun; a running run is not re-run.
    EXPECT_EQ(paged.groups[0].count, 2u);
    ASSERT_EQ(paged.findings[0].rerun_runs.size(), 2u);
    EXPECT_EQ(paged.findings[0].rerun_runs[0].name, "pipe-5");
    EXPECT_EQ(paged.findings[0].rerun_runs[1].name, "run-3");
    EXPECT_FALSE(paged.findings[0].running);
}

}  // namespace
}  // namespace certdoctor
