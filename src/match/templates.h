// The catalog's Mustache templates: explanations (rendered by the diagnosis) and fixes (rendered
// by the fix plan), parsed once per thread, and checked by the linter. Values in prose are shown
// on one line with their controls visible; a tag that bypasses the escape ({{{x}}}, {{&x}}) is
// allowed only in a fix's manifest and only for values the fix plan checks or makes itself.
#pragma once

#include <kainjow/mustache.hpp>

#include <string>
#include <utility>
#include <vector>

#include "match/catalog.h"

namespace certdoctor {

// `tmpl` parsed (once per thread: a sweep renders the same few templates for hundreds of runs).
kainjow::mustache::mustache& compiled_template(const std::string& tmpl);

// The escape for prose: a value on one line, its controls visible.
std::string template_prose(const std::string& value);

// "" when `tmpl` escapes every value; else what is wrong. Tags that bypass the escape ({{{x}}},
// {{&x}}) are allowed only in a manifest (`manifest` true) and only for values checked there.
std::string raw_tag_error(const std::string& tmpl, const char* field, bool manifest);

// Checks that the templates of `fix` parse and escape; returns an error text or "".
std::string check_fix_templates(const FixRule& fix);

// The sections a rule's explanation, title and references may test, as the diagnosis sets them:
// the client judged a certificate, a CA may be the answer, the peer is a registry, the client spoke
// SSH, a request left the client.
inline const std::vector<std::string> kExplanationSections = {"certificate", "ca", "registry_peer", "ssh", "request"};

// Whether every tag of `tmpl` opens or closes one of kExplanationSections (a reference's only tags).
bool only_explanation_sections(const std::string& tmpl);

// Renders a rule's explanation template over `values`; returns the template's error as text.
// `flags` are the sections a template may test ({{#certificate}}...{{/certificate}}).
std::string render_explanation(const std::string& tmpl,
                               const std::vector<std::pair<std::string, std::string>>& values,
                               const std::vector<std::pair<std::string, bool>>& flags = {});

}  // namespace certdoctor
