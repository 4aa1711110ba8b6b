#include "util/read_input.h"
#include "util/unicode_bom.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "util/error.h"

namespace certdoctor {

std::string read_input(const std::string& path, size_t max_bytes) {
    const bool is_stdin = path == "-";
    const std::string name = is_stdin ? std::string("standard input") : path;
    std::unique_ptr<FILE, int (*)(FILE*)> file(is_stdin ? stdin : std::fopen(path.c_str(), "rb"),
                                               is_stdin ? [](FILE*) { return 0; } : &std::fclose);
    if (!file) throw Error(name + ": " + std::strerror(errno));
    std::string data;
    char buffer[65536];
    for (;;) {
        size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
        if (n == 0) break;
        if (data.size() + n > max_bytes)
            throw input_error(name + ": larger than " + std::to_string(max_bytes >> 20) +
                              " MiB; pass the failing run or the relevant part of the log");
        data.append(buffer, n);
    }
    if (std::ferror(file.get())) throw Error(name + ": read failed: " + std::strerror(errno));
    return decode_byte_order_mark(std::move(data));
}

}  // namespace certdoctor
