// What a match names, read from its rules and captures alone (no templates rendered): the root
// cause a log groups its lines by, the run a message is about, and the captures of site and cause
// together. Plain functions of a MessageMatch, so logscan/ and diagnose/ both read them from here
// without one including the other.
#pragma once

#include <map>
#include <string>

#include "match/matcher.h"
#include "model/record.h"

namespace certdoctor {

// What names a match's root cause: the key by which logs group their lines. diagnose's
// make_finding fills the same fields the same way.
struct MatchKey {
    std::string site;  // the site rule's id, "" when none placed it
    std::string pattern;
    std::string component;
    std::string problem;
    std::string registry;  // from the captures alone
    bool lookalike = false;
};
MatchKey match_key(const MessageMatch& match);

// The run a message is about: `known` (from the object or log line it was read in), else the
// TaskRun the message names; the namespace from the message when `known` has none.
ObjectRef run_of(const ObjectRef& known, const MessageMatch& match);

// The captures of the site and the cause together; where both name a group, the site's wins.
std::map<std::string, std::string> merged_captures(const MessageMatch& match);

// The registry a message names: its own capture, else that of the image, else of the URL.
std::string registry_named(const std::string& registry, const std::string& image,
                           const std::string& url);

}  // namespace certdoctor
