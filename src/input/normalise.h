// Normalisation: turns what people paste (JSON/YAML dumps, logs, web pages, terminals) into
// plain one-line messages the catalog's regexes can match. Only text transformations; no I/O.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "model/record.h"

namespace certdoctor {

inline constexpr size_t kMaxMessageBytes = 64u << 10;  // longer messages are cut

// One message, with escapes undone: JSON and Go %q escapes (\" \n \t \u0026 \\), HTML entities,
// Markdown links and <angle> links from web pages, typographic quotes, ANSI colours; white space
// folded to single spaces; invalid UTF-8 replaced.
std::string normalise_message(std::string_view raw);

struct TextMessage {
    std::string text;    // normalised
    int line = 0;        // first line of the text it came from (1-based)
    ObjectRef object;    // from a structured log line's knative.dev/key, when present
    std::string time;    // a structured log line's time stamp (RFC 3339), when present
    int last_line = 0;   // last line of the text it came from
    bool structured = false;  // read by field from a JSON log line
};

// One line of a log, read as `analyze` reads it: a zap/logr JSON line by its fields, any other
// line with its logger prefixes dropped; then normalised. `time` is the line's time stamp as
// written (RFC 3339 for JSON lines, whose epoch-seconds `ts` is converted), "" when it has none;
// `object` comes from knative.dev/key, or a klog `pod="ns/name"`.
struct LogLine {
    std::string text;
    ObjectRef object;
    std::string time;
};
LogLine read_log_line(std::string_view raw);

// The text with each line's log prefixes (time stamps, klog headers, `kubectl logs --prefix`,
// `tkn` step labels, mail quotes) dropped, so that what a line starts with can be read.
std::string without_log_prefixes(std::string_view text);

// Splits a pasted block or a log into messages: one per logical line. Lines that continue the
// previous one (YAML-folded scalars, lines ending in a backslash) are joined first; JSON log
// lines (zap: msg, error, knative.dev/key) are read by field; timestamps and log prefixes are
// dropped. Blank results are left out.
std::vector<TextMessage> split_messages(std::string_view text);
// The same, handing each message to `emit` as it is made (nothing is held for the whole text).
void for_each_message(std::string_view text, const std::function<void(TextMessage&&)>& emit);

// "registry.example:5000" from "registry.example:5000/team/app:v1@sha256:..", following the
// Docker reference rules (a first component without '.' or ':' and not "localhost" is a Docker
// Hub repository, whose registry is docker.io).
std::string registry_of_image(std::string_view image);

// Whether the image's name says its registry ("quay.io/team/app", "localhost/app"), rather than
// a short name a client completes ("alpine", "team/app").
bool image_names_registry(std::string_view image);

// "host:port" (or "host") from "https://host:port/v2/".
std::string registry_of_url(std::string_view url);

}  // namespace certdoctor
