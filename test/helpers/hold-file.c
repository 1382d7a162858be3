/* Holds a file open the way another Windows program would (KMS, backup software,
 * antivirus), with chosen sharing, until told to let go.
 * usage: hold-file.exe PATH r|rw READY_FILE STOP_FILE */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
  if (argc != 5) return 2;
  DWORD share = FILE_SHARE_READ | (lstrcmpW(argv[2], L"rw") == 0 ? FILE_SHARE_WRITE : 0);
  HANDLE h = CreateFileW(argv[1], GENERIC_READ, share, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
  if (h == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "open failed: %lu\n", GetLastError());
    return 1;
  }
  HANDLE ready = CreateFileW(argv[3], GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  CloseHandle(ready);
  for (int i = 0; i < 1200 && GetFileAttributesW(argv[4]) == INVALID_FILE_ATTRIBUTES; i++) Sleep(50);
  CloseHandle(h);
  return 0;
}
