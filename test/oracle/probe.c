/*
 * The oracle of the differential test: what the Windows profile API itself
 * returns for State and NumSCerts. A test tool only; it never ships.
 *
 * probe.exe LISTFILE
 *   LISTFILE holds one record path a line (UTF-8). For each, one JSON line:
 *   {"file":N,"sections":[{"name":"...","keys":["..."],"State":R,"NumSCerts":R},...]}
 *   with R = {"int":I|null,"str":"..."|null}; null is the caller's default.
 *   keys are the key names GetPrivateProfileSectionW returns for the section
 *   (with "keysTruncated":true when they did not fit).
 * Every character outside printable ASCII is written as \uXXXX, so the
 * output does not depend on any code page.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG (1 << 20)

static WCHAR names[BIG];
static WCHAR value[BIG];
static WCHAR lines[BIG];

static void put_json_string(const WCHAR *s, size_t n)
{
    size_t i;
    putchar('"');
    for (i = 0; i < n; i++) {
        WCHAR c = s[i];
        if (c == '"' || c == '\\') printf("\\%c", (char)c);
        else if (c >= 0x20 && c < 0x7f) putchar((char)c);
        else printf("\\u%04x", (unsigned)c);
    }
    putchar('"');
}

/*
 * The caller's default is recognised by asking twice with two different
 * defaults: a value in the file returns the same both times.
 */
static void probe_key(const WCHAR *section, const WCHAR *key, const WCHAR *file)
{
    static const WCHAR def1[] = L"\x01kmsdb-default-1\x01";
    static const WCHAR def2[] = L"\x02kmsdb-default-2\x02";
    UINT i1 = GetPrivateProfileIntW(section, key, 0x5eed0001, file);
    UINT i2 = GetPrivateProfileIntW(section, key, 0x5eed0002, file);
    DWORD n1, n2;

    printf("{\"int\":");
    if (i1 == 0x5eed0001 && i2 == 0x5eed0002) printf("null");
    else printf("%d", (int)i1);

    n2 = GetPrivateProfileStringW(section, key, def2, value, BIG, file);
    n2 = (n2 == wcslen(def2) && wcscmp(value, def2) == 0);
    n1 = GetPrivateProfileStringW(section, key, def1, value, BIG, file);
    printf(",\"str\":");
    if (n2 && n1 == wcslen(def1) && wcscmp(value, def1) == 0) printf("null");
    else put_json_string(value, n1);
    if (n1 >= BIG - 2) printf(",\"truncated\":true");
    putchar('}');
}

/* Each line of the section is key=value, or a key alone; only the key is printed. */
static void probe_keys(const WCHAR *section, const WCHAR *file)
{
    DWORD n = GetPrivateProfileSectionW(section, lines, BIG, file);
    const WCHAR *s;
    printf("\"keys\":[");
    for (s = lines; *s; s += wcslen(s) + 1) {
        const WCHAR *eq = wcschr(s, '=');
        if (s != lines) putchar(',');
        put_json_string(s, eq ? (size_t)(eq - s) : wcslen(s));
    }
    putchar(']');
    if (n >= BIG - 2) printf(",\"keysTruncated\":true");
}

int main(int argc, char **argv)
{
    FILE *list;
    char line[4096];
    int n = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: probe LISTFILE\n");
        return 2;
    }
    list = fopen(argv[1], "rb");
    if (!list) {
        fprintf(stderr, "probe: cannot open %s\n", argv[1]);
        return 2;
    }
    printf("{\"acp\":%u}\n", GetACP());
    while (fgets(line, sizeof line, list)) {
        WCHAR file[MAX_PATH * 2];
        size_t len = strlen(line);
        const WCHAR *s;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len) continue;
        if (!MultiByteToWideChar(CP_UTF8, 0, line, -1, file, MAX_PATH * 2)) {
            fprintf(stderr, "probe: bad path on line %d\n", n + 1);
            return 2;
        }
        GetPrivateProfileSectionNamesW(names, BIG, file);
        printf("{\"file\":%d,\"sections\":[", n++);
        for (s = names; *s; s += wcslen(s) + 1) {
            if (s != names) putchar(',');
            printf("{\"name\":");
            put_json_string(s, wcslen(s));
            putchar(',');
            probe_keys(s, file);
            printf(",\"State\":");
            probe_key(s, L"State", file);
            printf(",\"NumSCerts\":");
            probe_key(s, L"NumSCerts", file);
            putchar('}');
        }
        printf("]}\n");
    }
    fclose(list);
    fflush(stdout);
    return 0;
}
