#include "input/normalise.h"

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "util/bounded_json.h"
#include "util/text.h"
#include "util/time.h"

namespace certdoctor {

namespace {

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// One pass of backslash escapes as JSON and Go's %q write them. Newlines and tabs inside one
// message become spaces: the message stays one line.
std::string unescape_once(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c != '\\' || i + 1 >= s.size()) {
            out += c;
            continue;
        }
        char n = s[i + 1];
        switch (n) {
            case 'n': case 't': case 'r': out += ' '; ++i; break;
            case '"': case '\'': case '/': case '\\': out += n; ++i; break;
            case 'u':
                if (i + 5 < s.size() && is_hex(s[i + 2]) &&
                    is_hex(s[i + 3]) && is_hex(s[i + 4]) && is_hex(s[i + 5])) {
                    unsigned cp = std::stoul(std::string(s.substr(i + 2, 4)), nullptr, 16);
                    if (cp < 0x20) cp = ' ';
                    append_utf8(out, cp);
                    i += 5;
                } else {
                    out += c;
                }
                break;
            default: out += c;
        }
    }
    return out;
}

bool has_escapes(std::string_view s) {
    return s.find("\\\"") != std::string_view::npos || s.find("\\n") != std::string_view::npos ||
           s.find("\\u00") != std::string_view::npos || s.find("\\\\") != std::string_view::npos;
}

std::string decode_html_entities(std::string_view s) {
    static const std::pair<std::string_view, std::string_view> entities[] = {
        {"&quot;", "\""}, {"&#34;", "\""}, {"&#39;", "'"}, {"&#x27;", "'"}, {"&apos;", "'"},
        {"&lt;", "<"},    {"&gt;", ">"},   {"&nbsp;", " "}, {"&amp;", "&"}};
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        bool replaced = false;
        if (s[i] == '&') {
            for (auto [from, to] : entities) {
                if (s.substr(i, from.size()) == from) {
                    out += to;
                    i += from.size() - 1;
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) out += s[i];
    }
    return out;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
        s.replace(pos, from.size(), to);
        pos += to.size();
    }
    return s;
}

const RE2& ansi_re() {
    static const RE2 re("\x1b\\[[0-9;?]*[A-Za-z]");
    return re;
}

std::string fold_space(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
        } else {
            if (space && !out.empty()) out += ' ';
            space = false;
            out += c;
        }
    }
    return out;
}

// Credentials people paste along with a failure, masked before anything reads the message, so
// that no output (evidence, fix commands, JSON, Markdown for a ticket) repeats them: a URL's
// password (scheme://user:PASSWORD@host) or a token standing as its user (https://TOKEN@host,
// told from a plain user name by its length or a forge's token prefix), an Authorization
// header's credentials, and a registry login's -p/--password value.
constexpr const char* kMasked = "***";

bool token_like_user(std::string_view user) {
    for (std::string_view prefix : {"ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_", "glpat-", "gldt-"})
        if (user.substr(0, prefix.size()) == prefix) return true;
    return user.size() >= 20;
}

void mask_credentials(std::string& s) {
    if (s.find("://") != std::string::npos && s.find('@') != std::string::npos) {
        static const RE2 userinfo("((?:https?|git|ssh|oci|docker|ftp)://)([^/\\s@'\"<>]{1,512})@");
        std::string out;
        re2::StringPiece rest(s), scheme, user;
        const char* copied = s.data();
        while (RE2::FindAndConsume(&rest, userinfo, &scheme, &user)) {
            std::string masked;
            size_t colon = user.find(':');
            if (colon != re2::StringPiece::npos) masked = std::string(user.substr(0, colon)) + ":" + kMasked;
            else if (token_like_user(std::string_view(user.data(), user.size()))) masked = kMasked;
            else continue;
            out.append(copied, user.data() - copied);
            out += masked;
            copied = user.data() + user.size();
        }
        if (copied != s.data()) {
            out.append(copied, s.data() + s.size() - copied);
            s = std::move(out);
        }
    }
    if (s.find("uthorization") != std::string::npos) {
        static const RE2 header("((?i:authorization)\\s*[:=]\\s*\"?(?i:bearer|basic|token)\\s+)[^\\s\"',;]+");
        RE2::GlobalReplace(&s, header, std::string("\\1") + kMasked);
    }
    if (s.find(" login") != std::string::npos) {
        static const RE2 login("(\\b(?:docker|podman|buildah|skopeo|nerdctl|crane|oras|regctl|helm registry) login\\b[^\\n]{0,200}?\\s(?:-p|--password)[ =])[^\\s]+");
        RE2::GlobalReplace(&s, login, std::string("\\1") + kMasked);
    }
}

}  // namespace

std::string normalise_message(std::string_view raw) {
    std::string s(raw.size() > kMaxMessageBytes ? raw.substr(0, kMaxMessageBytes) : raw);
    // Each regex below is compiled on first use: a cheap test for the character it needs first
    // spares a start-up (explain) compiling the ones its text never calls for.
    if (s.find('\x1b') != std::string::npos) RE2::GlobalReplace(&s, ansi_re(), "");  // before sanitising, which would eat the ESC
    s = sanitize_utf8(s);
    // Escaped twice happens (a JSON log line holding a %q-quoted message): undo up to three times.
    for (int pass = 0; pass < 3 && has_escapes(s); ++pass) s = unescape_once(s);
    s = decode_html_entities(s);
    s = replace_all(s, "\xE2\x80\x9C", "\"");  // “
    s = replace_all(s, "\xE2\x80\x9D", "\"");  // ”
    s = replace_all(s, "\xE2\x80\x98", "'");   // ‘
    s = replace_all(s, "\xE2\x80\x99", "'");   // ’
    s = replace_all(s, "\xC2\xAB", "\"");      // « (a localized paste's quotes around Go's %q)
    s = replace_all(s, "\xC2\xBB", "\"");      // »
    // Links pasted from rendered pages: [text](url) -> text, <https://x> -> https://x.
    if (s.find("](") != std::string::npos) {
        static const RE2 md_link("\\[([^\\[\\]\\n]{1,1000})\\]\\((?:https?://|/)[^)\\s]*\\)");
        RE2::GlobalReplace(&s, md_link, "\\1");
    }
    if (s.find("://") != std::string::npos && s.find('<') != std::string::npos) {
        static const RE2 angle_link("<((?:https?|oci|docker)://[^>\\s]*)>");
        RE2::GlobalReplace(&s, angle_link, "\\1");
    }
    s = fold_space(s);
    // A paste's column layout sometimes splits Go's "x509:" ("x    509:"): joined again.
    if (s.find("x 509:") != std::string::npos) {
        static const RE2 split_x509("(^|[^A-Za-z0-9_])x 509:");
        RE2::GlobalReplace(&s, split_x509, "\\1x509:");
    }
    mask_credentials(s);
    return s;
}

namespace {

// Prefixes that loggers put before a message: timestamps, klog headers, `kubectl logs --prefix`,
// `tkn logs` step labels, syslog; and the quote marks ("> ") of a reply in mail or Markdown.
std::string_view strip_log_prefix(std::string_view line) {
    // Every prefix below starts, after blanks, with one of these: a line that starts otherwise
    // (most messages) is left as it is without compiling the regex.
    size_t first = line.find_first_not_of(" \t\n\f\r");
    if (first == std::string_view::npos) return line;
    char c = line[first];
    if (!(c == '[' || c == '>' || c == 'l' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return line;
    static const RE2 prefixes(
        "^(?:\\s*(?:"
        "\\[pod/[^\\]]{1,256}\\]\\s*"                                             // kubectl --prefix
        // tkn: [step] / [task : step]; a step is a container, whose name is lower case, so a log
        // level in brackets (Maven's "[ERROR] ", "[INFO] ") stays part of the message.
        "|\\[[a-z0-9_.-]{1,128}(?: : [a-z0-9_.-]{1,128})?\\]\\s+"
        "|\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?\\s+"  // RFC 3339
        // Jenkins' timestamper and other CI logs: an RFC 3339 time in brackets.
        "|\\[\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?\\]\\s*"
        "|[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+\\s+\\d+ [\\w./-]+:\\d+\\]\\s+"    // klog
        "|[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d [\\w.-]+ [\\w./-]+(?:\\[\\d+\\])?:\\s+"  // syslog
        "|(?:level|lvl)=\\w+\\s+"
        "|>+[ \\t]+"                                                             // e-mail and Markdown quotes
        "))+");
    re2::StringPiece input(line.data(), line.size());
    if (!RE2::Consume(&input, prefixes)) return line;
    std::string_view rest(input.data(), input.size());
    // The API server's own journal line names it only in its syslog tag: the line is kept from
    // the tag on, so that its handshake log reads as the API server's
    // ("kube-apiserver[5253]: I0622 ... http: TLS handshake error from ...", MicroK8s'
    // "microk8s.daemon-apiserver[27402]: ...").
    std::string_view consumed = line.substr(0, line.size() - rest.size());
    if (size_t at = consumed.find("apiserver["); at != std::string_view::npos) {
        size_t tag = consumed.rfind(' ', at);
        if (tag != std::string_view::npos) return line.substr(tag + 1);
    }
    return rest;
}

}  // namespace

std::string without_log_prefixes(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        out += strip_log_prefix(text.substr(start, end - start));
        if (end == text.size()) break;
        out += '\n';
        start = end + 1;
    }
    return out;
}

namespace {

size_t indentation(std::string_view line) {
    size_t n = 0;
    while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
    return n;
}

// A line that opens a nested block ("status:", "Events:", "message: |") rather than holding a
// value: lines indented under it are new entries, not its continuation.
bool opens_block(std::string_view line) {
    std::string_view t = trim(line);
    if (!t.empty() && t.back() == ':') return true;
    if (t.find_first_of("|>") == std::string_view::npos) return false;
    static const RE2 block_scalar(":\\s*[|>][-+0-9]*$");
    return RE2::PartialMatch(re2::StringPiece(t.data(), t.size()), block_scalar);
}

// The column where a line's content starts: after "- " for a list item, so that the item's
// sibling fields are not taken for a continuation.
size_t content_indent(std::string_view line) {
    size_t n = indentation(line);
    if (line.substr(n, 2) == "- ") n += 2;
    return n;
}

// Reads a zap/logr JSON line. Returns false when `line` is not a JSON object.
bool read_json_log_line(std::string_view line, TextMessage& out) {
    std::string_view t = trim(line);
    // `kubectl logs --prefix` puts "[pod/NAME/CONTAINER] " before the line.
    if (!t.empty() && t.front() == '[') {
        size_t close = t.find("] {");
        if (close != std::string_view::npos && close < 512) t = trim(t.substr(close + 1));
    }
    if (t.size() < 2 || t.front() != '{' || t.back() != '}') return false;
    // Only the fields read below are built: a pasted line may hold a whole API object.
    static const JsonShape& leaf = JsonShape::scalar();
    static const JsonShape detail = JsonShape::object({{"message", &leaf}});
    static const JsonShape fields = JsonShape::object(
        {{"msg", &leaf}, {"message", &leaf}, {"log", &leaf}, {"error", &leaf}, {"err", &leaf}, {"!BADKEY", &leaf}, {"ts", &leaf},
         {"time", &leaf}, {"timestamp", &leaf}, {"knative.dev/key", &leaf}, {"knative.dev/kind", &leaf},
         {"errorDetail", &detail}});
    BoundedJson parsed = parse_json_bounded(t, fields);
    if (!parsed.ok() || !parsed.value.is_object()) return false;
    const nlohmann::json& j = parsed.value;
    // The Docker Engine API's progress stream ({"errorDetail":{"message":…},"error":…}) is no
    // logger's line: its key is what names the daemon, so the object is read as the text it is.
    if (j.contains("errorDetail")) return false;
    // Go's log/slog files a value passed without a key (slog.Error("...", err)) under "!BADKEY".
    std::string text;
    for (const char* key : {"msg", "message", "log", "error", "err", "!BADKEY"}) {
        auto it = j.find(key);
        if (it != j.end() && it->is_string()) {
            std::string value = it->get<std::string>();
            if (value.empty() || text.find(value) != std::string::npos) continue;
            // "msg":"Error sending request:" ends in its own colon.
            text += text.empty() ? value : (text.back() == ':' ? " " : ": ") + value;
        }
    }
    // A JSON object with none of a logger's message fields (a registry's error body,
    // {"errors":[{"code":"UNAUTHORIZED",...}]}) is read as the text it is.
    if (text.empty()) return false;
    out.text = normalise_message(text);
    for (const char* key : {"ts", "time", "timestamp"}) {
        auto it = j.find(key);
        if (it == j.end()) continue;
        if (it->is_string()) out.time = it->get<std::string>();
        if (it->is_number()) {
            // zap's default encoder: seconds since the epoch, with a fraction
            double seconds = it->get<double>();
            // A number no clock gives (negative, past the year 9999, NaN) is no time at all;
            // converting it to an integer would be undefined.
            if (!(seconds >= 0 && seconds < 253402300800.0)) continue;
            auto whole = static_cast<std::time_t>(seconds);
            int millis = std::clamp(static_cast<int>((seconds - static_cast<double>(whole)) * 1000), 0, 999);
            std::string t = format_rfc3339(whole);
            char frac[8];
            std::snprintf(frac, sizeof frac, ".%03d", millis);
            out.time = t.substr(0, t.size() - 1) + frac + "Z";
        }
        if (!out.time.empty()) break;
    }
    auto key = j.find("knative.dev/key");
    if (key != j.end() && key->is_string()) {
        std::string k = key->get<std::string>();
        size_t slash = k.find('/');
        out.object.namespace_ = slash == std::string::npos ? "" : k.substr(0, slash);
        out.object.name = slash == std::string::npos ? k : k.substr(slash + 1);
        auto kind = j.find("knative.dev/kind");
        std::string kind_text = kind != j.end() && kind->is_string() ? kind->get<std::string>() : "";
        out.object.kind = kind_text.find("PipelineRun") != std::string::npos ? "PipelineRun"
                          : kind_text.find("TaskRun") != std::string::npos   ? "TaskRun"
                                                                             : "";
    }
    return true;
}

// How a pasted YAML field starts, up to its value: `message: `, `- reason: `.
constexpr const char* kYamlFieldKey = "\\s*(?:- )?[A-Za-z_][\\w./-]{0,63}: ";

// A field of a pasted YAML object whose value is a single-quoted scalar (`message: 'unable to
// access ''https://…'': …'`, as kubectl -o yaml writes a message holding a quote) is read as YAML
// reads it: the outer quotes dropped and each doubled quote made one, so that the message reads as
// the client printed it.
void unquote_yaml_single_quoted(std::string& line) {
    if (line.size() < 4 || line.back() != '\'' || line.find(": '") == std::string::npos) return;
    static const RE2 field(std::string("^(") + kYamlFieldKey + ")'(.*)'$");
    std::string key, value;
    if (!RE2::FullMatch(line, field, &key, &value)) return;
    std::string out;
    out.reserve(value.size());
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\'') {
            // A lone quote cannot be inside a single-quoted scalar: not YAML, left as it is.
            if (i + 1 >= value.size() || value[i + 1] != '\'') return;
            ++i;
        }
        out += value[i];
    }
    line = key + out;
}

// A pasted YAML field whose single- or double-quoted value has not closed yet (`message: 'failed
// calling webhook ...` over several lines): a blank line inside it is a line break of the value,
// as YAML folds it, not the end of the message.
bool in_open_quoted_scalar(std::string_view s) {
    static const RE2 field(std::string("^") + kYamlFieldKey + "(['\"])");
    re2::StringPiece quote;
    if (!RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), field, &quote)) return false;
    const char q = quote[0];
    for (size_t i = static_cast<size_t>(quote.data() - s.data()) + 1; i < s.size(); ++i) {
        if (q == '"' && s[i] == '\\') {
            ++i;
            continue;
        }
        if (s[i] != q) continue;
        if (q == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {
            ++i;  // '' is a quote inside a single-quoted scalar
            continue;
        }
        return false;  // the value closed
    }
    return true;
}

}  // namespace

std::vector<TextMessage> split_messages(std::string_view text) {
    std::vector<TextMessage> out;
    for_each_message(text, [&](TextMessage&& m) { out.push_back(std::move(m)); });
    return out;
}

void for_each_message(std::string_view text, const std::function<void(TextMessage&&)>& emit) {
    std::string current;
    int current_line = 0;
    int current_last_line = 0;
    size_t current_indent = 0;     // content indent of the logical line's first line
    bool current_opens_block = false;
    bool joins_next_tightly = false;
    auto flush = [&]() {
        if (!current.empty()) {
            unquote_yaml_single_quoted(current);
            std::string normal = normalise_message(current);
            if (!normal.empty()) emit({std::move(normal), current_line, {}, {}, current_last_line, false});
        }
        current.clear();
    };
    std::string stripped;
    auto lines = split_lines(text);
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view raw = lines[i];
        if (raw.find('\x1b') != std::string_view::npos) {
            stripped.assign(raw);
            RE2::GlobalReplace(&stripped, ansi_re(), "");
            raw = stripped;
        }
        int number = static_cast<int>(i) + 1;
        TextMessage structured;
        if (read_json_log_line(raw, structured)) {
            flush();
            structured.line = structured.last_line = number;
            structured.structured = true;
            if (!structured.text.empty()) emit(std::move(structured));
            continue;
        }
        std::string_view line = strip_log_prefix(raw);
        if (trim(line).empty()) {
            if (!in_open_quoted_scalar(current)) flush();
            continue;
        }
        // As in YAML, a line indented deeper than where the current line's content starts
        // continues it (a folded scalar, or a message wrapped when pasted).
        size_t indent = indentation(line);
        bool continues = !current.empty() &&
                         (joins_next_tightly || (indent > current_indent && !current_opens_block));
        if (!continues) {
            flush();
            current_line = number;
            current_indent = content_indent(line);
            // A line ending in ':' inside a quoted value that goes on opens no block.
            current_opens_block = opens_block(line) && !in_open_quoted_scalar(line);
        }
        std::string_view body = trim(line);
        bool ends_with_backslash = !body.empty() && body.back() == '\\' &&
                                   !(body.size() >= 2 && body[body.size() - 2] == '\\');
        if (ends_with_backslash) body.remove_suffix(1);
        if (!current.empty() && !joins_next_tightly) current += ' ';
        current += body;
        current_last_line = number;
        joins_next_tightly = ends_with_backslash;
    }
    flush();
}

LogLine read_log_line(std::string_view raw) {
    LogLine out;
    std::string stripped;
    if (raw.find('\x1b') != std::string_view::npos) {
        stripped.assign(raw);
        RE2::GlobalReplace(&stripped, ansi_re(), "");
        raw = stripped;
    }
    TextMessage structured;
    if (read_json_log_line(raw, structured)) {
        out.text = std::move(structured.text);
        out.object = std::move(structured.object);
        out.time = std::move(structured.time);
        return out;
    }
    re2::StringPiece line(raw.data(), raw.size());
    // kubectl logs --timestamps, containerd's time="...", klog's header, syslog's.
    static const RE2 times("^(?:\\[[^\\]]{1,256}\\]\\s*)?(\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?)"
                           "|\\btime=\"([^\"]{1,64})\""
                           "|^[IWEF](\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+)"
                           "|^([A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d)");
    std::string a, b, c, d;
    if (RE2::PartialMatch(line, times, &a, &b, &c, &d)) out.time = !a.empty() ? a : !b.empty() ? b : !c.empty() ? c : d;
    if (raw.find("pod=\"") != std::string_view::npos) {
        static const RE2 pod("\\bpod=\"([a-z0-9][a-z0-9.-]{0,252})/([a-z0-9][a-z0-9.-]{0,252})\"");
        std::string ns, name;
        if (RE2::PartialMatch(line, pod, &ns, &name)) out.object = {"Pod", ns, name};
    }
    out.text = normalise_message(strip_log_prefix(raw));
    return out;
}

std::string registry_of_url(std::string_view url) {
    size_t scheme = url.find("://");
    std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
    size_t end = rest.find_first_of("/?#\"' ");
    rest = rest.substr(0, end);
    size_t at = rest.rfind('@');
    if (at != std::string_view::npos) rest = rest.substr(at + 1);
    return std::string(rest);
}

namespace {

// The first component of an image reference when it names a registry, else "".
std::string_view named_registry(std::string_view image) {
    std::string_view ref = trim(image);
    for (std::string_view scheme : {"docker://", "oci://", "https://", "http://"})
        if (ref.rfind(scheme, 0) == 0) ref.remove_prefix(scheme.size());
    size_t slash = ref.find('/');
    if (slash == std::string_view::npos) return {};
    std::string_view first = ref.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost" || first.find('[') != std::string_view::npos)
        return first;
    return {};
}

}  // namespace

std::string registry_of_image(std::string_view image) {
    std::string_view named = named_registry(image);
    return named.empty() ? "docker.io" : std::string(named);
}

bool image_names_registry(std::string_view image) { return !named_registry(image).empty(); }

}  // namespace certdoctor
