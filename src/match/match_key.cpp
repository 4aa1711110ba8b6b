#include "match/match_key.h"

#include "input/normalise.h"

namespace certdoctor {

namespace {

std::string capture(const std::map<std::string, std::string>& c, const char* name) {
    auto it = c.find(name);
    return it == c.end() ? std::string() : it->second;
}

}  // namespace

std::map<std::string, std::string> merged_captures(const MessageMatch& match) {
    std::map<std::string, std::string> captures;
    if (match.site) captures = match.site->captures;
    if (match.cause)
        for (const auto& [k, v] : match.cause->captures) captures.emplace(k, v);
    return captures;
}

std::string registry_named(const std::string& registry, const std::string& image,
                           const std::string& url) {
    if (!registry.empty()) return registry;
    if (!image.empty()) return registry_of_image(image);
    if (!url.empty()) return registry_of_url(url);
    return "";
}

MatchKey match_key(const MessageMatch& match) {
    MatchKey k;
    const Rule* site = match.site ? match.site->rule : nullptr;
    const Rule* cause = match.cause ? match.cause->rule : nullptr;
    k.site = site ? site->id : "";
    k.pattern = site && cause ? site->id + "/" + cause->id
                : site        ? site->id
                : cause       ? cause->id
                              : "";
    // A library's words that several callers print (a site of confidence low) name no caller.
    k.component = site && site->names_caller() ? site->component : "unknown";
    k.problem = cause ? cause->problem : "other";
    k.lookalike = (site && site->lookalike) || (cause && cause->lookalike);
    auto captures = merged_captures(match);
    k.registry = registry_named(capture(captures, "registry"), capture(captures, "image"),
                                capture(captures, "url"));
    return k;
}

ObjectRef run_of(const ObjectRef& known, const MessageMatch& match) {
    auto captures = merged_captures(match);
    std::string taskrun = capture(captures, "taskrun");
    ObjectRef object = known;
    if (object.empty() && !taskrun.empty()) object = {"TaskRun", "", taskrun};
    // A log's knative.dev/key without knative.dev/kind: the message says it is a TaskRun.
    if (object.kind.empty() && !object.name.empty() && object.name == taskrun)
        object.kind = "TaskRun";
    if (object.namespace_.empty()) object.namespace_ = capture(captures, "namespace");
    return object;
}

}  // namespace certdoctor
