#include "input/normalise.h"

#include <gtest/gtest.h>

namespace certdoctor {
namespace {

TEST(Normalise, UndoesJsonAndGoEscapes) {
    EXPECT_EQ(normalise_message(R"(pod \"x\": Get \"https://r/v2/?a=1\u0026b=2\":\nx509: bad)"),
              R"(pod "x": Get "https://r/v2/?a=1&b=2": x509: bad)");
}

TEST(Normalise, UndoesEscapesTwiceForJsonInsideJson) {
    EXPECT_EQ(normalise_message(R"(msg \\\"quoted\\\")"), R"(msg "quoted")");
}

// Credentials pasted with a failure never reach an output: a URL's password, a token standing as
// its user, an Authorization header, a registry login's password. A plain user name stays.
TEST(Normalise, MasksCredentialsPastedWithTheFailure) {
    EXPECT_EQ(normalise_message("fatal: repository 'https://user:s3cretpass@git.example.com/x.git/' not found"),
              "fatal: repository 'https://user:***@git.example.com/x.git/' not found");
    // darfij's token (a made-up one here) as the URL's user.
    EXPECT_EQ(normalise_message("fatal: repository 'https://ghp_CHJF0123456789abcdefghijklmnopqrstuv@github.com/darfij/.git/' not found"),
              "fatal: repository 'https://***@github.com/darfij/.git/' not found");
    EXPECT_EQ(normalise_message("Get https://oauth2:glpat-abcdef0123456789@gitlab.example/api/v4/x: x509: bad"),
              "Get https://oauth2:***@gitlab.example/api/v4/x: x509: bad");
    EXPECT_EQ(normalise_message("curl -H 'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' https://r/v2/"),
              "curl -H 'Authorization: Bearer ***' https://r/v2/");
    EXPECT_EQ(normalise_message("+ docker login -u admin -p Hunter2Secret registry.private:5000"),
              "+ docker login -u admin -p *** registry.private:5000");
    EXPECT_EQ(normalise_message("podman login --password=Hunter2Secret --username admin quay.io"),
              "podman login --password=*** --username admin quay.io");
    // Not credentials: a user name alone, an -p of another command, an address with no scheme.
    for (const char* kept : {"while accessing http://git@github.com/dotcloud/docker/info/refs",
                             "mkdir -p /workspace && docker build -t x .", "git@github.com:org/repo.git: Permission denied"})
        EXPECT_EQ(normalise_message(kept), kept);
}

TEST(Normalise, StripsAnsiColours) {
    EXPECT_EQ(normalise_message("\x1b[31mx509:\x1b[0m certificate"), "x509: certificate");
}

TEST(Normalise, TurnsPastedLinksBackIntoText) {
    EXPECT_EQ(normalise_message(R"x(Get "[https://registry.private/v2/](https://registry.private/v2/)": x509)x"),
              R"(Get "https://registry.private/v2/": x509)");
    EXPECT_EQ(normalise_message("Get <https://registry.private/v2/>: x509"), "Get https://registry.private/v2/: x509");
    EXPECT_EQ(normalise_message("Get &quot;https://r/v2/&quot;: x509 &amp; more"), "Get \"https://r/v2/\": x509 & more");
    EXPECT_EQ(normalise_message("Get \xE2\x80\x9Chttps://r/v2/\xE2\x80\x9D"), "Get \"https://r/v2/\"");
}

TEST(Normalise, ReplacesBinaryJunkAndKeepsValidUtf8) {
    std::string junk = std::string("x509:\x01\xff bad ") + "caf\xC3\xA9";
    std::string out = normalise_message(junk);
    EXPECT_EQ(out.find('\x01'), std::string::npos);
    EXPECT_NE(out.find("caf\xC3\xA9"), std::string::npos);
    EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(Normalise, CutsHugeMessages) {
    std::string huge(10 * kMaxMessageBytes, 'a');
    EXPECT_LE(normalise_message(huge).size(), kMaxMessageBytes);
}

TEST(SplitMessages, JoinsYamlFoldedLinesButNotSiblingFields) {
    auto messages = split_messages(
        "  - lastTransitionTime: \"2026-11-20T09:14:03Z\"\n"
        "    message: 'failed to create task run pod \"x\": translating TaskSpec\n"
        "      to Pod: Get \"https://r/v2/\": x509: certificate signed by unknown authority'\n"
        "    reason: PodCreationFailed\n");
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[1].text,
              "message: failed to create task run pod \"x\": translating TaskSpec to Pod: Get "
              "\"https://r/v2/\": x509: certificate signed by unknown authority");
    EXPECT_EQ(messages[1].line, 2);
    EXPECT_EQ(messages[2].text, "reason: PodCreationFailed");
}

// fluxcd/flux2#529, a GitRepository's status as kubectl -o yaml prints it: the message is a
// single-quoted scalar folded over two lines, its own quotes doubled.
TEST(SplitMessages, ReadsASingleQuotedYamlScalarAsYamlDoes) {
    auto m = split_messages("status:\n  conditions:\n  - lastTransitionTime: \"2020-11-30T13:05:04Z\"\n"
                            "    message: 'unable to clone ''https://github.example.com/test/gitops-test'',\n"
                            "      error: authentication required'\n    reason: GitOperationFailed\n");
    bool found = false;
    for (const auto& x : m)
        found = found || x.text == "message: unable to clone 'https://github.example.com/test/gitops-test', error: "
                                   "authentication required";
    EXPECT_TRUE(found);
    // A lone quote is not a single-quoted scalar: the line is kept as written.
    auto plain = split_messages("note: 'it's not YAML'");
    ASSERT_EQ(plain.size(), 1u);
    EXPECT_EQ(plain[0].text, "note: 'it's not YAML'");
}

TEST(SplitMessages, JoinsAMessageWrappedWhenPasted) {
    auto messages = split_messages("failed to create task run pod \"t\": translating TaskSpec to Pod: error getting image\n"
                                   "    manifest: Get https://r/v2/: x509: certificate signed by unknown authority.\n"
                                   "    Maybe missing or invalid Task default/task\n");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NE(messages[0].text.find("error getting image manifest: Get"), std::string::npos);
}

TEST(SplitMessages, KeepsEventTableRowsApart) {
    auto messages = split_messages("Events:\n"
                                   "  Type     Reason  Age  From     Message\n"
                                   "  Warning  Failed  1m   kubelet  Failed to pull image \"a\": x509: one\n"
                                   "  Warning  Failed  1m   kubelet  Failed to pull image \"b\": x509: two\n");
    ASSERT_EQ(messages.size(), 4u);
    EXPECT_NE(messages[3].text.find("\"b\""), std::string::npos);
}

TEST(SplitMessages, JoinsLinesEndingInABackslash) {
    auto messages = split_messages("message: \"Get \\\"https://r/v2/\\\": x509: certificate signed by unk\\\n    nown authority\"");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NE(messages[0].text.find("signed by unknown authority"), std::string::npos);
}

TEST(SplitMessages, ReadsControllerJsonLogLines) {
    auto messages = split_messages(
        R"({"level":"error","ts":"2026-11-20T09:14:03.1Z","logger":"tekton-pipelines-controller","msg":"Failed to create task run pod for taskrun \"b-1\": translating TaskSpec to Pod: Get \"https://r/v2/\": x509: certificate signed by unknown authority","knative.dev/kind":"tekton.dev.TaskRun","knative.dev/key":"ci/b-1"})");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].object.kind, "TaskRun");
    EXPECT_EQ(messages[0].object.namespace_, "ci");
    EXPECT_EQ(messages[0].object.name, "b-1");
    EXPECT_EQ(messages[0].text.rfind("Failed to create task run pod for taskrun \"b-1\"", 0), 0u);
}

// Go's log/slog files an error passed without a key under "!BADKEY" (OpenCSGs/csghub#440): the error is
// the message's cause, read after the message.
TEST(SplitMessages, ReadsAnSlogValueWithoutAKey) {
    auto messages = split_messages(
        R"({"time":"2024-08-07T02:44:24.535775152Z","level":"ERROR","msg":"Error sending request:","!BADKEY":"Post \"https://192.168.73.2:6081/gitserver/api/v1/users/root/tokens\": tls: failed to verify certificate: x509: cannot validate certificate for 192.168.73.2 because it doesn't contain any IP SANs"})");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].text.rfind("Error sending request: Post \"https://192.168.73.2:6081/", 0), 0u) << messages[0].text;
    EXPECT_NE(messages[0].text.find("doesn't contain any IP SANs"), std::string::npos) << messages[0].text;
    EXPECT_EQ(messages[0].time, "2024-08-07T02:44:24.535775152Z");
}

// A quoted YAML value keeps going over a blank line, which YAML folds into a line break of the value
// (istio/istio#5828): the webhook's wrapper and the x509 error are one message. A blank line after a
// value that closed still ends the message.
TEST(SplitMessages, AQuotedYamlValueContinuesOverABlankLine) {
    auto messages = split_messages(
        "message: 'Internal error occurred: failed calling admission webhook \"sidecar-injector.istio.io\":\n"
        "      Post https://istio-sidecar-injector.istio-system.svc:443/inject?timeout=30s:\n\n"
        "      x509: certificate signed by unknown authority (possibly because of \"crypto/rsa:\n"
        "      verification error\" while trying to verify candidate authority certificate \"k8s.cluster.local\")'");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NE(messages[0].text.find("failed calling admission webhook"), std::string::npos) << messages[0].text;
    EXPECT_NE(messages[0].text.find("x509: certificate signed by unknown authority"), std::string::npos) << messages[0].text;
    EXPECT_EQ(split_messages("message: 'closed here'\n\n  indented: next").size(), 2u);
    EXPECT_EQ(split_messages("reason: \"it's \\\"quoted\\\" here\"\n\n  x509: next").size(), 2u);
}

// zap's numeric time stamp is seconds since the epoch; a number no clock gives is no time.
TEST(SplitMessages, ReadsZapsNumericTimeAndIgnoresAnImpossibleOne) {
    auto ok = split_messages(R"({"level":"error","ts":1700000000.25,"msg":"x509: certificate signed by unknown authority"})");
    ASSERT_EQ(ok.size(), 1u);
    EXPECT_EQ(ok[0].time, "2023-11-14T22:13:20.250Z");
    for (const char* line : {R"({"ts":1.76363e+93,"msg":"x509: a"})", R"({"ts":-5,"msg":"x509: a"})",
                             R"({"ts":1e300,"msg":"x509: a"})"}) {
        auto messages = split_messages(line);
        ASSERT_EQ(messages.size(), 1u) << line;
        EXPECT_EQ(messages[0].time, "") << line;
        EXPECT_EQ(messages[0].text, "x509: a") << line;
    }
}

// The Docker Engine API's stream object is not a log line: its errorDetail key names the daemon.
TEST(SplitMessages, ReadsADockerStreamObjectAsText) {
    auto messages = split_messages(
        R"({"errorDetail":{"message":"toomanyrequests: You have reached your pull rate limit."},"error":"toomanyrequests: You have reached your pull rate limit."})");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].text.rfind("{\"errorDetail\":{\"message\":", 0), 0u) << messages[0].text;
}

// A registry's JSON error body has none of a logger's message fields: it is read as text.
TEST(SplitMessages, ReadsAJsonObjectWithoutMessageFieldsAsText) {
    auto messages = split_messages(
        R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Name":"billing","Action":"pull"}]}]})");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NE(messages[0].text.find("\"code\":\"UNAUTHORIZED\""), std::string::npos) << messages[0].text;
}

TEST(Normalise, JoinsAnX509SplitByAPastesColumns) {
    EXPECT_EQ(normalise_message("Get https://r/v2/: x    509: certificate is valid for a, not r"),
              "Get https://r/v2/: x509: certificate is valid for a, not r");
    EXPECT_EQ(normalise_message("max 509: items"), "max 509: items");
}

TEST(SplitMessages, KeepsTheApiServersSyslogTag) {
    auto messages = split_messages(
        "Jun 22 22:38:16 kubemaster-01 kube-apiserver[5253]: I0622 22:38:16.699924    5253 logs.go:41] http: TLS "
        "handshake error from 10.0.0.9:49486: remote error: bad certificate\n");
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].text.rfind("kube-apiserver[5253]: ", 0), 0u) << messages[0].text;
}

TEST(SplitMessages, DropsTimestampsAndLogPrefixes) {
    auto messages = split_messages("2026-11-20T09:14:03.123Z error: x509: a\n"
                                   "[pod/build-pod/step-build] error building image: x509: b\n"
                                   "E1120 09:14:03.123456    1234 kuberuntime_image.go:53] Failed to pull image \"c\": x509: c\n");
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[0].text, "error: x509: a");
    EXPECT_EQ(messages[1].text, "error building image: x509: b");
    EXPECT_EQ(messages[2].text, "Failed to pull image \"c\": x509: c");
}

// A Markdown link inside a bracketed JSON array is the link alone: the array's bracket stays
// (goharbor/harbor#20764, as the issue tracker rendered the registry's answer).
TEST(NormaliseMessage, ALinkInsideBracketsKeepsTheOuterBracket) {
    EXPECT_EQ(normalise_message("{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"repo [docker.io/library/debian]"
                                "(http://docker.io/library/debian), tag badtag not found\"}]}"),
              "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"repo docker.io/library/debian, tag badtag not found\"}]}");
}

TEST(WithoutLogPrefixes, EachLineStartsWhereItsPrefixEnds) {
    EXPECT_EQ(without_log_prefixes("[2021-07-20T09:00:38.189Z] ERROR: for builder  Get https://m/v2/: refused\n"
                                   "2021-07-20T09:00:38.1895430Z $ docker push r/a\n"
                                   "> quoted\n"
                                   "plain"),
              "ERROR: for builder  Get https://m/v2/: refused\n$ docker push r/a\nquoted\nplain");
    EXPECT_EQ(without_log_prefixes(""), "");
    EXPECT_EQ(without_log_prefixes("a\n\nb\n"), "a\n\nb\n");
}

TEST(RegistryOf, FollowsDockerReferenceRules) {
    EXPECT_EQ(registry_of_image("registry.private:5000/team/app:v1"), "registry.private:5000");
    EXPECT_EQ(registry_of_image("localhost/app"), "localhost");
    EXPECT_EQ(registry_of_image("library/busybox:1"), "docker.io");
    EXPECT_EQ(registry_of_image("busybox"), "docker.io");
    EXPECT_EQ(registry_of_image("docker://10.0.0.5:5000/x@sha256:abc"), "10.0.0.5:5000");
    EXPECT_EQ(registry_of_url("https://registry.private:8443/v2/"), "registry.private:8443");
    EXPECT_EQ(registry_of_url("https://user@auth.example/token?x=1"), "auth.example");
}

}  // namespace
}  // namespace certdoctor

namespace certdoctor {
namespace {

// `kubectl logs --prefix` puts the pod and container before each line; a zap line behind it is
// still read by field, with its time stamp and its run.
TEST(ReadLogLine, KeepsTheZapFieldsBehindAKubectlPrefix) {
    LogLine l = read_log_line(
        "[pod/tekton-pipelines-controller-5d7b9c/tekton-pipelines-controller] {\"level\":\"error\",\"ts\":"
        "\"2026-11-25T14:14:10.123Z\",\"msg\":\"Returned an error\",\"knative.dev/key\":\"ci/build-1\",\"error\":"
        "\"x509: certificate signed by unknown authority\"}");
    EXPECT_EQ(l.time, "2026-11-25T14:14:10.123Z");
    EXPECT_EQ(l.object.namespace_, "ci");
    EXPECT_EQ(l.object.name, "build-1");
    EXPECT_NE(l.text.find("x509: certificate signed by unknown authority"), std::string::npos);
}

}  // namespace
}  // namespace certdoctor
