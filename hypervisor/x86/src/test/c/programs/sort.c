#include "rt.h"
#define N 3000
static uint32_t seed = 12345;
static uint32_t rnd(void) { seed = seed * 1103515245u + 12345u; return seed >> 8; }
static int a[N], b[N], tmp[N];

static void quicksort(int *v, int lo, int hi) {
    while (lo < hi) {
        int p = v[(lo + hi) / 2], i = lo, j = hi;
        while (i <= j) {
            while (v[i] < p) i++;
            while (v[j] > p) j--;
            if (i <= j) { int t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
        }
        if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; } else { quicksort(v, i, hi); hi = j; }
    }
}

static void mergesort(int *v, int n) {
    for (int w = 1; w < n; w *= 2) {
        for (int i = 0; i < n; i += 2 * w) {
            int m = i + w < n ? i + w : n, e = i + 2 * w < n ? i + 2 * w : n, x = i, y = m, k = i;
            while (x < m && y < e) tmp[k++] = v[x] <= v[y] ? v[x++] : v[y++];
            while (x < m) tmp[k++] = v[x++];
            while (y < e) tmp[k++] = v[y++];
        }
        memcpy(v, tmp, n * sizeof(int));
    }
}

static void sift(int *v, int i, int n) {
    for (;;) {
        int l = 2 * i + 1, big = i;
        if (l < n && v[l] > v[big]) big = l;
        if (l + 1 < n && v[l + 1] > v[big]) big = l + 1;
        if (big == i) return;
        int t = v[i]; v[i] = v[big]; v[big] = t; i = big;
    }
}

static void heapsort(int *v, int n) {
    for (int i = n / 2 - 1; i >= 0; i--) sift(v, i, n);
    for (int e = n - 1; e > 0; e--) { int t = v[0]; v[0] = v[e]; v[e] = t; sift(v, 0, e); }
}

static int cmp_desc(const void *x, const void *y) { return *(const int *) y - *(const int *) x; }

static void insertion(int *v, int n, int (*cmp)(const void *, const void *)) {
    for (int i = 1; i < n; i++) {
        int key = v[i], j = i - 1;
        while (j >= 0 && cmp(&v[j], &key) > 0) { v[j + 1] = v[j]; j--; }
        v[j + 1] = key;
    }
}

static uint64_t checksum(const int *v, int n) {
    uint64_t h = 1469598103934665603ul;
    for (int i = 0; i < n; i++) { h ^= (uint32_t) v[i]; h *= 1099511628211ul; }
    return h;
}

static int sorted(const int *v, int n) {
    for (int i = 1; i < n; i++) if (v[i - 1] > v[i]) return 0;
    return 1;
}

int main(void) {
    for (int i = 0; i < N; i++) a[i] = (int) (rnd() % 100000) - 50000;
    memcpy(b, a, sizeof a);
    quicksort(b, 0, N - 1);
    rt_printf("quicksort sorted=%d sum=%lx\n", sorted(b, N), checksum(b, N));
    memcpy(b, a, sizeof a);
    mergesort(b, N);
    rt_printf("mergesort sorted=%d sum=%lx\n", sorted(b, N), checksum(b, N));
    memcpy(b, a, sizeof a);
    heapsort(b, N);
    rt_printf("heapsort sorted=%d sum=%lx min=%d max=%d\n", sorted(b, N), checksum(b, N), b[0], b[N - 1]);
    memcpy(b, a, 400 * sizeof(int));
    insertion(b, 400, cmp_desc);
    rt_printf("insertion desc first=%d last=%d sum=%lx\n", b[0], b[399], checksum(b, 400));
    return 0;
}
