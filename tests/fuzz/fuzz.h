/* What every fuzz target shares: the libFuzzer entry points, and a check that
 * stops the run when a property of the code under test does not hold, so a
 * wrong answer is reported like a crash (libFuzzer saves the input). */
#ifndef LB_FUZZ_H
#define LB_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: called once before the first input (replay.c calls it too). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, ...)                                                                      \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "FUZZ CHECK FAILED (%s:%d): %s: ", __FILE__, __LINE__, #cond);               \
      fprintf(stderr, __VA_ARGS__);                                                                \
      fputc('\n', stderr);                                                                         \
      abort();                                                                                     \
    }                                                                                              \
  } while (0)

/* The daemon's directory of a fuzz target (made with mkdtemp): its files
 * (socket, config, database, lock) and then the directory, at exit. */
static inline void fuzz_remove_dir(const char *dir) {
  static const char *const files[] = {"lumbard.sock",   "lumbard.conf",   "lumbard.db",
                                      "lumbard.db-wal", "lumbard.db-shm", "lumbard.lock",
                                      "plugin-guard"};
  char path[200];
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

#endif
