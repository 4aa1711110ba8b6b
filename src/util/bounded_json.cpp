#include "util/bounded_json.h"

namespace certdoctor {

namespace {

using Json = nlohmann::json;

// nlohmann's SAX events into a TreeBuilder: the parser itself keeps no tree.
class BuilderSax final : public nlohmann::json_sax<Json> {
public:
    explicit BuilderSax(TreeBuilder& builder) : b_(builder) {}

    bool null() override { return b_.scalar(nullptr); }
    bool boolean(bool v) override { return b_.scalar(v); }
    bool number_integer(number_integer_t v) override { return b_.scalar(v); }
    bool number_unsigned(number_unsigned_t v) override { return b_.scalar(v); }
    bool number_float(number_float_t v, const string_t&) override { return b_.scalar(v); }
    bool string(string_t& v) override { return b_.scalar(std::move(v)); }
    bool binary(binary_t&) override { return b_.scalar(nullptr); }
    bool start_object(std::size_t) override { return b_.begin_object(); }
    bool key(string_t& v) override { return b_.key(v); }
    bool end_object() override { return b_.end(); }
    bool start_array(std::size_t) override { return b_.begin_array(); }
    bool end_array() override { return b_.end(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
        error = e.what();
        return false;
    }

    std::string error;

private:
    TreeBuilder& b_;
};

}  // namespace

BoundedJson parse_json_bounded(std::string_view text, const JsonShape& shape) {
    return parse_json_bounded(text, shape, TreeBudget::for_input(text.size(), 8));
}

BoundedJson parse_json_bounded(std::string_view text, const JsonShape& shape, TreeBudget budget) {
    TreeBuilder builder(shape, budget);
    BuilderSax sax(builder);
    BoundedJson out;
    bool parsed = Json::sax_parse(text, &sax);
    if (builder.status() != TreeStatus::ok) {
        out.status = BoundedJson::Status::over_budget;
        out.problem = describe(builder.status(), budget);
    } else if (!parsed || !builder.complete()) {
        out.status = BoundedJson::Status::not_json;
        out.problem = sax.error.empty() ? "not JSON" : sax.error;
    } else {
        out.status = BoundedJson::Status::ok;
        out.value = builder.take();
    }
    return out;
}

}  // namespace certdoctor
