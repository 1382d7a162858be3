/*
 * Test tool only: stands in for kmsdb in the module's tests of how a run can end. Built for
 * Linux (gcc) and Windows (mingw-w64). What it does comes from the environment:
 *   KMSDB_STUB_READ=0     close stdin at once and wait a little, without reading it (a kmsdb that
 *                         dies before it reads its request); otherwise read the request, stdin's
 *                         first line (or all of it, when it has no line break), as kmsdb does
 *   KMSDB_STUB_STDOUT     text to print on stdout (answers)
 *   KMSDB_STUB_STDERR     text to print on stderr
 *   KMSDB_STUB_REPORT     print kmsdb's exit report {"type":"exit","code":N} with this N
 *   KMSDB_STUB_EXIT       the exit code: decimal or 0x hex, may be negative (NTSTATUS codes);
 *                         SIGSEGV on Linux ends by that signal
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v ? v : "";
}

int main(void) {
  if (strcmp(env("KMSDB_STUB_READ"), "0") == 0) {
#ifdef _WIN32
    CloseHandle(GetStdHandle(STD_INPUT_HANDLE));
    Sleep(1500);
#else
    close(0);
    usleep(1500 * 1000);
#endif
  } else {
    /* kmsdb reads its request as stdin's first line: a requester that waits for a plan keeps stdin open. */
    int c;
    while ((c = getchar()) != EOF && c != '\n') {
    }
  }
  fputs(env("KMSDB_STUB_STDOUT"), stdout);
  fflush(stdout);
  fputs(env("KMSDB_STUB_STDERR"), stderr);
  if (*env("KMSDB_STUB_REPORT")) fprintf(stderr, "\n{\"type\":\"exit\",\"code\":%s}\n", env("KMSDB_STUB_REPORT"));
  fflush(stderr);
  const char *code = env("KMSDB_STUB_EXIT");
#ifndef _WIN32
  if (strcmp(code, "SIGSEGV") == 0) raise(SIGSEGV);
#endif
  long value = strtol(code, NULL, 0);
  if (strncmp(code, "0x", 2) == 0 || strncmp(code, "0X", 2) == 0) value = (long)strtoul(code, NULL, 16);
#ifdef _WIN32
  ExitProcess((UINT)value);
#endif
  return (int)value;
}
