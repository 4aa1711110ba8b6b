#include "input/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <istream>
#include <streambuf>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace certdoctor {

namespace {

// An istream over text already in memory, so that a 64 MiB dump is not copied to be parsed.
class ViewBuffer : public std::streambuf {
public:
    explicit ViewBuffer(std::string_view text) {
        char* begin = const_cast<char*>(text.data());  // only read: the get area is never written
        setg(begin, begin, begin + text.size());
    }
};

std::string where(const std::string& source, const YAML::Mark& mark) {
    return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// yaml-cpp's events into the builder. YAML has no separate key event: in a mapping, every
// other node is a key, which this tracks per open collection.
class Handler final : public YAML::EventHandler {
public:
    Handler(TreeBuilder& builder, const std::string& source) : b_(builder), source_(source) {}

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override {
        if (taking_key()) return key(mark, "");
        check(mark, b_.scalar(nullptr));
        value_done();
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
        throw input_error(where(source_, mark) + ": YAML aliases (*name) are not read: kubectl never writes "
                          "them; dump the run again with kubectl get -o yaml");
    }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string& value) override {
        if (taking_key()) return key(mark, value);
        check(mark, b_.scalar(value));
        value_done();
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        open(mark, false);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        open(mark, true);
    }
    void OnMapEnd() override { close(); }

private:
    struct Open {
        bool is_map;
        bool expecting_key;
    };

    bool taking_key() const { return !open_.empty() && open_.back().is_map && open_.back().expecting_key; }

    void key(const YAML::Mark& mark, const std::string& name) {
        last_ = mark;
        check(mark, b_.key(name));
        open_.back().expecting_key = false;
    }

    void open(const YAML::Mark& mark, bool is_map) {
        if (taking_key())
            throw input_error(where(source_, mark) + ": a mapping key that is not a scalar; dumps have none");
        last_ = mark;
        check(mark, is_map ? b_.begin_object() : b_.begin_array());
        open_.push_back({is_map, true});
    }

    void close() {
        check(last_, b_.end());
        open_.pop_back();
        value_done();
    }

    // After a value, a mapping expects its next key.
    void value_done() {
        if (!open_.empty() && open_.back().is_map) open_.back().expecting_key = true;
    }

    void check(const YAML::Mark& mark, bool ok) {
        if (!ok)
            throw input_error(where(source_, mark) + ": " + describe(b_.status(), b_.budget()) +
                              "; not a dump kubectl writes");
    }

    TreeBuilder& b_;
    const std::string& source_;
    std::vector<Open> open_;
    YAML::Mark last_;
};

}  // namespace

void read_yaml_documents(std::string_view text, const std::string& source, const JsonShape& shape,
                         const std::function<void(nlohmann::json&&)>& on_document) {
    ViewBuffer buffer(text);
    std::istream in(&buffer);
    TreeBuilder builder(shape, TreeBudget::for_input(text.size()));
    Handler handler(builder, source);
    try {
        YAML::Parser parser(in);
        while (parser.HandleNextDocument(handler))
            if (builder.complete()) on_document(builder.take());
    } catch (const YAML::Exception& e) {
        throw input_error(where(source, e.mark) + ": not valid YAML or JSON: " + e.msg);
    }
}

}  // namespace certdoctor
