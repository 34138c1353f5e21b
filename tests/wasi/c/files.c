// Exercises arguments, environment, stdin, and a preopened directory ("data"): reading, writing,
// appending, seeking, truncating, renaming, listing and removing. Output must be byte-identical
// under wasmi-ts and under V8 with node:wasi.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    printf("opendir %s: %s\n", path, strerror(errno));
    return;
  }
  char *names[64];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], by_name);
  printf("%s:", path);
  for (int i = 0; i < n; i++) {
    struct stat st;
    char full[256];
    snprintf(full, sizeof full, "%s/%s", path, names[i]);
    if (stat(full, &st) == 0) {
      printf(" %s(%s,%lld)", names[i], S_ISDIR(st.st_mode) ? "dir" : "file", (long long)st.st_size);
    }
    free(names[i]);
  }
  printf("\n");
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) printf("argv[%d] = \"%s\"\n", i, argv[i]);
  const char *vars[] = {"GREETING", "EMPTY", "MISSING"};
  for (int i = 0; i < 3; i++) {
    const char *v = getenv(vars[i]);
    printf("%s=%s\n", vars[i], v ? v : "(unset)");
  }

  // stdin: count lines and bytes, echo the first line upper-cased.
  char line[256];
  int lines = 0;
  size_t bytes = 0;
  while (fgets(line, sizeof line, stdin)) {
    if (lines == 0) {
      for (char *p = line; *p; p++) putchar(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    }
    lines++;
    bytes += strlen(line);
  }
  printf("stdin: %d lines, %zu bytes\n", lines, bytes);

  FILE *in = fopen("data/input.txt", "r");
  if (!in) {
    printf("fopen input: %s\n", strerror(errno));
    return 3;
  }
  long sum = 0;
  int x;
  while (fscanf(in, "%d", &x) == 1) sum += x;
  fclose(in);
  printf("sum = %ld\n", sum);

  FILE *out = fopen("data/out/result.txt", "w");
  if (!out) printf("fopen out (no dir yet): %s\n", strerror(errno));
  if (mkdir("data/out", 0755) != 0) printf("mkdir: %s\n", strerror(errno));
  out = fopen("data/out/result.txt", "w");
  fprintf(out, "sum=%ld\n", sum);
  fclose(out);
  out = fopen("data/out/result.txt", "a");
  fprintf(out, "appended\n");
  fclose(out);

  int fd = open("data/out/result.txt", O_RDWR);
  off_t end = lseek(fd, 0, SEEK_END);
  lseek(fd, 4, SEEK_SET);
  char buf[8] = {0};
  read(fd, buf, 3);
  printf("size %lld, bytes 4..7 \"%s\"\n", (long long)end, buf);
  ftruncate(fd, 6);
  close(fd);

  if (rename("data/out/result.txt", "data/out/renamed.txt") != 0) printf("rename: %s\n", strerror(errno));
  if (unlink("data/scratch.tmp") != 0) printf("unlink scratch: %s\n", strerror(errno));
  if (unlink("data/missing.tmp") != 0) printf("unlink missing: %s\n", strerror(errno));
  if (rmdir("data/out") != 0) printf("rmdir non-empty: %s\n", strerror(errno));
  if (open("data/../escape.txt", O_WRONLY | O_CREAT, 0644) >= 0) printf("escaped!\n");
  else printf("escape: %s\n", strerror(errno));
  list("data");
  list("data/out");
  fprintf(stderr, "done with %d args\n", argc - 1);
  return argc > 3 ? 9 : 0;
}
