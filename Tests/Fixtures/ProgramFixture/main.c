// program-fixture: a tiny C program that misbehaves on request, for the program-cell tests.
//
//     program-fixture mallocs N     mallocs and frees exactly N blocks, prints "done N"
//     program-fixture exit CODE     exits with CODE
//     program-fixture signal        kills itself with SIGSEGV
//     program-fixture sleep S       sleeps S seconds, prints "slept"
//     program-fixture echo          copies standard input to standard output
//     program-fixture misbehave     prints "result 42", or "result 41" when the LD_PRELOAD it runs
//                                   with contains the text in FIXTURE_MISBEHAVE_UNDER
//
// Output goes through write(2), never stdio: stdio allocates its buffer, and the mallocs test
// checks that the program's count is exactly N.
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void say(const char *text) {
    size_t length = strlen(text);
    while (length > 0) {
        ssize_t written = write(STDOUT_FILENO, text, length);
        if (written <= 0) exit(3);
        text += written;
        length -= (size_t)written;
    }
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (strcmp(argv[1], "mallocs") == 0 && argc == 3) {
        long count = strtol(argv[2], NULL, 10);
        for (long i = 0; i < count; i++) {
            // volatile: the compiler may not pair the malloc with the free and drop both.
            char *volatile block = malloc((size_t)(16 + i % 200));
            if (!block) return 4;
            block[0] = (char)i;
            free(block);
        }
        say("done ");
        say(argv[2]);
        say("\n");
        return 0;
    }
    if (strcmp(argv[1], "exit") == 0 && argc == 3) return atoi(argv[2]);
    if (strcmp(argv[1], "signal") == 0) {
        raise(SIGSEGV);
        return 0;
    }
    if (strcmp(argv[1], "sleep") == 0 && argc == 3) {
        sleep((unsigned)atoi(argv[2]));
        say("slept\n");
        return 0;
    }
    if (strcmp(argv[1], "echo") == 0) {
        char buffer[4096];
        ssize_t count;
        while ((count = read(STDIN_FILENO, buffer, sizeof buffer - 1)) > 0) {
            buffer[count] = 0;
            say(buffer);
        }
        return 0;
    }
    if (strcmp(argv[1], "misbehave") == 0) {
        const char *preload = getenv("LD_PRELOAD"), *trigger = getenv("FIXTURE_MISBEHAVE_UNDER");
        int misbehaves = preload && trigger && *trigger && strstr(preload, trigger);
        say(misbehaves ? "result 41\n" : "result 42\n");
        return 0;
    }
    return 2;
}
