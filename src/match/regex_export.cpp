#include "match/regex_export.h"

#include "util/error.h"

namespace certdoctor {

namespace {

// Inside a bracket expression: the class a backslash escape stands for, or the literal.
std::string bracket_escape(char c, bool& has_close, bool& has_dash) {
    switch (c) {
        case 'd': return "0-9";
        case 's': return "[:space:]";
        case 'w': return "[:alnum:]_";
        case ']': has_close = true; return "";
        case '-': has_dash = true; return "";
        case 'S':
        case 'W':
        case 'D': throw Error(std::string("\\") + c + " inside a bracket expression has no POSIX form");
        default: return std::string(1, c);  // \. \\ \" \[ and the like are literal in a bracket
    }
}

}  // namespace

std::string without_group_names(const std::string& re) {
    std::string out;
    for (size_t i = 0; i < re.size(); ++i) {
        if (re[i] == '\\' && i + 1 < re.size()) {
            out += re.substr(i, 2);
            ++i;
            continue;
        }
        if (re.compare(i, 4, "(?P<") == 0) {
            size_t close = re.find('>', i);
            if (close != std::string::npos) {
                out += "(?:";
                i = close;
                continue;
            }
        }
        out += re[i];
    }
    return out;
}

std::string to_posix_ere(const std::string& re) {
    std::string out;
    bool after_quantifier = false;
    for (size_t i = 0; i < re.size(); ++i) {
        char c = re[i];
        if (c == '?' && after_quantifier) {  // lazy: the set of matching lines is the same
            after_quantifier = false;
            continue;
        }
        after_quantifier = false;
        if (c == '(' && re.compare(i, 3, "(?:") == 0) {
            out += '(';
            i += 2;
            continue;
        }
        if (c == '(' && re.compare(i, 4, "(?P<") == 0) {
            size_t close = re.find('>', i);
            if (close == std::string::npos) throw Error("unterminated group name");
            out += '(';
            i = close;
            continue;
        }
        if (c == '(' && re.compare(i, 2, "(?") == 0) throw Error("flags (?...) have no POSIX form");
        if (c == '\\' && i + 1 < re.size()) {
            char e = re[++i];
            switch (e) {
                case 'd': out += "[0-9]"; break;
                case 's': out += "[[:space:]]"; break;
                case 'S': out += "[^[:space:]]"; break;
                case 'w': out += "[[:alnum:]_]"; break;
                case 'W': out += "[^[:alnum:]_]"; break;
                case 'b': out += "\\b"; break;
                case '"':
                case '/':
                case '-':
                case ':':
                case '\'': out += e; break;
                default: out += '\\'; out += e; break;  // \. \( \\ \[ ...
            }
            continue;
        }
        if (c == '[') {
            size_t j = i + 1;
            bool negated = j < re.size() && re[j] == '^';
            if (negated) ++j;
            std::string body;
            bool has_close = false, has_dash = false;
            if (j < re.size() && re[j] == ']') {
                has_close = true;
                ++j;
            }
            for (; j < re.size() && re[j] != ']'; ++j) {
                if (re[j] == '\\' && j + 1 < re.size()) body += bracket_escape(re[++j], has_close, has_dash);
                else body += re[j];
            }
            if (j >= re.size()) throw Error("unterminated bracket expression");
            // POSIX: ']' is literal only first, '-' only last.
            out += std::string("[") + (negated ? "^" : "") + (has_close ? "]" : "") + body + (has_dash ? "-" : "") + "]";
            i = j;
            after_quantifier = false;
            continue;
        }
        out += c;
        if (c == '*' || c == '+' || c == '?' || c == '}') after_quantifier = true;
    }
    return out;
}

}  // namespace certdoctor
