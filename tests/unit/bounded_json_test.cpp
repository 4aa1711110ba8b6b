#include "util/bounded_json.h"

#include <gtest/gtest.h>

#include <string>

#include "input/normalise.h"

namespace certdoctor {
namespace {

TEST(BoundedJson, KeepsOnlyTheShapeAskedFor) {
    const JsonShape& leaf = JsonShape::scalar();
    const JsonShape inner = JsonShape::object({{"keep", &leaf}});
    const JsonShape top = JsonShape::object({{"a", &inner}, {"n", &leaf}, {"first", nullptr}});
    BoundedJson j = parse_json_bounded(R"({"a": {"keep": "x", "drop": [1, 2]}, "n": 3, "b": {"c": [{}]}})", top);
    ASSERT_TRUE(j.ok()) << j.problem;
    EXPECT_EQ(j.value.dump(), R"({"a":{"keep":"x"},"n":3})");
    // A container where a scalar is asked for is skipped, as a missing field.
    BoundedJson k = parse_json_bounded(R"({"n": {"x": 1}})", top);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k.value.dump(), "{}");
    // At most max_items elements of an array.
    const JsonShape one = JsonShape::array(leaf, 1);
    EXPECT_EQ(parse_json_bounded("[1, 2, 3]", one).value.dump(), "[1]");
}

TEST(BoundedJson, ReportsNotJsonDepthAndSize) {
    EXPECT_EQ(parse_json_bounded("{\"a\": ").status, BoundedJson::Status::not_json);
    EXPECT_EQ(parse_json_bounded("{} x").status, BoundedJson::Status::not_json);
    BoundedJson deep = parse_json_bounded(std::string(200, '[') + std::string(200, ']'));
    EXPECT_EQ(deep.status, BoundedJson::Status::over_budget);
    EXPECT_NE(deep.problem.find("nested deeper than 128"), std::string::npos) << deep.problem;
    // Empty objects cost about 37 times their text: over the budget of 4 MiB + 8 times it.
    std::string inflating = "[";
    for (int k = 0; k < 2000000; ++k) inflating += "{},";
    inflating += "{}]";
    BoundedJson big = parse_json_bounded(inflating);
    EXPECT_EQ(big.status, BoundedJson::Status::over_budget);
    EXPECT_NE(big.problem.find("more values than its size allows"), std::string::npos) << big.problem;
    // The same values where the shape skips them cost nothing.
    const JsonShape& leaf = JsonShape::scalar();
    const JsonShape only_msg = JsonShape::object({{"msg", &leaf}});
    BoundedJson skipped = parse_json_bounded("{\"msg\": \"m\", \"x\": " + inflating + "}", only_msg);
    ASSERT_TRUE(skipped.ok()) << skipped.problem;
    EXPECT_EQ(skipped.value["msg"], "m");
}

TEST(BoundedJson, AHugeLogLineIsReadByItsFields) {
    std::string line = R"({"level":"error","msg":"x509: certificate signed by unknown authority","knative.dev/key":"ci/b","extra":[)";
    for (int k = 0; k < 1000000; ++k) line += "[],";
    line += "[]]}";
    LogLine l = read_log_line(line);
    EXPECT_EQ(l.text, "x509: certificate signed by unknown authority");
    EXPECT_EQ(l.object.name, "b");
}

}  // namespace
}  // namespace certdoctor
