/*
 * A minimal harness for the frontends' host tests: CHECK counts and reports, tests_done() prints
 * the summary and gives the exit status.
 */
#ifndef SVF_TEST_H
#define SVF_TEST_H

#include <stdio.h>
#include <stdlib.h>

static int test_checks, test_failures;
static const char *test_name = "test";

#define CHECK(cond)                                                                                 \
    do {                                                                                            \
        test_checks++;                                                                              \
        if (!(cond)) {                                                                              \
            test_failures++;                                                                        \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__, test_name, #cond); \
        }                                                                                           \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                          \
    do {                                                                                            \
        long long a_ = (long long)(a), b_ = (long long)(b);                                         \
        test_checks++;                                                                              \
        if (a_ != b_) {                                                                             \
            test_failures++;                                                                        \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, \
                    test_name, #a, #b, a_, b_);                                                     \
        }                                                                                           \
    } while (0)

#define CHECK_CONTAINS(haystack, needle)                                                            \
    do {                                                                                            \
        test_checks++;                                                                              \
        if (!strstr((haystack), (needle))) {                                                        \
            test_failures++;                                                                        \
            fprintf(stderr, "%s:%d: %s: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,     \
                    test_name, (haystack), (needle));                                               \
        }                                                                                           \
    } while (0)

#define RUN(fn)                                                                                     \
    do {                                                                                            \
        test_name = #fn;                                                                            \
        fn();                                                                                       \
    } while (0)

static inline int tests_done(const char *suite) {
    if (test_failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", suite, test_failures, test_checks);
        return 1;
    }
    printf("%s: %d checks passed\n", suite, test_checks);
    return 0;
}

#endif /* SVF_TEST_H */
