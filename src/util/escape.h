// Escaping for where a value is printed. Every value that came from input (a name, an image, a
// message, a certificate's names, a server's header) goes through one of these at the renderer,
// chosen by the place it lands: a shell command, a YAML manifest, a terminal, or Markdown. JSON
// needs none of them: its writer escapes.
//
//   shell_quote("a b")        -> 'a b'            shell_quote("a\nb")   -> $'a\nb'
//   yaml_scalar("build")      -> build            yaml_scalar("a: b")   -> "a: b"
//   visible("x\x1b[2Jy")      -> x\x1b[2Jy        (the escape shown, never sent)
//   markdown_text("a|b*c")    -> a\|b\*c          markdown_code("a`b") -> `` a`b ``
#pragma once

#include <string>
#include <string_view>

namespace certdoctor {

// A shell word that stands for exactly `s`, on one line. Plain values are single-quoted
// ('it'\''s'); a value holding a control character, a byte that is not UTF-8, or a character
// that reorders text (C1 controls, bidi overrides) is written as bash's $'...' with escapes.
// The result never holds a control character, so a command that quotes its values stays one
// line whatever the values are.
std::string shell_quote(std::string_view s);

// `s` as one YAML scalar: plain when it reads back as the same string, double-quoted with
// escapes otherwise (control characters included, so a value never adds a line).
std::string yaml_scalar(std::string_view s);

enum class Newlines { escape, keep };

// `s` for a terminal: control characters (ESC, BEL, CR, DEL, C1, and newline and tab unless
// kept), bytes that are not UTF-8, and bidi controls are shown as \x1b, \n, \u202e, ... and
// never reach the terminal raw. Printable text, UTF-8 included, is unchanged.
std::string visible(std::string_view s, Newlines newlines = Newlines::escape);

// True when visible(s, Newlines::keep) would change `s`.
bool needs_escaping(std::string_view s, Newlines newlines = Newlines::escape);

// Markdown text: visible(), then every character that could start markup (emphasis, links, HTML,
// table cells, code, headings) backslash-escaped, so a value renders as the same text. With
// Newlines::keep, the text's own line and paragraph breaks stay (for prose the tool composed).
std::string markdown_text(std::string_view s, Newlines newlines = Newlines::escape);

enum class InTable { no, yes };

// An inline code span holding `s` on one line; its fence is longer than any run of backticks in
// `s`, and inside a table cell `|` is escaped as GFM requires.
std::string markdown_code(std::string_view s, InTable in_table = InTable::no);

// A fenced block: the fence (```` ``` ```` or longer, longer than any run of backticks in `body`)
// and `body` with its control characters made visible and its lines kept, each line prefixed
// with `indent`. The block always ends with a newline.
std::string markdown_block(std::string_view body, std::string_view info, std::string_view indent = {});

}  // namespace certdoctor
