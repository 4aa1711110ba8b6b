#include "util/tree_builder.h"

namespace certdoctor {

namespace {

bool scalars_only(const JsonShape& s) {
    return !s.all && s.fields.empty() && !s.every_field && !s.every_item;
}

}  // namespace

JsonShape JsonShape::object(std::vector<std::pair<std::string_view, const JsonShape*>> members) {
    JsonShape s;
    s.fields = std::move(members);
    return s;
}

JsonShape JsonShape::array(const JsonShape& item, size_t max) {
    JsonShape s;
    s.every_item = &item;
    s.max_items = max;
    return s;
}

JsonShape JsonShape::map(const JsonShape& value) {
    JsonShape s;
    s.every_field = &value;
    return s;
}

const JsonShape& JsonShape::everything() {
    static const JsonShape shape = [] {
        JsonShape s;
        s.all = true;
        return s;
    }();
    return shape;
}

const JsonShape& JsonShape::scalar() {
    static const JsonShape shape{};
    return shape;
}

std::string describe(TreeStatus status, const TreeBudget& budget) {
    switch (status) {
        case TreeStatus::ok: return "";
        case TreeStatus::too_deep: return "nested deeper than " + std::to_string(budget.max_depth) + " levels";
        case TreeStatus::too_large:
            return "more values than its size allows (over " + std::to_string(budget.max_bytes >> 20) +
                   " MiB to hold them)";
    }
    return "";
}

std::pair<nlohmann::json*, const JsonShape*> TreeBuilder::slot(bool is_container) {
    if (stack_.empty()) return {&root_, shape_};
    Frame& top = stack_.back();
    if (!top.container) return {nullptr, nullptr};
    const JsonShape* child = nullptr;
    if (top.container->is_object()) {
        child = top.member_shape;
        top.member_shape = nullptr;  // one value per key
    } else {
        size_t index = top.items++;
        child = top.shape->all ? top.shape : index < top.shape->max_items ? top.shape->every_item : nullptr;
    }
    if (!child || (is_container && scalars_only(*child))) return {nullptr, nullptr};
    if (top.container->is_object()) return {&(*top.container)[top.member], child};
    top.container->push_back(nullptr);
    return {&top.container->back(), child};
}

bool TreeBuilder::count(size_t cost) {
    bytes_ += cost;
    if (bytes_ <= budget_.max_bytes) return true;
    status_ = TreeStatus::too_large;
    return false;
}

// What a kept value costs in memory with glibc's malloc (16 bytes per block, blocks of 32 at
// least): its slot in the parent (a tree node with its key, or a vector element with room to
// grow), and its own allocation.
size_t TreeBuilder::slot_cost(size_t key_bytes) const {
    if (stack_.empty()) return sizeof(nlohmann::json);
    if (stack_.back().container->is_object()) return 96 + (key_bytes > 15 ? key_bytes + 17 : 0);
    return 3 * sizeof(nlohmann::json);  // with the old block alive while a vector grows
}

bool TreeBuilder::open(nlohmann::json::value_t type) {
    if (status_ != TreeStatus::ok) return false;
    if (stack_.size() >= budget_.max_depth) {
        status_ = TreeStatus::too_deep;
        return false;
    }
    auto [target, shape] = slot(true);
    if (!target) {
        stack_.push_back({nullptr, nullptr, nullptr, {}, 0});
        return true;
    }
    if (!count(slot_cost(stack_.empty() ? 0 : stack_.back().member.size()) + 64)) return false;
    *target = nlohmann::json(type);
    stack_.push_back({target, shape, nullptr, {}, 0});
    return true;
}

bool TreeBuilder::key(std::string_view name) {
    if (status_ != TreeStatus::ok) return false;
    if (stack_.empty()) return true;
    Frame& top = stack_.back();
    if (!top.container || !top.container->is_object()) return true;
    const JsonShape* shape = top.shape;
    top.member_shape = nullptr;
    if (shape->all) {
        top.member_shape = shape;
    } else {
        for (const auto& [field, field_shape] : shape->fields)
            if (field == name) top.member_shape = field_shape;
        if (!top.member_shape) top.member_shape = shape->every_field;
    }
    if (top.member_shape) top.member.assign(name);
    return true;
}

bool TreeBuilder::scalar(nlohmann::json value) {
    if (status_ != TreeStatus::ok) return false;
    auto [target, shape] = slot(false);
    if (target) {
        size_t own = value.is_string() ? 48 + (value.get_ref<const std::string&>().size() > 15
                                                   ? value.get_ref<const std::string&>().size() + 17 : 0) : 0;
        if (!count(slot_cost(stack_.empty() ? 0 : stack_.back().member.size()) + own)) return false;
        *target = std::move(value);
    }
    if (stack_.empty()) complete_ = true;
    return true;
}

bool TreeBuilder::end() {
    if (status_ != TreeStatus::ok) return false;
    if (stack_.empty()) return true;
    stack_.pop_back();
    if (stack_.empty()) complete_ = true;
    return true;
}

nlohmann::json TreeBuilder::take() {
    complete_ = false;
    nlohmann::json out = std::move(root_);
    root_ = nlohmann::json();
    return out;
}

}  // namespace certdoctor
