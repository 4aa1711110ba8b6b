#include "match/catalog_blob.h"

#include <cstdint>
#include <type_traits>

#include "util/error.h"

namespace certdoctor {

namespace {

// Bumped whenever a field is added, removed or reordered below.
constexpr std::string_view kMagic = "certdoctor-catalog-6\n";

// One list of fields per type, read by the writer and by the reader alike.
template <class A, class T>
void fields(A& a, T& e) requires std::is_same_v<std::remove_const_t<T>, Example> {
    a(e.text, e.source, e.reason, e.expect, e.expect_fixes, e.line);
}
template <class A, class T>
void fields(A& a, T& p) requires std::is_same_v<std::remove_const_t<T>, RulePrefilter> {
    a(p.clauses);
}
template <class A, class T>
void fields(A& a, T& r) requires std::is_same_v<std::remove_const_t<T>, Rule> {
    a(r.kind, r.id, r.file, r.line, r.title, r.component, r.stage, r.chain, r.versions, r.tool, r.caller,
      r.confidence, r.problem, r.standalone, r.side, r.trust, r.peer, r.lookalike, r.peer_answer, r.reaches_peer,
      r.names_no_registry, r.priority, r.regex, r.context,
      r.context_except, r.expanded, r.regex_line, r.explanation, r.references, r.match_examples, r.no_match_examples,
      r.prefilter, r.context_prefilter);
}
template <class A, class T>
void fields(A& a, T& c) requires std::is_same_v<std::remove_const_t<T>, FixContent> {
    a(c.description, c.commands, c.manifest);
}
template <class A, class T>
void fields(A& a, T& o) requires std::is_same_v<std::remove_const_t<T>, FixOperation> {
    a(o.op, o.fields, o.line);
}
template <class A, class T>
void fields(A& a, T& f) requires std::is_same_v<std::remove_const_t<T>, FixRule> {
    a(f.id, f.file, f.line, f.title, f.order, f.sites, f.causes, f.stages, f.problems, f.components,
      f.not_causes, f.also_causes, f.registry_fix, f.lookalike_only, f.stands_in_for, f.needs_run, f.adds_ca, f.only_when, f.content, f.variants, f.references, f.operations);
}
template <class A, class T>
void fields(A& a, T& f) requires std::is_same_v<std::remove_const_t<T>, ChainFrame> {
    a(f.function, f.file, f.failed, f.fails_for);
}
template <class A, class T>
void fields(A& a, T& v) requires std::is_same_v<std::remove_const_t<T>, ChainVariant> {
    a(v.versions, v.reasons, v.frames);
}
template <class A, class T>
void fields(A& a, T& c) requires std::is_same_v<std::remove_const_t<T>, ChainRule> {
    a(c.id, c.file, c.line, c.title, c.variants);
}
template <class A, class T>
void fields(A& a, T& c) requires std::is_same_v<std::remove_const_t<T>, Catalog> {
    a(c.sites, c.causes, c.fixes, c.chains, c.fragments, c.prechecked);
}

struct Writer {
    std::string out;

    void number(uint64_t v) {
        for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
    }
    void one(const std::string& s) {
        number(s.size());
        out += s;
    }
    void one(int v) { number(static_cast<uint64_t>(static_cast<int64_t>(v))); }
    void one(bool v) { number(v ? 1 : 0); }
    void one(RuleKind v) { number(v == RuleKind::site ? 0 : 1); }
    template <class T>
    void one(const std::vector<T>& list) {
        number(list.size());
        for (const auto& item : list) one(item);
    }
    template <class K, class V>
    void one(const std::map<K, V>& map) {
        number(map.size());
        for (const auto& [k, v] : map) {
            one(k);
            one(v);
        }
    }
    template <class T>
    void one(const T& record) {
        fields(*this, record);
    }
    template <class... T>
    void operator()(const T&... items) {
        (one(items), ...);
    }
};

struct Reader {
    std::string_view in;
    size_t pos = 0;

    [[noreturn]] static void corrupt() {
        throw Error("the built-in pattern catalog is damaged (rebuild the binary)");
    }
    uint64_t number() {
        if (in.size() - pos < 8) corrupt();
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<uint64_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
        pos += 8;
        return v;
    }
    size_t count() {
        uint64_t n = number();
        if (n > in.size() - pos) corrupt();  // every item takes at least one byte
        return static_cast<size_t>(n);
    }
    void one(std::string& s) {
        size_t n = count();
        s.assign(in.substr(pos, n));
        pos += n;
    }
    void one(int& v) { v = static_cast<int>(static_cast<int64_t>(number())); }
    void one(bool& v) { v = number() != 0; }
    void one(RuleKind& v) { v = number() == 0 ? RuleKind::site : RuleKind::cause; }
    template <class T>
    void one(std::vector<T>& list) {
        list.resize(count());
        for (auto& item : list) one(item);
    }
    template <class K, class V>
    void one(std::map<K, V>& map) {
        size_t n = count();
        for (size_t i = 0; i < n; ++i) {
            K k;
            one(k);
            one(map[k]);
        }
    }
    template <class T>
    void one(T& record) {
        fields(*this, record);
    }
    template <class... T>
    void operator()(T&... items) {
        (one(items), ...);
    }
};

}  // namespace

std::string serialize_catalog(const Catalog& catalog) {
    Writer w;
    w.out = kMagic;
    w.one(catalog);
    return std::move(w.out);
}

Catalog deserialize_catalog(std::string_view blob) {
    if (blob.substr(0, kMagic.size()) != kMagic) Reader::corrupt();
    Reader r{blob, kMagic.size()};
    Catalog catalog;
    r.one(catalog);
    if (r.pos != blob.size()) Reader::corrupt();
    return catalog;
}

}  // namespace certdoctor
