// Arithmetic and libc formatting: integer and floating-point printing, parsing, sorting and
// allocation, with the input numbers read from stdin. Output must be byte-identical under
// wasmi-ts and under V8 with node:wasi.
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(void) {
  double values[256];
  int n = 0;
  char word[64];
  while (n < 256 && scanf("%63s", word) == 1) values[n++] = strtod(word, NULL);
  qsort(values, n, sizeof values[0], cmp);
  double sum = 0;
  for (int i = 0; i < n; i++) {
    printf("%d: %.17g %a %e\n", i, values[i], values[i], values[i]);
    sum += values[i];
  }
  printf("sum %.10f mean %g sqrt %.15g\n", sum, n ? sum / n : 0.0, sqrt(fabs(sum)));
  printf("sin %.15g exp %.15g pow %.15g fmod %.15g\n", sin(sum), exp(1.5), pow(2.0, 0.5),
         fmod(sum, 7.25));

  // A sieve in a heap buffer, 64-bit hashing, integer edge cases.
  int limit = 100000;
  char *composite = calloc(limit + 1, 1);
  int primes = 0;
  uint64_t hash = 1469598103934665603ull;
  for (int i = 2; i <= limit; i++) {
    if (composite[i]) continue;
    primes++;
    hash = (hash ^ (uint64_t)i) * 1099511628211ull;
    for (long j = (long)i * i; j <= limit; j += i) composite[j] = 1;
  }
  free(composite);
  printf("primes below %d: %d, hash %016" PRIx64 "\n", limit, primes, hash);
  printf("%d %d %u %" PRId64 " %" PRIu64 "\n", INT32_MIN / -1 == INT32_MIN ? 1 : 0, -7 / 2,
         (unsigned)-1, INT64_MIN, UINT64_MAX);
  printf("%f %f %f %.3f\n", NAN, INFINITY, -0.0, 1e-300 * 1e-300);
  char *big = malloc(1 << 20);
  memset(big, 'z', 1 << 20);
  big[(1 << 20) - 1] = 0;
  printf("strlen %zu\n", strlen(big));
  free(big);
  return 0;
}
