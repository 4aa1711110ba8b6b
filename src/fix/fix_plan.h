// Fix plans: which of the catalog's fixes answer a finding, in order, with their Mustache
// templates filled in from the finding. Values are shell-quoted in commands, YAML-quoted in
// manifests and shown on one line with visible controls in prose, so no name from a message can
// change the meaning of a printed command or add a line to it.
#pragma once

#include <string>
#include <vector>

#include "match/catalog.h"
#include "model/report.h"

namespace certdoctor {

// The default namespace of a Tekton Pipelines installation.
inline constexpr const char* kTektonNamespace = "tekton-pipelines";

// Whether `name` is a section of the fix templates that every finding sets: a boolean value, as
// `only_when` must name.
bool is_template_section(const std::string& name);

// True when `fix` answers `finding` (by stage and problem; registry fixes never answer a
// look-alike, and a fix `only_when` a section holds only where it holds).
bool fix_applies(const FixRule& fix, const Finding& finding);
// The same, and a fix that stands in for a registry fix answers a look-alike that fix would
// have answered.
bool fix_applies(const FixRule& fix, const Finding& finding, const Catalog& catalog);

// The fixes for `finding`, ordered by their `order`, rendered.
std::vector<FixView> plan_fixes(const Finding& finding, const Catalog& catalog);

// Plans one finding's fixes: the catalog's, then the fix policy when the cluster was checked,
// then, when the caller is a guess, each fix that depends on it offered only on that condition
// after the step that finds the caller out. Every path that shows fixes plans them here.
void plan_finding_fixes(Finding& finding, const Catalog& catalog);

// Plans every finding's fixes (once, after the diagnosis, the probes and the cluster checks:
// a checked finding's plan goes through the fix policy), then keeps one re-run per run.
void plan_report_fixes(Report& report, const Catalog& catalog);

// The placeholders the fix templates print where the input named no value, in the order of
// kPlaceholders, each found in `text` as a word of its own (quoted or not).
std::vector<std::string> placeholders_in(std::string_view text);

// Renders one fix for `finding`. Throws Error when a template is broken.
FixView render_fix(const FixRule& fix, const Finding& finding);

}  // namespace certdoctor
