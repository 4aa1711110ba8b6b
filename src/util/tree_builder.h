// Builds a JSON tree from parse events (JSON SAX, YAML events) within a budget of kept values
// and nesting depth, keeping only the parts a reader asks for (a JsonShape). This is what keeps
// the memory of parsing outside input a small multiple of its size: what is skipped is never
// built, and what is kept is counted.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace certdoctor {

// The parts of a document a reader needs. A shape with no fields, no every_field, no every_item
// and not `all` keeps scalars only; a container found where it stands is skipped. Shapes refer to
// one another by address, so a recursive format (a List's items, retriesStatus) is a cycle.
struct JsonShape {
    std::vector<std::pair<std::string_view, const JsonShape*>> fields;  // wanted members of an object
    const JsonShape* every_field = nullptr;  // the shape of every other member (a map of names)
    const JsonShape* every_item = nullptr;   // the shape of every element of an array
    size_t max_items = std::numeric_limits<size_t>::max();  // elements past it are skipped
    bool all = false;                        // the whole subtree, as it is

    // An object with these members; an array of `item` (at most `max` of them); an object of any
    // keys whose values have the shape `value`.
    static JsonShape object(std::vector<std::pair<std::string_view, const JsonShape*>> members);
    static JsonShape array(const JsonShape& item, size_t max = std::numeric_limits<size_t>::max());
    static JsonShape map(const JsonShape& value);
    // Keeps everything: for readers that walk a whole API object.
    static const JsonShape& everything();
    // Keeps scalars, skips containers.
    static const JsonShape& scalar();
};

// The limits on one parse. Depth counts every container read, kept or skipped. The node budget
// is weighed by what each kept node costs in memory (a member of an object about 100 bytes, an
// element of an array 48, a container's own allocation 64, a string its length and 48), since
// nodes differ sixfold: `[{},{}]` costs 40 times its text, `"message": "..."` about once.
struct TreeBudget {
    size_t max_bytes = 0;   // the kept nodes' estimated memory
    size_t max_depth = 0;

    static constexpr size_t kMaxDepth = 128;          // Kubernetes objects nest about 20 deep
    static constexpr size_t kBaseBytes = 4u << 20;    // small inputs of any shape
    // For a text of `bytes`: a tree of at most `multiple` times it (after the base).
    static TreeBudget for_input(size_t bytes, size_t multiple = 2) {
        return {kBaseBytes + multiple * bytes, kMaxDepth};
    }
};

enum class TreeStatus { ok, too_deep, too_large };

// What went over the budget, for an error message ("nested deeper than 128 levels").
std::string describe(TreeStatus status, const TreeBudget& budget);

// Receives one value's events at a time: begin_object/begin_array ... end, key before each
// member's value, scalar for the rest. Each call returns false once the budget is exceeded;
// status() then says which, and the caller stops feeding it.
class TreeBuilder {
public:
    TreeBuilder(const JsonShape& shape, TreeBudget budget) : shape_(&shape), budget_(budget) {}

    bool begin_object() { return open(nlohmann::json::value_t::object); }
    bool begin_array() { return open(nlohmann::json::value_t::array); }
    bool key(std::string_view name);
    bool scalar(nlohmann::json value);
    bool end();

    // A whole top-level value has been built; take() hands it over and readies the next one.
    bool complete() const { return complete_; }
    nlohmann::json take();

    TreeStatus status() const { return status_; }
    const TreeBudget& budget() const { return budget_; }
    size_t bytes_kept() const { return bytes_; }

private:
    struct Frame {
        nlohmann::json* container;  // null while skipping
        const JsonShape* shape;
        const JsonShape* member_shape = nullptr;  // for the value after key(); null: skip it
        std::string member;                        // that value's key
        size_t items = 0;
    };

    // Where the next value goes, and with what shape; {nullptr, nullptr} to skip it.
    std::pair<nlohmann::json*, const JsonShape*> slot(bool is_container);
    bool open(nlohmann::json::value_t type);
    bool count(size_t cost);
    size_t slot_cost(size_t key_bytes) const;

    const JsonShape* shape_;
    TreeBudget budget_;
    TreeStatus status_ = TreeStatus::ok;
    std::vector<Frame> stack_;
    nlohmann::json root_;
    bool complete_ = false;
    size_t bytes_ = 0;
};

}  // namespace certdoctor
