#include "logscan/literal_scan.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <iterator>
#include <string_view>

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
// controller", "knative.dev/kind":"tekton.dev.TaskRun"). Their 'k' makes these look rare by
// English, so a fingerprint inside one of them would mark almost every line.
bool inside_everyday_word(std::string_view window) {
    static constexpr std::string_view words[] = {"tekton.dev", "knative.dev/kind", "knative.dev/key", "controller",
                                                 "reconcile", "pipeline", "taskrun", "logger"};
    return std::any_of(std::begin(words), std::end(words),
                       [window](std::string_view w) { return w.find(window) != std::string_view::npos; });
}

}  // namespace

LiteralScanner::LiteralScanner(const std::vector<std::string>& needles) : table_(1u << kTableBits, 0) {
    if (needles.empty()) throw Error("the literal prefilter needs at least one needle");
    for (const auto& n : needles) {
        if (n.size() < kFingerprint) throw Error("prefilter needle '" + n + "' is shorter than 4 bytes");
        Needle needle;
        needle.lower = n;
        std::transform(needle.lower.begin(), needle.lower.end(), needle.lower.begin(), lower_ascii);
        int best = 1 << 30;
        for (size_t k = 0; k + kFingerprint <= needle.lower.size(); ++k) {
            int score = inside_everyday_word(std::string_view(needle.lower).substr(k, kFingerprint)) ? 1000 : 0;
            for (size_t j = 0; j < kFingerprint; ++j) score += byte_commonness(static_cast<unsigned char>(needle.lower[k + j]));
            if (score < best) {
                best = score;
                needle.offset = k;
            }
        }
        needle.fingerprint = folded_word(needle.lower.data() + needle.offset);
        table_[slot(needle.fingerprint)] = 1;
        needles_.push_back(std::move(needle));
    }
    if (needles_.size() > 0xFFFF) throw Error("the literal prefilter takes at most 65535 needles");
    // The needles by slot, so that a marked position is compared with its slot's needles only
    // (a catalog of a few hundred rules gives a few hundred needles).
    by_slot_.resize(needles_.size());
    for (size_t k = 0; k < needles_.size(); ++k) by_slot_[k] = static_cast<uint16_t>(k);
    std::stable_sort(by_slot_.begin(), by_slot_.end(), [this](uint16_t a, uint16_t b) {
        return slot(needles_[a].fingerprint) < slot(needles_[b].fingerprint);
    });
    slot_first_.assign((1u << kTableBits) + 1, 0);
    for (const auto& n : needles_) ++slot_first_[slot(n.fingerprint) + 1];
    for (size_t s = 1; s < slot_first_.size(); ++s) slot_first_[s] += slot_first_[s - 1];
}

bool LiteralScanner::starts_at(const Needle& n, const char* begin, const char* at, const char* end, uint32_t word) {
    if (n.fingerprint != word || static_cast<size_t>(at - begin) < n.offset) return false;
    const char* start = at - n.offset;
    if (static_cast<size_t>(end - start) < n.lower.size()) return false;
    size_t i = 0;
    while (i < n.lower.size() && lower_ascii(start[i]) == n.lower[i]) ++i;
    return i == n.lower.size();
}

const char* LiteralScanner::verify(const char* begin, const char* at, const char* end) const {
    uint32_t word = folded_word(at);
    uint32_t s = slot(word);
    for (uint32_t k = slot_first_[s]; k < slot_first_[s + 1]; ++k) {
        const Needle& n = needles_[by_slot_[k]];
        if (starts_at(n, begin, at, end, word)) return at - n.offset;
    }
    return nullptr;
}

void LiteralScanner::needles_in(const char* begin, const char* end, std::vector<size_t>& out) const {
    out.clear();
    for (const char* p = begin; end - p >= static_cast<long>(kFingerprint); ++p) {
        uint32_t word = folded_word(p);
        uint32_t s = slot(word);
        if (!table_[s]) continue;
        for (uint32_t k = slot_first_[s]; k < slot_first_[s + 1]; ++k) {
            size_t index = by_slot_[k];
            if (starts_at(needles_[index], begin, p, end, word) && std::find(out.begin(), out.end(), index) == out.end())
                out.push_back(index);
        }
    }
}

const char* LiteralScanner::find(const char* begin, const char* end) const {
    const uint8_t* table = table_.data();
    auto marked = [table](uint32_t word) { return table[slot(word)]; };
    const char* p = begin;
    // Four positions from one 8-byte load, with one branch for the four.
    for (; end - p >= 8; p += 4) {
        uint64_t q;
        std::memcpy(&q, p, 8);
        q |= 0x2020202020202020ull;
        uint64_t any = marked(static_cast<uint32_t>(q)) | marked(static_cast<uint32_t>(q >> 8)) |
                       marked(static_cast<uint32_t>(q >> 16)) | marked(static_cast<uint32_t>(q >> 24));
        if (!any) continue;
        for (int k = 0; k < 4; ++k)
            if (marked(static_cast<uint32_t>(q >> (8 * k))))
                if (const char* start = verify(begin, p + k, end)) return start;
    }
    for (; end - p >= static_cast<long>(kFingerprint); ++p) {
        if (!table[slot(folded_word(p))]) continue;
        if (const char* start = verify(begin, p, end)) return start;
    }
    return end;
}

}  // namespace certdoctor
