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

// True when `fix` answers `finding` (by stage and problem; registry fixes never answer a
// look-alike).
bool fix_applies(const FixRule& fix, const Finding& finding);

// The fixes for `finding`, ordered by their `order`, rendered.
std::vector<FixView> plan_fixes(const Finding& finding, const Catalog& catalog);

// Renders one fix for `finding`. Throws Error when a template is broken.
FixView render_fix(const FixRule& fix, const Finding& finding);

// Checks that the templates of `fix` parse; returns an error text or "".
std::string check_fix_templates(const FixRule& fix);

// "" when `tmpl` escapes every value; else what is wrong. Tags that bypass the escape ({{{x}}},
// {{&x}}) are allowed only in a manifest (`manifest` true) and only for values checked here.
std::string raw_tag_error(const std::string& tmpl, const char* field, bool manifest);

// Renders a rule's explanation template over `values`; returns the template's error as text.
// `flags` are the sections a template may test ({{#certificate}}...{{/certificate}}).
std::string render_explanation(const std::string& tmpl,
                               const std::vector<std::pair<std::string, std::string>>& values,
                               const std::vector<std::pair<std::string, bool>>& flags = {});

}  // namespace certdoctor
