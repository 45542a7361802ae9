/* What every closure test program prints:
 *   T <label> <value>      one counter-derived value (masked or compared by the tests)
 *   MAP <path>             each distinct file of /proc/self/maps whose name contains ".so"
 *                          or is the running executable: which copies the loader picked
 * then "ok". */
#ifndef SHOW_H
#define SHOW_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void show(const char *label, uint64_t v)
{
    printf("T %s %llu\n", label, (unsigned long long)v);
}

static void show_maps(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096], seen[64][512];
    int n = 0;
    if (!f) {
        printf("MAP unavailable\n");
        return;
    }
    while (fgets(line, sizeof line, f)) {
        char *path = strchr(line, '/');
        if (!path)
            continue;
        path[strcspn(path, "\n")] = 0;
        if (!strstr(path, ".so") && !strstr(path, "/bin/"))
            continue;
        int dup = 0;
        for (int i = 0; i < n; i++)
            if (strcmp(seen[i], path) == 0)
                dup = 1;
        if (dup || n == 64)
            continue;
        snprintf(seen[n++], sizeof seen[0], "%s", path);
        printf("MAP %s\n", path);
    }
    fclose(f);
}
#endif
