// netra_spawn: start a stage's process with posix_spawn instead of fork.
//
// Why: libuv (and so child_process.spawn) forks on Linux, and fork copies the parent's
// page tables, so every spawn costs more as the supervisor's heap grows — measured here
// 0.7 ms per `true` from a 65 MB Node process, 2.5 ms from a 130 MB one. glibc's
// posix_spawn uses clone(CLONE_VM | CLONE_VFORK): no copy, a flat ~0.3 ms at any size.
// See docs/performance.md and bench/chain-overhead.mjs.
//
// What it does, and no more (the rest stays in TypeScript, src/engine/process/):
//   spawn(file, argv, envp, cwd, onExit) -> [pid, outputFd]
// - the child gets its own session and process group (like `detached: true`), stdin
//   from /dev/null, stdout and stderr on one pipe whose read end is returned;
// - signal dispositions and mask are reset to defaults (Node ignores SIGPIPE, and an
//   ignored signal would survive exec);
// - `file` without a slash is looked up in the PATH of `envp` (as child_process does);
// - a failure to start throws an Error whose `code` is the errno name (ENOENT, EACCES…);
// - onExit(code, signal) runs once the process has ended and been reaped: its exit is
//   noticed through a pidfd watched by the event loop, and it is reaped here with
//   waitpid on its own pid, so libuv's SIGCHLD handling (which only reaps its own
//   children) never sees it.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

typedef struct {
  uv_poll_t poll;
  int pidfd;
  pid_t pid;
  napi_env env;
  napi_ref on_exit;
  napi_async_context async;
} child_t;

static int pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

static void free_child(uv_handle_t* handle) { free(handle->data); }

static void report_exit(child_t* child, int status) {
  napi_env env = child->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value callback, receiver, argv[2], ignored;
  napi_get_reference_value(env, child->on_exit, &callback);
  napi_get_global(env, &receiver);
  if (WIFSIGNALED(status)) {
    napi_get_null(env, &argv[0]);
    napi_create_int32(env, WTERMSIG(status), &argv[1]);
  } else {
    napi_create_int32(env, WEXITSTATUS(status), &argv[0]);
    napi_get_null(env, &argv[1]);
  }
  // make_callback, not call_function: promise reactions queued by the callback run
  // right after it, as they do after any other I/O callback.
  if (napi_make_callback(env, child->async, receiver, callback, 2, argv, &ignored) == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_delete_reference(env, child->on_exit);
  napi_async_destroy(env, child->async);
  napi_close_handle_scope(env, scope);
}

static void on_pidfd_readable(uv_poll_t* poll, int status, int events) {
  (void)status;
  (void)events;
  child_t* child = poll->data;
  int wstatus = 0;
  pid_t reaped;
  do reaped = waitpid(child->pid, &wstatus, WNOHANG);
  while (reaped < 0 && errno == EINTR);
  if (reaped == 0) return;  // not ended yet: a spurious wake-up
  uv_poll_stop(poll);
  close(child->pidfd);
  // reaped < 0 cannot happen for our own unreaped child; report it as exit 255.
  report_exit(child, reaped > 0 ? wstatus : (255 << 8));
  uv_close((uv_handle_t*)poll, free_child);
}

static char* string_of(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char* text = malloc(length + 1);
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

static void free_strings(char** list) {
  if (!list) return;
  for (char** p = list; *p; p++) free(*p);
  free(list);
}

static char** strings_of(napi_env env, napi_value array) {
  uint32_t count = 0;
  if (napi_get_array_length(env, array, &count) != napi_ok) return NULL;
  char** list = calloc(count + 1, sizeof(char*));
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    napi_get_element(env, array, i, &item);
    list[i] = string_of(env, item);
    if (!list[i]) {
      free_strings(list);
      return NULL;
    }
  }
  return list;
}

static int executable_file(const char* path) {
  struct stat st;
  return access(path, X_OK) == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

// execvp's search, with the child's PATH and relative entries taken from its cwd.
// Returns a malloc'd path, or NULL with errno ENOENT / EACCES.
static char* find_executable(const char* file, char* const envp[], const char* cwd) {
  if (strchr(file, '/')) return strdup(file);
  const char* path = "/usr/local/bin:/usr/bin:/bin";
  for (char* const* e = envp; *e; e++)
    if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5;
  int saw_denied = 0;
  size_t file_len = strlen(file), cwd_len = strlen(cwd);
  for (const char* start = path;; start++) {
    const char* end = strchrnul(start, ':');
    size_t dir_len = (size_t)(end - start);
    char* candidate = malloc(cwd_len + dir_len + file_len + 4);
    if (dir_len == 0) sprintf(candidate, "%s/%s", cwd, file);
    else if (start[0] == '/') sprintf(candidate, "%.*s/%s", (int)dir_len, start, file);
    else sprintf(candidate, "%s/%.*s/%s", cwd, (int)dir_len, start, file);
    if (executable_file(candidate)) return candidate;
    if (access(candidate, F_OK) == 0) saw_denied = 1;
    free(candidate);
    if (*end == '\0') break;
    start = end;
  }
  errno = saw_denied ? EACCES : ENOENT;
  return NULL;
}

static napi_value throw_errno(napi_env env, int error) {
  const char* names[] = {[ENOENT] = "ENOENT", [EACCES] = "EACCES", [ENOEXEC] = "ENOEXEC", [E2BIG] = "E2BIG", [ENOMEM] = "ENOMEM", [EAGAIN] = "EAGAIN", [EMFILE] = "EMFILE", [ENOTDIR] = "ENOTDIR"};
  const char* code = (error > 0 && error < (int)(sizeof names / sizeof *names) && names[error]) ? names[error] : "ESPAWN";
  napi_throw_error(env, code, strerror(error));
  return NULL;
}

static int start(pid_t* pid, const char* file, char* const argv[], char* const envp[], const char* cwd, int output) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, output, 1);
  posix_spawn_file_actions_adddup2(&actions, output, 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd);
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  int error = posix_spawn(pid, file, &actions, &attributes, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return error;
}

static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "spawn(file, argv, envp, cwd, onExit)");
    return NULL;
  }
  char* file = string_of(env, args[0]);
  char** argv = strings_of(env, args[1]);
  char** envp = strings_of(env, args[2]);
  char* cwd = string_of(env, args[3]);
  napi_value result = NULL;
  int pipe_fds[2] = {-1, -1};
  char* resolved = NULL;
  int error = 0;
  pid_t pid = 0;
  if (!file || !argv || !envp || !cwd) {
    napi_throw_type_error(env, NULL, "spawn: file, cwd must be strings; argv, envp arrays of strings");
    goto done;
  }
  resolved = find_executable(file, envp, cwd);
  if (!resolved) {
    throw_errno(env, errno);
    goto done;
  }
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw_errno(env, errno);
    goto done;
  }
  int pidfd = -1;
  error = start(&pid, resolved, argv, envp, cwd, pipe_fds[1]);
  close(pipe_fds[1]);
  if (error == 0) pidfd = pidfd_open(pid);
  if (error != 0 || pidfd < 0) {
    if (error == 0) {  // started, but cannot be watched: end it rather than lose it
      error = errno;
      kill(-pid, SIGKILL);
      waitpid(pid, NULL, 0);
    }
    close(pipe_fds[0]);
    throw_errno(env, error);
    goto done;
  }
  child_t* child = calloc(1, sizeof(child_t));
  child->pid = pid;
  child->pidfd = pidfd;
  child->env = env;
  napi_value resource_name;
  napi_create_string_utf8(env, "netra_spawn", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &child->async);
  napi_create_reference(env, args[4], 1, &child->on_exit);
  uv_loop_t* loop;
  napi_get_uv_event_loop(env, &loop);
  uv_poll_init(loop, &child->poll, pidfd);
  child->poll.data = child;
  uv_poll_start(&child->poll, UV_READABLE, on_pidfd_readable);

  napi_value value;
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, pid, &value);
  napi_set_element(env, result, 0, value);
  napi_create_int32(env, pipe_fds[0], &value);
  napi_set_element(env, result, 1, value);
done:
  free(resolved);
  free(file);
  free(cwd);
  free_strings(argv);
  free_strings(envp);
  return result;
}

// Whether this kernel lets us watch a process through a pidfd (Linux >= 5.3, and not
// refused by a seccomp filter). Without it the TypeScript side uses child_process.
static napi_value Available(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = pidfd_open(getpid());
  if (fd >= 0) close(fd);
  napi_value result;
  napi_get_boolean(env, fd >= 0, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value spawn_fn, available_fn;
  napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, Spawn, NULL, &spawn_fn);
  napi_create_function(env, "available", NAPI_AUTO_LENGTH, Available, NULL, &available_fn);
  napi_set_named_property(env, exports, "spawn", spawn_fn);
  napi_set_named_property(env, exports, "available", available_fn);
  return exports;
}
