#include "input/utf16_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.h"
#include "util/escape.h"
#include "util/read_input.h"
#include "util/unicode_bom.h"

namespace certdoctor {

std::optional<std::string> read_utf16_log(const std::string& path, Follow follow) {
    if (path == "-") return std::nullopt;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat st {};
    char head[4096];
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) n = ::pread(fd, head, sizeof head, 0);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    std::string_view start(head, static_cast<size_t>(n));
    const std::string iconv =
        "iconv -f UTF-16 -t UTF-8 " + shell_quote(path) + " > " + shell_quote(path + ".utf8");
    if (starts_with_utf16_bom(start)) {
        if (follow == Follow::yes)
            throw input_error(
                visible(path) +
                ": UTF-16 text (it starts with a byte order mark); --follow reads UTF-8 as "
                "it is written: convert it first (" +
                iconv + ") or read it without --follow");
        if (static_cast<uint64_t>(st.st_size) > kMaxUtf16LogBytes)
            throw input_error(
                visible(path) + ": UTF-16 text of " + std::to_string(st.st_size >> 20) +
                " MiB; analyze decodes UTF-16 up to " + std::to_string(kMaxUtf16LogBytes >> 20) +
                " MiB: convert it to UTF-8 first: " + iconv);
        return read_input(path, kMaxUtf16LogBytes);  // decoded to UTF-8 by its byte order mark
    }
    std::string encoding = utf16_without_bom(start);
    if (!encoding.empty()) throw input_error(utf16_without_bom_message(path, encoding));
    return std::nullopt;
}

}  // namespace certdoctor
