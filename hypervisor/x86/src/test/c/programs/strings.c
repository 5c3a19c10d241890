#include "rt.h"
static char text[8192];
static const char *words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
                              "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};

static void reverse(char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n / 2; i++) { char t = s[i]; s[i] = s[n - 1 - i]; s[n - 1 - i] = t; }
}

static const char *find(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    for (; *hay; hay++) if (memcmp(hay, needle, n) == 0) return hay;
    return 0;
}

static int count_words(const char *s) {
    int n = 0, in = 0;
    for (; *s; s++) {
        int sp = *s == ' ' || *s == ',';
        if (!sp && !in) n++;
        in = !sp;
    }
    return n;
}

static void upcase(char *s) { for (; *s; s++) if (*s >= 'a' && *s <= 'z') *s -= 32; }

struct rec { char name[24]; int score; };

int main(void) {
    size_t len = 0;
    for (int i = 0; i < 600; i++) {
        const char *w = words[(i * 7 + i / 3) % 16];
        size_t n = strlen(w);
        memcpy(text + len, w, n);
        len += n;
        text[len++] = i % 5 == 4 ? ',' : ' ';
    }
    text[len] = 0;
    rt_printf("length %lu words %d\n", (uint64_t) len, count_words(text));
    const char *p = find(text, "lima mike");
    rt_printf("found at %ld\n", p ? (int64_t) (p - text) : -1);
    char buf[64];
    strcpy(buf, "The quick brown fox");
    reverse(buf);
    rt_printf("reversed: %s\n", buf);
    upcase(buf);
    rt_printf("upper: %s cmp=%d\n", buf, strcmp(buf, "XOF NWORB KCIUQ EHT") == 0);
    struct rec recs[16], copy[16];
    for (int i = 0; i < 16; i++) {
        rt_snprintf(recs[i].name, sizeof recs[i].name, "%s-%03d", words[i], i * 37 % 1000);
        recs[i].score = (i * 7919) % 101;
    }
    memcpy(copy, recs, sizeof recs);
    memmove((char *) copy + 8, copy, sizeof copy - 8);
    uint64_t h = 0;
    for (size_t i = 0; i < sizeof copy; i++) h = h * 131 + ((unsigned char *) copy)[i];
    rt_printf("records %s %s hash %lx\n", recs[3].name, recs[15].name, h);
    memset(text, 'x', 5000);
    text[5000] = 0;
    rt_printf("memset len %lu\n", (uint64_t) strlen(text));
    char num[48];
    rt_snprintf(num, sizeof num, "%08x|%5d|%lu", 0xBEEF, -42, 18446744073709551615ul);
    rt_printf("formatted %s\n", num);
    return 0;
}
