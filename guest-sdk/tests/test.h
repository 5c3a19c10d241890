/*
 * A minimal test harness for the SDK's host tests: CHECK counts and reports, tests_done() prints
 * the summary and gives the exit status.
 */
#ifndef SV_TEST_H
#define SV_TEST_H

#include <stdio.h>
#include <stdlib.h>

static int test_checks, test_failures;
static const char *test_name = "test";

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        test_checks++;                                                                       \
        if (!(cond)) {                                                                       \
            test_failures++;                                                                 \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__, test_name, #cond); \
        }                                                                                    \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                 \
    do {                                                                                     \
        test_checks++;                                                                       \
        if (!(cond)) {                                                                       \
            test_failures++;                                                                 \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s: ", __FILE__, __LINE__, test_name, #cond); \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fputc('\n', stderr);                                                             \
        }                                                                                    \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                   \
    do {                                                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                                  \
        CHECK_MSG(a_ == b_, "%lld != %lld", a_, b_);                                         \
    } while (0)

#define RUN(fn)                                                                              \
    do {                                                                                     \
        test_name = #fn;                                                                     \
        fn();                                                                                \
    } while (0)

static inline int tests_done(const char *suite) {
    if (test_failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", suite, test_failures, test_checks);
        return 1;
    }
    printf("%s: %d checks passed\n", suite, test_checks);
    return 0;
}

#endif /* SV_TEST_H */
