// The typed operations of fixes (`operations:`, what --apply carries out) are linted like the
// rest of the catalog: a known operation, its required fields, the words each field takes.
#include <gtest/gtest.h>

#include "match/lint.h"

namespace certdoctor {
namespace {

bool any_contains(const std::vector<CatalogIssue>& issues, const std::string& needle) {
    for (const auto& i : issues)
        if (i.message.find(needle) != std::string::npos) return true;
    return false;
}

FixRule& fix(Catalog& catalog, const std::string& id) {
    for (auto& f : catalog.fixes)
        if (f.id == id) return f;
    throw std::runtime_error("no fix " + id);
}

TEST(FixOperationsLint, TheShippedFixesCarryTheirOperations) {
    LoadResult r = load_catalog(catalog_sources(""));
    const FixRule& add = fix(r.catalog, "add-ca-to-config-registry-cert");
    ASSERT_EQ(add.operations.size(), 2u);
    EXPECT_EQ(add.operations[0].op, "merge-pems");
    EXPECT_EQ(add.operations[0].fields.at("key"), "cert");
    EXPECT_EQ(add.operations[1].op, "restart-workload");
    EXPECT_EQ(fix(r.catalog, "set-step-command").operations.at(0).op, "patch-steps");
}

TEST(FixOperationsLint, RejectsAnUnknownOperationAMissingFieldAndAnUnknownWord) {
    LoadResult r = load_catalog(catalog_sources(""));
    FixRule& add = fix(r.catalog, "add-ca-to-config-registry-cert");
    add.operations.push_back({"delete-configmap", {}, 3});
    add.operations.push_back({"merge-pems", {{"configmap", "config-registry-cert"}}, 4});
    add.operations.push_back({"restart-workload", {{"workload", "kubelet"}, {"replicas", "0"}}, 5});
    auto issues = lint_catalog(r.catalog);
    EXPECT_TRUE(any_contains(issues, "unknown operation 'delete-configmap' (known: merge-pems"));
    EXPECT_TRUE(any_contains(issues, "operation 'merge-pems' needs 'key'"));
    EXPECT_TRUE(any_contains(issues, "workload is 'kubelet' (known: controller)"));
    EXPECT_TRUE(any_contains(issues, "operation 'restart-workload' has no field 'replicas'"));
}

TEST(FixOperationsLint, AnOperationWithoutOpIsALoadError) {
    std::vector<SourceFile> files = catalog_sources("");
    for (auto& f : files)
        if (f.path.find("restart-tekton-controller") != std::string::npos)
            f.text += "  - {workload: controller}\n";
    LoadResult r = load_catalog(files);
    bool found = false;
    for (const auto& e : r.issues)
        found = found || e.message.find("an operation needs `op`") != std::string::npos;
    EXPECT_TRUE(found);
}

}  // namespace
}  // namespace certdoctor
