// The fix policy: which fix leads a finding's plan, decided once from the finding and what the
// cluster checks established about its installation, by an ordered table of rules (predicate,
// fix to lead with, fixes it makes wrong, the reason shown as "In this cluster: ..."). The
// first rule that holds decides; none holding leaves the catalog's order. No I/O here.
//
//   ClusterFacts facts = ...;                 // from cluster/checks.cpp
//   const PolicyRule* rule = apply_fix_policy(finding, facts, catalog);
#pragma once

#include <string>
#include <vector>

#include "match/catalog.h"
#include "model/report.h"

namespace certdoctor {

struct PolicyRule {
    const char* name;
    bool (*holds)(const Finding&, const ClusterFacts&);
    const char* lead;               // the fix to lead with ("" none)
    std::vector<const char*> drop;  // fixes this situation makes wrong
    std::string (*reason)(const Finding&, const ClusterFacts&);
};

// The table, in order.
const std::vector<PolicyRule>& fix_policy();

// Applies the first rule of fix_policy() that holds for `finding`: drops its fixes, renders and
// puts its lead first, and adds its reason to finding.in_this_cluster. Returns the rule, or
// nullptr when none holds (only findings a CA could fix are considered).
const PolicyRule* apply_fix_policy(Finding& finding, const ClusterFacts& facts,
                                   const Catalog& catalog);

// A finding whose component is a guess (confidence medium or low: the text around the message
// named the caller, or nothing did) must not lead with one component's fix as if sure. The plan
// then leads with identify-the-caller (the commands that tell the callers apart), and every fix
// that depends on the caller (its applies_to names sites, stages or components) is marked
// conditional on the guessed caller, its title saying so. Fixes that hold whoever called (a
// name that does not resolve, a network path) stay as they are. Returns true when it hedged.
bool hedge_uncertain_fixes(Finding& finding, const Catalog& catalog);

// True when the fix holds only for some callers: its applies_to names sites, stages or components.
bool depends_on_caller(const FixRule& fix);

}  // namespace certdoctor
