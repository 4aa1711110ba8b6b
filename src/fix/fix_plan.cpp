#include "fix/fix_plan.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "util/error.h"
#include "util/text.h"

namespace certdoctor {

namespace mustache = kainjow::mustache;

namespace {

bool listed(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

std::string or_placeholder(const std::string& value, const char* placeholder) {
    return value.empty() ? std::string(placeholder) : value;
}

// The values every fix template may use. Documented in patterns/README.md.
mustache::data template_data(const Finding& f) {
    mustache::data d;
    std::string registry = or_placeholder(f.registry, "REGISTRY-HOST");
    std::string host = registry, port = "443";
    size_t colon = registry.rfind(':');
    if (colon != std::string::npos && registry.find(']') == std::string::npos) {
        host = registry.substr(0, colon);
        port = registry.substr(colon + 1);
    }
    d.set("registry", registry);
    d.set("registry_host", host);
    d.set("registry_port", port);
    d.set("registry_address", host + ":" + port);
    d.set("url", or_placeholder(f.url, ("https://" + registry + "/v2/").c_str()));
    d.set("image", or_placeholder(f.image, "IMAGE"));
    d.set("checked_name", or_placeholder(f.host, host.c_str()));
    d.set("tekton_namespace", f.tekton_namespace.empty() ? std::string(kTektonNamespace) : f.tekton_namespace);
    d.set("wrong_key", or_placeholder(f.wrong_config_key, "KEY"));
    // ConfigMap keys are [-._a-zA-Z0-9]+, so the key is safe inside the template's quotes.
    d.set("wrong_key_template", "{{index .data \"" + or_placeholder(f.wrong_config_key, "KEY") + "\"}}");
    d.set("namespace", or_placeholder(f.object.namespace_, "NAMESPACE"));
    // A child TaskRun is re-run through its PipelineRun.
    const ObjectRef& run = f.parent.empty() ? f.object : f.parent;
    std::string kind = run.kind == "PipelineRun" ? "PipelineRun" : "TaskRun";
    d.set("run_kind", kind);
    d.set("run_resource", kind == "PipelineRun" ? "pipelinerun" : "taskrun");
    d.set("run_name", or_placeholder(run.name, "RUN-NAME"));
    d.set("tool", f.tool);
    d.set("problem", f.problem);
    d.set("offline", !f.probed);
    // The CA the probe found, indented for a YAML block scalar under `cert: |`.
    bool has_ca = f.probed && f.probe.has_anchor;
    d.set("has_ca_pem", has_ca);
    std::string block;
    if (has_ca)
        for (auto line : split_lines(f.probe.trust_anchor.pem))
            if (!line.empty()) block += "    " + std::string(line) + "\n";
    d.set("ca_pem_block", block);
    d.set("ca_subject", has_ca ? f.probe.trust_anchor.subject : std::string());
    d.set("ca_warning", has_ca ? f.probe.trust_anchor.warning : std::string());
    mustache::data steps{mustache::data::type::list};
    auto add_step = [&](const std::string& name, const std::string& image) {
        mustache::data step;
        step.set("name", name.empty() ? std::string("STEP") : name);
        step.set("image", image.empty() ? or_placeholder(f.image, "IMAGE") : image);
        steps.push_back(step);
    };
    for (const auto& s : f.lookup_steps) add_step(s.name, s.image);
    if (f.lookup_steps.empty() && !f.step.empty()) add_step(f.step, f.image);
    d.set("steps", steps);
    d.set("has_steps", !f.lookup_steps.empty() || !f.step.empty());
    return d;
}

// Templates parsed once per thread: a sweep renders the same few templates for hundreds of runs.
mustache::mustache& compiled(const std::string& tmpl) {
    static thread_local std::unordered_map<std::string, std::unique_ptr<mustache::mustache>> cache;
    auto it = cache.find(tmpl);
    if (it == cache.end()) it = cache.emplace(tmpl, std::make_unique<mustache::mustache>(tmpl)).first;
    return *it->second;
}

std::string render(const std::string& tmpl, const mustache::data& data,
                   const std::function<std::string(const std::string&)>& escape,
                   const std::string& where) {
    if (tmpl.empty()) return {};
    mustache::mustache& m = compiled(tmpl);
    if (!m.is_valid()) throw Error(where + ": broken template: " + m.error_message());
    m.set_custom_escape(escape);
    return m.render(data);
}

std::string keep(const std::string& s) { return s; }

}  // namespace

bool fix_applies(const FixRule& fix, const Finding& finding) {
    if (fix.registry_fix && finding.lookalike) return false;
    if (fix.sites.empty() && fix.causes.empty() && fix.stages.empty() && fix.problems.empty())
        return false;
    auto admits = [](const std::vector<std::string>& list, const std::string& value) {
        return list.empty() || listed(list, value);
    };
    return admits(fix.sites, finding.site_rule) && admits(fix.causes, finding.cause_rule) &&
           admits(fix.stages, finding.stage) && admits(fix.problems, finding.problem);
}

FixView render_fix(const FixRule& fix, const Finding& finding) {
    const FixContent* content = &fix.content;
    auto variant = fix.variants.find(finding.tool);
    if (variant != fix.variants.end()) content = &variant->second;
    mustache::data data = template_data(finding);
    std::string where = fix.file + ": fix '" + fix.id + "'";
    FixView view;
    view.id = fix.id;
    view.title = render(fix.title, data, keep, where);
    view.description = trim(render(content->description, data, keep, where));
    std::string commands = render(content->commands, data, shell_quote, where);
    for (auto line : split_lines(commands)) {
        auto t = trim(line);
        if (!t.empty()) view.commands.emplace_back(t);
    }
    // Section tags ({{#steps}}) leave empty lines behind; a manifest has none of its own.
    std::string manifest = render(content->manifest, data, yaml_scalar, where);
    for (auto line : split_lines(manifest))
        if (!trim(line).empty()) view.manifest += std::string(line) + "\n";
    return view;
}

std::vector<FixView> plan_fixes(const Finding& finding, const Catalog& catalog) {
    std::vector<const FixRule*> chosen;
    for (const auto& fix : catalog.fixes)
        if (fix_applies(fix, finding)) chosen.push_back(&fix);
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](const FixRule* a, const FixRule* b) { return a->order < b->order; });
    std::vector<FixView> out;
    for (const FixRule* fix : chosen) out.push_back(render_fix(*fix, finding));
    return out;
}

std::string check_fix_templates(const FixRule& fix) {
    std::vector<const FixContent*> contents = {&fix.content};
    for (const auto& [_, c] : fix.variants) contents.push_back(&c);
    for (const std::string* t : {&fix.title}) {
        mustache::mustache m{*t};
        if (!m.is_valid()) return m.error_message();
    }
    for (const FixContent* c : contents) {
        for (const std::string* t : {&c->description, &c->commands, &c->manifest}) {
            mustache::mustache m{*t};
            if (!m.is_valid()) return m.error_message();
        }
    }
    return {};
}

std::string render_explanation(const std::string& tmpl,
                               const std::vector<std::pair<std::string, std::string>>& values) {
    mustache::mustache& m = compiled(tmpl);
    if (!m.is_valid()) return "broken template: " + m.error_message();
    m.set_custom_escape(keep);
    mustache::data d;
    for (const auto& [k, v] : values) d.set(k, v);
    std::string text = m.render(d);
    return std::string(trim(text));
}

}  // namespace certdoctor
