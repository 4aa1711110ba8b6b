#include "logscan/literal_scan.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <tuple>

#include "util/error.h"

namespace certdoctor {

namespace {

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// Four bytes with 0x20 set in each, which reads upper-case letters as lower case (and leaves
// digits, '.', '-' and spaces as they are).
uint32_t folded_word(const char* p) {
    uint32_t w;
    std::memcpy(&w, p, 4);
    return w | 0x20202020u;
}

// How often a byte stands in log text, roughly: lower is rarer. Letters by their frequency in
// English; digits, '.', '-', '_' and spaces are all over logs.
int byte_commonness(unsigned char c) {
    static const char* by_frequency = "etaoinsrhldcumfpgwybvkxjqz";
    if (c == ' ') return 40;
    if (c >= '0' && c <= '9') return 24;
    if (c == '.' || c == '-' || c == '_') return 20;
    if (const char* at = std::strchr(by_frequency, c); at && c) return 26 - static_cast<int>(at - by_frequency);
    return 1;
}

#if defined(__x86_64__)
__attribute__((target("avx2,popcnt"))) size_t count_newlines_avx2(const char* p, const char* end) {
    size_t n = 0;
    const __m256i nl = _mm256_set1_epi8('\n');
    for (; end - p >= 32; p += 32) {
        __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        n += static_cast<size_t>(__builtin_popcount(static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl)))));
    }
    return n + static_cast<size_t>(std::count(p, end, '\n'));
}

bool cpu_has_avx2() {
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    return has;
}

// From `p`, 16 bytes at a time, the first block in which a position at an even distance from
// `p` (0, 2, ... 14) hashes to a marked slot of `table` (a bit per slot, kTableBits of them): its
// start, with `marked` holding bit k for position 2k. With no such block, where fewer than 24
// bytes remain, and `marked` 0. The same hash as LiteralScanner::slot, eight positions at once.
template <unsigned kTableBits>
__attribute__((target("avx2"))) const char* next_marked_block_avx2(const uint8_t* table, const char* p, const char* end,
                                                                   unsigned& marked) {
    const __m256i fold = _mm256_set1_epi8(0x20);
    // Lane 0 holds bytes 0-15 of the block, lane 1 bytes 8-23: the words at 0, 2, 4, 6 of each.
    const __m256i words_at = _mm256_setr_epi8(0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9,  //
                                              0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7, 8, 9);
    const __m256i multiplier = _mm256_set1_epi32(static_cast<int>(0x9E3779B1u));
    const __m256i bit_of_dword = _mm256_set1_epi32(31);
    const int* dwords = reinterpret_cast<const int*>(table);
    for (; end - p >= 24; p += 16) {
        __m256i bytes = _mm256_set_m128i(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 8)),
                                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        __m256i words = _mm256_shuffle_epi8(_mm256_or_si256(bytes, fold), words_at);
        __m256i slots = _mm256_srli_epi32(_mm256_mullo_epi32(words, multiplier), 32 - kTableBits);
        __m256i held = _mm256_i32gather_epi32(dwords, _mm256_srli_epi32(slots, 5), 4);
        __m256i bits = _mm256_sllv_epi32(held, _mm256_sub_epi32(bit_of_dword, _mm256_and_si256(slots, bit_of_dword)));
        marked = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(bits)));
        if (marked) return p;
    }
    marked = 0;
    return p;
}
#endif

}  // namespace

// On other processors (arm64) the compiler vectorises std::count itself.
size_t count_newlines(const char* begin, const char* end) {
#if defined(__x86_64__)
    if (cpu_has_avx2()) return count_newlines_avx2(begin, end);
#endif
    return static_cast<size_t>(std::count(begin, end, '\n'));
}

namespace {

// What nearly every line a Tekton or Knative controller logs holds ("logger":"tekton-pipelines-
// controller", "knative.dev/kind":"tekton.dev.TaskRun"), and the words of the messages it logs on
// every reconcile: "Successfully reconciled taskrun %s/%s with status: &apis.Condition{Type:...
// Status:\"Unknown\"...}", "PipelineRun %s status is being set to &{Succeeded Unknown ... Tasks
// Completed: %d (Failed: %d, Cancelled %d), Incomplete: %d, Skipped: %d}", the entrypoint
// lookup's "resolved entrypoint for image REGISTRY/...", "Adding to queue %s (depth: %d)", the
// resolution requests, leader election. By English alone their letters look rare ('k', 'y',
// 'q'), so a fingerprint inside one of them, or one of them with the space before or after it,
// would mark line after line.
bool inside_everyday_word(std::string_view window) {
    // Every four bytes in a row of those words (with a space on either side), in order.
    static const std::vector<std::string> windows = [] {
        static constexpr std::string_view words[] = {
            "tekton.dev", "knative.dev/kind", "knative.dev/key", "controller", "reconcile", "pipeline", "taskrun",
            "logger", "status", "unknown", "succeeded", "successfully", "condition", "type", "with", "reason",
            "running", "tasks", "completed", "failed", "cancelled", "incomplete", "skipped", "queue", "depth",
            "entrypoint", "lookup", "resolved", "resolution", "request", "registry", "image", "manifest",
            "retrieving", "leading", "leaderelection", "webhook", "commit", "http", "https", "timeout"};
        std::vector<std::string> out;
        for (std::string_view w : words) {
            std::string padded = " " + std::string(w) + " ";
            for (size_t k = 0; k + 4 <= padded.size(); ++k) out.push_back(padded.substr(k, 4));
        }
        std::sort(out.begin(), out.end());
        return out;
    }();
    return std::binary_search(windows.begin(), windows.end(), window);
}

}  // namespace

LiteralScanner::LiteralScanner(const std::vector<std::string>& needles, Instructions instructions)
    : table_((1u << kTableBits) / 8, 0) {
#if defined(__x86_64__)
    vector_ = instructions == Instructions::best && cpu_has_avx2();
#else
    (void)instructions;
#endif
    if (needles.empty()) throw Error("the literal prefilter needs at least one needle");
    if (needles.size() > 0x7FFF) throw Error("the literal prefilter takes at most 32767 needles");
    auto window_score = [](std::string_view window) {
        int score = inside_everyday_word(window) ? 1000 : 0;
        for (char c : window) score += byte_commonness(static_cast<unsigned char>(c));
        return score;
    };
    std::vector<Window> windows;
    for (const auto& n : needles) {
        if (n.size() < kWindow) throw Error("prefilter needle '" + n + "' is shorter than 4 bytes");
        Needle needle;
        needle.lower = n;
        std::transform(needle.lower.begin(), needle.lower.end(), needle.lower.begin(), lower_ascii);
        const std::string_view lower(needle.lower);
        const auto index = static_cast<uint16_t>(needles_.size());
        if (lower.size() == kWindow) {
            // The needle itself, and its first three bytes after any byte: one of the two
            // positions is looked at.
            windows.push_back({folded_word(lower.data()), 0xFFFFFFFFu, index, 0});
            for (unsigned b = 0; b < 256; ++b) {
                char bytes[4] = {static_cast<char>(b), lower[0], lower[1], lower[2]};
                windows.push_back({folded_word(bytes), 0xFFFFFF00u, index, -1});
            }
        } else {
            // The two windows in a row that ordinary text holds least.
            int best = 1 << 30;
            for (size_t k = 0; k + kWindow + 1 <= lower.size(); ++k) {
                int score = window_score(lower.substr(k, kWindow)) + window_score(lower.substr(k + 1, kWindow));
                if (score < best) {
                    best = score;
                    needle.offset = k;
                }
            }
            for (size_t j = 0; j < 2; ++j)
                windows.push_back({folded_word(lower.data() + needle.offset + j), 0xFFFFFFFFu, index,
                                   static_cast<int16_t>(needle.offset + j)});
        }
        needles_.push_back(std::move(needle));
    }
    // The windows by slot, so that a marked position is compared with its slot's windows only.
    std::sort(windows.begin(), windows.end(), [](const Window& x, const Window& y) {
        return std::make_tuple(slot(x.word), x.needle, x.at) < std::make_tuple(slot(y.word), y.needle, y.at);
    });
    windows.erase(std::unique(windows.begin(), windows.end(),
                              [](const Window& x, const Window& y) {
                                  return x.word == y.word && x.mask == y.mask && x.needle == y.needle && x.at == y.at;
                              }),
                  windows.end());
    for (const auto& w : windows) {
        uint32_t s = slot(w.word);
        table_[s >> 3] |= static_cast<uint8_t>(1u << (s & 7));
        by_slot_.push_back(w);
        slot_windows_.push_back(s);
    }
}

bool LiteralScanner::matches_at(const Window& w, const char* begin, const char* p, const char* end, uint32_t word) const {
    if ((word & w.mask) != (w.word & w.mask)) return false;
    if (w.at > p - begin) return false;
    const char* start = p - w.at;
    const Needle& n = needles_[w.needle];
    if (static_cast<size_t>(end - start) < n.lower.size()) return false;
    size_t i = 0;
    while (i < n.lower.size() && lower_ascii(start[i]) == n.lower[i]) ++i;
    return i == n.lower.size();
}

const char* LiteralScanner::verify(const char* begin, const char* p, const char* end) const {
    uint32_t word = folded_word(p);
    uint32_t s = slot(word);
    auto first = std::lower_bound(slot_windows_.begin(), slot_windows_.end(), s);
    for (auto k = static_cast<size_t>(first - slot_windows_.begin()); k < by_slot_.size() && slot_windows_[k] == s; ++k) {
        const Window& w = by_slot_[k];
        if (matches_at(w, begin, p, end, word)) return p - w.at;
    }
    return nullptr;
}

template <typename OnMarked>
const char* LiteralScanner::each_marked(const char* begin, const char* end, OnMarked&& on_marked) const {
    const char* p = begin;
#if defined(__x86_64__)
    if (vector_) {
        for (;;) {
            unsigned marked = 0;
            p = next_marked_block_avx2<kTableBits>(table_.data(), p, end, marked);
            if (!marked) break;
            for (int k = 0; k < 8; ++k)
                if (marked & (1u << k))
                    if (const char* found = on_marked(p + 2 * k)) return found;
            p += 16;
        }
    }
#endif
    // Three positions from one 8-byte load (at 0, 2 and 4), with one branch for the three.
    for (; end - p >= 8; p += 6) {
        uint64_t q;
        std::memcpy(&q, p, 8);
        q |= 0x2020202020202020ull;
        if (!(marked(static_cast<uint32_t>(q)) | marked(static_cast<uint32_t>(q >> 16)) | marked(static_cast<uint32_t>(q >> 32))))
            continue;
        for (int k = 0; k < 6; k += 2)
            if (marked(static_cast<uint32_t>(q >> (8 * k))))
                if (const char* found = on_marked(p + k)) return found;
    }
    // The last few positions, each of them.
    for (; end - p >= static_cast<long>(kWindow); ++p)
        if (marked(folded_word(p)))
            if (const char* found = on_marked(p)) return found;
    return nullptr;
}

void LiteralScanner::needles_in(const char* begin, const char* end, std::vector<size_t>& out) const {
    out.clear();
    each_marked(begin, end, [&](const char* p) -> const char* {
        uint32_t word = folded_word(p);
        uint32_t s = slot(word);
        auto first = std::lower_bound(slot_windows_.begin(), slot_windows_.end(), s);
        for (auto k = static_cast<size_t>(first - slot_windows_.begin()); k < by_slot_.size() && slot_windows_[k] == s; ++k) {
            const Window& w = by_slot_[k];
            if (matches_at(w, begin, p, end, word) && std::find(out.begin(), out.end(), w.needle) == out.end())
                out.push_back(w.needle);
        }
        return nullptr;
    });
}

const char* LiteralScanner::find(const char* begin, const char* end) const {
    const char* hit = each_marked(begin, end, [&](const char* p) { return verify(begin, p, end); });
    return hit ? hit : end;
}

}  // namespace certdoctor
