// netra_spawn: start a stage's process with posix_spawn instead of fork.
//
// Why: libuv (and so child_process.spawn) forks on Linux, and fork copies the parent's
// page tables, so every spawn costs more as the supervisor's heap grows — measured here
// 0.7 ms per `true` from a 65 MB Node process, 2.5 ms from a 130 MB one. glibc's
// posix_spawn uses clone(CLONE_VM | CLONE_VFORK): no copy, a flat ~0.3 ms at any size.
// See docs/performance.md and bench/chain-overhead.mjs.
//
// What it does, and no more (the rest stays in TypeScript, src/engine/process/, which
// also looks the command up in PATH and refuses NUL bytes before calling this):
//   spawn(path, argv, envp, cwd, onExit) -> [pid, outputFd]
// - the child gets its own session and process group (like `detached: true`), stdin
//   from /dev/null, stdout and stderr on one pipe whose read end is returned, so the
//   stage log keeps the order in which they were written;
// - every signal, 1 to SIGRTMAX, is unblocked and at its default disposition (Node
//   ignores SIGPIPE, glibc would leave its own two internal signals ignored, and an
//   ignored signal survives exec);
// - a file the kernel cannot execute (ENOEXEC: a script without `#!`) is run by
//   /bin/sh, as execvp and child_process do;
// - every failure — a system call, a string holding a NUL byte, N-API itself — throws an
//   Error whose `code` is the errno name (ENOENT, EACCES…), and leaves nothing running;
// - onExit(code, signal) runs once the process has ended and been reaped: its exit is
//   noticed through a pidfd watched by the event loop, and it is reaped here with
//   waitpid on its own pid, so libuv's SIGCHLD handling (which only reaps its own
//   children) never sees it. The pidfd is closed only once libuv has closed its
//   handle: closed earlier, its number could be reused by the next spawn's pidfd, which
//   libuv's late clean-up of the old handle would then unregister from epoll.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void close_quietly(int fd) {
  if (fd >= 0) close(fd);  // on Linux the fd is gone even when close reports EINTR
}

// ---- errors ---------------------------------------------------------------------------

static const char* errno_name(int error) {
  switch (error) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case E2BIG: return "E2BIG";
    case ENOMEM: return "ENOMEM";
    case EAGAIN: return "EAGAIN";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOTDIR: return "ENOTDIR";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ETXTBSY: return "ETXTBSY";
    case EPERM: return "EPERM";
    case EISDIR: return "EISDIR";
    default: return "ESPAWN";
  }
}

static napi_value throw_errno(napi_env env, int error, const char* what) {
  char message[256];
  snprintf(message, sizeof message, "%s: %s", what, strerror(error));
  napi_throw_error(env, errno_name(error), message);
  return NULL;
}

// ---- the exit watch -------------------------------------------------------------------

static void free_child(uv_handle_t* handle) {
  child_t* child = handle->data;
  close_quietly(child->pidfd);  // now, not before: see the top of this file
  free(child);
}

// Runs onExit(code, signal). A failing N-API call here has no caller to throw to: it is
// a bug in the addon, so it ends the process loudly rather than losing an exit.
static void report_exit(child_t* child, int status) {
  napi_env env = child->env;
  napi_handle_scope scope;
  napi_value callback, receiver, argv[2], ignored;
  int ok = napi_open_handle_scope(env, &scope) == napi_ok;
  ok = ok && napi_get_reference_value(env, child->on_exit, &callback) == napi_ok;
  ok = ok && napi_get_global(env, &receiver) == napi_ok;
  if (WIFSIGNALED(status)) {
    ok = ok && napi_get_null(env, &argv[0]) == napi_ok;
    ok = ok && napi_create_int32(env, WTERMSIG(status), &argv[1]) == napi_ok;
  } else {
    ok = ok && napi_create_int32(env, WEXITSTATUS(status), &argv[0]) == napi_ok;
    ok = ok && napi_get_null(env, &argv[1]) == napi_ok;
  }
  if (!ok) napi_fatal_error("netra_spawn", NAPI_AUTO_LENGTH, "cannot report a child's exit", NAPI_AUTO_LENGTH);
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

static void finish(child_t* child, int wstatus) {
  uv_poll_stop(&child->poll);
  uv_close((uv_handle_t*)&child->poll, free_child);  // frees `child` on a later turn
  report_exit(child, wstatus);
}

static void on_pidfd_readable(uv_poll_t* poll, int status, int events) {
  (void)events;
  child_t* child = poll->data;
  int wstatus = 0;
  pid_t reaped;
  do reaped = waitpid(child->pid, &wstatus, WNOHANG);
  while (reaped < 0 && errno == EINTR);
  // reaped < 0 cannot happen for our own unreaped child; report it as exit 255.
  if (reaped != 0) {
    finish(child, reaped > 0 ? wstatus : (255 << 8));
    return;
  }
  if (status == 0) return;  // not ended yet: a spurious wake-up
  // libuv stopped watching after a polling error: watch again, or, if even that fails,
  // end the child rather than never hear of it.
  if (uv_poll_start(poll, UV_READABLE, on_pidfd_readable) == 0) return;
  kill(-child->pid, SIGKILL);
  do reaped = waitpid(child->pid, &wstatus, 0);
  while (reaped < 0 && errno == EINTR);
  finish(child, reaped > 0 ? wstatus : (255 << 8));
}

// ---- arguments ------------------------------------------------------------------------

// A malloc'd copy of a JS string; NULL with errno EINVAL when it is not a string or holds
// a NUL byte (C would silently cut it there), ENOMEM when out of memory.
static char* string_of(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return errno = EINVAL, NULL;
  char* text = malloc(length + 1);
  if (!text) return errno = ENOMEM, NULL;
  if (napi_get_value_string_utf8(env, value, text, length + 1, &length) != napi_ok || strlen(text) != length) {
    free(text);
    return errno = EINVAL, NULL;
  }
  return text;
}

static void free_strings(char** list) {
  if (!list) return;
  for (char** p = list; *p; p++) free(*p);
  free(list);
}

static char** strings_of(napi_env env, napi_value array) {
  uint32_t count = 0;
  if (napi_get_array_length(env, array, &count) != napi_ok) return errno = EINVAL, NULL;
  char** list = calloc(count + 1, sizeof(char*));
  if (!list) return errno = ENOMEM, NULL;
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    if (napi_get_element(env, array, i, &item) != napi_ok) errno = EINVAL;
    else list[i] = string_of(env, item);
    if (!list[i]) {
      int error = errno;
      free_strings(list);
      return errno = error, NULL;
    }
  }
  return list;
}

// ---- starting -------------------------------------------------------------------------

// Every signal from 1 to SIGRTMAX. Not with sigaddset: it refuses the two signals glibc
// keeps for itself (32 and 33), which posix_spawn would then leave *ignored* in the
// child. A sigset_t is an array of words with signal n at bit n-1, in glibc and musl.
static void fill_every_signal(sigset_t* set) {
  unsigned long words[sizeof(sigset_t) / sizeof(unsigned long)] = {0};
  const int bits = 8 * sizeof(unsigned long);
  for (int sig = 1; sig <= SIGRTMAX; sig++) words[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits);
  memcpy(set, words, sizeof words);
}

// posix_spawn with our file actions and attributes; returns 0 or an errno.
static int start(pid_t* pid, const char* path, char* const argv[], char* const envp[], const char* cwd, int output) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  sigset_t every, none;
  fill_every_signal(&every);
  sigemptyset(&none);
  int error = posix_spawn_file_actions_init(&actions);
  if (error) return error;
  error = posix_spawnattr_init(&attributes);
  if (error) {
    posix_spawn_file_actions_destroy(&actions);
    return error;
  }
  if (!error) error = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (!error) error = posix_spawn_file_actions_adddup2(&actions, output, 1);
  if (!error) error = posix_spawn_file_actions_adddup2(&actions, output, 2);
  if (!error) error = posix_spawn_file_actions_addchdir_np(&actions, cwd);
  if (!error) error = posix_spawnattr_setsigdefault(&attributes, &every);
  if (!error) error = posix_spawnattr_setsigmask(&attributes, &none);
  if (!error) error = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  if (!error) error = posix_spawn(pid, path, &actions, &attributes, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  return error;
}

// A script without `#!`: run it with /bin/sh, as execvp does — sh PATH ARGS…
static int start_as_script(pid_t* pid, const char* path, char* const argv[], char* const envp[], const char* cwd, int output) {
  size_t count = 0;
  while (argv[count]) count++;
  const char** shell_argv = calloc(count + 2, sizeof(char*));
  if (!shell_argv) return ENOMEM;
  shell_argv[0] = "/bin/sh";
  shell_argv[1] = path;
  for (size_t i = 1; i < count; i++) shell_argv[i + 1] = argv[i];
  int error = start(pid, "/bin/sh", (char* const*)shell_argv, envp, cwd, output);
  free(shell_argv);
  return error;
}

// Ends a child we started but cannot hand over: nothing may be left running.
static void abandon(pid_t pid) {
  kill(-pid, SIGKILL);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
  }
}

// Watches `pid` through `pidfd` and returns [pid, outputFd]. Owns `pidfd` from here on,
// whatever happens. NULL (with a pending exception) when N-API or libuv fails: the
// caller then abandons the child.
static napi_value watch(napi_env env, napi_value on_exit, pid_t pid, int pidfd, int output) {
  uv_loop_t* loop;
  napi_value resource_name, result, value;
  child_t* child = NULL;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || napi_create_array_with_length(env, 2, &result) != napi_ok || napi_create_int32(env, pid, &value) != napi_ok ||
      napi_set_element(env, result, 0, value) != napi_ok || napi_create_int32(env, output, &value) != napi_ok || napi_set_element(env, result, 1, value) != napi_ok ||
      napi_create_string_utf8(env, "netra_spawn", NAPI_AUTO_LENGTH, &resource_name) != napi_ok || !(child = calloc(1, sizeof(child_t)))) {
    close_quietly(pidfd);
    return throw_errno(env, ENOMEM, "spawn: preparing the result");
  }
  child->pid = pid;
  child->pidfd = pidfd;
  child->env = env;
  child->poll.data = child;
  int error = uv_poll_init(loop, &child->poll, pidfd);
  if (error != 0) {  // not initialised: libuv holds nothing
    free_child((uv_handle_t*)&child->poll);
    return throw_errno(env, -error, "watching the process (uv_poll_init)");
  }
  child->poll.data = child;
  if (napi_async_init(env, NULL, resource_name, &child->async) != napi_ok) {
    uv_close((uv_handle_t*)&child->poll, free_child);
    return throw_errno(env, ENOMEM, "napi_async_init");
  }
  if (napi_create_reference(env, on_exit, 1, &child->on_exit) != napi_ok) {
    napi_async_destroy(env, child->async);
    uv_close((uv_handle_t*)&child->poll, free_child);
    return throw_errno(env, ENOMEM, "napi_create_reference");
  }
  error = uv_poll_start(&child->poll, UV_READABLE, on_pidfd_readable);
  if (error != 0) {
    napi_delete_reference(env, child->on_exit);
    napi_async_destroy(env, child->async);
    uv_close((uv_handle_t*)&child->poll, free_child);  // closes the pidfd after libuv
    return throw_errno(env, -error, "watching the process (uv_poll_start)");
  }
  return result;
}

static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value args[5];
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 5) {
    napi_throw_type_error(env, NULL, "spawn(path, argv, envp, cwd, onExit)");
    return NULL;
  }
  napi_value result = NULL;
  int pipe_fds[2] = {-1, -1};
  pid_t pid = 0;
  int error = 0;
  char* path = string_of(env, args[0]);
  char** argv = path ? strings_of(env, args[1]) : NULL;
  char** envp = argv ? strings_of(env, args[2]) : NULL;
  char* cwd = envp ? string_of(env, args[3]) : NULL;
  if (!cwd) {
    throw_errno(env, errno, errno == EINVAL ? "path, argv, envp and cwd must be strings without NUL bytes" : "spawn");
    goto done;
  }
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    throw_errno(env, errno, "pipe2");
    goto done;
  }
  error = start(&pid, path, argv, envp, cwd, pipe_fds[1]);
  if (error == ENOEXEC) error = start_as_script(&pid, path, argv, envp, cwd, pipe_fds[1]);
  close_quietly(pipe_fds[1]);
  if (error != 0) {
    close_quietly(pipe_fds[0]);
    throw_errno(env, error, path);
    goto done;
  }
  int pidfd = pidfd_open(pid);
  if (pidfd < 0) {  // started, but cannot be watched: end it rather than lose it
    error = errno;
    abandon(pid);
    close_quietly(pipe_fds[0]);
    throw_errno(env, error, "pidfd_open");
    goto done;
  }
  result = watch(env, args[4], pid, pidfd, pipe_fds[0]);
  if (!result) {
    abandon(pid);
    close_quietly(pipe_fds[0]);
  }
done:
  free(path);
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
  close_quietly(fd);
  napi_value result;
  if (napi_get_boolean(env, fd >= 0, &result) != napi_ok) return NULL;
  return result;
}

NAPI_MODULE_INIT() {
  napi_value spawn_fn, available_fn;
  if (napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, Spawn, NULL, &spawn_fn) != napi_ok ||
      napi_create_function(env, "available", NAPI_AUTO_LENGTH, Available, NULL, &available_fn) != napi_ok ||
      napi_set_named_property(env, exports, "spawn", spawn_fn) != napi_ok ||
      napi_set_named_property(env, exports, "available", available_fn) != napi_ok) {
    napi_throw_error(env, NULL, "netra_spawn: cannot set up the module");
    return NULL;
  }
  return exports;
}
